package httpapi_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/httpapi"
)

// smallBuffers is a listener whose connections have small kernel send buffers, so a server
// writing to a client that does not read blocks after kilobytes instead of megabytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4 << 10)
	}
	return c, err
}

// serveTCP runs f's server as the binary does, with its connection limits, on a loopback port.
func serveTCP(t *testing.T, f *engineFixture) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := f.srv.HTTPServer()
	go srv.Serve(smallBuffers{ln})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		srv.Close()
	})
	return ln.Addr().String()
}

// dialSmall connects with a small receive buffer, so a client that does not read stops the
// server's writes soon.
func dialSmall(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<10) })
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// fillExport adds enough use-cases that an export fills every buffer between server and
// client, and returns the least size of the export.
func fillExport(t *testing.T, f *engineFixture) int {
	t.Helper()
	long := strings.Repeat("Borgerservice modtager mange breve om dagen, og de skal journaliseres. ", 60)
	for i := range 150 {
		d := seedDraft(seeds[i%publicSeeds])
		d.Description = long
		f.create(t, fmt.Sprint("bulk", i), d)
	}
	return 150 * len(long)
}

// TestStalledExportsFreeTheirSlots starts as many exports as may run at once from clients that
// never read them: while their writes wait, a fifth export is refused (429); once the write
// deadline passes they are cut off, and the fifth client gets its whole export.
func TestStalledExportsFreeTheirSlots(t *testing.T) {
	cfg := httpapi.Config{WriteTimeout: 2 * time.Second}
	forEngines(t, cfg, func(t *testing.T, f *engineFixture) {
		size := fillExport(t, f)
		addr := serveTCP(t, f)
		for range 4 {
			c := dialSmall(t, addr)
			fmt.Fprintf(c, "GET /api/v1/export.ndjson HTTP/1.1\r\nHost: usecat\r\n\r\n")
			// The status line shows the export has its slot; then the client reads no more.
			res, err := http.ReadResponse(bufio.NewReaderSize(c, 16), nil)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("a stalled export: %v %v", res, err)
			}
		}
		export := func() (int, int64) {
			res, err := http.Get("http://" + addr + "/api/v1/export.ndjson")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			n, _ := io.Copy(io.Discard, res.Body)
			return res.StatusCode, n
		}
		refused := false
		deadline := time.Now().Add(cfg.WriteTimeout + 6*time.Second)
		for time.Now().Before(deadline) {
			status, n := export()
			switch {
			case status == http.StatusTooManyRequests:
				refused = true
				time.Sleep(200 * time.Millisecond)
				continue
			case status == http.StatusOK && !refused:
				t.Fatalf("a fifth export ran (%d bytes) while four stalled clients should hold every slot", n)
			case status == http.StatusOK:
				if n < int64(size) {
					t.Fatalf("the fifth export has %d bytes", n)
				}
				return
			default:
				t.Fatalf("status %d", status)
			}
		}
		t.Fatalf("the stalled exports still hold their slots %v after the write deadline (refused before: %v)", 6*time.Second, refused)
	})
}

// TestSlowReadersGetWholeExports reads an export slowly but steadily, for longer than the
// server's bound on an ordinary answer: each write has its own deadline, so it is not cut off.
func TestSlowReadersGetWholeExports(t *testing.T) {
	cfg := httpapi.Config{RequestTimeout: 500 * time.Millisecond, WriteTimeout: time.Second}
	forEngines(t, cfg, func(t *testing.T, f *engineFixture) {
		size := fillExport(t, f)
		addr := serveTCP(t, f)
		c := dialSmall(t, addr)
		fmt.Fprintf(c, "GET /api/v1/export.ndjson HTTP/1.1\r\nHost: usecat\r\n\r\n")
		start := time.Now()
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var n int
		buf := make([]byte, 16<<10)
		for {
			k, err := io.ReadFull(res.Body, buf)
			n += k
			if err != nil {
				if err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("cut off after %d bytes and %v: %v", n, time.Since(start), err)
				}
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if took := time.Since(start); n < size || took < 2*time.Second {
			t.Fatalf("%d bytes in %v: the test needs a larger export\n%s", n, took, f.log.String())
		}
	})
}

// TestTrickledRequestsAreCutOff sends a request's headers, and another's body, a byte at a
// time: the server closes each connection once its read timeout passes, long before the
// client would have finished.
func TestTrickledRequestsAreCutOff(t *testing.T) {
	cfg := httpapi.Config{ReadHeaderTimeout: 500 * time.Millisecond, ReadTimeout: time.Second, RequestTimeout: 500 * time.Millisecond}
	forEngines(t, cfg, func(t *testing.T, f *engineFixture) {
		addr := serveTCP(t, f)
		body := `{"name":"Sagssystem","role":"reader"}` + strings.Repeat(" ", 200)
		for _, tc := range []struct{ name, head, trickle string }{
			{"headers", "", "GET /api/v1/usecases HTTP/1.1\r\nHost: usecat\r\nX-Slow: " + strings.Repeat("a", 200) + "\r\n\r\n"},
			{"body", fmt.Sprintf("POST /api/v1/organisations/albertslund/keys HTTP/1.1\r\nHost: usecat\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", f.keys["admin"], len(body)), body},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := dialSmall(t, addr)
				start := time.Now()
				if _, err := io.WriteString(c, tc.head); err != nil {
					t.Fatal(err)
				}
				// One byte every 50 ms would take 10 s or more; the server must not wait.
				closed := make(chan error, 1)
				go func() {
					_, err := io.Copy(io.Discard, bufio.NewReader(c))
					closed <- err
				}()
				giveUp := time.After(5 * time.Second)
			trickle:
				for i := 0; ; i++ {
					if i < len(tc.trickle) {
						_, _ = c.Write([]byte{tc.trickle[i]}) // fails once the server has closed
					}
					select {
					case err := <-closed:
						if err != nil && !errors.Is(err, syscall.ECONNRESET) {
							t.Logf("read: %v", err)
						}
						break trickle
					case <-giveUp:
						t.Fatal("the connection is still open")
					case <-time.After(50 * time.Millisecond):
					}
				}
				if took := time.Since(start); took > 5*time.Second {
					t.Fatalf("cut off after %v", took)
				}
			})
		}
		// Requests at an ordinary pace still work on the same server.
		res, err := http.Get("http://" + addr + "/api/v1/usecases")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
}

// TestLongRequestLinesAreRefused sends a query of 100 KiB, far past the 64 KiB the server reads
// of a request line and headers: it is refused before any handler parses it.
func TestLongRequestLinesAreRefused(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		addr := serveTCP(t, f)
		res, err := http.Get("http://" + addr + "/api/v1/usecases?" + strings.Repeat("tag=a&", 100<<10/6))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 431", res.StatusCode)
		}
		res, err = http.Get("http://" + addr + "/api/v1/usecases?" + strings.Repeat("tag=a&", 40<<10/6))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity { // read, and refused for its 6,000 tags
			t.Fatalf("status %d, want 422", res.StatusCode)
		}
	})
}
