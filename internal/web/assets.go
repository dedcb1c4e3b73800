package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
)

// assetFiles are the vendored DKFDS files (see vendor-dkfds.sh beside them; their licences
// are in the same folder) and the site's own stylesheet.
//
//go:embed assets
var assetFiles embed.FS

// asset is one file as served: under a name that carries a hash of its content, so it can be
// cached for a year and a new release's file is a new address.
type asset struct {
	name        string // the served name, e.g. dkfds-1a2b3c4d5e.min.css
	contentType string
	body        []byte
}

// assets are the served files by served name, and the served name of each source path.
type assets struct {
	byName map[string]*asset
	byPath map[string]string // "dkfds/css/dkfds.min.css" → served name
}

// stylesheets are rewritten so their url()s name the hashed files; fonts and icons are
// hashed first, in loadAssets.
var stylesheets = []string{"dkfds/css/dkfds.min.css", "usecat.css"}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byPath: map[string]string{}}
	root, err := fs.Sub(assetFiles, "assets")
	if err != nil {
		return nil, err
	}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch path.Ext(p) {
		case ".woff2", ".svg":
			b, err := fs.ReadFile(root, p)
			if err != nil {
				return err
			}
			a.add(p, b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range stylesheets {
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return nil, err
		}
		a.add(p, []byte(a.rewriteCSS(p, string(b))))
	}
	return a, nil
}

// add hashes a file and records it under its served name.
func (a *assets) add(p string, body []byte) {
	sum := sha256.Sum256(body)
	base := path.Base(p)
	stem, ext, _ := strings.Cut(base, ".")
	name := stem + "-" + hex.EncodeToString(sum[:5]) + "." + ext
	ct := mime.TypeByExtension(path.Ext(base))
	switch path.Ext(base) {
	case ".css":
		ct = "text/css; charset=utf-8"
	case ".woff2":
		ct = "font/woff2"
	case ".svg":
		ct = "image/svg+xml"
	}
	a.byName[name] = &asset{name: name, contentType: ct, body: body}
	a.byPath[p] = name
}

var (
	fontFace = regexp.MustCompile(`@font-face\{[^}]*\}`)
	fontSrc  = regexp.MustCompile(`src:([^;}]*)`)
	cssURL   = regexp.MustCompile(`url\(([^)]*)\)`)
)

// rewriteCSS points a stylesheet's url()s at the served names of the files they name. A
// @font-face keeps only the sources that are vendored (the woff2 files every current browser
// reads), so no browser asks for the EOT, WOFF or TTF fallbacks that are left out.
func (a *assets) rewriteCSS(p, css string) string {
	dir := path.Dir(p)
	resolve := func(ref string) (string, bool) {
		ref = strings.Trim(ref, `"'`)
		if strings.HasPrefix(ref, "data:") || strings.Contains(ref, "://") {
			return "", false
		}
		name, ok := a.byPath[path.Join(dir, ref)]
		return name, ok
	}
	css = fontFace.ReplaceAllStringFunc(css, func(face string) string {
		return fontSrc.ReplaceAllStringFunc(face, func(src string) string {
			var keep []string
			for _, s := range strings.Split(strings.TrimPrefix(src, "src:"), ",") {
				m := cssURL.FindStringSubmatch(s)
				if m == nil {
					keep = append(keep, s) // local(...)
					continue
				}
				if _, ok := resolve(m[1]); ok {
					keep = append(keep, s)
				}
			}
			return "src:" + strings.Join(keep, ",")
		})
	})
	return cssURL.ReplaceAllStringFunc(css, func(u string) string {
		ref := cssURL.FindStringSubmatch(u)[1]
		if name, ok := resolve(ref); ok {
			return "url(" + name + ")"
		}
		return u
	})
}

// url returns the address of the asset at source path p, for templates.
func (a *assets) url(p string) (string, error) {
	name, ok := a.byPath[p]
	if !ok {
		return "", fmt.Errorf("no asset %q", p)
	}
	return "/assets/" + name, nil
}

// serve answers /assets/{name}. A name is its content's hash, so the answer never changes:
// browsers and proxies keep it for a year without asking again.
func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byName[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	etag := `"` + strings.TrimSuffix(f.name, path.Ext(f.name)) + `"`
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.body)
	}
}
