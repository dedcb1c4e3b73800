package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// These tests run the real binary, as an operator would: built once for the package, then
// started and stopped (or killed) as separate processes over a SQLite file of the test's own.

// binary is the usecat binary the tests run, built by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "usecat-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "usecat")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build usecat:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// usecatCmd is the binary with args over the database db, logging JSON.
func usecatCmd(db string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "USECAT_DB="+db, "USECAT_LOG_FORMAT=json")
	return cmd
}

// runUsecat runs one operator command to the end and returns its stdout, stderr and exit code.
func runUsecat(t *testing.T, db string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := usecatCmd(db, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("usecat %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), 0
}

// mustRun runs an operator command that must succeed.
func mustRun(t *testing.T, db string, args ...string) string {
	t.Helper()
	out, errs, code := runUsecat(t, db, args...)
	if code != 0 {
		t.Fatalf("usecat %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// server is a running usecat serve.
type server struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port
	log    *lockedBuffer
	exited chan struct{} // closed when the process has exited; err is then its exit
	err    error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs usecat serve over db on a free port, rate limits off, and returns once it
// listens.
func startServer(t *testing.T, db string) *server {
	t.Helper()
	cmd := usecatCmd(db, "serve", "--addr", "127.0.0.1:0", "--rate-anonymous", "0", "--rate-key", "0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, log: &lockedBuffer{}, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Bytes()
			s.log.Write(append(line, '\n'))
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(line, &rec) == nil && rec.Msg == "usecat is serving" {
				addr <- rec.Addr
			}
		}
		io.Copy(io.Discard, stderr)
		s.err = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() { s.kill() })
	select {
	case a := <-addr:
		s.base = "http://" + a
	case <-s.exited:
		t.Fatalf("usecat serve exited before listening: %v\n%s", s.err, s.log.String())
	}
	return s
}

// kill ends the server with SIGKILL, as a crash or the OOM killer would, and waits for it.
func (s *server) kill() {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// stop ends the server with SIGTERM and waits for it to drain and exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-s.exited
	if s.err != nil {
		t.Errorf("usecat serve after SIGTERM: %v\n%s", s.err, s.log.String())
	}
}

// client is what the tests send requests with: a timeout only so a hung server fails the test
// rather than hanging it.
var client = &http.Client{Timeout: 20 * time.Second}

// call sends a request with key (none when "") and returns the status, headers and body.
func call(t *testing.T, method, url, key, body string, header ...string) (int, http.Header, []byte, error) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil {
		validate(t, req, res, b)
	}
	return res.StatusCode, res.Header, b, err
}

// contract is the published openapi.yaml and a router over it, loaded once.
var contract = sync.OnceValues(func() (routers.Router, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../../openapi.yaml")
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, err
	}
	return legacy.NewRouter(doc)
})

// validate checks a response of the real server against openapi.yaml, as the API tests do
// for the in-process one.
func validate(t *testing.T, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	router, err := contract()
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	// The document's server is "/", which matches a request by path alone, as a server sees it.
	local := req.Clone(req.Context())
	local.URL = &url.URL{Path: req.URL.Path, RawQuery: req.URL.RawQuery}
	route, params, err := router.FindRoute(local)
	if err != nil {
		t.Errorf("%s %s is not in openapi.yaml: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: local, PathParams: params, Route: route},
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: response %d does not match openapi.yaml: %.1000s", req.Method, req.URL.Path, res.StatusCode, err)
	}
}
