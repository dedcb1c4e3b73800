// Package web is usecat's public web catalogue (DESIGN 4.6): server-rendered HTML pages in
// Danish (at /) and English (at /en/) for the public, journalists and other municipalities,
// built on the same catalog services as the API and styled with Det Fælles Designsystem
// (DKFDS), whose compiled CSS, fonts and icons are embedded with the templates.
//
// Every page is read as an anonymous principal, whatever the request carries, so only public
// use-cases ever appear. Pages work without JavaScript, send a strict Content-Security-Policy,
// an ETag (answering If-None-Match with 304) and never a cookie.
package web

import (
	"log/slog"
	"net/http"

	"github.com/usecat/usecat/internal/catalog"
)

// Config is what a Site needs. UseCases and Organisations are required.
type Config struct {
	UseCases      catalog.UseCaseService
	Organisations catalog.OrganisationService
	// Changes, when set, lets the members page keep its counts until the next public change
	// instead of counting on every request.
	Changes catalog.ChangeService
	// Datasets, when set, shows the members' public datasets on the members and organisation
	// pages.
	Datasets catalog.DatasetService
	Logger   *slog.Logger
}

// Site serves the web catalogue's pages and assets.
type Site struct {
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	pages   *pages
	assets  *assets
	members memberCache
}

// New builds the site: it parses the templates and hashes the assets once, so a broken
// template or a missing asset fails at start rather than on a request.
func New(cfg Config) (*Site, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	p, err := parsePages(a)
	if err != nil {
		return nil, err
	}
	s := &Site{cfg: cfg, log: cfg.Logger, pages: p, assets: a}
	s.mux = s.routes()
	return s, nil
}

// Paths lists the URL patterns the site answers (in Echo's syntax), so the API server can
// mount it beside its own routes.
var Paths = []string{
	"/", "/en", "/en/",
	"/usecases/:id", "/en/usecases/:id",
	"/organisations/:id", "/en/organisations/:id",
	"/members", "/en/members",
	"/about", "/en/about",
	"/assets/:name",
}

// ServeHTTP answers a request for a page or an asset; any other path gets the 404 page.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// routes maps each page to its handler, once per language.
func (s *Site) routes() *http.ServeMux {
	m := http.NewServeMux()
	for _, l := range languages {
		p := l.prefix
		m.HandleFunc("GET "+p+"/{$}", s.page(l, s.handleSearch))
		m.HandleFunc("GET "+p+"/usecases/{id}", s.page(l, s.handleUseCase))
		m.HandleFunc("GET "+p+"/organisations/{id}", s.page(l, s.handleOrganisation))
		m.HandleFunc("GET "+p+"/members", s.page(l, s.handleMembers))
		m.HandleFunc("GET "+p+"/about", s.page(l, s.handleAbout))
	}
	m.HandleFunc("GET /en", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/en/", http.StatusMovedPermanently)
	})
	m.HandleFunc("GET /assets/{name}", s.assets.serve)
	m.HandleFunc("/", s.page(danish, s.handleNotFound))
	m.HandleFunc("/en/", s.page(english, s.handleNotFound))
	return m
}
