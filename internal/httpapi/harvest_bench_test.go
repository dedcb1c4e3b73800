package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/loadtest"
	"github.com/usecat/usecat/internal/store"
)

// The harvesting benchmarks run the real handler over the cached catalogue of 100,000 public
// use-cases that the store's benchmarks and the load runner share (var/bench/), building it
// when it is missing. Targets (issue 4): a full harvest with limit=1000 and a CSV export each
// under 5 s on the 2-core machine, the export growing the heap by under 30 MB.

const harvestUseCases = 100000

var harvestServer = sync.OnceValues(func() (http.Handler, error) {
	file, err := loadtest.CorpusFile("../..", harvestUseCases)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(file); os.IsNotExist(err) {
		if err := buildHarvestCatalogue(file); err != nil {
			return nil, fmt.Errorf("build the benchmark catalogue: %w", err)
		}
	}
	st, err := store.Open(context.Background(), store.Config{URL: file})
	if err != nil {
		return nil, err
	}
	return httpapi.New(httpapi.Config{UseCases: st, Organisations: st, Keys: st, Changes: st, Pinger: st,
		RequestTimeout: time.Minute}).Handler(), nil
})

// buildHarvestCatalogue creates the generated use-cases as `usecat seed-demo --synthetic`
// does, many at once so SQLite's group commit batches them, and renames the file into place
// when complete.
func buildHarvestCatalogue(file string) error {
	tmp := strings.TrimSuffix(file, ".db") + ".building.db"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	st, err := store.Open(context.Background(), store.Config{URL: tmp})
	if err != nil {
		return err
	}
	admin := catalog.Principal{KeyID: "bench", KeyName: "harvest benchmark", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	drafts := make(chan catalog.Draft, 64)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range 16 {
		wg.Go(func() {
			for d := range drafts {
				if _, err := st.CreateUseCase(context.Background(), admin, d, nil); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	err = demo.Generate(1, harvestUseCases, func(_ int, d catalog.Draft) error { drafts <- d; return nil })
	close(drafts)
	wg.Wait()
	if err := errors.Join(append(errs, err, st.Close())...); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

func benchHandler(b *testing.B) http.Handler {
	b.Helper()
	h, err := harvestServer()
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// sink is a ResponseWriter that counts the body and keeps only its last bytes, where the
// change feed puts next_since and has_more.
type sink struct {
	header http.Header
	status int
	n      int64
	tail   []byte
}

func newSink() *sink { return &sink{header: http.Header{}} }

func (s *sink) Header() http.Header    { return s.header }
func (s *sink) WriteHeader(status int) { s.status = status }
func (s *sink) Flush()                 {}
func (s *sink) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	s.n += int64(len(p))
	s.tail = append(s.tail, p[max(0, len(p)-256):]...)
	s.tail = s.tail[max(0, len(s.tail)-256):]
	return len(p), nil
}

// harvest follows the change feed from no cursor to its end, as a new harvester does, and
// returns the bytes received and the number of requests.
func harvest(b *testing.B, h http.Handler) (bytes int64, requests int) {
	since := ""
	for {
		w := newSink()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/changes?limit=1000&since="+since, nil))
		if w.status != http.StatusOK {
			b.Fatalf("changes: status %d", w.status)
		}
		bytes += w.n
		requests++
		next, more, ok := feedTail(w.tail)
		if !ok {
			b.Fatalf("changes: no next_since in %q", w.tail)
		}
		if !more {
			return bytes, requests
		}
		since = next
	}
}

// feedTail reads next_since and has_more from the end of a change feed answer.
func feedTail(tail []byte) (string, bool, bool) {
	i := bytes.LastIndex(tail, []byte(`"next_since":"`))
	if i < 0 {
		return "", false, false
	}
	rest := tail[i+len(`"next_since":"`):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return "", false, false
	}
	return string(rest[:j]), bytes.Contains(rest, []byte(`"has_more":true`)), true
}

// BenchmarkHarvest100k is a full harvest of the 100,000 use-cases with limit=1000.
func BenchmarkHarvest100k(b *testing.B) {
	h := benchHandler(b)
	var n int64
	var reqs int
	for b.Loop() {
		n, reqs = harvest(b, h)
	}
	b.ReportMetric(float64(reqs), "requests/op")
	b.ReportMetric(float64(n)/1e6, "MB/op")
}

// heapGrowth samples the live heap while fn runs and returns its peak above the level before.
func heapGrowth(fn func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	peak := base
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				peak = max(peak, read())
			}
		}
	}()
	fn()
	close(stop)
	<-done
	peak = max(peak, read())
	return peak - base
}

func benchExport(b *testing.B, path string, header map[string]string) {
	h := benchHandler(b)
	var n int64
	var growth uint64
	for b.Loop() {
		w := newSink()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		growth = max(growth, heapGrowth(func() { h.ServeHTTP(w, req) }))
		if w.status != http.StatusOK {
			b.Fatalf("%s: status %d", path, w.status)
		}
		n = w.n
	}
	b.ReportMetric(float64(n)/1e6, "MB/op")
	b.ReportMetric(float64(growth)/(1<<20), "MiB-heap-growth")
}

// BenchmarkExportCSV100k streams all 100,000 use-cases as CSV; MiB-heap-growth is the peak of
// the live heap above where it stood before the export.
func BenchmarkExportCSV100k(b *testing.B) { benchExport(b, "/api/v1/export.csv", nil) }

// BenchmarkExportNDJSON100k streams all 100,000 use-cases as NDJSON.
func BenchmarkExportNDJSON100k(b *testing.B) { benchExport(b, "/api/v1/export.ndjson", nil) }

// BenchmarkExportCSV100kGzip is the CSV export as a browser fetches it, compressed.
func BenchmarkExportCSV100kGzip(b *testing.B) {
	benchExport(b, "/api/v1/export.csv", map[string]string{"Accept-Encoding": "gzip"})
}
