package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/store"
	"github.com/usecat/usecat/internal/web"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run the HTTP API and the web catalogue (catalogue at /, Swagger UI at /docs/)",
		Flags: []cli.Flag{addrFlag, demoFlag, readersFlag, requestTimeoutFlag, shutdownTimeoutFlag, trustProxyFlag,
			corsFlag, rateAnonFlag, rateKeyFlag, rateBurstFlag, readHeaderTimeoutFlag, readTimeoutFlag, writeTimeoutFlag,
			idleTimeoutFlag, maxHeaderBytesFlag, publicURLFlag, metricsAllowFlag, pprofFlag},
		Action: serve,
	}
}

func serve(ctx context.Context, cmd *cli.Command) error {
	logOut := newBufferedLog(os.Stderr)
	defer logOut.Close()
	log, err := newLogger(cmd, logOut)
	if err != nil {
		return err
	}
	if cmd.Duration(readTimeoutFlag.Name) <= cmd.Duration(requestTimeoutFlag.Name) {
		return fmt.Errorf("--read-timeout must be longer than --request-timeout: it also runs while a request is handled")
	}
	metricsAllow, metricsOff, err := httpapi.ParseMetricsAllow(cmd.String(metricsAllowFlag.Name))
	if err != nil {
		return fmt.Errorf("--metrics-allow: %w", err)
	}
	publicURL, err := publicURL(cmd.String(publicURLFlag.Name), cmd.String(addrFlag.Name))
	if err != nil {
		return fmt.Errorf("--public-url: %w", err)
	}
	tuneGC()
	started := time.Now()
	st, err := store.Open(ctx, store.Config{URL: cmd.String(dbFlag.Name), Readers: int(cmd.Int(readersFlag.Name)), Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	var demoKey string
	if cmd.Bool(demoFlag.Name) {
		if demoKey, err = seedDemo(ctx, st, cmd.String(dbFlag.Name), log); err != nil {
			return err
		}
	}
	site, err := web.New(web.Config{UseCases: st, Organisations: st, Changes: st, Datasets: st, Logger: log})
	if err != nil {
		return fmt.Errorf("web catalogue: %w", err)
	}
	api := httpapi.New(httpapi.Config{
		UseCases:       st,
		Organisations:  st,
		Keys:           st,
		Changes:        st,
		Backups:        st,
		Datasets:       st,
		Pinger:         st,
		Web:            site,
		Logger:         log,
		RequestTimeout: cmd.Duration(requestTimeoutFlag.Name),
		TrustProxy:     cmd.Bool(trustProxyFlag.Name),
		CORSOrigins:    cmd.StringSlice(corsFlag.Name),
		RateAnonymous:  cmd.Float(rateAnonFlag.Name),
		RateKey:        cmd.Float(rateKeyFlag.Name),
		RateBurst:      int(cmd.Int(rateBurstFlag.Name)),

		ReadHeaderTimeout: cmd.Duration(readHeaderTimeoutFlag.Name),
		ReadTimeout:       cmd.Duration(readTimeoutFlag.Name),
		WriteTimeout:      cmd.Duration(writeTimeoutFlag.Name),
		IdleTimeout:       cmd.Duration(idleTimeoutFlag.Name),
		MaxHeaderBytes:    int(cmd.Int(maxHeaderBytesFlag.Name)),
		PublicURL:         publicURL,
		MetricsAllow:      metricsAllow,
		MetricsOff:        metricsOff,
	})
	if addr := cmd.String(pprofFlag.Name); addr != "" {
		if err := startPprof(addr, log); err != nil {
			return fmt.Errorf("--pprof-addr: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cmd.String(addrFlag.Name))
	if err != nil {
		return err
	}
	srv := api.HTTPServer()
	// Long polls of the change feed would hold a shutdown for up to a minute; wake them at once.
	srv.RegisterOnShutdown(st.ReleaseWaiters)
	log.Info("usecat is serving", "addr", ln.Addr().String(), "engine", st.Engine(),
		"catalogue", strings.TrimSuffix(docsURL(ln.Addr()), "docs/"), "docs", docsURL(ln.Addr()),
		"startup", time.Since(started).Round(time.Millisecond).String())
	if demoKey != "" {
		logOut.flush()
		fmt.Fprintf(os.Stderr, "\nDemo editor key for %s (Swagger UI: Authorize, then paste it):\n\n    %s\n\n", demoOrg, demoKey)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests in flight")
	api.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), cmd.Duration(shutdownTimeoutFlag.Name))
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("shutdown did not finish cleanly", "error", err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// publicURL checks the --public-url setting, an absolute http or https address without query
// or fragment; unset, it is http://localhost on the port of addr.
func publicURL(setting, addr string) (string, error) {
	if setting == "" {
		_, port, _ := net.SplitHostPort(addr)
		if port == "" || port == "80" {
			return "http://localhost", nil
		}
		return "http://localhost:" + port, nil
	}
	u, err := url.Parse(setting)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("must be an http or https address such as https://usecat.dk, without query or fragment")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func docsURL(a net.Addr) string {
	host, port, _ := net.SplitHostPort(a.String())
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/docs/"
}

// demoOrg owns the demo editor key.
const demoOrg = "albertslund"

// demoKeyFile is where the demo editor key is kept beside a SQLite database, so `make run`
// prints the same key each time.
func demoKeyFile(db string) string {
	if strings.Contains(db, "://") {
		return ""
	}
	return filepath.Join(filepath.Dir(db), "demo-editor.key")
}

// tuneGC lets the heap grow to four times the live data between collections (Go's default is
// twice), under a soft memory limit. The server's live heap is small and its garbage is
// request buffers, so the default collects far more often than memory needs. GOGC and
// GOMEMLIMIT in the environment still win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(160 << 20)
	}
}
