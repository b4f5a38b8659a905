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
	offset, length, status := int64(0), b.Size, http.StatusOK
	contentRange := ""
	if rg := r.Header.Get("Range"); rg != "" {
		start, end, ok := parseRange(rg, b.Size)
		if !ok {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", b.Size))
			return CodeRangeInvalid.WithDetail("unsatisfiable range " + rg)
		}
		offset, length, status = start, end-start+1, http.StatusPartialContent
		contentRange = fmt.Sprintf("bytes %d-%d/%d", start, end, b.Size)
	}
	notModified := false
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, b.Digest) {
		notModified = true
	}
	var body io.ReadCloser
	if r.Method == http.MethodGet && !notModified {
		// Opened before any header goes out: content missing from the store
		// must be a clean error, not a 200 with a truncated body.
		if body, err = h.svc.Open(r.Context(), b, offset, length); err != nil {
			return err
		}
		defer body.Close()
	} else if r.Method == http.MethodHead {
		// HEAD must not promise content the store lost: clients skip
		// uploading a blob HEAD says exists, so a 404 here lets the next
		// push repair it.
		probe, err := h.svc.Open(r.Context(), b, 0, 0)
		if err != nil {
			return err
		}
		probe.Close()
	}
	hd := w.Header()
	hd.Set("Docker-Content-Digest", b.Digest)
	hd.Set("ETag", `"`+b.Digest+`"`)
	hd.Set("Accept-Ranges", "bytes")
	hd.Set("Cache-Control", "max-age=31536000")
	hd.Set("Content-Type", "application/octet-stream")
	if notModified {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if contentRange != "" {
		hd.Set("Content-Range", contentRange)
	}
	hd.Set("Content-Length", strconv.FormatInt(length, 10))
	w.WriteHeader(status)
	if body != nil {
		if _, err := io.Copy(w, body); err != nil && r.Context().Err() == nil {
			h.log.WarnContext(r.Context(), "oci: blob download cut short", "digest", b.Digest, "err", err)
		}
	}
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
