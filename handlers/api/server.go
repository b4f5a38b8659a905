// Package api implements the REST API described by spec/openapi.yaml: the
// strict server interface generated into gen/api. Handlers return typed
// responses and never touch the ResponseWriter; errors are mapped once, in
// errors.go, to RFC 7807 problem documents.
package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	nethttpmiddleware "github.com/oapi-codegen/nethttp-middleware"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/go-chi/chi/v5"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/config"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/files"
	"github.com/kodera-packages/kodera/internal/gomod"
	"github.com/kodera-packages/kodera/internal/identity"
	"github.com/kodera-packages/kodera/internal/jsoncheck"
	"github.com/kodera-packages/kodera/internal/license"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/pypi"
	"github.com/kodera-packages/kodera/internal/registry"
	"github.com/kodera-packages/kodera/internal/repository"
	"github.com/kodera-packages/kodera/internal/search"
)

// Version is the build version reported by the API (set by cmd/kodera).
var Version = "dev"

// Server implements api.StrictServerInterface.
type Server struct {
	Authn    *auth.Authenticator
	Authz    *auth.Authorizer
	Identity *identity.Service
	Log      *slog.Logger
	// SecureCookies marks the session cookie Secure (the node is reached over https).
	SecureCookies bool
	// Registry serves the docker image views (docker.go).
	Registry *registry.Service
	// Repositories is repository CRUD (repositories.go).
	Repositories *repository.Repositories
	// Packages answers the generic package views of every format (packages.go).
	Packages *packages.Service
	// Files serves the files views (files.go).
	Files *files.Service
	// PyPI serves the pypi views (pypi.go).
	PyPI *pypi.Service
	// SearchIndex answers GET /api/v1/search (search.go).
	SearchIndex search.Index
	// Audit reads the audit trail (audit.go).
	Audit *audit.Trail
	// Go serves the Go module views and zip uploads (go.go).
	Go *gomod.Service
	// License reports and activates the license (license.go, system.go).
	License *license.Service
	// Kit resolves repositories with the REST rule and decorates errors,
	// as for every protocol (handlers/kit).
	Kit *kit.Kit
	// LDAP is the directory sign-in configuration, shown read-only to
	// admins (ldap.go).
	LDAP config.LDAP
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
		r.Use(s.limitBody)
		r.Use(s.authenticate)
		r.Use(checkJSON)
		r.Use(unlessStreamed(nethttpmiddleware.OapiRequestValidatorWithOptions(spec, &nethttpmiddleware.Options{
			Options: openapi3filter.Options{
				// Authentication is resolved by s.authenticate; the spec's
				// security requirements are enforced by the handlers through
				// the decision function.
				AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			},
			ErrorHandlerWithOpts:  s.validationError,
			SilenceServersWarning: true,
		})))
		h := api.NewStrictHandlerWithOptions(s, nil, api.StrictHTTPServerOptions{
			RequestErrorHandlerFunc:  s.requestError,
			ResponseErrorHandlerFunc: s.responseError,
		})
		api.HandlerFromMux(h, r)
	})
	// Unknown API paths answer in the API's own error format; a known path
	// with another method is a 405 naming the methods it has.
	const catchAll = "/api/v1/*"
	r.HandleFunc(catchAll, func(w http.ResponseWriter, req *http.Request) {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if p := r.Find(chi.NewRouteContext(), m, req.URL.Path); p != "" && p != catchAll {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeProblem(w, req.Context(), http.StatusMethodNotAllowed, "allowed methods: "+strings.Join(allowed, ", "))
			return
		}
		writeProblem(w, req.Context(), http.StatusNotFound, "no such endpoint")
	})
	return nil
}

// maxJSONBody bounds request bodies of the REST API: its documents are
// small, and an unbounded body would let anyone, before authentication,
// make the JSON decoder hold it all in memory.
const maxJSONBody = 1 << 20

// limitBody refuses oversized bodies up front (413) and cuts off bodies
// that grow past the limit while being read. Streamed uploads (a module
// zip) have the protocols' one upload limit instead (kit.LimitBody).
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if streamedUpload(r) {
			body, err := s.Kit.LimitBody(w, r, 0)
			if err != nil {
				writeProblem(w, r.Context(), http.StatusRequestEntityTooLarge, err.Error())
				return
			}
			r.Body = body
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > maxJSONBody {
			writeProblem(w, r.Context(), http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", maxJSONBody))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
		next.ServeHTTP(w, r)
	})
}

// checkJSON refuses, with a 400 problem, a JSON body the decoders would
// otherwise half-accept (jsoncheck says how): `{...}{...}` created the
// first object, and `\u0000` reached PostgreSQL as a 500. The body is at
// most maxJSONBody (limitBody), so holding it to check it first is cheap.
func checkJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || !jsonContent(r.Header.Get("Content-Type")) {
			// Other media types are the spec validator's to refuse, or
			// the business of an operation that declares them.
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeProblem(w, r.Context(), http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", tooLarge.Limit))
				return
			}
			if status, _ := domain.HTTPStatus(err); status < 500 {
				WriteProblem(w, r, nil, err)
				return
			}
			writeProblem(w, r.Context(), http.StatusBadRequest, "request body could not be read")
			return
		}
		if len(bytes.TrimSpace(body)) > 0 {
			if err := jsoncheck.Document(body); err != nil {
				writeProblem(w, r.Context(), http.StatusBadRequest, "request body: "+err.Error())
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// jsonContent reports whether a request body of this Content-Type is read
// as JSON: application/json, any +json type, or none given.
func jsonContent(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "" || mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// Paths any caller may use whatever the guest-access setting: logging in
// and out, and the instance information the login page shows.
var openPaths = map[string]bool{
	"/api/v1/auth/login":  true,
	"/api/v1/auth/logout": true,
	"/api/v1/system/info": true,
}

// authenticate resolves the caller once per request; bad credentials are a
// 401 problem, never a silent fall-back to Guest. Login and logout skip it:
// a stale cookie must not stop anyone from logging in again, and logout
// only needs the cookie value. With guest access off, anonymous callers get
// 401 everywhere else.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		ctx := auth.WithProtocol(r.Context(), "api")
		if c, err := r.Cookie(auth.SessionCookie); err == nil && c.Value != "" {
			ctx = context.WithValue(ctx, sessionCookieKey{}, c.Value)
		}
		r = r.WithContext(ctx)
		if r.URL.Path == "/api/v1/auth/login" || r.URL.Path == "/api/v1/auth/logout" {
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(ctx, auth.Anonymous())))
			return
		}
		p, err := s.Authn.Authenticate(r)
		if err != nil {
			// The UI cannot delete an HttpOnly cookie itself: a dead session
			// is cleared with its 401, so the next request is anonymous.
			if errors.Is(err, domain.ErrUnauthenticated) && r.Header.Get("Authorization") == "" && sessionCookie(ctx) != "" {
				w.Header().Set("Set-Cookie", *s.sessionCookieHeader(ctx, "", 0))
			}
			WriteProblem(w, r, s.Log, err)
			return
		}
		if p.IsAnonymous() && !openPaths[r.URL.Path] {
			guest, err := s.Authz.GuestAccess(ctx)
			if err != nil {
				WriteProblem(w, r, s.Log, err)
				return
			}
			if !guest {
				WriteProblem(w, r, s.Log, domain.Errorf(domain.ErrUnauthenticated, "authentication required"))
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(ctx, p)))
	})
}
