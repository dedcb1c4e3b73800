package store

import (
	"encoding/binary"
	"math"

	"github.com/usecat/usecat/internal/catalog"
)

// cursor is the position after the last item of a page: the sort key and the row's pk, which
// breaks ties. Keyset paging stays correct while rows are added and removed between pages.
// Clients only ever see it sealed (seal.go): nothing in it is readable or can be forged.
type cursor struct {
	Sort  catalog.Sort
	Int   int64   // updated_at or created_at
	Text  string  // title key
	Float float64 // relevance
	PK    int64
}

// listCursorSize is a list cursor's fixed part: the length of the sort's name, Int, Float and
// PK. The sort's name and the title key follow. Every number takes its full width, so a
// cursor's length says nothing about the relevance score inside.
const listCursorSize = 1 + 8 + 8 + 8

// encodeCursor seals c for a client.
func (s *Store) encodeCursor(c cursor) string {
	b := make([]byte, listCursorSize, listCursorSize+len(c.Sort)+len(c.Text))
	b[0] = byte(len(c.Sort))
	binary.BigEndian.PutUint64(b[1:], uint64(c.Int))
	binary.BigEndian.PutUint64(b[9:], math.Float64bits(c.Float))
	binary.BigEndian.PutUint64(b[17:], uint64(c.PK))
	b = append(append(b, c.Sort...), c.Text...)
	return s.seal.seal(purposeList, b)
}

// decodeCursor opens a cursor made for sort; anything else (tampered, truncated, from another
// database or for another sort) is a malformed request naming the cursor.
func (s *Store) decodeCursor(v string, sort catalog.Sort) (cursor, error) {
	var c cursor
	b, err := s.seal.open(purposeList, v)
	ok := err == nil && len(b) >= listCursorSize && len(b) >= listCursorSize+int(b[0])
	if ok {
		c.Int = int64(binary.BigEndian.Uint64(b[1:]))
		c.Float = math.Float64frombits(binary.BigEndian.Uint64(b[9:]))
		c.PK = int64(binary.BigEndian.Uint64(b[17:]))
		c.Sort = catalog.Sort(b[listCursorSize : listCursorSize+int(b[0])])
		c.Text = string(b[listCursorSize+int(b[0]):])
	}
	var fe catalog.FieldErrors
	switch {
	case !ok || c.PK <= 0:
		fe.Add("cursor", catalog.FieldMalformed, "is not a cursor this server gave out; start again without it")
	case c.Sort != sort:
		fe.Add("cursor", catalog.FieldMalformed, "belongs to another sort order; keep the sort of the first page")
	}
	return c, fe.Err("the cursor cannot be used")
}
