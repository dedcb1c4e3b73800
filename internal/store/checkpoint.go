package store

import (
	"context"
	"database/sql"
	"time"
)

// SQLite copies the WAL back into the database file at checkpoints, which end in fsync. Left
// automatic, a checkpoint runs inside whichever commit crosses the threshold, and the one
// writer, with every request queued behind it, waits for the disk. So the writer never
// checkpoints; a connection of its own does, in the background, without blocking writers or
// readers (PASSIVE). Close folds what is left into the file.

// checkpointEvery is how often the background checkpoint runs.
const checkpointEvery = time.Second

// walRestartBytes is how large the WAL may grow before the checkpointer lets it start over.
const walRestartBytes = 64 << 20

// checkpoint copies the WAL into the database file without blocking anyone. Under a steady
// stream of writes a passive pass never catches up (the writer appends while it copies), and
// SQLite starts the WAL over only once all of it is copied: left alone it grew by 40 MB a
// second, and every write and read slowed down with it. So once the WAL is past
// walRestartBytes, passes follow each other until one finds little left to copy, and the
// writer is asked to copy the rest itself between two groups (restartWAL), after which the WAL
// starts over. (A RESTART checkpoint here would do the same, but the writer, refused the lock
// meanwhile, sleeps in SQLite's busy handler in ever longer steps: 150 ms p99s.)
func (s *Store) checkpoint(db *sql.DB, pageSize int) error {
	ctx := context.Background()
	for range 20 {
		start := time.Now()
		var busy, frames, copied int
		if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
			return err
		}
		if frames*pageSize < walRestartBytes {
			return nil
		}
		if time.Since(start) < restartAfterPass {
			s.restartWAL.Store(true)
			return nil
		}
	}
	return nil
}

// restartAfterPass is how short a passive pass must have been, so little was left to copy,
// before the writer is asked to finish the job.
const restartAfterPass = 20 * time.Millisecond

// startCheckpointer opens the checkpointing connection and runs it until stop closes.
func (s *Store) startCheckpointer(path string, stop <-chan struct{}) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	var pageSize int
	if err := db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		db.Close()
		return err
	}
	s.checkpointDone = make(chan struct{})
	go func() {
		defer close(s.checkpointDone)
		defer db.Close()
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if err := s.checkpoint(db, pageSize); err != nil {
					s.log.Warn("background checkpoint failed", "error", err)
				}
			}
		}
	}()
	return nil
}
