package store

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"time"
)

// SQLite commits one transaction at a time, and a commit costs far more than the few rows a
// request writes (every touched index and full-text page goes to the WAL). So writes queue for
// the one writer connection, which commits them in groups: several requests share one
// transaction, and each hears back only after the group has committed, so a success is
// durable.
//
// A request that fails before writing anything (a stale version, an invisible use-case,
// invalid input) simply drops out of its group. One that fails after writing would leave rows
// behind, so the whole group rolls back and its other requests run again, one transaction
// each. Savepoints would isolate requests too, but SQLite's full-text index writes its pending
// terms out at every savepoint, which costs more than the grouping saves.

// writeJob is one request's part of a group commit.
type writeJob struct {
	ctx  context.Context
	fn   func(tx txn) error
	done chan error
}

// maxGroup bounds a group so one commit never holds a crowd of requests for long.
const maxGroup = 64

// groupTimeout bounds the wait for the write lock (another process may hold it) and a group's
// commit. The statements in between run without a deadline: they wait for no lock, and the
// driver runs a statement under a deadline on a goroutine of its own, a cost on every one.
const groupTimeout = 30 * time.Second

// startWriter takes the writer connection for good and runs the group-commit loop on it until
// the job queue closes.
func (s *Store) startWriter(ctx context.Context) error {
	db, err := s.write.DB()
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	// Checkpoints run in the background (checkpoint.go), never inside the writer's commits.
	if _, err := conn.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		conn.Close()
		return err
	}
	// The loop keeps its own copy of the queue: Close sets s.jobs to nil under s.closing,
	// which the loop does not hold.
	jobs := make(chan *writeJob, 1024)
	s.jobs = jobs
	s.writerDone = make(chan struct{})
	go func() {
		defer close(s.writerDone)
		t := &connTxn{conn: conn, stmts: map[string]*sql.Stmt{}}
		defer func() {
			for _, st := range t.stmts {
				st.Close()
			}
			conn.Close()
		}()
		for first := range jobs {
			group := []*writeJob{first}
			gather := func() int {
				n := 0
				for len(group) < maxGroup {
					select {
					case j, ok := <-jobs:
						if !ok {
							return n
						}
						group = append(group, j)
						n++
					default:
						return n
					}
				}
				return n
			}
			// A commit costs far more than a request's own statements (the full-text index
			// writes a segment, every touched page goes to the WAL), so the group waits for
			// requests that are on their way: the writer yields to the goroutines ready to run
			// (handlers decoding and checking bodies) while that brings more jobs, and commits
			// when a round brings none. On one busy core this made groups of 1.5 requests
			// groups of 18 and creates 1,000/s 1,500/s; a lone request waits one round.
			gather()
			for len(group) < maxGroup {
				runtime.Gosched()
				if gather() == 0 {
					break
				}
			}
			if !s.commitGroup(t, group) {
				// Someone failed half-way: run the group again, one by one.
				for _, j := range group {
					s.commitGroup(t, []*writeJob{j})
				}
			}
			if s.restartWAL.Swap(false) {
				// The checkpointer has copied nearly all of the WAL (checkpoint.go): copy the
				// rest, so the next commit starts it over.
				if _, err := conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(RESTART)"); err != nil {
					s.log.Warn("checkpoint failed", "error", err)
				}
			}
		}
	}()
	return nil
}

// commitGroup runs group in one transaction and answers every job. It returns false, having
// rolled back and answered nobody, when a job of a group of several failed after writing.
func (s *Store) commitGroup(t *connTxn, group []*writeJob) bool {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	t.ctx = context.Background()
	results := make([]error, len(group))
	answer := func(err error) bool {
		for i, j := range group {
			if results[i] == nil {
				results[i] = err
			}
			j.done <- results[i]
		}
		return true
	}
	t.last, t.seq = t.last[:0], 0
	if _, err := t.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return answer(err)
	}
	ok := 0
	for i, j := range group {
		if err := j.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		t.dirty = false
		if results[i] = runJob(j.fn, t); results[i] == nil {
			ok++
			continue
		}
		if t.dirty {
			_, _ = t.conn.ExecContext(ctx, "ROLLBACK")
			if len(group) > 1 {
				return false
			}
			return answer(nil)
		}
	}
	end := "COMMIT"
	if ok == 0 {
		end = "ROLLBACK"
	}
	if err := t.runLast(); err != nil {
		_, _ = t.conn.ExecContext(ctx, "ROLLBACK")
		if len(group) > 1 {
			return false
		}
		return answer(err)
	}
	if _, err := t.conn.ExecContext(ctx, end); err != nil {
		_, _ = t.conn.ExecContext(ctx, "ROLLBACK")
		return answer(fmt.Errorf("commit: %w", err))
	}
	return answer(nil)
}

// runJob runs fn, turning a panic into an error so one bad request cannot take the writer down.
func runJob(fn func(tx txn) error, tx txn) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write panicked: %v", r)
		}
	}()
	return fn(tx)
}
