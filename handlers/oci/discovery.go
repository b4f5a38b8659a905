package oci

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/kodera-packages/kodera/internal/ocispec"
	"github.com/kodera-packages/kodera/internal/registry"
)

// Content discovery: tags, referrers and the catalog.

// maxPage caps n on list endpoints.
const maxPage = 1000

// pageParams reads n and last; n <= 0 or absent means the default page.
func pageParams(r *http.Request) (int, string, error) {
	q := r.URL.Query()
	n := maxPage
	if s := q.Get("n"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, "", CodePaginationInvalid.WithDetail("n must be a number from 0 up")
		}
		n = min(v, maxPage)
	}
	return n, q.Get("last"), nil
}

func nextLink(path string, n int, last string) string {
	v := url.Values{"n": {strconv.Itoa(n)}, "last": {last}}
	return "<" + path + "?" + v.Encode() + `>; rel="next"`
}

// listTags implements GET /v2/<name>/tags/list ("Listing tags").
func (h *Handler) listTags(w http.ResponseWriter, r *http.Request, n registry.Name, _ route) error {
	limit, last, err := pageParams(r)
	if err != nil {
		return err
	}
	tags := []string{}
	if limit > 0 {
		var err error
		if tags, err = h.svc.Tags(r.Context(), n, last, limit); err != nil {
			return err
		}
	}
	if limit > 0 && len(tags) == limit {
		w.Header().Set("Link", nextLink("/v2/"+n.Full()+"/tags/list", limit, tags[len(tags)-1]))
	}
	return writeJSON(w, "application/json", map[string]any{"name": n.Full(), "tags": tags})
}

// referrers implements GET /v2/<name>/referrers/<digest> ("Listing
// referrers"), with the artifactType filter.
func (h *Handler) referrers(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error {
	if !ocispec.IsDigest(rt.ref) {
		return CodeDigestInvalid.WithDetail("invalid digest " + rt.ref)
	}
	at := r.URL.Query().Get("artifactType")
	ds, err := h.svc.Referrers(r.Context(), n, rt.ref, at)
	if err != nil {
		return err
	}
	if at != "" {
		w.Header().Set("OCI-Filters-Applied", "artifactType")
	}
	return writeJSON(w, ocispec.MediaTypeOCIIndex, map[string]any{
		"schemaVersion": 2, "mediaType": ocispec.MediaTypeOCIIndex, "manifests": ds,
	})
}

// catalog implements GET /v2/_catalog: names holding manifests, filtered
// to the repositories the caller may read.
func (h *Handler) catalog(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet {
		return CodeUnsupported.WithDetail(r.Method + " /v2/_catalog")
	}
	c, err := h.authenticate(r)
	if err != nil {
		return err
	}
	if c.p.IsAnonymous() && c.claims == nil {
		// Like GET /v2/: anonymous callers are challenged, so clients
		// retry with credentials (and guest access off means no listing).
		return h.challenge(r, "registry:catalog:*", CodeUnauthorized.WithDetail("authentication required"))
	}
	limit, last, err := pageParams(r)
	if err != nil {
		return err
	}
	names := []string{}
	readable := map[string]bool{}
	cursor := last
	for len(names) < limit {
		batch, err := h.svc.Catalog(r.Context(), cursor, limit)
		if err != nil {
			return err
		}
		for _, e := range batch {
			ok, seen := readable[e.Repository]
			if !seen {
				_, err := h.resolveQuiet(r, caller{p: c.p}, e.Repository)
				ok = err == nil
				readable[e.Repository] = ok
			}
			if ok && len(names) < limit {
				names = append(names, e.Full)
			}
		}
		if len(batch) < limit {
			break
		}
		cursor = batch[len(batch)-1].Full
	}
	if limit > 0 && len(names) == limit {
		w.Header().Set("Link", nextLink("/v2/_catalog", limit, names[len(names)-1]))
	}
	return writeJSON(w, "application/json", map[string]any{"repositories": names})
}

func writeJSON(w http.ResponseWriter, ct string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
	return nil
}
