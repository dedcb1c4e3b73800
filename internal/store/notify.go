package store

import "sync"

// notifier wakes long-polling readers when a change commits: each waiter holds the current
// channel, and a commit closes it and makes a new one. No polling of the database.
type notifier struct {
	mu     sync.Mutex
	ch     chan struct{}
	closed bool
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

// close wakes every waiter for good.
func (n *notifier) close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.closed {
		n.closed = true
		close(n.ch)
	}
}

// WaitForChange returns a channel closed when the next change commits in this process, or when
// the store closes.
func (s *Store) WaitForChange() <-chan struct{} { return s.notify.wait() }

// ReleaseWaiters wakes every long-polling reader for good, so a shutdown need not wait for
// their timeouts.
func (s *Store) ReleaseWaiters() { s.notify.close() }
