package store

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/usecat/usecat/internal/catalog"
)

// The settings (migration 0006) that give a database its identity, made at its first start.
const (
	settingDatabaseID = "database_id" // 16 random bytes, hex: which database a cursor came from
	settingCursorKey  = "cursor_key"  // 32 random bytes, hex: the key that seals cursors
)

// What a sealed value is for: a list cursor cannot be passed off as a feed cursor.
const (
	purposeList  byte = 'L'
	purposeSince byte = 'S'
)

// A sealed value, in unpadded base64url, is
//
//	version (1) | database id (16) | nonce (24) | ciphertext and tag (XChaCha20-Poly1305) | check (4)
//
// The ciphertext is readable by nobody without the database's key, and the tag makes any
// change to it, or to the version and database id (authenticated with the purpose), fail.
// The nonce is a keyed hash of what is sealed (the SIV construction): the same position always
// seals to the same cursor, so a feed cursor stays the same while nothing the reader may see
// changes, and two different values never share a nonce. The check, the start of the SHA-256
// of everything before it, is not a secret: it only tells a damaged value (400) from an
// intact one sealed by another database (410 for the feed).
const (
	sealVersion  = 1
	sealHeader   = 1 + 16 + chacha20poly1305.NonceSizeX
	sealCheck    = 4
	sealOverhead = sealHeader + chacha20poly1305.Overhead + sealCheck
	maxSealed    = 2048 // characters: a list cursor with the longest title key fits
)

var (
	errSealDamaged = errors.New("not a sealed value")
	errSealForeign = errors.New("sealed by another database")
)

// sealer seals and opens the cursors a database gives out. Every process sharing a database
// reads the same key and identity from it, so a cursor from one opens on all of them.
type sealer struct {
	aead     cipher.AEAD
	nonceKey []byte
	id       []byte
}

// newSealer derives the encryption key and the nonce key from the database's cursor key.
func newSealer(id, key []byte) (*sealer, error) {
	if len(key) != chacha20poly1305.KeySize {
		return nil, errors.New("the cursor key has the wrong length")
	}
	encKey, err := hkdf.Key(sha256.New, key, nil, "usecat cursor encryption", chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	nonceKey, err := hkdf.Key(sha256.New, key, nil, "usecat cursor nonce", sha256.Size)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(encKey)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead, nonceKey: nonceKey, id: id}, nil
}

func (k *sealer) seal(purpose byte, plain []byte) string {
	out := make([]byte, sealHeader, sealOverhead+len(plain))
	out[0] = sealVersion
	copy(out[1:], k.id)
	ad := k.additional(purpose)
	mac := hmac.New(sha256.New, k.nonceKey)
	mac.Write(ad)
	mac.Write(plain)
	nonce := out[1+16 : sealHeader]
	copy(nonce, mac.Sum(nil))
	out = k.aead.Seal(out, nonce, plain, ad)
	sum := sha256.Sum256(out)
	out = append(out, sum[:sealCheck]...)
	return base64.RawURLEncoding.EncodeToString(out)
}

// open returns what v holds: errSealDamaged for anything this database did not seal for
// purpose (tampered, truncated, made up), errSealForeign for an intact value from another
// database.
func (k *sealer) open(purpose byte, v string) ([]byte, error) {
	if len(v) > maxSealed {
		return nil, errSealDamaged
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(raw) < sealOverhead || raw[0] != sealVersion {
		return nil, errSealDamaged
	}
	body, check := raw[:len(raw)-sealCheck], raw[len(raw)-sealCheck:]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:sealCheck], check) {
		return nil, errSealDamaged
	}
	if !bytes.Equal(body[1:1+16], k.id) {
		return nil, errSealForeign
	}
	plain, err := k.aead.Open(nil, body[1+16:sealHeader], body[sealHeader:], k.additional(purpose))
	if err != nil {
		return nil, errSealDamaged
	}
	return plain, nil
}

// additional is the authenticated data of a sealed value: its version, purpose and database.
func (k *sealer) additional(purpose byte) []byte {
	return append([]byte{sealVersion, purpose}, k.id...)
}

// SealSince makes the feed cursor a client sends back as since to get the changes after seq.
func (s *Store) SealSince(seq int64) string {
	return s.seal.seal(purposeSince, binary.BigEndian.AppendUint64(nil, uint64(seq)))
}

// OpenSince reads a feed cursor made by SealSince. A cursor this database never gave out is
// ErrMalformed naming since; one from another database, or one past the newest change (this
// database was restored from an older copy since), is ErrGone: the client must start again
// from no cursor, as nothing it holds can be trusted to line up with this database.
func (s *Store) OpenSince(ctx context.Context, v string) (int64, error) {
	return s.openSince(ctx, v, s.generation)
}

// openSince is OpenSince for a feed whose newest change newest reads.
func (s *Store) openSince(ctx context.Context, v string, newest func(context.Context) (int64, error)) (int64, error) {
	b, err := s.seal.open(purposeSince, v)
	if errors.Is(err, errSealForeign) {
		return 0, catalog.Errorf(catalog.ErrGone, "the cursor comes from another database (this one was replaced or restored); start again without since")
	}
	if err != nil || len(b) != 8 || int64(binary.BigEndian.Uint64(b)) < 0 {
		var fe catalog.FieldErrors
		fe.Add("since", catalog.FieldMalformed, "is not a cursor this server gave out; send the next_since of an earlier answer, or nothing to start again")
		return 0, fe.Err("the query has invalid parameters")
	}
	seq := int64(binary.BigEndian.Uint64(b))
	last, err := newest(ctx)
	if err != nil {
		return 0, err
	}
	if seq > last {
		return 0, catalog.Errorf(catalog.ErrGone, "the cursor is ahead of the newest change (the database was restored from an older copy); start again without since")
	}
	return seq, nil
}

// loadSealer reads the database's identity and cursor key, making them at its first start.
// Processes starting at once on one PostgreSQL database race to insert: the first insert
// wins, the others' are ignored, and all read back the winner's.
func (s *Store) loadSealer(ctx context.Context) error {
	db := s.write.WithContext(ctx)
	values := map[string][]byte{settingDatabaseID: nil, settingCursorKey: nil}
	for name, size := range map[string]int{settingDatabaseID: 16, settingCursorKey: chacha20poly1305.KeySize} {
		fresh := make([]byte, size)
		_, _ = rand.Read(fresh)
		if err := db.Exec(`INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, hex.EncodeToString(fresh)).Error; err != nil {
			return fmt.Errorf("make the database's identity: %w", err)
		}
	}
	rows, err := db.Raw(`SELECT name, value FROM settings WHERE name IN (?, ?)`, settingDatabaseID, settingCursorKey).Rows()
	if err != nil {
		return fmt.Errorf("read the database's identity: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return fmt.Errorf("read the database's identity: %w", err)
		}
		if values[name], err = hex.DecodeString(value); err != nil {
			return fmt.Errorf("the database's %s is damaged: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the database's identity: %w", err)
	}
	if len(values[settingDatabaseID]) != 16 {
		return fmt.Errorf("the database's %s is damaged", settingDatabaseID)
	}
	s.seal, err = newSealer(values[settingDatabaseID], values[settingCursorKey])
	if err != nil {
		return fmt.Errorf("the database's %s is damaged: %w", settingCursorKey, err)
	}
	return nil
}
