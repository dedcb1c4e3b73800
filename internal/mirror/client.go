package mirror

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// page is one answer of GET /api/v1/changes or GET /api/v1/datasets/changes: each change
// carries its record as usecase or as dataset.
type page struct {
	Changes []struct {
		ID      string          `json:"id"`
		Deleted bool            `json:"deleted"`
		UseCase json.RawMessage `json:"usecase"`
		Dataset json.RawMessage `json:"dataset"`
	} `json:"changes"`
	NextSince string `json:"next_since"`
	HasMore   bool   `json:"has_more"`
}

// problem is the part of an RFC 9457 problem the mirror reads.
type problem struct {
	Detail string `json:"detail"`
	Errors []struct {
		Field string `json:"field"`
	} `json:"errors"`
}

// errUnknownCursor is a 400 that names since: the server did not give out this cursor.
var errUnknownCursor = errors.New("the server does not know the cursor")

// errCursorGone is a 410: the cursor comes from another database, or from one restored from
// an older backup since; only a fresh start lines the copy up with the server again.
var errCursorGone = errors.New("the server's database was replaced or restored")

// maxRetryAfter is the longest pause, in seconds, a server's Retry-After can ask for.
const maxRetryAfter = 3600

// retryable is a failure worth retrying, with the server's Retry-After when it sent one.
type retryable struct {
	err   error
	after time.Duration
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

func retryAfter(err error) time.Duration {
	var r *retryable
	if errors.As(err, &r) {
		return r.after
	}
	return 0
}

// fetch asks for the changes after since, waiting up to wait for news.
func fetch(ctx context.Context, cfg Config, since string, wait time.Duration) (*page, error) {
	q := url.Values{"limit": {strconv.Itoa(cfg.Limit)}}
	if since != "" {
		q.Set("since", since)
	}
	if secs := int(wait / time.Second); secs > 0 {
		q.Set("wait", strconv.Itoa(secs))
	}
	// The server holds the request up to wait; allow that and as long again for the answer.
	ctx, cancel := context.WithTimeout(ctx, 2*wait+30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.From+cfg.feed()+"?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "usecat-mirror")
	if cfg.Key != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.Key)
	}
	res, err := cfg.Client.Do(req)
	if err != nil {
		return nil, &retryable{err: err}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if err != nil {
		return nil, &retryable{err: err}
	}
	switch {
	case res.StatusCode == http.StatusOK:
		var p page
		if err := json.Unmarshal(body, &p); err != nil || p.NextSince == "" {
			// A proxy's error page, a truncated answer: worth another try.
			return nil, &retryable{err: fmt.Errorf("unreadable answer from %s: %v", cfg.From, err)}
		}
		return &p, nil
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		secs = min(max(secs, 0), maxRetryAfter) // a day's pause, or a negative one, is a server's mistake
		return nil, &retryable{err: fmt.Errorf("%s answered %s", cfg.From, res.Status), after: time.Duration(secs) * time.Second}
	}
	var pr problem
	_ = json.Unmarshal(body, &pr)
	if res.StatusCode == http.StatusGone && since != "" {
		return nil, fmt.Errorf("%w: %s", errCursorGone, pr.Detail)
	}
	if res.StatusCode == http.StatusBadRequest {
		for _, e := range pr.Errors {
			if e.Field == "since" {
				return nil, fmt.Errorf("%w: %s", errUnknownCursor, pr.Detail)
			}
		}
	}
	return nil, fmt.Errorf("%w: %s answered %s: %s", ErrPermanent, cfg.From, res.Status, pr.Detail)
}

// feed is the path of the change feed the mirror follows.
func (cfg Config) feed() string {
	if cfg.Datasets {
		return "/api/v1/datasets/changes"
	}
	return "/api/v1/changes"
}
