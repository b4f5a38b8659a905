package oci

import (
	"context"
	"io"
	"net/http"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/ocispec"
	"github.com/kodera-packages/kodera/internal/registry"
)

// getBlob implements GET and HEAD /v2/<name>/blobs/<digest> ("Pulling
// blobs"), with the kit's ServeBlob: ranges, If-None-Match, sendfile and
// the optional presigned redirect. HEAD checks the store still holds the
// content: clients skip uploading a blob HEAD says exists, so a 404 here
// lets the next push repair it. HEAD also restarts the link's garbage
// collection grace period, since the client will rely on it.
func (h *Handler) getBlob(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	if !ocispec.IsDigest(rt.ref) {
		return CodeDigestInvalid.WithDetail("invalid digest " + rt.ref)
	}
	if r.Method == http.MethodHead {
		// Before the Stat: a collection that deleted the link first makes
		// this a 404 (the client uploads); one that comes after sees the
		// fresh grace period and keeps it (internal/gc).
		if err := h.svc.Touch(r.Context(), n, rt.ref); err != nil {
			return err
		}
	}
	b, err := h.svc.Stat(r.Context(), n, rt.ref)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Docker-Content-Digest", b.Digest)
	hd.Set("Cache-Control", "max-age=31536000")
	return h.kit.ServeBlob(w, r, kit.Content{
		Size: b.Size, ETag: `"` + b.Digest + `"`, ContentType: "application/octet-stream", StorageKey: b.StorageKey,
		Open: func(ctx context.Context, offset, length int64) (io.ReadCloser, error) {
			return h.svc.Open(ctx, b, offset, length)
		},
		Check: func(ctx context.Context) error {
			probe, err := h.svc.Open(ctx, b, 0, 0)
			if err != nil {
				return err
			}
			return probe.Close()
		},
	})
}

// deleteBlob implements DELETE /v2/<name>/blobs/<digest> ("Deleting blobs").
func (h *Handler) deleteBlob(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	if !ocispec.IsDigest(rt.ref) {
		return CodeDigestInvalid.WithDetail("invalid digest " + rt.ref)
	}
	if err := h.svc.DeleteBlob(r.Context(), n, rt.ref); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
