package httpapi

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// limiter keeps one token bucket per client: per API key, or per address for anonymous
// callers. Buckets idle for a while are dropped, so the map stays as small as the set of
// recent clients.
type limiter struct {
	rate    rate.Limit
	burst   int
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// idleBucket is how long an unused bucket is kept; a full bucket refills well within it.
const idleBucket = 10 * time.Minute

func newLimiter(perSecond float64, burst int) *limiter {
	if perSecond <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return &limiter{rate: rate.Limit(perSecond), burst: burst, buckets: map[string]*bucket{}}
}

// take spends a token of client's bucket; it returns the tokens left and, when none was
// left, how long until one is.
func (l *limiter) take(client string, now time.Time) (left int, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > idleBucket {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > idleBucket {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.buckets[client] = b
	}
	b.seen = now
	if b.lim.AllowN(now, 1) {
		return int(math.Floor(b.lim.TokensAt(now))), 0
	}
	r := b.lim.ReserveN(now, 1)
	wait = r.DelayFrom(now)
	r.CancelAt(now)
	return 0, wait
}

// policy is the RateLimit-Policy header value (IETF draft-ietf-httpapi-ratelimit-headers):
// the burst as quota over the seconds a full bucket takes to refill.
func (l *limiter) policy(name string) string {
	window := int(math.Ceil(float64(l.burst) / float64(l.rate)))
	return fmt.Sprintf(`"%s";q=%d;w=%d`, name, l.burst, max(window, 1))
}

// rateLimit refuses requests beyond the configured rates with 429 and Retry-After, and tells
// every client its budget in RateLimit and RateLimit-Policy headers: per key for a valid key,
// per address otherwise. A request with a bad key never gets here; authenticate charges it to
// its address (limitAddress), so a flood of made-up keys is limited like any anonymous flood.
// Health checks and metrics are never limited, so monitoring keeps working under load.
func (s *Server) rateLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if p := principal(c); !p.IsAnonymous() {
			if err := s.limit(c, s.keyLimit, "key:"+p.KeyID, "key"); err != nil {
				return err
			}
			return next(c)
		}
		if err := s.limitAddress(c); err != nil {
			return err
		}
		return next(c)
	}
}

// limitAddress spends a token of the client address's bucket, or answers 429.
func (s *Server) limitAddress(c echo.Context) error {
	return s.limit(c, s.addressLimit, "ip:"+c.RealIP(), "anonymous")
}

// limit spends a token of client's bucket in l, sets the budget headers and returns a 429
// error when the bucket was empty. A nil l (a limit turned off) and the unlimited routes pass.
func (s *Server) limit(c echo.Context, l *limiter, client, name string) error {
	if l == nil {
		return nil
	}
	switch c.Path() {
	case "/healthz", "/readyz", "/metrics":
		return nil
	}
	left, wait := l.take(client, s.cfg.Clock())
	h := c.Response().Header()
	h.Set("RateLimit-Policy", l.policy(name))
	reset := 0
	if wait > 0 {
		reset = int(math.Ceil(wait.Seconds()))
	}
	h.Set("RateLimit", fmt.Sprintf(`"%s";r=%d;t=%d`, name, left, reset))
	if wait > 0 {
		h.Set(echo.HeaderRetryAfter, strconv.Itoa(reset))
		return echo.NewHTTPError(http.StatusTooManyRequests,
			fmt.Sprintf("this client may make %g requests a second; try again in %d s", float64(l.rate), reset))
	}
	return nil
}
