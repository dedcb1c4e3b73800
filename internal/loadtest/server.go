package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a running `usecat serve`, pinned to one CPU.
type server struct {
	cmd   *exec.Cmd
	base  string // http://127.0.0.1:port
	pprof string // the pprof listener's address, when profiling
	ready time.Duration
	log   *os.File
	exit  chan error
}

// startServer starts usecat serve on db pinned to the server CPU, with the rate limits off,
// and waits until /readyz answers 200, timing how long that takes from the exec.
func (r *runner) startServer(ctx context.Context, db string) (*server, error) {
	help, err := exec.CommandContext(ctx, r.bin, "serve", "--help").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("usecat serve --help: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"-c", strconv.Itoa(r.cfg.ServerCPU), r.bin, "--db", db, "serve", "--addr", "127.0.0.1:" + port}
	// A benchmark from one address would hit the per-address and per-key limits at once.
	for _, flag := range []string{"--rate-anonymous", "--rate-key"} {
		if strings.Contains(string(help), flag+" ") {
			args = append(args, flag, "0")
		}
	}
	s := &server{base: "http://127.0.0.1:" + port, exit: make(chan error, 1)}
	if r.cfg.Profile {
		// --pprof-addr is hidden from --help; a build without it fails to start, saying so.
		pp, err := freePort()
		if err != nil {
			return nil, err
		}
		s.pprof = "127.0.0.1:" + pp
		args = append(args, "--pprof-addr", s.pprof)
	}
	if s.log, err = os.Create(filepath.Join(r.work, "serve.log")); err != nil {
		return nil, err
	}
	s.cmd = exec.Command("taskset", args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		s.log.Close()
		return nil, fmt.Errorf("start usecat serve: %w", err)
	}
	go func() { s.exit <- s.cmd.Wait() }()
	client := &http.Client{Timeout: 200 * time.Millisecond}
	for {
		select {
		case err := <-s.exit:
			s.log.Close()
			return nil, fmt.Errorf("usecat serve exited before it was ready (%v); see %s", err, rel(r.cfg.Root, s.log.Name()))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		default:
		}
		if res, err := client.Get(s.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.ready = time.Since(start)
				return s, nil
			}
		}
		if time.Since(start) > 60*time.Second {
			s.stop()
			return nil, fmt.Errorf("usecat serve was not ready after a minute; see %s", rel(r.cfg.Root, s.log.Name()))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// stop ends the server with SIGTERM, as an operator would, and kills it if it lingers.
func (s *server) stop() {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exit:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exit
		}
	}
	s.log.Close()
}

// peakRSS is the server's peak resident set (VmHWM) in bytes. taskset execs usecat in its own
// process, so the pid is the server's.
func (s *server) peakRSS() (int64, error) {
	return procStatus(s.cmd.Process.Pid, "VmHWM")
}

// cpuTime is the CPU time (user and system, all threads) the server has used so far.
func (s *server) cpuTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The command name in parentheses may hold spaces; the fields after it are fixed:
	// utime and stime are the 12th and 13th after the closing parenthesis, in clock ticks.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 13 {
		return 0, fmt.Errorf("cannot read /proc/%d/stat", s.cmd.Process.Pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("cannot read /proc/%d/stat", s.cmd.Process.Pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// clockTicks is the kernel's USER_HZ, in which /proc reports CPU times: 100 on every Linux
// architecture Go supports.
const clockTicks = 100

// procStatus reads one kB field of /proc/<pid>/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		return kb << 10, err
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// freePort asks the kernel for a port nobody listens on.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

// cpuProfile saves a CPU profile of the server over d into file, from serve's pprof listener.
func (s *server) cpuProfile(ctx context.Context, d time.Duration, file string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	secs := max(int(d.Seconds()), 1)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet,
		fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", s.pprof, secs), nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof answered %s", res.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
