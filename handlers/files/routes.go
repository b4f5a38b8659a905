package files

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/files"
	"github.com/kodera-packages/kodera/internal/repository"
)

// request is what every endpoint gets once the URL is parsed and the caller
// is known and allowed.
type request struct {
	repo domain.Repository
	// path is the clean, decoded path below the repository ("" = root).
	path string
	// slash says the URL ended in '/', naming a folder.
	slash bool
}

type endpoint func(w http.ResponseWriter, r *http.Request, req *request) error

// route picks the endpoint of a method and the action it needs.
func (h *handler) route(method string) (endpoint, auth.Action, bool) {
	switch method {
	case http.MethodGet, http.MethodHead:
		return h.get, auth.ActionRead, true
	case http.MethodPut:
		return h.put, auth.ActionWrite, true
	case http.MethodPost:
		return h.postMultipart, auth.ActionWrite, true
	case http.MethodDelete:
		return h.delete, auth.ActionDelete, true
	}
	return nil, "", false
}

// ServeHTTP parses /api/files/{repo}/{path}, authenticates the caller, asks
// the decision function, and runs the method's endpoint; any error is
// written once, by writeError. The decision is the kit's (Resolve).
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(auth.WithProtocol(r.Context(), "files"))
	if err := h.serve(w, r); err != nil {
		h.writeError(w, r, err)
	}
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) error {
	fn, act, ok := h.route(r.Method)
	if !ok {
		w.Header().Set("Allow", "GET, HEAD, PUT, POST, DELETE")
		return errMethod
	}
	// The escaped path, so that an encoded '/' stays inside its segment
	// and is refused there rather than read as a separator.
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), Prefix)
	if !ok {
		return domain.Errorf(domain.ErrNotFound, "not found")
	}
	repoEsc, pathEsc, _ := strings.Cut(rest, "/")
	repoName, err := url.PathUnescape(repoEsc)
	if err != nil || repoName == "" {
		return domain.Errorf(domain.ErrNotFound, "no repository in the URL")
	}
	p, slash, err := files.ParseURLPath(pathEsc)
	if err != nil {
		return err
	}

	// A session cookie on PUT, POST or DELETE needs its X-CSRF-Token
	// header: Authenticate checks it, since a cross-site form could
	// otherwise POST multipart/form-data with the cookie attached.
	r, principal, err := h.Kit.Caller(r)
	if err != nil {
		return err
	}
	repo, err := h.Kit.Resolve(r.Context(), principal, repoName, repository.TypeFiles, act)
	if err != nil {
		return err
	}
	return fn(w, r, &request{repo: repo, path: p, slash: slash})
}
