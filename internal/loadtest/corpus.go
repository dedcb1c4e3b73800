package loadtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// corpusVersion is bumped by hand when the cached catalogues must be rebuilt for a reason the
// stamp cannot see.
const corpusVersion = "1"

// stampSources are the files, relative to the repository root, whose content decides what a
// generated catalogue holds: the SQLite schema and the generator. Any change to them makes a
// new stamp, so a stale catalogue is never measured.
var stampSources = []string{"internal/store/migrations/sqlite", "internal/demo/generate.go", "internal/demo/words.go"}

// CorpusFile is where the cached SQLite catalogue of n generated public use-cases lives under
// root (the repository): var/bench/catalogue-<n>-<stamp>.db. The load runner and the store's
// benchmarks share it, and whoever finds it missing builds it.
func CorpusFile(root string, n int) (string, error) {
	stamp, err := stampOf(root, stampSources)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "var", "bench", fmt.Sprintf("catalogue-%d-%s.db", n, stamp)), nil
}

// stampOf hashes the files under sources (relative to root) with corpusVersion.
func stampOf(root string, sources []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "usecat corpus %s\n", corpusVersion)
	for _, src := range sources {
		var files []string
		err := filepath.WalkDir(filepath.Join(root, src), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			return "", fmt.Errorf("corpus stamp: %w", err)
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return "", fmt.Errorf("corpus stamp: %w", err)
			}
			rel, _ := filepath.Rel(root, f)
			fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// ensureCorpus returns the cached catalogue of n use-cases, building it with
// `usecat seed-demo --synthetic n` when it is missing. It builds into a temporary file and
// renames it into place, so an interrupted build never passes for a finished one.
func (r *runner) ensureCorpus(ctx context.Context) (string, error) {
	file, err := CorpusFile(r.cfg.Root, r.cfg.UseCases)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(file); err == nil {
		r.logf("catalogue: %s (cached)", rel(r.cfg.Root, file))
		return file, nil
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return "", err
	}
	tmp := strings.TrimSuffix(file, ".db") + ".building.db"
	removeDB(tmp)
	r.logf("catalogue: generating %d use-cases into %s (cached for later runs)", r.cfg.UseCases, rel(r.cfg.Root, file))
	start := time.Now()
	cmd := exec.CommandContext(ctx, r.bin, "--db", tmp, "--log-level", "warn", "seed-demo",
		"--synthetic", fmt.Sprint(r.cfg.UseCases), "--workers", fmt.Sprint(r.cfg.SeedWorkers))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		removeDB(tmp)
		return "", fmt.Errorf("seed-demo: %w", err)
	}
	r.seeded = time.Since(start)
	r.logf("catalogue: %d use-cases generated in %s (%.0f creates/s with %d workers)", r.cfg.UseCases,
		r.seeded.Round(time.Second), float64(r.cfg.UseCases)/r.seeded.Seconds(), r.cfg.SeedWorkers)
	if err := os.Rename(tmp, file); err != nil {
		return "", err
	}
	removeDB(tmp)
	return file, nil
}

// removeDB removes a SQLite file and its WAL and shared-memory files.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// copyDB copies the SQLite file src (closed, its WAL folded back) to dst, so a run's writes
// never touch the cached catalogue.
func copyDB(src, dst string) error {
	removeDB(dst)
	for _, suffix := range []string{"", "-wal"} {
		in, err := os.Open(src + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			return err
		}
		out, err := os.Create(dst + suffix)
		if err != nil {
			in.Close()
			return err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ids returns the file listing every use-case id of the catalogue file, one a line, writing it
// beside the catalogue the first time.
func (r *runner) ids(corpus string) (string, error) {
	file := strings.TrimSuffix(corpus, ".db") + ".ids"
	if _, err := os.Stat(file); err == nil {
		return file, nil
	}
	db, err := gorm.Open(sqlite.Open("file:"+corpus+"?mode=ro"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return "", err
	}
	if sdb, err := db.DB(); err == nil {
		defer sdb.Close()
	}
	var ids []string
	if err := db.Raw(`SELECT id FROM usecases ORDER BY pk`).Scan(&ids).Error; err != nil {
		return "", fmt.Errorf("list ids: %w", err)
	}
	if len(ids) != r.cfg.UseCases {
		return "", fmt.Errorf("%s holds %d use-cases, not %d: delete it to build it again", corpus, len(ids), r.cfg.UseCases)
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(ids, "\n")+"\n"), 0o644); err != nil {
		return "", err
	}
	return file, os.Rename(tmp, file)
}

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return r
	}
	return path
}
