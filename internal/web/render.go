package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/usecat/usecat/internal/catalog"
)

//go:embed templates/*.html
var templateFiles embed.FS

// contentSecurityPolicy allows the site's own styles, fonts and images and nothing else: no
// script runs, nothing loads from another host and no other site may frame a page.
const contentSecurityPolicy = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// pages holds the parsed templates, one set per language, since each set's functions write
// that language's words, numbers and dates.
type pages struct {
	byLang map[*language]map[string]*template.Template
}

// pageNames lists the page templates; each defines "title" and "main" for the layout.
var pageNames = []string{"search", "usecase", "organisation", "members", "about", "notfound", "error"}

func parsePages(a *assets) (*pages, error) {
	if err := loadMessages(); err != nil {
		return nil, err
	}
	p := &pages{byLang: map[*language]map[string]*template.Template{}}
	for _, l := range languages {
		root, err := template.New("").Funcs(funcs(l, a)).ParseFS(templateFiles, "templates/layout.html", "templates/parts.html")
		if err != nil {
			return nil, err
		}
		p.byLang[l] = map[string]*template.Template{}
		for _, name := range pageNames {
			t, err := root.Clone()
			if err != nil {
				return nil, err
			}
			if p.byLang[l][name], err = t.ParseFS(templateFiles, "templates/"+name+".html"); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// funcs are the template functions of language l.
func funcs(l *language, a *assets) template.FuncMap {
	return template.FuncMap{
		"t":       l.text,
		"num":     l.number,
		"date":    l.date,
		"isodate": l.isoDate,
		"label": func(vocabulary, value string) (string, error) {
			v, ok := vocabularies[vocabulary]
			if !ok {
				return "", fmt.Errorf("no vocabulary %q", vocabulary)
			}
			return l.label(v, value), nil
		},
		// href prefixes a site path with the language's prefix.
		"href":  func(path string) string { return l.prefix + path },
		"asset": a.url,
		// search links the search page with a query string that url.Values encoded.
		"search": func(query string) template.URL {
			if query == "" {
				return template.URL(l.prefix + "/")
			}
			return template.URL(l.prefix + "/?" + query) // #nosec: an encoded query, built by the handlers
		},
		"markdown": func(s string) template.HTML { return renderMarkdown(s) },
		"fieldname": func(name string) string {
			if m, ok := l.messages["field."+name]; ok {
				return m
			}
			return name
		},
		"langname": l.languageName,
		// content marks text the organisations wrote, which is Danish, on English pages
		// (WCAG 3.1.2, language of parts).
		"content": func() template.HTMLAttr {
			if l == danish {
				return ""
			}
			return ` lang="da"`
		},
	}
}

// view is what every page template receives.
type view struct {
	Lang *language
	// Path is the page's path without the language prefix, and Query its query string, so
	// the language switch can link the same page in the other language.
	Path  string
	Query string
	// Section names the navigation item to mark as current.
	Section string
	Data    any
}

// Other is the same page in the other language.
func (v *view) Other() string {
	u := v.Lang.other().prefix + v.Path
	if u == "" {
		u = "/"
	}
	if v.Query != "" {
		u += "?" + v.Query
	}
	return u
}

// LangCode is the page's language code, for the lang attribute.
func (v *view) LangCode() string { return v.Lang.code }

// OtherLang is the other language's code.
func (v *view) OtherLang() string { return v.Lang.other().code }

// pageFunc fills a page's view and returns the template to render and the status.
type pageFunc func(r *http.Request, v *view) (template string, status int, err error)

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// page turns a pageFunc into a handler: it renders into a buffer (so a template error never
// sends half a page), then answers with an ETag of the bytes and the security headers, or
// 304 when the browser already holds them.
func (s *Site) page(l *language, fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := &view{Lang: l, Path: strings.TrimPrefix(r.URL.Path, l.prefix), Query: r.URL.RawQuery}
		if v.Path == "" {
			v.Path = "/"
		}
		name, status, err := fn(r, v)
		if err != nil {
			name, status = s.failure(r, v, err)
		}
		buf := bufferPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufferPool.Put(buf)
		if err := s.pages.byLang[l][name].ExecuteTemplate(buf, "layout", v); err != nil {
			s.log.LogAttrs(r.Context(), slog.LevelError, "web page failed to render",
				slog.String("template", name), slog.String("error", err.Error()))
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Language", l.code)
		h.Set("Cache-Control", "no-cache")
		sum := sha256.Sum256(buf.Bytes())
		etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
		h.Set("ETag", etag)
		if status == http.StatusOK && etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(buf.Bytes())
		}
	}
}

// etagMatch reports whether an If-None-Match header names etag (or is *).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// failure chooses the page for an error: the 404 page for what does not exist (or is not
// public), a "try again" page when the database is slow or away, and a plain error page,
// with the error logged but never shown, otherwise.
func (s *Site) failure(r *http.Request, v *view, err error) (string, int) {
	switch {
	case catalog.ErrorCode(err) == catalog.ErrNotFound:
		return "notfound", http.StatusNotFound
	case catalog.ErrorCode(err) == catalog.ErrUnavailable, errors.Is(err, context.DeadlineExceeded):
		v.Data = "error.unavailable"
		return "error", http.StatusServiceUnavailable
	}
	s.log.LogAttrs(r.Context(), slog.LevelError, "web page failed",
		slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	v.Data = "error.internal"
	return "error", http.StatusInternalServerError
}

// handleNotFound is the page for any address the site does not have.
func (s *Site) handleNotFound(r *http.Request, v *view) (string, int, error) {
	v.Query = ""
	return "notfound", http.StatusNotFound, nil
}

// query builds a query string from pairs of names and values, leaving out empty values.
func query(pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Add(pairs[i], pairs[i+1])
		}
	}
	return q.Encode()
}
