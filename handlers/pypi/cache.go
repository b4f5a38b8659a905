package pypi

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// pageCacheMax bounds the rendered pages a node keeps (the root page of a
// repository with 100,000 projects is about 5 MB of HTML).
const pageCacheMax = 64 << 20

// pageCache keeps rendered simple-index pages by repository, project and
// content type, each valid for one index serial (internal/pypi Serial):
// serving one costs the serial's primary-key read, not a listing and a
// rendering, and a page rendered by a node is never served after a change
// on any node, since every change moves the serial in Postgres first.
type pageCache struct {
	mu    sync.Mutex
	m     map[pageKey]cachedPage
	bytes int
}

type pageKey struct {
	repo    int64
	project string // "" for the root
	ctype   string
}

type cachedPage struct {
	serial int64
	body   []byte
}

func (c *pageCache) get(k pageKey, serial int64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[k]
	if !ok || p.serial != serial {
		return nil, false
	}
	return p.body, true
}

// acceptsGzip reports whether the client takes a gzip body (pip and uv
// do: a project page of 1,000 files shrinks about tenfold).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, item := range strings.Split(v, ",") {
			enc, params, _ := strings.Cut(strings.TrimSpace(item), ";")
			if strings.EqualFold(strings.TrimSpace(enc), "gzip") {
				q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
				return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
			}
		}
	}
	return false
}

func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	_, _ = zw.Write(body)
	_ = zw.Close()
	return buf.Bytes()
}

func (c *pageCache) put(k pageKey, serial int64, body []byte) {
	if len(body) > pageCacheMax/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.bytes+len(body) > pageCacheMax {
		// Full: start over rather than track recency; pages are cheap to
		// render again and a full cache is rare.
		c.m, c.bytes = make(map[pageKey]cachedPage), 0
	}
	if old, ok := c.m[k]; ok {
		c.bytes -= len(old.body)
	}
	c.m[k] = cachedPage{serial: serial, body: body}
	c.bytes += len(body)
}

// servePage answers a simple-index page from the cache, or renders it with
// render, caches and sends it. ETag names the repository, serial and
// type, so a client's revalidation is a 304 without rendering anything;
// X-PyPI-Last-Serial is PyPI's header for the same serial.
func (h *handler) servePage(w http.ResponseWriter, r *http.Request, req *request, project, ctype string, render func(*bytes.Buffer) error) error {
	serial, err := h.PyPI.Serial(r.Context(), req.repo)
	if err != nil {
		return err
	}
	etag := `"` + strconv.FormatInt(req.repo.ID, 36) + "." + strconv.FormatInt(serial, 36) + "." + strconv.Itoa(typeIndex(ctype)) + `"`
	k := pageKey{repo: req.repo.ID, project: project, ctype: ctype}
	body, ok := h.pages.get(k, serial)
	if !ok {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return err
		}
		body = buf.Bytes()
		h.pages.put(k, serial, body)
	}
	gz := acceptsGzip(r)
	if gz {
		// The compressed page is cached beside the plain one, under
		// its own key, compressed once per serial.
		gk := k
		gk.ctype += "+gzip"
		zb, ok := h.pages.get(gk, serial)
		if !ok {
			zb = gzipped(body)
			h.pages.put(gk, serial, zb)
		}
		body = zb
		etag = strings.TrimSuffix(etag, `"`) + `.gz"`
	}
	indexHeaders(w, req, ctype)
	hdr := w.Header()
	hdr.Add("Vary", "Accept-Encoding")
	if gz {
		hdr.Set("Content-Encoding", "gzip")
	}
	hdr.Set("ETag", etag)
	hdr.Set("X-PyPI-Last-Serial", strconv.FormatInt(serial, 10))
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return nil
	}
	_, _ = w.Write(body)
	return nil
}

func typeIndex(ctype string) int {
	for i, o := range offered {
		if o == ctype {
			return i
		}
	}
	return len(offered)
}
