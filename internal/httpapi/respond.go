package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

const (
	mimeJSON   = "application/json"
	headerETag = "ETag"
	headerLink = "Link"
)

// buffers recycles response buffers: a list of 50 use-cases is some 100 KB, and allocating
// that afresh per request would keep the garbage collector busy.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps one huge response from pinning its buffer in the pool for good.
const maxPooledBuffer = 4 << 20

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	buffers.Put(b)
}

// writeJSON sends body, already encoded, with its length so clients and gzip need not guess.
func writeJSON(c echo.Context, status int, body []byte) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, mimeJSON)
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	c.Response().WriteHeader(status)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err := c.Response().Write(body)
	return err
}

// encodeJSON encodes v into a pooled buffer and sends it. For the cold paths, where
// reflection costs nothing that matters.
func encodeJSON(c echo.Context, status int, v any) error {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return err
	}
	return writeJSON(c, status, buf.Bytes())
}

// appendJSONString appends s as a JSON string. The strings written by hand here (cursors,
// ids) are plain ASCII, so the fast path copies them; anything else goes through the encoder.
func appendJSONString(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s)
			b.Write(enc)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// cacheHeaders marks an answer as revalidate-before-use. Answers differ by key, so shared
// caches must key on Authorization, and keyed answers are the key holder's only.
func cacheHeaders(c echo.Context) {
	h := c.Response().Header()
	if c.Request().Header.Get(echo.HeaderAuthorization) != "" {
		h.Set(echo.HeaderCacheControl, "private, no-cache")
	} else {
		h.Set(echo.HeaderCacheControl, "no-cache")
	}
	h.Add(echo.HeaderVary, echo.HeaderAuthorization)
}

// etags holds the ETags of the first versions, so the hot path of GET /usecases/{id} does not
// format one.
var etags = func() (t [256]string) {
	for i := range t {
		t[i] = `"` + strconv.Itoa(i) + `"`
	}
	return t
}()

// versionETag is the strong ETag of a use-case version: "<version>".
func versionETag(version int) string {
	if version >= 0 && version < len(etags) {
		return etags[version]
	}
	return `"` + strconv.Itoa(version) + `"`
}

// noneMatch reports whether an If-None-Match header lets the server answer 304 for a
// representation with the given ETag. RFC 9110 13.1.2: "*" matches any current
// representation, and the comparison is weak, so W/"3" matches "3".
func noneMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for header != "" {
		var tag string
		tag, header, _ = strings.Cut(header, ",")
		tag = strings.TrimSpace(tag)
		if tag == "*" {
			return true
		}
		tag = strings.TrimPrefix(tag, "W/")
		if tag == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// notModified answers 304 with the validators a cache needs to refresh its copy.
func notModified(c echo.Context, etag string) error {
	c.Response().Header().Set(headerETag, etag)
	c.Response().WriteHeader(http.StatusNotModified)
	return nil
}
