package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifier wakes long-polling readers when a change commits: each waiter holds the current
// channel, and a commit closes it and makes a new one. No polling of the database.
type notifier struct {
	mu     sync.Mutex
	ch     chan struct{}
	closed bool

	listening  sync.Once          // PostgreSQL: the listener for other processes' commits
	stopListen context.CancelFunc // ends the listener; set while it runs
}

func newNotifier() *notifier { return &notifier{ch: make(chan struct{})} }

// wait returns a channel closed at the next commit (or at shutdown).
func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.ch
}

// broadcast wakes every waiter.
func (n *notifier) broadcast() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return
	}
	close(n.ch)
	n.ch = make(chan struct{})
}

// close wakes every waiter for good and stops the listener.
func (n *notifier) close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.closed {
		n.closed = true
		close(n.ch)
	}
	if n.stopListen != nil {
		n.stopListen()
	}
}

// WaitForChange returns a channel closed when the next change commits, or when the store
// closes. On PostgreSQL that includes commits of other usecat processes sharing the database.
func (s *Store) WaitForChange() <-chan struct{} {
	if s.engine.name() == "postgres" {
		// Started by the first long poll: a process that serves none needs no listener.
		s.notify.listening.Do(s.startListener)
	}
	return s.notify.wait()
}

// ReleaseWaiters wakes every long-polling reader for good, so a shutdown need not wait for
// their timeouts.
func (s *Store) ReleaseWaiters() { s.notify.close() }

// notifyChannel is the channel the changes_notify trigger (migration 0004) notifies.
const notifyChannel = "usecat_changes"

// startListener follows PostgreSQL's notifications of committed changes on a connection of
// its own, waking waiters for each, until the store closes. When the connection fails it
// wakes the waiters anyway (a notification may have been lost: they look for themselves) and
// connects again after a pause.
func (s *Store) startListener() {
	ctx, cancel := context.WithCancel(context.Background())
	s.notify.mu.Lock()
	closed := s.notify.closed
	s.notify.stopListen = cancel
	s.notify.mu.Unlock()
	if closed {
		cancel()
		return
	}
	go func() {
		pause := time.Second
		for {
			err := s.listen(ctx)
			if ctx.Err() != nil {
				return
			}
			s.log.Warn("listening for changes of other processes failed; trying again", "error", err, "in", pause.String())
			s.notify.broadcast()
			select {
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
			pause = min(2*pause, 30*time.Second)
		}
	}()
}

// listen holds one connection in LISTEN until it fails or ctx ends. The connection is never
// given back to the pool, where it would go on collecting notifications.
func (s *Store) listen(ctx context.Context) error {
	db, err := s.write.DB()
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var failed error
	_ = conn.Raw(func(dc any) error {
		pc, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			failed = fmt.Errorf("the PostgreSQL driver gives no pgx connection (%T)", dc)
			return driver.ErrBadConn
		}
		c := pc.Conn()
		if _, err := c.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
			failed = err
			return driver.ErrBadConn
		}
		for {
			if _, err := c.WaitForNotification(ctx); err != nil {
				failed = err
				return driver.ErrBadConn // closes the connection
			}
			s.notify.broadcast()
		}
	})
	return failed
}
