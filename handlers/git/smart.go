package git

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gitsmart"
	"github.com/kodera-packages/kodera/internal/gomod"
)

func noCache(w http.ResponseWriter, ctype string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache, max-age=0, must-revalidate")
	w.Header().Set("Expires", "Fri, 01 Jan 1980 00:00:00 GMT")
}

// advertise implements GET info/refs?service=S (gitprotocol-http(5),
// "Smart Clients"). A module without a git repository yet advertises as
// empty to a pusher (its first push creates it) and is 404 to a reader.
func (h *handler) advertise(w *watchWriter, r *http.Request, repo domain.Repository, req *request) error {
	var st gitsmart.Repository
	s, err := h.Go.OpenGit(r.Context(), repo, req.module)
	switch {
	case err == nil:
		st = s
	case errors.Is(err, domain.ErrNotFound) && req.service == gitsmart.ReceivePackService:
		st = memory.NewStorage()
	case errors.Is(err, domain.ErrNotFound):
		return domain.Errorf(domain.ErrNotFound, "repository %q has no git repository for module %s", repo.Name, req.module)
	default:
		return err
	}
	noCache(w, gitsmart.AdvertisementContentType(req.service))
	return gitsmart.AdvertiseRefs(r.Context(), w, st, req.service, h.opts())
}

// uploadPack implements POST git-upload-pack (clone, fetch).
func (h *handler) uploadPack(w *watchWriter, r *http.Request, repo domain.Repository, req *request) error {
	st, err := h.Go.OpenGit(r.Context(), repo, req.module)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Errorf(domain.ErrNotFound, "repository %q has no git repository for module %s", repo.Name, req.module)
	}
	if err != nil {
		return err
	}
	body, err := gitsmart.RequestBody(r)
	if err != nil {
		return err
	}
	defer body.Close()
	noCache(w, gitsmart.ResultContentType(gitsmart.UploadPackService))
	return gitsmart.UploadPack(r.Context(), st, body, w, h.opts())
}

// receivePack implements POST git-receive-pack (push). Each pushed tag
// naming a version is prepared (checked, zipped, stored) by the
// Validator; the applied ones are published before the report goes out, so
// that when git returns the versions are listed. The report is small and
// held until then.
func (h *handler) receivePack(w *watchWriter, r *http.Request, repo domain.Repository, p auth.Principal, req *request) error {
	ctx := r.Context()
	st, err := h.Go.OpenOrCreateGit(ctx, repo, req.module)
	if err != nil {
		return err
	}
	body, err := gitsmart.RequestBody(r)
	if err != nil {
		return err
	}
	defer body.Close()

	var mu sync.Mutex
	prepared := map[plumbing.ReferenceName]*gomod.Prepared{}
	validate := func(ctx context.Context, u gitsmart.Update) error {
		if u.IsDelete() {
			ok, err := h.Kit.Authz.May(ctx, p, auth.ActionDelete, repo)
			if err != nil {
				return err
			}
			if !ok {
				return errors.New("not allowed to delete refs in this repository")
			}
			return nil
		}
		pv, err := h.Go.Prepare(ctx, repo, req.module, u.Objects, u.Name, u.New)
		if err != nil || pv == nil {
			return err
		}
		mu.Lock()
		prepared[u.Name] = pv
		mu.Unlock()
		return nil
	}
	var report bytes.Buffer
	applied, err := gitsmart.ReceivePack(ctx, st, body, &report, validate, h.opts())
	for _, u := range applied {
		if pv := prepared[u.Name]; pv != nil {
			if perr := h.Go.Publish(ctx, repo, pv, p.Name); perr != nil {
				// The tag is stored; the version can be derived again
				// from it. Say so in the log rather than fail the push.
				h.Kit.Log.ErrorContext(ctx, "publishing a pushed tag failed", "repository", repo.Name, "module", pv.Module, "version", pv.Version, "err", perr)
			}
		}
	}
	if err != nil && report.Len() == 0 {
		return err
	}
	noCache(w, gitsmart.ResultContentType(gitsmart.ReceivePackService))
	_, werr := w.Write(report.Bytes())
	if err != nil {
		return err
	}
	return werr
}

// opts bounds a push by the protocols' one upload limit
// (KODERA_MAX_UPLOAD_BYTES) as well as by the engine's in-memory holding
// area, whichever is smaller.
func (h *handler) opts() gitsmart.Options {
	limit := h.MaxPushBytes
	if limit <= 0 {
		limit = gitsmart.DefaultMaxPushBytes
	}
	if m := h.Kit.MaxUploadBytes; m > 0 && m < limit {
		limit = m
	}
	return gitsmart.Options{Agent: "kodera", MaxPushBytes: limit}
}
