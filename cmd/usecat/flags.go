package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v3"
)

// Every setting of usecat, in one place. Each flag has a USECAT_* variable.
var (
	dbFlag = &cli.StringFlag{Name: "db", Value: "var/usecat.db", Sources: cli.EnvVars("USECAT_DB"),
		Usage: "SQLite file path, or a postgres:// URL for PostgreSQL"}
	logFormatFlag = &cli.StringFlag{Name: "log-format", Value: "text", Sources: cli.EnvVars("USECAT_LOG_FORMAT"),
		Usage: "log format: text or json"}
	logLevelFlag = &cli.StringFlag{Name: "log-level", Value: "info", Sources: cli.EnvVars("USECAT_LOG_LEVEL"),
		Usage: "log level: debug, info, warn or error"}
	globalFlags = []cli.Flag{dbFlag, logFormatFlag, logLevelFlag}

	addrFlag = &cli.StringFlag{Name: "addr", Value: ":8080", Sources: cli.EnvVars("USECAT_ADDR"),
		Usage: "address to listen on"}
	demoFlag = &cli.BoolFlag{Name: "demo", Sources: cli.EnvVars("USECAT_DEMO"),
		Usage: "fill an empty catalogue with demo use-cases and print a demo editor key"}
	readersFlag = &cli.IntFlag{Name: "sqlite-readers", Value: 8, Sources: cli.EnvVars("USECAT_SQLITE_READERS"),
		Usage: "size of the SQLite reader connection pool"}
	requestTimeoutFlag = &cli.DurationFlag{Name: "request-timeout", Value: 15 * time.Second, Sources: cli.EnvVars("USECAT_REQUEST_TIMEOUT"),
		Usage: "longest a request may take (long polls of the change feed excepted)"}
	shutdownTimeoutFlag = &cli.DurationFlag{Name: "shutdown-timeout", Value: 20 * time.Second, Sources: cli.EnvVars("USECAT_SHUTDOWN_TIMEOUT"),
		Usage: "how long SIGTERM waits for requests in flight"}
	trustProxyFlag = &cli.BoolFlag{Name: "trust-proxy", Sources: cli.EnvVars("USECAT_TRUST_PROXY"),
		Usage: "take client addresses from X-Forwarded-For (only behind a reverse proxy)"}
	corsFlag = &cli.StringSliceFlag{Name: "cors-origin", Value: []string{"*"}, Sources: cli.EnvVars("USECAT_CORS_ORIGINS"),
		Usage: "origins allowed to read the API from a browser"}
	rateAnonFlag = &cli.FloatFlag{Name: "rate-anonymous", Value: 20, Sources: cli.EnvVars("USECAT_RATE_ANONYMOUS"),
		Usage: "requests per second allowed per client address without a key (0 turns the limit off)"}
	rateKeyFlag = &cli.FloatFlag{Name: "rate-key", Value: 50, Sources: cli.EnvVars("USECAT_RATE_KEY"),
		Usage: "requests per second allowed per API key (0 turns the limit off)"}
	rateBurstFlag = &cli.IntFlag{Name: "rate-burst", Value: 100, Sources: cli.EnvVars("USECAT_RATE_BURST"),
		Usage: "requests a client may make at once before the rate limit applies"}
	readHeaderTimeoutFlag = &cli.DurationFlag{Name: "read-header-timeout", Value: 10 * time.Second, Sources: cli.EnvVars("USECAT_READ_HEADER_TIMEOUT"),
		Usage: "longest a client may take to send a request's headers"}
	readTimeoutFlag = &cli.DurationFlag{Name: "read-timeout", Value: 30 * time.Second, Sources: cli.EnvVars("USECAT_READ_TIMEOUT"),
		Usage: "longest a client may take to send a whole request, body included; also bounds the handler, so keep it above --request-timeout"}
	writeTimeoutFlag = &cli.DurationFlag{Name: "write-timeout", Value: 30 * time.Second, Sources: cli.EnvVars("USECAT_WRITE_TIMEOUT"),
		Usage: "longest one write of an answer may wait for a client that does not read (exports and long polls: each write)"}
	idleTimeoutFlag = &cli.DurationFlag{Name: "idle-timeout", Value: 2 * time.Minute, Sources: cli.EnvVars("USECAT_IDLE_TIMEOUT"),
		Usage: "how long a kept-alive connection may wait for its next request"}
	maxHeaderBytesFlag = &cli.IntFlag{Name: "max-header-bytes", Value: 64 << 10, Sources: cli.EnvVars("USECAT_MAX_HEADER_BYTES"),
		Usage: "largest request line and headers, in bytes"}
	publicURLFlag = &cli.StringFlag{Name: "public-url", Sources: cli.EnvVars("USECAT_PUBLIC_URL"),
		Usage: "the address clients reach the server by, such as https://usecat.dk; every link the server writes starts with it (default: http://localhost and the port of --addr)"}
	metricsAllowFlag = &cli.StringFlag{Name: "metrics-allow", Sources: cli.EnvVars("USECAT_METRICS_ALLOW"),
		Usage: "who may read /metrics: comma-separated address ranges (CIDR) or addresses, judged like --trust-proxy says; off for nobody; empty for everyone"}
	// pprofFlag is hidden: it is for measuring (make bench), not for running the service.
	pprofFlag = &cli.StringFlag{Name: "pprof-addr", Hidden: true, Sources: cli.EnvVars("USECAT_PPROF_ADDR"),
		Usage: "serve Go's profiler (/debug/pprof/) on this private address"}
)

// newLogger builds the process's slog logger from the log flags.
func newLogger(cmd *cli.Command, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cmd.String(logLevelFlag.Name))); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(cmd.String(logFormatFlag.Name)) {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json")
}

func stderrLogger(cmd *cli.Command) (*slog.Logger, error) { return newLogger(cmd, os.Stderr) }
