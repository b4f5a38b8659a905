package oci

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/kodera-packages/kodera/internal/ocispec"
	"github.com/kodera-packages/kodera/internal/registry"
)

// getBlob implements GET and HEAD /v2/<name>/blobs/<digest> ("Pulling
// blobs", with single-range requests).
func (h *Handler) getBlob(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	if !ocispec.IsDigest(rt.ref) {
		return CodeDigestInvalid.WithDetail("invalid digest " + rt.ref)
	}
	b, err := h.svc.Stat(r.Context(), n, rt.ref)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Docker-Content-Digest", b.Digest)
	hd.Set("ETag", `"`+b.Digest+`"`)
	hd.Set("Accept-Ranges", "bytes")
	hd.Set("Cache-Control", "max-age=31536000")
	hd.Set("Content-Type", "application/octet-stream")
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, b.Digest) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	offset, length, status := int64(0), b.Size, http.StatusOK
	if rg := r.Header.Get("Range"); rg != "" {
		start, end, ok := parseRange(rg, b.Size)
		if !ok {
			hd.Set("Content-Range", fmt.Sprintf("bytes */%d", b.Size))
			return CodeRangeInvalid.WithDetail("unsatisfiable range " + rg)
		}
		offset, length, status = start, end-start+1, http.StatusPartialContent
		hd.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, b.Size))
	}
	hd.Set("Content-Length", strconv.FormatInt(length, 10))
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return nil
	}
	rc, err := h.svc.Open(r.Context(), b, offset, length)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.WriteHeader(status)
	_, _ = io.Copy(w, rc)
	return nil
}

// parseRange parses one "bytes=a-b", "bytes=a-" or "bytes=-n" range.
func parseRange(h string, size int64) (start, end int64, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false
	}
	var err error
	switch {
	case a == "":
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false
		}
		start, end = max(size-n, 0), size-1
	default:
		if start, err = strconv.ParseInt(a, 10, 64); err != nil || start < 0 {
			return 0, 0, false
		}
		end = size - 1
		if b != "" {
			if end, err = strconv.ParseInt(b, 10, 64); err != nil || end < start {
				return 0, 0, false
			}
			end = min(end, size-1)
		}
	}
	if start >= size {
		return 0, 0, false
	}
	return start, end, true
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
