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

// startCheckpointer opens the checkpointing connection and runs it until stop closes.
func (s *Store) startCheckpointer(path string, stop <-chan struct{}) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
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
				if _, err := db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
					s.log.Warn("background checkpoint failed", "error", err)
				}
			}
		}
	}()
	return nil
}
