package loadtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets of issue 2 that are not per scenario.
const (
	maxRSS     = 300 << 20 // at 100,000 use-cases, the read index included (issue 8)
	maxStartup = time.Second
)

// Report is a whole run's results.
type Report struct {
	Config            Config
	Machine           Machine
	Started, Finished time.Time
	// Seeded is how long generating the catalogue took, when this run had to.
	Seeded time.Duration
	// Startup is the time from starting usecat serve to its first 200 on /readyz.
	Startup time.Duration
	// PeakRSS is the server's peak resident set over the whole run (VmHWM), in bytes.
	PeakRSS   int64
	Scenarios []Outcome
}

// Machine describes where a run happened.
type Machine struct {
	CPU, Kernel, Memory, Go, Wrk string
	CPUs                         int
}

func describeMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				m.CPU = strings.TrimSpace(value)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 2 {
			var kb int64
			fmt.Sscan(f[1], &kb)
			m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	// wrk -v prints its version and exits with status 1.
	out, _ := exec.Command("wrk", "-v").CombinedOutput()
	m.Wrk = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	return m
}

// Table renders the results as aligned text for a terminal.
func (rep *Report) Table() string {
	var b bytes.Buffer
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "scenario\treq/s\ttarget\tp50\tp99\tp99 target\tfailed\tserver CPU\treq/CPU-s\tload\tverdict\t")
	for _, o := range rep.Scenarios {
		m := o.Median
		fmt.Fprintf(w, "%s\t%.0f\t>= %.0f\t%s\t%s\t< %s\t%d\t%.0f %%\t%.0f\t%s\t%s\t\n", o.Scenario.Name, m.PerSecond,
			o.Scenario.MinPerSecond, fmtDuration(m.P50), fmtDuration(m.P99), fmtDuration(o.Scenario.MaxP99),
			m.Errors(), 100*m.CPUShare(), m.PerCPUSecond(), fmtLoad(o.Load), verdict(o))
	}
	w.Flush()
	fmt.Fprintf(&b, "\nstart-up to /readyz 200: %s (target < %s) %s\n", fmtDuration(rep.Startup), maxStartup, mark(rep.Startup < maxStartup))
	fmt.Fprintf(&b, "server peak RSS (VmHWM): %.0f MB (target < %d MB) %s\n", mib(rep.PeakRSS), maxRSS>>20, mark(rep.PeakRSS < maxRSS))
	return b.String()
}

func verdict(o Outcome) string {
	switch {
	case o.Err != nil:
		return "FAILED RUN"
	case o.Met():
		return "met"
	default:
		return "MISSED"
	}
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// fmtDuration prints latencies the way a reader compares them: 0.42 ms, 12.3 ms, 1.20 s.
func fmtDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	}
}

func fmtLoad(loads []float64) string {
	parts := make([]string, len(loads))
	for i, l := range loads {
		parts[i] = fmt.Sprintf("%.1f", l)
	}
	return strings.Join(parts, "/")
}
