// Package server assembles the HTTP handler of a node: middleware, health
// endpoints, and one routes.go that lists every mount.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/kodera-packages/kodera/handlers/api"
	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/config"
	"github.com/kodera-packages/kodera/internal/files"
	"github.com/kodera-packages/kodera/internal/gomod"
	"github.com/kodera-packages/kodera/internal/identity"
	"github.com/kodera-packages/kodera/internal/license"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/pypi"
	"github.com/kodera-packages/kodera/internal/registry"
	"github.com/kodera-packages/kodera/internal/repository"
	"github.com/kodera-packages/kodera/internal/search"
)

// Deps is everything a node's handler needs, passed explicitly.
type Deps struct {
	Config config.Config
	Log    *slog.Logger
	Pool   *pgxpool.Pool
	Blobs  *blob.Store
	Authn  *auth.Authenticator
	Authz  *auth.Authorizer
	// Search is the search index (internal/app picks the backend).
	Search search.Index
	// Ready reports whether start-up (migrations, bootstrap) has finished.
	Ready func() bool
}

// New returns the node's root handler.
func New(d Deps) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Services are built once here; handlers hold them, never a pool.
	images := registry.New(d.Pool, d.Blobs, d.Log)
	fileService := files.New(d.Pool, d.Blobs)
	protocols := kit.New(kit.Deps{
		Authn: d.Authn, Authz: d.Authz, Log: d.Log, Blobs: d.Blobs,
		MaxUploadBytes: d.Config.MaxUploadBytes, Redirect: d.Config.Storage.Redirect,
	})
	licenses := license.New(d.Pool, d.Config.LicensePublicKey, d.Log)
	apiServer := &api.Server{
		Kit: protocols, Authn: d.Authn, Authz: d.Authz, Log: d.Log,
		Repositories:  repository.NewRepositories(d.Pool),
		Files:         fileService,
		Packages:      packages.NewService(d.Pool),
		Audit:         audit.NewTrail(d.Pool),
		Identity:      identity.New(d.Pool, d.Authn, d.Authz, d.Log).WithUserLimit(licenses),
		License:       licenses,
		SecureCookies: strings.HasPrefix(d.Config.BaseURL, "https://"),
		Registry:      images,
		Go:            gomod.New(d.Pool, d.Blobs),
		PyPI:          pypi.New(d.Pool, d.Blobs),
		SearchIndex:   d.Search,
		LDAP:          d.Config.LDAP,
	}
	return routes(d, reg, apiServer, images, fileService, protocols)
}

// readyz answers 200 only when start-up finished and both Postgres and the
// blob store answer within two seconds.
func readyz(d Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if d.Ready != nil && !d.Ready() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		if err := d.Pool.Ping(ctx); err != nil {
			d.Log.Warn("readiness: database", "err", err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		if err := d.Blobs.Driver().Ping(ctx); err != nil {
			d.Log.Warn("readiness: blob store", "err", err)
			http.Error(w, "blob store unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	}
}
