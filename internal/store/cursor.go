package store

import (
	"encoding/base64"
	"encoding/json"

	"github.com/usecat/usecat/internal/catalog"
)

// cursor is the position after the last item of a page: the sort key and the row's pk, which
// breaks ties. Keyset paging stays correct while rows are added and removed between pages.
type cursor struct {
	Sort  catalog.Sort `json:"s"`
	Int   int64        `json:"i,omitempty"` // updated_at or created_at
	Text  string       `json:"t,omitempty"` // title key
	Float float64      `json:"f,omitempty"` // relevance
	PK    int64        `json:"p"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor made for sort; anything else is a malformed request.
func decodeCursor(s string, sort catalog.Sort) (cursor, error) {
	var c cursor
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && len(raw) < 1024 {
		err = json.Unmarshal(raw, &c)
	} else if err == nil {
		err = errCursor
	}
	var fe catalog.FieldErrors
	switch {
	case err != nil || c.PK <= 0:
		fe.Add("cursor", catalog.FieldMalformed, "is not a cursor this server gave out; start again without it")
	case c.Sort != sort:
		fe.Add("cursor", catalog.FieldMalformed, "belongs to another sort order; keep the sort of the first page")
	}
	return c, fe.Err("the cursor cannot be used")
}

var errCursor = catalog.Errorf(catalog.ErrMalformed, "cursor too long")
