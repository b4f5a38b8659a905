// Package pypi implements the Python package index protocol of
// repositories of type pypi at /api/python/{repo}/, for pip, uv and twine:
//
//   - the simple repository API: PEP 503 (HTML), PEP 691 (JSON, chosen by
//     Accept with q-values or ?format=), PEP 592 (yanked files, with their
//     reason), PEP 658 and PEP 714 (core metadata beside each file,
//     data-core-metadata and data-dist-info-metadata), PEP 700 (versions,
//     size, upload-time; api-version 1.1), at simple/ (every project) and
//     simple/{project}/ (PEP 503 normalized; any other spelling answers 301
//     to it);
//   - files at files/{filename} (and files/{filename}.metadata) through the
//     kit's ServeBlob: Range, ETag (the quoted sha256), conditional requests;
//   - upload: POST /api/python/{repo}/ with the legacy multipart API twine
//     sends (":action=file_upload"), internal/pypi checking and storing it;
//   - the Warehouse JSON API: pypi/{project}/json and
//     pypi/{project}/{version}/json.
//
// Access is the kit's rule: an anonymous caller who may not read gets 401
// with the Basic challenge, whether or not the repository exists (pip then
// sends the credentials of the URL or its keyring); a known caller who may
// not read gets 404. Errors are plain text, which pip and twine show.
package pypi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/pypi"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Prefix is where the protocol is mounted.
const Prefix = "/api/python/"

// Deps is what the protocol handler needs.
type Deps struct {
	PyPI *pypi.Service
	// Kit resolves repositories, serves files, bounds uploads
	// (KODERA_MAX_UPLOAD_BYTES) and decorates errors.
	Kit *kit.Kit
	// MaxUploadBytes bounds one distribution file below the kit's limit
	// (KODERA_PYPI_MAX_UPLOAD_BYTES); 0 leaves only the kit's.
	MaxUploadBytes int64
}

type handler struct {
	Deps
	pages pageCache
}

// New returns the handler of everything under [Prefix].
func New(d Deps) http.Handler {
	return &handler{Deps: d}
}

// request is what an endpoint gets once the caller is allowed.
type request struct {
	repo domain.Repository
	// rest is the decoded path after the repository's segment, split.
	rest []string
	// slash says the URL ended in '/'.
	slash bool
}

type endpoint func(w http.ResponseWriter, r *http.Request, req *request) error

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(auth.WithProtocol(r.Context(), "pypi"))
	if err := h.serve(w, r); err != nil {
		h.writeError(w, r, err)
	}
}

// route picks the endpoint for a method and the path below the
// repository, and the action it needs.
func (h *handler) route(method string, rest []string) (endpoint, auth.Action, error) {
	get := method == http.MethodGet || method == http.MethodHead
	switch {
	case len(rest) == 0:
		if method == http.MethodPost {
			return h.upload, auth.ActionWrite, nil
		}
		if get {
			return h.toSimple, auth.ActionRead, nil
		}
		return nil, "", methodNotAllowed("POST, GET, HEAD")
	case !get:
		return nil, "", methodNotAllowed("GET, HEAD")
	case rest[0] == "simple" && len(rest) <= 2:
		return h.simple, auth.ActionRead, nil
	case rest[0] == "files" && len(rest) == 2:
		return h.file, auth.ActionRead, nil
	case rest[0] == "pypi" && (len(rest) == 3 || len(rest) == 4) && rest[len(rest)-1] == "json":
		return h.warehouse, auth.ActionRead, nil
	}
	return nil, "", domain.Errorf(domain.ErrNotFound, "not found")
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) error {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), Prefix)
	if !ok {
		return domain.Errorf(domain.ErrNotFound, "not found")
	}
	slash := strings.HasSuffix(rest, "/")
	var segs []string
	for _, s := range strings.Split(strings.Trim(rest, "/"), "/") {
		d, err := url.PathUnescape(s)
		if err != nil || d == "" || strings.ContainsAny(d, "/\x00") {
			return domain.Errorf(domain.ErrNotFound, "not found")
		}
		segs = append(segs, d)
	}
	if len(segs) == 0 {
		return domain.Errorf(domain.ErrNotFound, "no repository in the URL")
	}
	fn, act, err := h.route(r.Method, segs[1:])
	if err != nil {
		return err
	}
	r, principal, err := h.Kit.Caller(r)
	if err != nil {
		return err
	}
	repo, err := h.Kit.Resolve(r.Context(), principal, segs[0], repository.TypePyPI, act)
	if err != nil {
		return err
	}
	return fn(w, r, &request{repo: repo, rest: segs[1:], slash: slash})
}

// toSimple answers GET /api/python/{repo}/ with the index's address.
func (h *handler) toSimple(w http.ResponseWriter, r *http.Request, req *request) error {
	http.Redirect(w, r, Prefix+url.PathEscape(req.repo.Name)+"/simple/", http.StatusMovedPermanently)
	return nil
}
