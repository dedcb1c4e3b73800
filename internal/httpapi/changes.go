package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// Change feed limits (DESIGN 4.4).
const (
	defaultChangesLimit = 100
	maxChangesLimit     = 1000
	maxWait             = 60 // seconds a long poll may be held
)

// ChangeList is one page of the change feed.
type ChangeList struct {
	// Changes are the use-cases changed after `since` that the caller may see, oldest change
	// first, each once at its latest change: the use-case itself, or a tombstone for one the
	// caller saw and no longer may (deleted, or shared less widely).
	Changes []Change `json:"changes" validate:"required"`
	// NextSince is the cursor to send as `since` next time; it never goes backwards.
	NextSince string `json:"next_since" example:"Acu6bS84YFO3DdAjq4Wlzrz-VQEG_KvSM40k1efqeQXOTfnQ15EMS_g5BTscnmCJ8K8_srMF--Z5WyqaGKe8d7oO58Bz" validate:"required"`
	// HasMore says more changes are waiting: ask again at once instead of waiting.
	HasMore bool `json:"has_more" example:"false" validate:"required"`
}

// Change is one entry of the change feed: `usecase` when deleted is false, `deleted_at` when
// it is true.
type Change struct {
	// Seq orders the changes; the cursor carries it.
	Seq int64 `json:"seq" example:"1042" validate:"required"`
	// ID is the use-case's id.
	ID string `json:"id" format:"uuid" example:"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f" validate:"required"`
	// Deleted marks a tombstone: drop the use-case from your copy.
	Deleted bool `json:"deleted" example:"false" validate:"required"`
	// DeletedAt is when the use-case was deleted or stopped being visible to the caller.
	DeletedAt *time.Time `json:"deleted_at,omitempty" format:"date-time" example:"2025-09-03T08:15:00Z"`
	// UseCase is the use-case at its latest version.
	UseCase *catalog.UseCase `json:"usecase,omitempty"`
}

// handleListChanges serves the change feed, holding the request open with `wait` until a
// change arrives.
//
//	@Summary		Follow every change (the consortium's harvest feed)
//	@ID				listChanges
//	@Description	Returns the changes after `since` that the caller may see, oldest first. Each use-case appears once, at its latest change: as the use-case, or as a tombstone (`deleted: true`) when the caller could see it once and no longer can (deleted, or shared less widely). A use-case the caller never could see never appears.
//	@Description	Start without `since` to get everything the caller can see now, then keep sending the `next_since` of each answer as `since`: no change is ever missed, however many writers commit at once. Ask again at once while `has_more` is true.
//	@Description	With `wait` (seconds, at most 60) an answer without changes is held open until a change commits or the time is up (long poll), so a harvester stays current without hammering the server.
//	@Description	The cursor is opaque and sealed with the database's own key: nothing in it can be read or changed, and a damaged cursor or one this server did not give out is a 400 naming `since`.
//	@Description	A cursor is bound to the database it came from. One from another database, or one ahead of the newest change (the server's database was restored from an older backup), is answered 410 Gone with the problem type https://usecat.dk/problems/gone: drop your copy's cursor and start again without `since`, replacing your copy with what the replay brings. See the harvesting guide: https://github.com/usecat/usecat/blob/main/docs/harvesting.md
//	@Tags			harvesting
//	@Produce		json
//	@Param			since	query		string	false	"The next_since of the previous answer; absent to start from the beginning"	example(Acu6bS84YFO3DdAjq4Wlzrz-VQEG_KvSM40k1efqeQXOTfnQ15EMS_g5BTscnmCJ8K8_srMF--Z5WyqaGKe8d7oO58Bz)
//	@Param			limit	query		int		false	"Changes per answer"															minimum(1)	maximum(1000)	default(100)
//	@Param			wait	query		int		false	"Seconds to hold an answer without changes open (long poll)"					minimum(0)	maximum(60)		default(0)
//	@Param			If-None-Match	header	string	false	"The ETag of the answer the caller holds; 304 while the same request would get the same answer"
//	@Success		200		{object}	ChangeList
//	@Header			200		{string}	ETag	"Changes exactly when the answer to the same request does"
//	@Success		304		"Nothing new since the answer whose ETag was sent"
//	@Header			304		{string}	ETag	"Changes exactly when the answer to the same request does"
//	@Failure		400		{object}	Problem	"since, limit or wait cannot be read"
//	@Failure		401		{object}	Problem	"The API key is not valid"
//	@Failure		410		{object}	Problem	"The cursor belongs to another database or is ahead of its newest change (it was restored from an older backup): start again without since"
//	@Failure		422		{object}	Problem	"limit or wait is out of range"
//	@Failure		429		{object}	Problem	"Too many requests; wait as Retry-After says"
//	@Failure		500		{object}	Problem	"Something unexpected went wrong"
//	@Failure		503		{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/changes [get]
func (s *Server) handleListChanges(c echo.Context) error {
	if s.cfg.Changes == nil {
		return errNoFeed
	}
	return s.serveFeed(c, s.cfg.Changes, "usecase")
}

// serveFeed answers a request for a page of feed, whose records go in member.
func (s *Server) serveFeed(c echo.Context, feed catalog.Feed, member string) error {
	cursor, limit, wait, fe := parseChangesQuery(c.QueryParams())
	ctx, p := c.Request().Context(), principal(c)
	var since int64
	if cursor != "" {
		var err error
		since, err = openSince(ctx, feed, cursor, s.cfg.RequestTimeout)
		var ce *catalog.Error
		switch {
		case errors.As(err, &ce) && len(ce.Fields) > 0:
			fe = append(fe, ce.Fields...)
		case err != nil && len(fe) == 0:
			return err
		}
	}
	if err := fe.Err("the query has invalid parameters"); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Duration(wait) * time.Second)
	for {
		// Take the wake-up channel before reading, so a commit between the read and the wait
		// still wakes this request.
		var wake <-chan struct{}
		if wait > 0 {
			wake = feed.WaitForChange()
		}
		changes, last, more, err := findChanges(ctx, feed, p, since, limit, s.cfg.RequestTimeout)
		if err != nil {
			return err
		}
		left := time.Until(deadline)
		if len(changes) > 0 || left <= 0 {
			return writeChanges(c, member, changes, feed.SealSince(last), more)
		}
		switch awaitChange(ctx, feed, wake, left) {
		case gone:
			return ctx.Err()
		case shuttingDown:
			return writeChanges(c, member, nil, feed.SealSince(last), false)
		case timeUp:
			// One last look, in case a wake-up went missing (another process's commit while
			// the store's listener was reconnecting).
			deadline = time.Now()
		}
	}
}

// openSince opens the since cursor within the ordinary request timeout.
func openSince(ctx context.Context, feed catalog.Feed, cursor string, timeout time.Duration) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return feed.OpenSince(ctx, cursor)
}

// findChanges reads one page of the feed within the ordinary request timeout: the route's own
// timeout is stretched for the long poll, but one query must not be.
func findChanges(ctx context.Context, feed catalog.Feed, p catalog.Principal, since int64, limit int, timeout time.Duration) ([]catalog.Change, int64, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return feed.FindChanges(ctx, p, since, limit)
}

// Why a long poll stopped waiting.
const (
	woken        = iota // a change committed: read again
	timeUp              // the wait is over
	shuttingDown        // the service is closing
	gone                // the client went away
)

// awaitChange blocks until wake fires, the time is up or the client goes away. The service
// tells of its shutdown by a wake-up channel that is already closed when taken afresh (a commit
// replaces the channel with an open one).
func awaitChange(ctx context.Context, feed catalog.Feed, wake <-chan struct{}, left time.Duration) int {
	timer := time.NewTimer(left)
	defer timer.Stop()
	select {
	case <-wake:
		select {
		case <-feed.WaitForChange():
			return shuttingDown
		default:
			return woken
		}
	case <-timer.C:
		return timeUp
	case <-ctx.Done():
		return gone
	}
}

var errNoFeed = catalog.Errorf(catalog.ErrUnavailable, "the change feed is not available on this server")

// writeChanges splices the stored documents into the answer rather than decode and re-encode
// them: a harvest moves the whole catalogue through here.
func writeChanges(c echo.Context, member string, changes []catalog.Change, next string, more bool) error {
	buf := getBuffer()
	defer putBuffer(buf)
	buf.WriteString(`{"changes":[`)
	for i, ch := range changes {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"seq":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), ch.Seq, 10))
		buf.WriteString(`,"id":`)
		appendJSONString(buf, ch.ID)
		if ch.Deleted {
			buf.WriteString(`,"deleted":true,"deleted_at":"`)
			buf.Write(ch.DeletedAt.UTC().AppendFormat(buf.AvailableBuffer(), time.RFC3339Nano))
			buf.WriteString(`"}`)
			continue
		}
		buf.WriteString(`,"deleted":false,"` + member + `":`)
		if ch.Dataset != nil {
			buf.Write(ch.Dataset)
		} else {
			buf.Write(ch.UseCase)
		}
		buf.WriteByte('}')
	}
	buf.WriteString(`],"next_since":"`)
	buf.WriteString(next) // base64url: nothing to escape
	buf.WriteString(`","has_more":`)
	buf.WriteString(strconv.FormatBool(more))
	buf.WriteByte('}')
	// The ETag is the answer's own hash, so it moves exactly when what this caller sees does
	// (DESIGN 4.4), and a poll that finds nothing new costs the caller a 304.
	etag := `"` + strconv.FormatUint(xxhash.Sum64(buf.Bytes()), 36) + `"`
	cacheHeaders(c)
	if noneMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return notModified(c, etag)
	}
	c.Response().Header().Set(headerETag, etag)
	return writeJSON(c, http.StatusOK, buf.Bytes())
}

// parseChangesQuery reads since, limit and wait, naming every bad one at once: 400 for a value
// that cannot be read, 422 for one out of range. since is left to the service to open (only
// the database can tell whether a cursor is its own) and its faults added to fe.
func parseChangesQuery(q url.Values) (since string, limit, wait int, fe catalog.FieldErrors) {
	since, _ = single(q, "since", &fe)
	limit = intParam(q, "limit", 1, maxChangesLimit, defaultChangesLimit, &fe)
	wait = intParam(q, "wait", 0, maxWait, 0, &fe)
	return since, limit, wait, fe
}

// intParam reads a whole-number parameter within [lo, hi], def when absent.
func intParam(q url.Values, name string, lo, hi, def int, fe *catalog.FieldErrors) int {
	v, ok := single(q, name, fe)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		fe.Add(name, catalog.FieldMalformed, "must be a whole number from %d to %d", lo, hi)
	case n < lo || n > hi:
		fe.Add(name, catalog.FieldOutOfRange, "must be from %d to %d", lo, hi)
	default:
		return n
	}
	return def
}
