package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/usecat/usecat/internal/catalog"
)

// Health is the answer of the health and readiness checks.
type Health struct {
	Status string `json:"status" example:"ok" validate:"required"`
}

var healthOK = []byte(`{"status":"ok"}`)

// handleHealthz tells a supervisor the process is alive. It touches nothing else, so a slow
// database never gets a healthy process restarted.
//
//	@Summary		Liveness check
//	@ID			checkHealth
//	@Description	Answers 200 while the process runs. It does not check the database; see /readyz.
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	Health
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Router			/healthz [get]
func (s *Server) handleHealthz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return writeJSON(c, http.StatusOK, healthOK)
}

// handleReadyz tells a load balancer whether to send requests here: the database must answer
// within Config.ReadyTimeout, and the server must not be draining.
//
//	@Summary		Readiness check
//	@ID			checkReadiness
//	@Description	Answers 200 when the database answers within a second, 503 when it does not or the server is shutting down.
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	Health
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Failure		503	{object}	Problem	"The database does not answer, or the server is shutting down"
//	@Router			/readyz [get]
func (s *Server) handleReadyz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if s.draining.Load() {
		return catalog.Errorf(catalog.ErrUnavailable, "the server is shutting down")
	}
	if s.cfg.Pinger != nil {
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.ReadyTimeout)
		defer cancel()
		if err := s.cfg.Pinger.Ping(ctx); err != nil {
			// Why the ping failed is for the log, not for whoever probes.
			s.log.WarnContext(ctx, "readiness check failed", "request_id", requestIDOf(c), "error", err)
			return catalog.Errorf(catalog.ErrUnavailable, "the database does not answer")
		}
	}
	return writeJSON(c, http.StatusOK, healthOK)
}

// handleMetrics serves the Prometheus metrics.
//
//	@Summary		Prometheus metrics
//	@ID			getMetrics
//	@Description	Request counts and durations by route and status, and the Go runtime's metrics, in the Prometheus text format.
//	@Description	The operator may serve them only to some address ranges (`USECAT_METRICS_ALLOW`) or not at all.
//	@Tags			operations
//	@Produce		plain
//	@Success		200	{string}	string	"Metrics in the Prometheus text exposition format"
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Failure		403	{object}	Problem	"The client's address is not among those allowed to read the metrics (USECAT_METRICS_ALLOW)"
//	@Failure		404	{object}	Problem	"The operator turned the metrics off"
//	@Router			/metrics [get]
func (s *Server) handleMetrics(c echo.Context) error {
	if !s.metricsAllowed(c.RealIP()) {
		return catalog.Errorf(catalog.ErrForbidden, "the metrics are served only to the addresses the operator allows")
	}
	s.promHandler.ServeHTTP(c.Response(), c.Request())
	return nil
}

// metricsAllowed reports whether a client at ip may read the metrics.
func (s *Server) metricsAllowed(ip string) bool {
	if len(s.cfg.MetricsAllow) == 0 {
		return true
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range s.cfg.MetricsAllow {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ParseMetricsAllow reads the setting of who may read /metrics: "" for everyone, "off" for
// nobody (no /metrics at all), or a comma-separated list of address ranges (CIDR) and single
// addresses.
func ParseMetricsAllow(setting string) (allow []netip.Prefix, off bool, err error) {
	setting = strings.TrimSpace(setting)
	switch strings.ToLower(setting) {
	case "":
		return nil, false, nil
	case "off":
		return nil, true, nil
	}
	for _, part := range strings.Split(setting, ",") {
		part = strings.TrimSpace(part)
		if a, err := netip.ParseAddr(part); err == nil {
			allow = append(allow, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, false, fmt.Errorf("%q is neither an address range such as 10.0.0.0/8 nor an address", part)
		}
		allow = append(allow, p.Masked())
	}
	return allow, false, nil
}

// newPromHandler serves the registry. Compression is left to the gzip middleware; promhttp
// compressing too would gzip twice.
func (s *Server) newPromHandler() http.Handler {
	return promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{DisableCompression: true})
}
