// Package mirror keeps a local copy of everything a usecat server shows one API key, by
// following the server's change feed (GET /api/v1/changes): the consortium's ready-made
// harvester, run as `usecat mirror`.
//
// The copy is an NDJSON file, one use-case per line exactly as the server serves it, sorted by
// id. It is always replaced whole (written to a temporary file, synced and renamed), so a
// reader of the file never sees half of it. Beside it, <out>.state.json holds the feed cursor
// and is written after the data: if the process dies between the two, the next run asks again
// from the older cursor and applies the same changes a second time, which changes nothing
// (each change carries the use-case's whole latest state). A restart therefore resumes where
// the last saved cursor left off instead of downloading everything again.
//
// The whole copy is held in memory while the mirror runs (some 2 KB per use-case).
package mirror

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Config says what to mirror where.
type Config struct {
	// From is the server's base URL, such as http://host:8080.
	From string
	// Key is the API key to read with; empty reads as an anonymous client (public only).
	Key string
	// Out is the NDJSON file to keep; the cursor goes to Out + ".state.json".
	Out string
	// Wait is how long each request may wait for news (the long poll; default 30s, at most 60s).
	Wait time.Duration
	// Limit is how many changes to ask for per request (default 1000).
	Limit int
	// Once syncs to the end of the feed, saves and returns, instead of following it forever.
	Once bool
	// Datasets follows the datasets' change feed (GET /api/v1/datasets/changes) instead of the
	// use-cases'; the copy then holds datasets.
	Datasets bool
	// MinBackoff and MaxBackoff bound the wait between retries while the server is unreachable
	// or failing (defaults 1s and 1 minute); the wait doubles from one to the other, jittered.
	MinBackoff, MaxBackoff time.Duration
	// GiveUp is how long a run with Once keeps retrying a server that stays unreachable before
	// it fails (default 5 minutes), so runs from cron do not pile up. Without Once the mirror
	// retries for as long as it runs.
	GiveUp time.Duration
	// Checkpoint is how often a long catch-up saves its progress (default 30s); a mirror that
	// has caught up saves after every answer that changed something.
	Checkpoint time.Duration
	// Client sends the requests (default: a client without a timeout; each request gets its own).
	Client *http.Client
	Logger *slog.Logger
}

// Stats counts what a Run did.
type Stats struct {
	Requests   int // answers received
	Changes    int // changes applied
	Retries    int // failed attempts that were retried
	Saves      int // times the file was written
	UseCases   int // use-cases in the copy at the end
	StartedNew bool
	Restarts   int // times the server refused the cursor and the copy started over
}

// ErrPermanent marks a failure that retrying cannot fix: a refused key, a server that is no
// usecat, an address that does not exist.
var ErrPermanent = errors.New("mirror: permanent failure")

// Run mirrors until ctx ends (or, with Once, until the copy is current) and saves the copy
// before returning. An ended ctx is a clean stop, not an error.
func Run(ctx context.Context, cfg Config) (Stats, error) {
	cfg = withDefaults(cfg)
	var st Stats
	m, err := load(cfg)
	if err != nil {
		return st, err
	}
	st.StartedNew = m.since == ""
	backoff := cfg.MinBackoff
	lastSave := time.Now()
	var failingSince time.Time // zero while the server answers
	for {
		wait := cfg.Wait
		if cfg.Once {
			wait = 0
		}
		page, err := fetch(ctx, cfg, m.since, wait)
		switch {
		case ctx.Err() != nil:
			return m.finish(cfg, &st)
		case errors.Is(err, errUnknownCursor), errors.Is(err, errCursorGone):
			// The server does not know our cursor, or its database is not the one the copy
			// followed (replaced, or restored from an older backup): only a fresh start gives
			// a copy equal to what it holds now.
			cfg.Logger.Warn("the server cannot continue from the saved cursor; starting over from the beginning of its feed", "error", err)
			m.reset()
			st.StartedNew = true
			st.Restarts++
			continue
		case errors.Is(err, ErrPermanent):
			_, serr := m.finish(cfg, &st)
			return st, errors.Join(err, serr)
		case err != nil:
			if failingSince.IsZero() {
				failingSince = time.Now()
			}
			if cfg.Once && time.Since(failingSince) > cfg.GiveUp {
				_, serr := m.finish(cfg, &st)
				return st, errors.Join(fmt.Errorf("mirror: gave up after %s of failures: %w", cfg.GiveUp, err), serr)
			}
			st.Retries++
			sleep := jitter(backoff)
			if ra := retryAfter(err); ra > sleep {
				sleep = ra
			}
			if cfg.Once {
				// A server asking for an hour's pause must not keep a run from cron past its
				// give-up time: it tries once more then, and fails if it must.
				sleep = max(0, min(sleep, cfg.GiveUp-time.Since(failingSince)))
			}
			cfg.Logger.Warn("the server cannot be reached; retrying", "error", err, "in", sleep.Round(time.Millisecond).String())
			backoff = min(backoff*2, cfg.MaxBackoff)
			select {
			case <-ctx.Done():
				return m.finish(cfg, &st)
			case <-time.After(sleep):
			}
			continue
		}
		backoff, failingSince = cfg.MinBackoff, time.Time{}
		st.Requests++
		st.Changes += m.apply(page)
		if page.HasMore {
			if m.dirty && time.Since(lastSave) >= cfg.Checkpoint {
				if err := m.save(cfg); err != nil {
					return st, err
				}
				st.Saves++
				lastSave = time.Now()
			}
			continue
		}
		// Caught up: make the file current.
		if m.dirty || !m.saved {
			if err := m.save(cfg); err != nil {
				return st, err
			}
			st.Saves++
			lastSave = time.Now()
			cfg.Logger.Info("mirror is current", "usecases", len(m.docs), "changes", st.Changes)
		}
		if cfg.Once {
			st.UseCases = len(m.docs)
			return st, nil
		}
	}
}

func withDefaults(cfg Config) Config {
	cfg.From = strings.TrimRight(cfg.From, "/")
	if cfg.Wait <= 0 {
		cfg.Wait = 30 * time.Second
	}
	cfg.Wait = min(cfg.Wait, 60*time.Second)
	if cfg.Limit <= 0 {
		cfg.Limit = 1000
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(time.Minute, cfg.MinBackoff)
	}
	if cfg.GiveUp <= 0 {
		cfg.GiveUp = 5 * time.Minute
	}
	if cfg.Checkpoint <= 0 {
		cfg.Checkpoint = 30 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// jitter spreads retries of many mirrors over [d/2, d), so they do not return to a restarted
// server all at the same instant.
func jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// keyPrint identifies the key a copy was made with, without keeping the key: another key sees
// other use-cases, so its copy cannot be resumed.
func keyPrint(key string) string {
	if key == "" {
		return "anonymous"
	}
	sum := sha256.Sum256([]byte("usecat mirror\x00" + key))
	return hex.EncodeToString(sum[:8])
}

// finish saves unsaved changes when the mirror stops.
func (m *copyState) finish(cfg Config, st *Stats) (Stats, error) {
	st.UseCases = len(m.docs)
	if !m.dirty {
		return *st, nil
	}
	if err := m.save(cfg); err != nil {
		return *st, fmt.Errorf("save on stop: %w", err)
	}
	st.Saves++
	return *st, nil
}
