package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kodera-packages/kodera/handlers/api"
	filesh "github.com/kodera-packages/kodera/handlers/files"
	gith "github.com/kodera-packages/kodera/handlers/git"
	"github.com/kodera-packages/kodera/handlers/goproxy"
	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/handlers/oci"
	pypih "github.com/kodera-packages/kodera/handlers/pypi"
	"github.com/kodera-packages/kodera/handlers/web"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/files"
	"github.com/kodera-packages/kodera/internal/registry"
)

// routes lists every mount of a node in one place.
func routes(d Deps, reg *prometheus.Registry, apiServer *api.Server, images *registry.Service, fileService *files.Service, protocols *kit.Kit) (http.Handler, error) {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, requestInfo(d.Config.TrustedProxies, d.Config.BaseURL), accessLog(d.Log, newMetrics(reg)), recoverer(d.Log),
		rateLimit(d.Log, d.Config.RateLimit),
		crossSite(d.Log), validInput(d.Log), bodyIdle(d.Config.BodyIdleTimeout))

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	r.Get("/readyz", readyz(d))
	r.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))

	registryHandler := oci.New(oci.Deps{
		Registry: images, Tokens: auth.NewRegistryTokens(d.Pool), Kit: protocols, Log: d.Log, BaseURL: d.Config.BaseURL,
	})
	r.Handle("/v2", registryHandler)
	r.Handle("/v2/*", registryHandler)

	if err := apiServer.Mount(r); err != nil {
		return nil, err
	}

	r.Handle(filesh.Prefix+"*", filesh.New(filesh.Deps{
		Files: fileService, Kit: protocols, BaseURL: d.Config.BaseURL,
	}))

	goModules := apiServer.Go
	r.Handle(goproxy.Prefix+"*", goproxy.New(goproxy.Deps{Go: goModules, Kit: protocols}))
	r.Handle(gith.Prefix+"*", gith.New(gith.Deps{Go: goModules, Kit: protocols}))
	r.Handle(pypih.Prefix+"*", pypih.New(pypih.Deps{PyPI: apiServer.PyPI, Kit: protocols, MaxUploadBytes: d.Config.PyPIMaxUploadBytes}))

	if err := web.Mount(r); err != nil {
		return nil, err
	}
	return r, nil
}
