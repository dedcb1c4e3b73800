package loadtest

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Result is what one wrk run measured.
type Result struct {
	Requests  int64
	Duration  time.Duration
	PerSecond float64
	P50, P99  time.Duration
	// Failed counts answers wrk took for errors (status 400 and above).
	Failed int64
	// SocketErrors counts connect, read, write and timeout errors.
	SocketErrors int64
	// ServerCPU is the CPU time the server used during the run (user and system).
	ServerCPU time.Duration
}

// CPUShare is the part of one CPU the server had during the run: below 1 when other work on
// the machine took its CPU from it.
func (r Result) CPUShare() float64 {
	if r.Duration <= 0 {
		return 0
	}
	return r.ServerCPU.Seconds() / r.Duration.Seconds()
}

// PerCPUSecond is the requests answered per second of server CPU time: what the server would
// answer per second on a CPU of its own, independent of what else the machine was doing.
func (r Result) PerCPUSecond() float64 {
	if r.ServerCPU <= 0 {
		return 0
	}
	return float64(r.Requests) / r.ServerCPU.Seconds()
}

// Errors is every request of the run that did not get a good answer.
func (r Result) Errors() int64 { return r.Failed + r.SocketErrors }

// ParseWrk reads the output of `wrk --latency`.
func ParseWrk(out string) (Result, error) {
	var r Result
	var seen struct{ rps, p50, p99, total bool }
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return r, fmt.Errorf("wrk: requests/sec %q: %w", f[1], err)
			}
			r.PerSecond, seen.rps = v, true
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := parseWrkDuration(f[1])
			if err != nil {
				return r, err
			}
			if f[0] == "50%" {
				r.P50, seen.p50 = d, true
			} else {
				r.P99, seen.p99 = d, true
			}
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return r, fmt.Errorf("wrk: request count %q: %w", f[0], err)
			}
			r.Requests, seen.total = n, true
			if d, err := parseWrkDuration(strings.TrimSuffix(f[3], ",")); err == nil {
				r.Duration = d
			}
		case len(f) == 5 && f[0] == "Non-2xx":
			n, err := strconv.ParseInt(f[4], 10, 64)
			if err != nil {
				return r, fmt.Errorf("wrk: non-2xx count %q: %w", f[4], err)
			}
			r.Failed = n
		case len(f) >= 2 && f[0] == "Socket" && f[1] == "errors:":
			// Socket errors: connect 0, read 0, write 0, timeout 0
			for i := 2; i+1 < len(f); i += 2 {
				n, err := strconv.ParseInt(strings.TrimSuffix(f[i+1], ","), 10, 64)
				if err != nil {
					return r, fmt.Errorf("wrk: socket errors %q: %w", sc.Text(), err)
				}
				r.SocketErrors += n
			}
		}
	}
	if !seen.rps || !seen.p50 || !seen.p99 || !seen.total {
		return r, fmt.Errorf("wrk: output lacks requests/sec, the latency distribution or the request count (was --latency given?)")
	}
	return r, nil
}

// parseWrkDuration reads wrk's latencies: 812.00us, 1.23ms, 2.00s, 1.00m.
func parseWrkDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				break
			}
			return time.Duration(v * float64(u.unit)), nil
		}
	}
	return 0, fmt.Errorf("wrk: cannot read the duration %q", s)
}
