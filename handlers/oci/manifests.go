package oci

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/kodera-packages/kodera/internal/ocispec"
	"github.com/kodera-packages/kodera/internal/registry"
)

// getManifest implements GET and HEAD /v2/<name>/manifests/<reference>
// ("Pulling manifests"): the exact bytes pushed, with their media type.
func (h *Handler) getManifest(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	m, err := h.svc.GetManifest(r.Context(), n, rt.ref)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", m.MediaType)
	hd.Set("Docker-Content-Digest", m.Digest)
	hd.Set("ETag", `"`+m.Digest+`"`)
	hd.Set("Content-Length", strconv.Itoa(len(m.Content)))
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, m.Digest) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if r.Method == http.MethodHead {
		return nil
	}
	_, _ = w.Write(m.Content)
	return nil
}

// putManifest implements PUT /v2/<name>/manifests/<reference> ("Pushing
// manifests"), including the OCI-Subject header of the referrers API.
func (h *Handler) putManifest(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	if r.ContentLength > ocispec.MaxManifestSize {
		return CodeManifestTooLarge.WithDetail("manifest larger than 4 MiB")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, ocispec.MaxManifestSize+1))
	if err != nil {
		return CodeManifestInvalid.Err(err)
	}
	var extra []string
	if ocispec.IsDigest(rt.ref) {
		extra = r.URL.Query()["tag"]
	}
	res, err := h.svc.PutManifest(r.Context(), n, rt.ref, r.Header.Get("Content-Type"), body, extra...)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Location", "/v2/"+n.Full()+"/manifests/"+res.Digest)
	hd.Set("Docker-Content-Digest", res.Digest)
	if res.Subject != "" {
		hd.Set("OCI-Subject", res.Subject)
	}
	for _, t := range res.Tags {
		hd.Add("OCI-Tag", t)
	}
	hd.Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
	return nil
}

// deleteManifest implements DELETE /v2/<name>/manifests/<reference>
// ("Deleting tags" and "Deleting manifests").
func (h *Handler) deleteManifest(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	if !ocispec.IsDigest(rt.ref) && !ocispec.ValidTag(rt.ref) {
		return CodeManifestUnknown.WithDetail("invalid reference")
	}
	if err := h.svc.DeleteManifest(r.Context(), n, rt.ref); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
