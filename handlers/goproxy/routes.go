// Package goproxy serves a Go repository's module versions with the module
// proxy protocol (https://go.dev/ref/mod#goproxy-protocol) at
// /api/go/<repo>/, so that GOPROXY=<base>/api/go/<repo> makes `go get`,
// `go list -m -versions` and `go mod download` read from it:
//
//	<module>/@v/list             the versions, one a line
//	<module>/@v/<version>.info   {"Version", "Time", "Origin"}
//	<module>/@v/<version>.mod    the go.mod
//	<module>/@v/<version>.zip    the module zip (kit.ServeBlob)
//	<module>/@latest             the .info of the highest release
//	sumdb/<db>/supported         404: the go command asks the checksum
//	                             database itself (or honours GONOSUMDB)
//
// Module paths and versions arrive case-escaped (!x for X) and are decoded
// with golang.org/x/mod/module. Not found is 404 with a plain-text reason
// (the go command prints it and, in a GOPROXY list, tries the next proxy);
// a version this repository can never have (not canonical) is 410.
package goproxy

import (
	"net/http"
	"strings"

	"golang.org/x/mod/module"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gomod"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Prefix is where the handler is mounted.
const Prefix = "/api/go/"

// Deps is what the handler needs.
type Deps struct {
	Go  *gomod.Service
	Kit *kit.Kit
}

type handler struct{ Deps }

// New returns the GOPROXY handler.
func New(d Deps) http.Handler { return &handler{d} }

// kind is what a URL asks for.
type kind int

const (
	kindList kind = iota
	kindInfo
	kindMod
	kindZip
	kindLatest
	kindSumDB
)

// request is a parsed URL.
type request struct {
	repoName string
	module   string // unescaped
	version  string // unescaped; for info/mod/zip
	kind     kind
}

// parse splits /api/go/<repo>/<escaped module>/@v/<escaped version>.<ext>
// and the other forms of the package doc.
func parse(p string) (*request, error) {
	rest, ok := strings.CutPrefix(p, Prefix)
	if !ok {
		return nil, domain.Errorf(domain.ErrNotFound, "not found")
	}
	repoName, rest, _ := strings.Cut(rest, "/")
	if repoName == "" {
		return nil, domain.Errorf(domain.ErrNotFound, "no repository in the URL: use /api/go/<repository>/<module>/@v/list")
	}
	req := &request{repoName: repoName}
	if strings.HasPrefix(rest, "sumdb/") {
		req.kind = kindSumDB
		return req, nil
	}
	var escMod, tail string
	if m, ok := strings.CutSuffix(rest, "/@latest"); ok {
		escMod, req.kind = m, kindLatest
	} else if m, t, ok := strings.Cut(rest, "/@v/"); ok {
		escMod, tail = m, t
		switch {
		case tail == "list":
			req.kind = kindList
		case strings.HasSuffix(tail, ".info"):
			req.kind, tail = kindInfo, strings.TrimSuffix(tail, ".info")
		case strings.HasSuffix(tail, ".mod"):
			req.kind, tail = kindMod, strings.TrimSuffix(tail, ".mod")
		case strings.HasSuffix(tail, ".zip"):
			req.kind, tail = kindZip, strings.TrimSuffix(tail, ".zip")
		default:
			return nil, domain.Errorf(domain.ErrNotFound, "not found: %s (want list, <version>.info, .mod or .zip)", tail)
		}
	} else {
		return nil, domain.Errorf(domain.ErrNotFound, "not found: want <module>/@v/list, <module>/@v/<version>.info|.mod|.zip or <module>/@latest")
	}
	mod, err := module.UnescapePath(escMod)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "invalid escaped module path %q: %v", escMod, err)
	}
	req.module = mod
	if req.kind == kindInfo || req.kind == kindMod || req.kind == kindZip {
		v, err := module.UnescapeVersion(tail)
		if err != nil {
			return nil, domain.Errorf(domain.ErrInvalid, "invalid escaped version %q: %v", tail, err)
		}
		req.version = v
	}
	return req, nil
}

// ServeHTTP parses, authenticates, resolves for read and answers; any
// error is written once, by writeError.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(auth.WithProtocol(r.Context(), "go"))
	if err := h.serve(w, r); err != nil {
		h.writeError(w, r, err)
	}
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return errMethod
	}
	req, err := parse(r.URL.Path)
	if err != nil {
		return err
	}
	r, p, err := h.Kit.Caller(r)
	if err != nil {
		return err
	}
	repo, err := h.Kit.Resolve(r.Context(), p, req.repoName, repository.TypeGo, auth.ActionRead)
	if err != nil {
		return err
	}
	switch req.kind {
	case kindSumDB:
		return domain.Errorf(domain.ErrNotFound, "no checksum database proxied here")
	case kindList:
		return h.list(w, r, repo, req)
	case kindLatest:
		return h.latest(w, r, repo, req)
	case kindZip:
		return h.zip(w, r, repo, req)
	default:
		return h.infoOrMod(w, r, repo, req)
	}
}
