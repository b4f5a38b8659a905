// Package oci serves the OCI Distribution Specification v1.1
// (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md)
// at /v2/, and the Docker registry token endpoint at /v2/token
// (https://distribution.github.io/distribution/spec/auth/token/).
//
// OCI names contain slashes, so one catch-all handler parses the path from
// its end: /v2/<name>/{blobs/uploads/[<id>], blobs/<digest>,
// manifests/<reference>, tags/list, referrers/<digest>}.
//
// Repository resolution (with the Bearer challenge of /v2), blob downloads,
// the upload limit and the error headers come from handlers/kit; this
// package keeps the protocol's URL grammar, its token flow and its error
// body. Registry tokens are issued and verified by internal/auth.
package oci

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/registry"
)

// Deps is what the registry handler needs.
type Deps struct {
	Registry *registry.Service
	// Tokens issues and verifies the registry's bearer tokens.
	Tokens *auth.RegistryTokens
	// Kit resolves repositories, serves blobs, bounds uploads
	// (KODERA_MAX_UPLOAD_BYTES) and decorates errors.
	Kit *kit.Kit
	Log *slog.Logger
	// BaseURL is the external URL (KODERA_BASE_URL); empty = from the request.
	BaseURL string
}

// Handler serves /v2/.
type Handler struct {
	svc     *registry.Service
	kit     *kit.Kit
	authn   *auth.Authenticator
	authz   *auth.Authorizer
	log     *slog.Logger
	baseURL string
	tokens  *auth.RegistryTokens
}

// New returns the /v2 handler; mount it on "/v2" and "/v2/*".
func New(d Deps) *Handler {
	return &Handler{svc: d.Registry, kit: d.Kit, authn: d.Kit.Authn, authz: d.Kit.Authz, log: d.Log, baseURL: d.BaseURL, tokens: d.Tokens}
}

// handlerFunc is a protocol handler: it returns an error instead of writing one.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is a parsed request path.
type route struct {
	name   string // OCI name
	kind   string // blobs, uploads, manifests, tags, referrers
	ref    string // digest, upload id or manifest reference
	action auth.Action
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
	r = r.WithContext(auth.WithProtocol(r.Context(), "registry"))
	if err := h.dispatch(w, r); err != nil {
		h.writeError(w, r, err)
	}
}

func (h *Handler) dispatch(w http.ResponseWriter, r *http.Request) error {
	p := strings.TrimPrefix(r.URL.Path, "/v2")
	switch p {
	case "", "/":
		return h.ping(w, r)
	case "/token":
		return h.token(w, r)
	case "/_catalog":
		return h.catalog(w, r)
	}
	rt, ok := parsePath(strings.TrimPrefix(p, "/"))
	switch {
	case !ok && strings.HasSuffix(p, "/manifests/"):
		return CodeManifestUnknown.WithDetail("empty manifest reference")
	case !ok && strings.HasSuffix(p, "/blobs/"):
		return CodeBlobUnknown.WithDetail("empty blob digest")
	case !ok:
		return CodeNameUnknown.WithDetail("no such endpoint")
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		rt.action = auth.ActionRead
	case http.MethodDelete:
		rt.action = auth.ActionDelete
	default:
		rt.action = auth.ActionWrite
	}
	if rt.kind == "uploads" && r.Method == http.MethodGet {
		rt.action = auth.ActionWrite // upload status belongs to the pusher
	}
	var fn handlerFunc
	switch rt.kind + " " + r.Method {
	case "blobs GET", "blobs HEAD":
		fn = h.withName(rt, h.getBlob)
	case "blobs DELETE":
		fn = h.withName(rt, h.deleteBlob)
	case "uploads POST":
		if rt.ref != "" {
			return CodeUnsupported.WithDetail("POST to an upload session")
		}
		fn = h.withName(rt, h.startUpload)
	case "uploads GET":
		fn = h.withName(rt, h.uploadStatus)
	case "uploads PATCH":
		fn = h.withName(rt, h.patchUpload)
	case "uploads PUT":
		fn = h.withName(rt, h.putUpload)
	case "uploads DELETE":
		fn = h.withName(rt, h.cancelUpload)
	case "manifests GET", "manifests HEAD":
		fn = h.withName(rt, h.getManifest)
	case "manifests PUT":
		fn = h.withName(rt, h.putManifest)
	case "manifests DELETE":
		fn = h.withName(rt, h.deleteManifest)
	case "tags GET":
		fn = h.withName(rt, h.listTags)
	case "referrers GET":
		fn = h.withName(rt, h.referrers)
	default:
		return CodeUnsupported.WithDetail(r.Method + " " + rt.kind)
	}
	return fn(w, r)
}

// parsePath splits "<name>/<endpoint>" by the endpoint suffix.
func parsePath(p string) (route, bool) {
	if name, ok := strings.CutSuffix(p, "/tags/list"); ok {
		return route{name: name, kind: "tags"}, true
	}
	if name, ok := strings.CutSuffix(p, "/blobs/uploads/"); ok {
		return route{name: name, kind: "uploads"}, true
	}
	if name, ok := strings.CutSuffix(p, "/blobs/uploads"); ok {
		return route{name: name, kind: "uploads"}, true
	}
	for _, kind := range []string{"blobs/uploads", "blobs", "manifests", "referrers"} {
		i := strings.LastIndex(p, "/"+kind+"/")
		if i <= 0 {
			continue
		}
		ref := p[i+len(kind)+2:]
		if ref == "" || strings.Contains(ref, "/") {
			continue
		}
		k := kind
		if kind == "blobs/uploads" {
			k = "uploads"
		}
		return route{name: p[:i], kind: k, ref: ref}, true
	}
	return route{}, false
}
