package goproxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gomod"
	"github.com/kodera-packages/kodera/internal/origin"
)

// info is the .info document (go.dev/ref/mod#goproxy-protocol).
type info struct {
	Version string
	Time    time.Time
	Origin  *vcsOrigin `json:",omitempty"`
}

// vcsOrigin says where a version came from, as the go command records it.
type vcsOrigin struct {
	VCS    string
	URL    string
	Subdir string `json:",omitempty"`
	Ref    string `json:",omitempty"`
	Hash   string `json:",omitempty"`
}

// cacheFor sets Cache-Control: versions are immutable while they exist
// (a deleted one may not come back with other content), listings move.
func cacheFor(w http.ResponseWriter, repo domain.Repository, immutable bool) {
	scope := "public"
	if repo.Visibility != "public" {
		scope = "private"
	}
	if immutable {
		w.Header().Set("Cache-Control", scope+", max-age=3600")
		return
	}
	w.Header().Set("Cache-Control", scope+", no-cache")
}

// list implements GET <module>/@v/list.
func (h *handler) list(w http.ResponseWriter, r *http.Request, repo domain.Repository, req *request) error {
	vs, err := h.Go.Versions(r.Context(), repo, req.module)
	if errors.Is(err, domain.ErrNotFound) {
		// A module pushed without tags: no versions, but there (the go
		// command then asks @latest).
		if _, berr := h.Go.DefaultBranch(r.Context(), repo, req.module); berr == nil {
			vs, err = nil, nil
		}
	}
	if err != nil {
		return err
	}
	var b strings.Builder
	for i := len(vs) - 1; i >= 0; i-- {
		b.WriteString(vs[i])
		b.WriteByte('\n')
	}
	cacheFor(w, repo, false)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err = io.WriteString(w, b.String())
	return err
}

// latest implements GET <module>/@latest.
func (h *handler) latest(w http.ResponseWriter, r *http.Request, repo domain.Repository, req *request) error {
	v, err := h.Go.Latest(r.Context(), repo, req.module)
	if errors.Is(err, domain.ErrNotFound) {
		// No tagged version: the default branch's pseudo-version, as the
		// go command derives @latest from a repository without tags.
		branch, berr := h.Go.DefaultBranch(r.Context(), repo, req.module)
		if berr != nil {
			return err
		}
		req.kind, req.version = kindInfo, branch
		gv, err := h.get(r.Context(), repo, req)
		if err != nil {
			return err
		}
		req.kind, req.version = kindLatest, gv.Version
		return h.infoOrMod(w, r, repo, req)
	}
	if err != nil {
		return err
	}
	req.version = v
	return h.infoOrMod(w, r, repo, req)
}

// get loads a version; a non-canonical version can never be one (410),
// except in an .info query, where it names a branch (resolved to a
// pseudo-version, go.dev/ref/mod#version-queries).
func (h *handler) get(ctx context.Context, repo domain.Repository, req *request) (gomod.Version, error) {
	if req.kind == kindInfo && !semver.IsValid(req.version) {
		return h.Go.ResolveBranch(ctx, repo, req.module, req.version, auth.FromContext(ctx).Name)
	}
	if module.CanonicalVersion(req.version) != req.version {
		return gomod.Version{}, fmt.Errorf("%w: %s is not a canonical version", errGone, req.version)
	}
	return h.Go.Get(ctx, repo, req.module, req.version)
}

// infoOrMod implements GET <module>/@v/<version>.info and .mod.
func (h *handler) infoOrMod(w http.ResponseWriter, r *http.Request, repo domain.Repository, req *request) error {
	v, err := h.get(r.Context(), repo, req)
	if err != nil {
		return err
	}
	if req.kind == kindMod {
		cacheFor(w, repo, true)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, err = io.WriteString(w, v.Meta.GoMod)
		return err
	}
	doc := info{Version: v.Version, Time: v.Meta.Time}
	if v.Meta.Commit != "" {
		doc.Origin = &vcsOrigin{VCS: "git", URL: origin.Base(r) + "/git/" + repo.Name + "/" + v.Meta.GitPath + ".git",
			Subdir: v.Meta.Subdir, Ref: v.Meta.Ref, Hash: v.Meta.Commit}
	}
	cacheFor(w, repo, req.kind != kindLatest)
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(doc)
}

// zip implements GET <module>/@v/<version>.zip through kit.ServeBlob.
func (h *handler) zip(w http.ResponseWriter, r *http.Request, repo domain.Repository, req *request) error {
	v, err := h.get(r.Context(), repo, req)
	if err != nil {
		return err
	}
	cacheFor(w, repo, true)
	return h.Kit.ServeBlob(w, r, kit.Content{
		Size: v.Zip.Size, ETag: `"` + v.Zip.Digest + `"`, ContentType: "application/zip", StorageKey: v.Zip.StorageKey,
		Open: func(ctx context.Context, offset, length int64) (io.ReadCloser, error) {
			return h.Go.OpenZip(ctx, v, offset, length)
		},
		Check: func(ctx context.Context) error {
			rc, err := h.Go.OpenZip(ctx, v, 0, 0)
			if err != nil {
				return err
			}
			return rc.Close()
		},
	})
}
