package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts requests and their durations by method, route template and status. Only
// the server's own methods and route templates become label values, never a raw path (a
// value per use-case id) nor a method or path a client made up: those are all "other", so
// no request can add a series.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// routes and methods are the label values allowed; register fills them before the
	// server answers anything, so they are only read afterwards.
	routes  map[string]bool
	methods map[string]bool
}

// otherLabel stands for every method and route the server does not have.
const otherLabel = "other"

// know allows method and route as label values.
func (m *metrics) know(method, route string) {
	m.methods[method] = true
	m.routes[route] = true
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "usecat",
			Name:      "http_requests_total",
			Help:      "HTTP requests answered, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "usecat",
			Name:      "http_request_duration_seconds",
			Help:      "Time to answer HTTP requests, by method, route template and status.",
			// From a cached get (well under a millisecond) to a slow export.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"method", "route", "status"}),
	}
	m.routes, m.methods = map[string]bool{}, map[string]bool{http.MethodOptions: true} // CORS preflights
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	if !m.methods[method] || !m.routes[route] {
		method, route = otherLabel, otherLabel
	}
	code := statusText(status)
	m.requests.WithLabelValues(method, route, code).Inc()
	m.duration.WithLabelValues(method, route, code).Observe(d.Seconds())
}

// statusTexts holds the decimal form of every status code, so counting a request does not
// format one.
var statusTexts = func() (t [600]string) {
	for i := 100; i < len(t); i++ {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

func statusText(status int) string {
	if status >= 100 && status < len(statusTexts) {
		return statusTexts[status]
	}
	return strconv.Itoa(status)
}
