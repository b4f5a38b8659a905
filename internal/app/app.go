// Package app is the kodera program: it parses the command line and the
// environment, wires the dependencies and runs a subcommand. cmd/kodera only
// calls Run, so tests start real nodes the same way an operator does.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kodera-packages/kodera/handlers/api"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/auth/ldap"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/config"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/gc"
	"github.com/kodera-packages/kodera/internal/identity"
	"github.com/kodera-packages/kodera/internal/license"
	"github.com/kodera-packages/kodera/internal/registry"
	"github.com/kodera-packages/kodera/internal/search"
	"github.com/kodera-packages/kodera/internal/server"
)

// Options lets tests observe a node; operators never set them.
type Options struct {
	// Listening receives the bound address once the server accepts connections.
	Listening func(addr string)
	// Stdin feeds commands that read secrets or payloads (kodera user,
	// kodera license sign); Main passes os.Stdin.
	Stdin io.Reader
}

const usage = `usage: kodera [command]

commands:
  serve     run the server (default)
  migrate   apply database migrations and exit
  reindex   rebuild the search index from the database and exit
  user      manage accounts (list, create, set-password, set-role, enable, disable)
  license   vendor tool: sign a license key (license sign --private-key <file>)
  gc        remove blobs nothing references (--dry-run: only report)
  fsck      report blobs rows whose content is missing and objects with no row
  version   print the version
  healthcheck exit 0 when this node's /readyz answers 200 (the image's HEALTHCHECK)
`

// Run executes the kodera command line.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, opts Options) error {
	cmd := "serve"
	if len(args) > 1 {
		cmd = args[1]
	}
	switch cmd {
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "kodera", api.Version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	case "license":
		// The vendor's tool: no configuration, no database.
		return runLicense(args[2:], opts.Stdin, stdout)

	case "healthcheck":
		return healthcheck(ctx, getenv)
	case "serve", "migrate", "user", "reindex", "gc", "fsck":
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}

	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log := newLogger(cfg, stdout)

	pool, err := db.Open(ctx, cfg.DB.URL())
	if err != nil {
		return err
	}
	defer pool.Close()

	if cmd == "user" {
		if err := migrate(ctx, cfg, pool, log); err != nil {
			return err
		}
		return runUser(ctx, args[2:], cfg, pool, log, opts.Stdin, stdout)
	}
	if cmd == "reindex" {
		if err := migrate(ctx, cfg, pool, log); err != nil {
			return err
		}
		return reindex(ctx, cfg, pool, log)
	}
	if cmd == "gc" || cmd == "fsck" {
		if err := db.Wait(ctx, pool, log); err != nil {
			return err
		}
		if err := db.Migrate(ctx, pool); err != nil {
			return err
		}
		blobs, err := openBlobs(ctx, cfg)
		if err != nil {
			return err
		}
		return runGC(ctx, cmd, args[2:], &gc.Collector{Pool: pool, Store: blobs, Log: log, Grace: graceOf(cfg)}, stdout)
	}
	if cmd == "migrate" {
		if err := migrate(ctx, cfg, pool, log); err != nil {
			return err
		}
		log.Info("migrations applied")
		return nil
	}
	return serve(ctx, cfg, log, pool, stdout, opts)
}

// migrate waits for the database and applies the migrations, over
// DB.DirectURL when it differs from the pool's URL: goose's session-level
// advisory lock needs one server session for the whole run, which a
// transaction-pooling PgBouncer does not give.
func migrate(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) error {
	if err := db.Wait(ctx, pool, log); err != nil {
		return err
	}
	if cfg.DB.DirectURL() == cfg.DB.URL() {
		return db.Migrate(ctx, pool)
	}
	direct, err := db.Open(ctx, cfg.DB.DirectURL())
	if err != nil {
		return fmt.Errorf("direct database connection (KODERA_DB_DIRECT_*): %w", err)
	}
	defer direct.Close()
	if err := db.Wait(ctx, direct, log); err != nil {
		return fmt.Errorf("direct database connection (KODERA_DB_DIRECT_*): %w", err)
	}
	return db.Migrate(ctx, direct)
}

// healthcheck probes this node's own /readyz on KODERA_LISTEN's port, so a
// container image with no shell or curl can still declare a HEALTHCHECK
// that means "serving and connected", not merely "the binary runs".
func healthcheck(ctx context.Context, getenv func(string) string) error {
	listen := getenv("KODERA_LISTEN")
	if listen == "" {
		listen = ":8080"
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("KODERA_LISTEN %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u := "http://" + net.JoinHostPort(host, port) + "/readyz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", u, resp.Status)
	}
	return nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	o := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}

// openBlobs picks the blob driver: S3 when STORAGE_URL is set, else the
// filesystem under the data dir.
func openBlobs(ctx context.Context, cfg config.Config) (*blob.Store, error) {
	switch {
	case cfg.Storage.URL != "":
		d, err := blob.NewS3(ctx, blob.S3Config{
			Endpoint: cfg.Storage.URL, Bucket: cfg.Storage.Bucket,
			AccessKey: cfg.Storage.AccessKey, SecretKey: cfg.Storage.SecretKey, Region: cfg.Storage.Region,
		})
		if err != nil {
			return nil, fmt.Errorf("S3 storage (STORAGE_URL): %w", err)
		}
		return blob.NewStore(d), nil
	default:
		d, err := blob.NewFS(filepath.Join(cfg.DataDir, "blobs"))
		if err != nil {
			return nil, fmt.Errorf("filesystem storage (KODERA_DATA_DIR): %w", err)
		}
		return blob.NewStore(d), nil
	}
}

// openIndex picks the search backend: Elasticsearch 7 when
// ELASTICSEARCH_URL is set (its index template and alias are made sure of
// here), else Postgres in the application database.
func openIndex(ctx context.Context, cfg config.Config, pool *pgxpool.Pool) (search.Index, error) {
	switch {
	case cfg.Search.URL != "":
		idx, err := search.NewElastic(ctx, search.ElasticConfig{
			URL: cfg.Search.URL, Username: cfg.Search.Username, Password: cfg.Search.Password,
		}, pool)
		if err != nil {
			return nil, fmt.Errorf("elasticsearch (ELASTICSEARCH_URL): %w", err)
		}
		return idx, nil
	default:
		return search.NewPostgres(pool), nil
	}
}

// reindex rebuilds the whole search index from the tables (kodera reindex).
func reindex(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) error {
	idx, err := openIndex(ctx, cfg, pool)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := search.NewIndexer(pool, idx, log).Reindex(ctx); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	log.Info("search index rebuilt", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, pool *pgxpool.Pool, stdout io.Writer, opts Options) error {
	blobs, err := openBlobs(ctx, cfg)
	if err != nil {
		return err
	}
	// Elasticsearch may still be starting (or down): the node serves
	// anyway, search answering 503 and changes waiting in the outbox until
	// the index opens.
	var idx search.Index = search.NewPostgres(pool)
	if cfg.Search.URL != "" {
		idx = search.OpenInBackground(ctx, func(ctx context.Context) (search.Index, error) {
			return openIndex(ctx, cfg, pool)
		}, time.Second, log)
	}
	var ready atomic.Bool
	authn, authz := auth.NewAuthenticator(pool, log), auth.NewAuthorizer(pool)
	var directory *ldap.Directory
	if cfg.LDAP.Enabled() {
		directory, err = ldap.New(cfg.LDAP, identity.New(pool, authn, authz, log).WithUserLimit(license.New(pool, cfg.LicensePublicKey, log)), log)
		if err != nil {
			return err
		}
		authn.SetDirectory(directory)
	}
	handler, err := server.New(server.Deps{
		Config: cfg, Log: log, Pool: pool, Blobs: blobs,
		Authn:  authn,
		Authz:  authz,
		Search: idx,
		Ready:  ready.Load,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("KODERA_LISTEN %s: %w", cfg.Listen, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		MaxHeaderBytes:    int(cfg.MaxHeaderBytes),
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "version", api.Version)
	if opts.Listening != nil {
		opts.Listening(ln.Addr().String())
	}

	// Start-up that needs the database runs while already serving /healthz
	// and a 503 /readyz, so orchestrators see a live, not-ready node.
	startErr := make(chan error, 1)
	go func() {
		if err := migrate(ctx, cfg, pool, log); err != nil {
			startErr <- err
			return
		}
		if err := auth.EnsureAdmin(ctx, pool, cfg.AdminUsername, cfg.AdminPassword, stdout, log); err != nil {
			startErr <- err
			return
		}
		ready.Store(true)
		log.Info("ready")
		if cfg.SweepInterval > 0 {
			go registry.New(pool, blobs, log).RunSweeper(ctx, cfg.SweepInterval)
		}
		// Every node runs an indexer; the outbox's lock lets one work at a time.
		go func() { _ = search.RunIndexer(ctx, pool, idx, log) }()
		if directory != nil {
			go directory.RunSync(ctx, cfg.LDAP.SyncInterval)
		}
		if cfg.GCInterval > 0 {
			go (&gc.Collector{Pool: pool, Store: blobs, Log: log, Grace: graceOf(cfg)}).Run(ctx, cfg.GCInterval)
		}
	}()

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		runErr = err
	case err := <-startErr:
		if !errors.Is(err, context.Canceled) {
			runErr = err
		}
	}
	log.Info("shutting down", "drain_timeout", cfg.ShutdownTimeout)
	ready.Store(false)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		runErr = errors.Join(runErr, fmt.Errorf("shutdown: %w", err))
	}
	return runErr
}

// Main is what cmd/kodera runs: Run with the process environment, exiting
// non-zero with one clear line on failure.
func Main(ctx context.Context) {
	if err := Run(ctx, os.Args, os.Getenv, os.Stdout, Options{Stdin: os.Stdin}); err != nil {
		fmt.Fprintln(os.Stderr, "kodera:", err)
		os.Exit(1)
	}
}
