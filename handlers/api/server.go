// Package api implements the REST API described by spec/openapi.yaml: the
// strict server interface generated into gen/api. Handlers return typed
// responses and never touch the ResponseWriter; errors are mapped once, in
// errors.go, to RFC 7807 problem documents.
package api

import (
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	nethttpmiddleware "github.com/oapi-codegen/nethttp-middleware"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/go-chi/chi/v5"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/registry"
)

// Version is the build version reported by the API (set by cmd/kodera).
var Version = "dev"

// Server implements api.StrictServerInterface.
type Server struct {
	Pool  *pgxpool.Pool
	Blobs *blob.Store
	Authn *auth.Authenticator
	Authz *auth.Authorizer
	Log   *slog.Logger
	// Registry serves the docker image views (docker.go).
	Registry *registry.Service
}

var _ api.StrictServerInterface = (*Server)(nil)

// Mount registers the /api/v1 routes on r with request validation from the
// spec, authentication, and the problem-JSON error mapping.
func (s *Server) Mount(r chi.Router) error {
	spec, err := api.GetSwagger()
	if err != nil {
		return err
	}
	spec.Servers = nil // validate paths as they arrive, whatever the host
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate)
		r.Use(nethttpmiddleware.OapiRequestValidatorWithOptions(spec, &nethttpmiddleware.Options{
			Options: openapi3filter.Options{
				// Authentication is resolved by s.authenticate; the spec's
				// security requirements are enforced by the handlers through
				// the decision function.
				AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			},
			ErrorHandlerWithOpts:  s.validationError,
			SilenceServersWarning: true,
		}))
		h := api.NewStrictHandlerWithOptions(s, nil, api.StrictHTTPServerOptions{
			RequestErrorHandlerFunc:  s.requestError,
			ResponseErrorHandlerFunc: s.responseError,
		})
		api.HandlerFromMux(h, r)
	})
	// Unknown API paths answer in the API's own error format.
	r.HandleFunc("/api/v1/*", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r.Context(), http.StatusNotFound, "no such endpoint")
	})
	return nil
}

// authenticate resolves the caller once per request; bad credentials are a
// 401 problem, never a silent fall-back to Guest.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.Authn.Authenticate(r)
		if err != nil {
			WriteProblem(w, r, s.Log, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}
