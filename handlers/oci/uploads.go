package oci

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/ocispec"
	"github.com/kodera-packages/kodera/internal/registry"
	"github.com/kodera-packages/kodera/internal/repository"
)

func uploadLocation(n registry.Name, id string) string {
	return "/v2/" + n.Full() + "/blobs/uploads/" + id
}

func blobCreated(w http.ResponseWriter, n registry.Name, b registry.Blob) {
	w.Header().Set("Location", "/v2/"+n.Full()+"/blobs/"+b.Digest)
	w.Header().Set("Docker-Content-Digest", b.Digest)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
}

func uploadAccepted(w http.ResponseWriter, n registry.Name, up registry.Upload, status int) {
	w.Header().Set("Location", uploadLocation(n, up.ID))
	w.Header().Set("Docker-Upload-UUID", up.ID)
	w.Header().Set("Range", fmt.Sprintf("0-%d", max(up.Offset-1, 0)))
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}

// startUpload implements POST /v2/<name>/blobs/uploads/: a monolithic
// upload with ?digest=, a cross-repository mount with ?mount=&from=, or
// the start of a session ("Pushing blobs").
func (h *Handler) startUpload(w http.ResponseWriter, r *http.Request, n registry.Name, _ route) error {
	q := r.URL.Query()
	if digest := q.Get("digest"); digest != "" {
		if !ocispec.IsDigest(digest) {
			return CodeDigestInvalid.WithDetail("invalid digest " + digest)
		}
		body, err := h.limitBody(w, r, 0)
		if err != nil {
			return err
		}
		b, err := h.svc.PutBlob(r.Context(), n, body, r.ContentLength, digest)
		if err != nil {
			return err
		}
		blobCreated(w, n, b)
		return nil
	}
	if mount := q.Get("mount"); mount != "" && ocispec.IsDigest(mount) {
		from := q.Get("from")
		if c := callerOf(r); c.claims != nil && from != "" && !c.claims.Allows(from, "pull") && h.mayRead(r, c.p, from) {
			// The token predates the mount: ask the client for one that
			// also covers the source (what docker and distribution do).
			scope := "repository:" + n.Full() + ":pull,push repository:" + from + ":pull"
			return h.challenge(r, scope, CodeUnauthorized.WithDetail("token does not cover the mount source"))
		}
		if b, ok := h.tryMount(r, n, from, mount); ok {
			blobCreated(w, n, b)
			return nil
		}
	}
	up, err := h.svc.StartUpload(r.Context(), n)
	if err != nil {
		return err
	}
	uploadAccepted(w, n, up, http.StatusAccepted)
	return nil
}

// tryMount links a blob from another name the caller may read (from, or
// without it any name holding the blob); any failure (unknown, unreadable)
// falls back to a plain upload so nothing is revealed.
func (h *Handler) tryMount(r *http.Request, n registry.Name, from, digest string) (registry.Blob, bool) {
	c := callerOf(r)
	candidates := []string{from}
	if from == "" {
		// No source named: the token cannot list one, so only the
		// decision function (with the token's own limits) is asked.
		c.claims = nil
		var err error
		if candidates, err = h.svc.Sources(r.Context(), digest); err != nil {
			return registry.Blob{}, false
		}
	}
	for _, name := range candidates {
		src, err := h.resolveQuiet(r, c, name)
		if err != nil {
			continue
		}
		if b, err := h.svc.Mount(r.Context(), n, src, digest); err == nil {
			return b, true
		}
	}
	return registry.Blob{}, false
}

// resolveQuiet resolves a name for reading without challenging.
func (h *Handler) resolveQuiet(r *http.Request, c caller, name string) (registry.Name, error) {
	repoName, image, err := ocispec.SplitName(name)
	if err != nil {
		return registry.Name{}, err
	}
	if c.claims != nil && !c.claims.Allows(name, "pull") {
		return registry.Name{}, domain.ErrForbidden
	}
	repo, err := h.kit.Resolve(r.Context(), c.p, repoName, repository.TypeDocker, auth.ActionRead)
	if err != nil {
		return registry.Name{}, err
	}
	return registry.Name{Repo: repo, Image: image}, nil
}

// uploadStatus implements GET /v2/<name>/blobs/uploads/<id>.
func (h *Handler) uploadStatus(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	up, err := h.svc.GetUpload(r.Context(), n, rt.ref)
	if err != nil {
		return err
	}
	uploadAccepted(w, n, up, http.StatusNoContent)
	return nil
}

// patchUpload implements PATCH /v2/<name>/blobs/uploads/<id>: a chunk
// (with Content-Range, in order) or a streamed body.
func (h *Handler) patchUpload(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	up, err := h.svc.GetUpload(r.Context(), n, rt.ref)
	if err != nil {
		return err
	}
	start := int64(-1)
	if cr := r.Header.Get("Content-Range"); cr != "" {
		s, e, ok := parseContentRange(cr)
		if !ok {
			return CodeRangeInvalid.WithDetail("bad Content-Range " + cr)
		}
		if s != up.Offset {
			uploadRange(w, up)
			return CodeRangeInvalid.WithDetail(fmt.Sprintf("chunk starts at %d, upload is at %d", s, up.Offset))
		}
		if r.ContentLength >= 0 && e-s+1 != r.ContentLength {
			return CodeRangeInvalid.WithDetail("Content-Range disagrees with Content-Length")
		}
		start = s
	}
	body, err := h.limitBody(w, r, up.Offset)
	if err != nil {
		return err
	}
	up, err = h.svc.AppendChunk(r.Context(), up, body, r.ContentLength, start)
	if err != nil {
		if errors.Is(err, registry.ErrRangeInvalid) {
			uploadRange(w, up)
		}
		return err
	}
	uploadAccepted(w, n, up, http.StatusAccepted)
	return nil
}

func uploadRange(w http.ResponseWriter, up registry.Upload) {
	w.Header().Set("Range", fmt.Sprintf("0-%d", max(up.Offset-1, 0)))
}

// parseContentRange reads "<start>-<end>" (optionally "bytes " prefixed).
func parseContentRange(s string) (start, end int64, ok bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "bytes"), " ")
	s = strings.TrimPrefix(s, "=")
	if i := strings.Index(s, "/"); i >= 0 {
		s = s[:i]
	}
	a, b, found := strings.Cut(s, "-")
	if !found {
		return 0, 0, false
	}
	var err1, err2 error
	start, err1 = strconv.ParseInt(a, 10, 64)
	end, err2 = strconv.ParseInt(b, 10, 64)
	return start, end, err1 == nil && err2 == nil && start >= 0 && end >= start
}

// putUpload implements PUT /v2/<name>/blobs/uploads/<id>?digest=: the
// optional last chunk, then the digest check that makes the blob visible.
func (h *Handler) putUpload(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	digest := r.URL.Query().Get("digest")
	if !ocispec.IsDigest(digest) {
		return CodeDigestInvalid.WithDetail("missing or invalid digest parameter")
	}
	up, err := h.svc.GetUpload(r.Context(), n, rt.ref)
	if err != nil {
		return err
	}
	if cr := r.Header.Get("Content-Range"); cr != "" && r.ContentLength != 0 {
		if s, _, ok := parseContentRange(cr); !ok || s != up.Offset {
			uploadRange(w, up)
			return CodeRangeInvalid.WithDetail("chunk out of order")
		}
	}
	body, err := h.limitBody(w, r, up.Offset)
	if err != nil {
		return err
	}
	b, err := h.svc.FinishUpload(r.Context(), up, body, r.ContentLength, digest)
	if err != nil {
		return err
	}
	blobCreated(w, n, b)
	return nil
}

// cancelUpload implements DELETE /v2/<name>/blobs/uploads/<id>.
func (h *Handler) cancelUpload(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	up, err := h.svc.GetUpload(r.Context(), n, rt.ref)
	if err != nil {
		return err
	}
	if err := h.svc.CancelUpload(r.Context(), up); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// mayRead reports whether p may read the OCI name, per the decision function.
func (h *Handler) mayRead(r *http.Request, p auth.Principal, name string) bool {
	_, err := h.resolveQuiet(r, caller{p: p}, name)
	return err == nil
}

// limitBody bounds what a request may add to a blob that already has
// offset bytes: the kit's one upload limit (KODERA_MAX_UPLOAD_BYTES).
func (h *Handler) limitBody(w http.ResponseWriter, r *http.Request, offset int64) (io.Reader, error) {
	return h.kit.LimitBody(w, r, offset)
}
