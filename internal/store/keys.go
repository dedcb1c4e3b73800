package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/usecat/usecat/internal/catalog"
)

// keyRow is the stored form of an API key: its hash, never its secret.
type keyRow struct {
	ID             string `gorm:"primaryKey"`
	OrganisationID string
	Name           string
	Role           string
	Hash           []byte
	CreatedAt      int64
	LastUsedAt     *int64
	RevokedAt      *int64
}

func (keyRow) TableName() string { return "api_keys" }

func (r keyRow) domain() catalog.Key {
	k := catalog.Key{ID: r.ID, OrganisationID: r.OrganisationID, Name: r.Name, Role: catalog.Role(r.Role), CreatedAt: fromMicros(r.CreatedAt)}
	if r.LastUsedAt != nil {
		t := fromMicros(*r.LastUsedAt)
		k.LastUsedAt = &t
	}
	if r.RevokedAt != nil {
		t := fromMicros(*r.RevokedAt)
		k.RevokedAt = &t
	}
	return k
}

// secretPrefix marks usecat secrets so they are easy to spot in logs and secret scanners.
const secretPrefix = "usecat_"

// A secret is usecat_<key id>_<32 random bytes, base64url>. The id lets Authenticate find the
// row with one index lookup; the random part is what proves possession. The secret has 256 bits
// of entropy, so one SHA-256 is a safe hash (a slow password hash would only slow every request).
func newSecret() (id, secret string) {
	var idb [8]byte
	var sb [32]byte
	_, _ = rand.Read(idb[:])
	_, _ = rand.Read(sb[:])
	id = "k" + hex.EncodeToString(idb[:])
	return id, secretPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(sb[:])
}

func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateKey makes a key for org with role and returns it with its secret, shown only now.
func (s *Store) CreateKey(ctx context.Context, org, name string, role catalog.Role) (*catalog.Key, string, error) {
	name = strings.TrimSpace(name)
	if err := catalog.ValidateKey(name, role); err != nil {
		return nil, "", err
	}
	id, secret := newSecret()
	row := keyRow{ID: id, OrganisationID: org, Name: name, Role: string(role), Hash: hashSecret(secret), CreatedAt: micros(s.now())}
	err := s.inTx(ctx, func(tx txn) error {
		var n int64
		if err := tx.row(`SELECT COUNT(*) FROM organisations WHERE id = ?`, []any{org}, &n); err != nil {
			return err
		}
		if n == 0 {
			return catalog.Errorf(catalog.ErrNotFound, "there is no such organisation")
		}
		return exec(tx, `INSERT INTO api_keys (id, organisation_id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			row.ID, row.OrganisationID, row.Name, row.Role, row.Hash, row.CreatedAt)
	})
	if err != nil {
		return nil, "", err
	}
	k := row.domain()
	return &k, secret, nil
}

// FindKeys lists the keys of org (every key when org is empty), newest first.
func (s *Store) FindKeys(ctx context.Context, org string) ([]catalog.Key, error) {
	s.flushTouched(ctx)
	q := s.read.WithContext(ctx).Order("created_at DESC, id")
	if org != "" {
		if _, err := s.FindOrganisation(ctx, org); err != nil {
			return nil, err
		}
		q = q.Where("organisation_id = ?", org)
	}
	var rows []keyRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, s.translate(err)
	}
	out := make([]catalog.Key, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// RevokeKey revokes a key at once; it is kept, listed as revoked.
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	if !storable(id) {
		return catalog.Errorf(catalog.ErrNotFound, "no such key")
	}
	return s.inTx(ctx, func(tx txn) error {
		changed, err := tx.exec(`UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, micros(s.now()), id)
		if err != nil {
			return err
		}
		if changed == 0 {
			var n int64
			if err := tx.row(`SELECT COUNT(*) FROM api_keys WHERE id = ?`, []any{id}, &n); err != nil {
				return err
			}
			if n == 0 {
				return catalog.Errorf(catalog.ErrNotFound, "there is no such key")
			}
		}
		return nil
	})
}

// Authenticate returns the principal of secret: ErrUnauthorized for a malformed, unknown or
// revoked key. The hash comparison takes constant time.
func (s *Store) Authenticate(ctx context.Context, secret string) (catalog.Principal, error) {
	bad := catalog.Errorf(catalog.ErrUnauthorized, "the API key is not valid")
	rest, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok || len(secret) > 200 {
		return catalog.Anonymous, bad
	}
	id, _, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 17 {
		return catalog.Anonymous, bad
	}
	var r keyRow
	err := s.queryOne(ctx, `SELECT id, organisation_id, name, role, hash, revoked_at FROM api_keys WHERE id = ?`, []any{id},
		&r.ID, &r.OrganisationID, &r.Name, &r.Role, &r.Hash, &r.RevokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Anonymous, bad
	}
	if err != nil {
		return catalog.Anonymous, s.translate(err)
	}
	if subtle.ConstantTimeCompare(r.Hash, hashSecret(secret)) != 1 || r.RevokedAt != nil {
		return catalog.Anonymous, bad
	}
	s.touched.add(r.ID, s.now())
	return catalog.Principal{KeyID: r.ID, KeyName: r.Name, OrganisationID: r.OrganisationID, Role: catalog.Role(r.Role)}, nil
}

// touchSet collects when keys were last used, so a busy key costs one write a flush, not one
// a request.
type touchSet struct {
	mu   sync.Mutex
	used map[string]time.Time
}

func newTouchSet() *touchSet { return &touchSet{used: map[string]time.Time{}} }

func (t *touchSet) add(id string, at time.Time) {
	t.mu.Lock()
	t.used[id] = at
	t.mu.Unlock()
}

func (t *touchSet) take() map[string]time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.used
	t.used = map[string]time.Time{}
	return out
}

// touchInterval is how often last_used_at is written.
const touchInterval = 10 * time.Second

// flushLoop writes last_used_at every touchInterval until stop closes.
func (s *Store) flushLoop(stop <-chan struct{}) {
	t := time.NewTicker(touchInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.flushTouched(context.Background())
		}
	}
}

// flushTouched writes the collected key usage times.
func (s *Store) flushTouched(ctx context.Context) {
	used := s.touched.take()
	if len(used) == 0 {
		return
	}
	err := s.run(ctx, func(tx txn) error {
		for id, at := range used {
			if err := exec(tx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, micros(at), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.Warn("could not record key use", "error", err)
	}
}
