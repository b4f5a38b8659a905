// Package git serves the git repositories of Go module repositories over
// git's smart HTTP protocol (gitprotocol-http(5), protocol v0/v1; v2
// clients fall back to v0) at
//
//	/git/<repo>/<module path>.git/info/refs?service=git-upload-pack|git-receive-pack
//	/git/<repo>/<module path>.git/git-upload-pack
//	/git/<repo>/<module path>.git/git-receive-pack
//
// The conversation itself is internal/gitsmart's over internal/gitstore;
// this package resolves the repository and the caller with the protocol
// kit, creates a module's git repository on its first push, and turns
// pushed semver tags into module versions (internal/gomod): each tag is
// checked and its module zip built and stored in the push's Validator, so
// that git prints the reason of a refusal, and recorded once the ref
// update is applied.
package git

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gitsmart"
	"github.com/kodera-packages/kodera/internal/gomod"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Prefix is where the handler is mounted.
const Prefix = "/git/"

// Deps is what the handler needs.
type Deps struct {
	Go  *gomod.Service
	Kit *kit.Kit
	// MaxPushBytes bounds one push's packfile (0: gitsmart's default).
	MaxPushBytes int64
}

type handler struct{ Deps }

// New returns the git smart-HTTP handler.
func New(d Deps) http.Handler { return &handler{d} }

// request is a parsed URL whose caller is allowed.
type request struct {
	repoName string
	module   string
	service  gitsmart.Service
	advert   bool // GET info/refs
}

// parse splits /git/<repo>/<module>.git/<endpoint>.
func parse(r *http.Request) (*request, error) {
	rest, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		return nil, domain.Errorf(domain.ErrNotFound, "not found")
	}
	repoName, rest, _ := strings.Cut(rest, "/")
	i := strings.LastIndex(rest, ".git/")
	if repoName == "" || i <= 0 {
		return nil, domain.Errorf(domain.ErrNotFound, "not a git repository URL: use /git/<repository>/<module path>.git")
	}
	req := &request{repoName: repoName, module: rest[:i]}
	switch ep := rest[i+len(".git/"):]; {
	case ep == "info/refs" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s, err := gitsmart.ParseService(r.URL.Query().Get("service"))
		if err != nil {
			return nil, err
		}
		req.service, req.advert = s, true
	case ep == string(gitsmart.UploadPackService) && r.Method == http.MethodPost:
		req.service = gitsmart.UploadPackService
	case ep == string(gitsmart.ReceivePackService) && r.Method == http.MethodPost:
		req.service = gitsmart.ReceivePackService
	case ep == "info/refs" || ep == string(gitsmart.UploadPackService) || ep == string(gitsmart.ReceivePackService):
		return nil, errMethod
	default:
		return nil, domain.Errorf(domain.ErrNotFound, "not found: %s (only smart HTTP is served)", url.PathEscape(ep))
	}
	return req, nil
}

// ServeHTTP authenticates, resolves (read to fetch, write to push; asked
// before the advertisement, so that git prompts for credentials) and runs
// the endpoint; any error is written once, by writeError.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(auth.WithProtocol(r.Context(), "git"))
	ew := &watchWriter{ResponseWriter: w}
	if err := h.serve(ew, r); err != nil {
		h.writeError(ew, r, err)
	}
}

func (h *handler) serve(w *watchWriter, r *http.Request) error {
	req, err := parse(r)
	if err != nil {
		return err
	}
	r, p, err := h.Kit.Caller(r)
	if err != nil {
		return err
	}
	act := auth.ActionRead
	if req.service == gitsmart.ReceivePackService {
		act = auth.ActionWrite
	}
	repo, err := h.Kit.Resolve(r.Context(), p, req.repoName, repository.TypeGo, act)
	if err != nil {
		return err
	}
	switch {
	case req.advert:
		return h.advertise(w, r, repo, req)
	case req.service == gitsmart.UploadPackService:
		return h.uploadPack(w, r, repo, req)
	default:
		return h.receivePack(w, r, repo, p, req)
	}
}
