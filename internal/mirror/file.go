package mirror

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// state is the sidecar file: where in the feed the saved copy stands.
type state struct {
	From     string    `json:"from"`
	Key      string    `json:"key"` // keyPrint of the key, never the key
	Since    string    `json:"since"`
	UseCases int       `json:"usecases"`
	SavedAt  time.Time `json:"saved_at"`
}

// copyState is the copy in memory: id → the use-case's JSON line.
type copyState struct {
	docs  map[string][]byte
	since string
	dirty bool // changed since the last save
	saved bool // the files on disk match docs and since
}

func statePath(out string) string { return out + ".state.json" }

// load reads the saved copy when it was made from the same server with the same key and is
// whole; anything else starts a fresh copy.
func load(cfg Config) (*copyState, error) {
	m := &copyState{docs: map[string][]byte{}}
	raw, err := os.ReadFile(statePath(cfg.Out))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(raw, &st); err != nil {
		cfg.Logger.Warn("the state file is unreadable; starting a fresh copy", "file", statePath(cfg.Out), "error", err)
		return m, nil
	}
	if st.From != cfg.From || st.Key != keyPrint(cfg.Key) {
		cfg.Logger.Warn("the saved copy was made from another server or with another key; starting a fresh copy", "from", st.From)
		return m, nil
	}
	docs, err := readCopy(cfg.Out)
	if err != nil || len(docs) != st.UseCases {
		cfg.Logger.Warn("the saved copy does not match its state file; starting a fresh copy", "file", cfg.Out, "error", err,
			"usecases", len(docs), "expected", st.UseCases)
		return m, nil
	}
	m.docs, m.since, m.saved = docs, st.Since, true
	cfg.Logger.Info("resuming the saved copy", "usecases", len(docs), "saved_at", st.SavedAt)
	return m, nil
}

// readCopy reads an NDJSON copy into id → line.
func readCopy(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	docs := map[string][]byte{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &head); err != nil || head.ID == "" {
			return nil, fmt.Errorf("%s line %d is no use-case", path, len(docs)+1)
		}
		docs[head.ID] = bytes.Clone(sc.Bytes())
	}
	return docs, sc.Err()
}

// apply folds one answer of the feed into the copy and returns how many changes it held.
func (m *copyState) apply(p *page) int {
	for _, c := range p.Changes {
		if c.Deleted {
			delete(m.docs, c.ID)
		} else {
			// One line per record: compact whatever the server sent.
			record := c.UseCase
			if record == nil {
				record = c.Dataset
			}
			var b bytes.Buffer
			if err := json.Compact(&b, record); err != nil {
				continue // cannot happen: the page decoded
			}
			m.docs[c.ID] = b.Bytes()
		}
	}
	if len(p.Changes) > 0 || p.NextSince != m.since {
		m.dirty, m.saved = true, false
	}
	m.since = p.NextSince
	return len(p.Changes)
}

// reset forgets the copy, to start from the beginning of the feed.
func (m *copyState) reset() {
	m.docs, m.since, m.dirty, m.saved = map[string][]byte{}, "", true, false
}

// save writes the copy, then the state that says how far it goes.
func (m *copyState) save(cfg Config) error {
	ids := make([]string, 0, len(m.docs))
	for id := range m.docs {
		ids = append(ids, id)
	}
	slices.Sort(ids) // ids are UUIDv7: creation order, and stable diffs between saves
	err := writeAtomic(cfg.Out, func(w *bufio.Writer) error {
		for _, id := range ids {
			w.Write(m.docs[id])
			if err := w.WriteByte('\n'); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write %s: %w", cfg.Out, err)
	}
	st := state{From: cfg.From, Key: keyPrint(cfg.Key), Since: m.since, UseCases: len(m.docs), SavedAt: time.Now().UTC()}
	err = writeAtomic(statePath(cfg.Out), func(w *bufio.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	})
	if err != nil {
		return fmt.Errorf("write %s: %w", statePath(cfg.Out), err)
	}
	m.dirty, m.saved = false, true
	return nil
}

// writeAtomic replaces path with what fill writes: into a temporary file in the same folder,
// synced, then renamed over path, so path is always either the old file or the new one.
func writeAtomic(path string, fill func(w *bufio.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	w := bufio.NewWriterSize(tmp, 256<<10)
	err = fill(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return err
	}
	// Sync the folder so the rename itself survives a power cut.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
