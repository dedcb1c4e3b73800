package loadtest

import (
	"strings"
	"testing"
	"time"
)

// wrkOutput is what wrk 4.1 prints with --latency, failures included.
const wrkOutput = `Running 10s test @ http://127.0.0.1:40123
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.61ms    1.70ms  41.23ms   89.01%
    Req/Sec     6.41k   512.33     7.60k    71.00%
  Latency Distribution
     50%  812.00us
     75%    2.90ms
     90%    4.07ms
     99%    1.02s
  127612 requests in 10.00s, 252.16MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 17
Requests/sec:  12757.34
Transfer/sec:     25.21MB
`

func TestParseWrk(t *testing.T) {
	r, err := ParseWrk(wrkOutput)
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Requests: 127612, Duration: 10 * time.Second, PerSecond: 12757.34,
		P50: 812 * time.Microsecond, P99: 1020 * time.Millisecond, Failed: 17, SocketErrors: 5}
	if r != want {
		t.Errorf("ParseWrk = %+v\nwant       %+v", r, want)
	}
	if r.Errors() != 22 {
		t.Errorf("Errors() = %d, want 22", r.Errors())
	}
}

func TestParseWrkClean(t *testing.T) {
	out := strings.NewReplacer("  Socket errors: connect 0, read 2, write 0, timeout 3\n", "",
		"  Non-2xx or 3xx responses: 17\n", "").Replace(wrkOutput)
	r, err := ParseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Errors() != 0 {
		t.Errorf("a run without error lines has %d errors", r.Errors())
	}
}

func TestParseWrkRefusesWithoutLatency(t *testing.T) {
	out := strings.Replace(wrkOutput, "     99%    1.02s\n", "", 1)
	if _, err := ParseWrk(out); err == nil {
		t.Error("output without the 99th percentile parsed")
	}
	if _, err := ParseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Error("wrk's connection error parsed as a result")
	}
}

func TestSplice(t *testing.T) {
	section := beginMarker + "\n\nnew\n" + endMarker + "\n"
	cases := []struct{ name, doc, want string }{
		{"appends to a document without markers", "# Performance\n\nnotes\n", "# Performance\n\nnotes\n" + section},
		{"replaces only the marked part", "# P\n\n" + beginMarker + "\nold\n" + endMarker + "\n\n## Profiles\n",
			"# P\n\n" + section + "\n## Profiles\n"},
	}
	for _, c := range cases {
		if got := splice(c.doc, section, beginMarker, endMarker); got != c.want {
			t.Errorf("%s:\n%q\nwant\n%q", c.name, got, c.want)
		}
	}
}
