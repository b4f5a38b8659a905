package pypi

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kodera-packages/kodera/internal/pypi"
	"github.com/kodera-packages/kodera/internal/pyspec"
)

// The content types of the simple API (PEP 691): the versioned JSON and
// HTML forms, their "latest" aliases, and plain text/html, which is v1 HTML.
const (
	typeJSON       = "application/vnd.pypi.simple.v1+json"
	typeHTML       = "application/vnd.pypi.simple.v1+html"
	typeLatestJSON = "application/vnd.pypi.simple.latest+json"
	typeLatestHTML = "application/vnd.pypi.simple.latest+html"
	typeTextHTML   = "text/html"
)

// offered lists what the index answers in, preferred first when a client
// accepts several with the same quality.
var offered = []string{typeJSON, typeLatestJSON, typeHTML, typeLatestHTML, typeTextHTML}

// apiVersion is the simple API version served: 1.1 adds PEP 700's fields.
const apiVersion = "1.1"

// negotiate picks the response type of a simple API request (PEP 691):
// ?format= names one outright; otherwise the Accept header's type with the
// highest quality among those offered (wildcards included), ties going to
// the most specific range, then to the order of offered (a match by
// wildcard alone is text/html); no Accept at all is text/html. The chosen latest
// alias is answered with its versioned type.
func negotiate(r *http.Request) (string, error) {
	if f := r.URL.Query().Get("format"); f != "" {
		for _, o := range offered {
			if f == o {
				return canonical(o), nil
			}
		}
		return "", errNotAcceptable
	}
	accept := r.Header.Values("Accept")
	if len(accept) == 0 {
		return typeTextHTML, nil
	}
	best, bestQ, bestSpec := "", 0.0, -1
	for _, o := range offered {
		q, spec := quality(accept, o)
		if q > bestQ || (q == bestQ && q > 0 && spec > bestSpec) {
			best, bestQ, bestSpec = o, q, spec
		}
	}
	if best == "" {
		return "", errNotAcceptable
	}
	if bestSpec < 2 {
		// Only a wildcard matched (curl's */*, a browser's): plain HTML,
		// what PEP 503 clients and people read.
		if q, _ := quality(accept, typeTextHTML); q == bestQ {
			return typeTextHTML, nil
		}
	}
	return canonical(best), nil
}

func canonical(t string) string {
	switch t {
	case typeLatestJSON:
		return typeJSON
	case typeLatestHTML:
		return typeHTML
	}
	return t
}

// quality is the q-value the Accept header gives media type t and how
// specific the range that gave it is (2 type/subtype, 1 type/*, 0 */*):
// the most specific matching range wins.
func quality(accept []string, t string) (float64, int) {
	major, _, _ := strings.Cut(t, "/")
	q, spec := 0.0, -1
	for _, line := range accept {
		for _, item := range strings.Split(line, ",") {
			params := strings.Split(item, ";")
			mr := strings.ToLower(strings.TrimSpace(params[0]))
			s := -1
			switch mr {
			case t:
				s = 2
			case major + "/*":
				s = 1
			case "*/*":
				s = 0
			}
			if s < spec || s < 0 {
				continue
			}
			iq := 1.0
			for _, p := range params[1:] {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil || f < 0 || f > 1 {
						f = 0
					}
					iq = f
				}
			}
			q, spec = iq, s
		}
	}
	return q, spec
}

// simple implements GET /api/python/{repo}/simple/ (the root: every
// project) and /simple/{project}/ (PEP 503 §"project page", PEP 691).
// A project URL that is not in normalized form with its trailing slash
// answers 301 to the one that is (PEP 503), keeping the query.
func (h *handler) simple(w http.ResponseWriter, r *http.Request, req *request) error {
	base := Prefix + url.PathEscape(req.repo.Name) + "/simple/"
	if len(req.rest) == 1 {
		if !req.slash {
			return redirect(w, r, base)
		}
		return h.root(w, r, req)
	}
	name := req.rest[1]
	if norm := pyspec.NormalizeName(name); norm != name || !req.slash {
		return redirect(w, r, base+url.PathEscape(norm)+"/")
	}
	return h.project(w, r, req, name)
}

func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
	return nil
}

// indexHeaders are set on every simple API answer: the type chosen, Vary
// (the same URL answers HTML or JSON), and revalidation on every use since
// an upload changes the page.
func indexHeaders(w http.ResponseWriter, req *request, ctype string) {
	hdr := w.Header()
	if ctype == typeTextHTML {
		ctype += "; charset=utf-8"
	}
	hdr.Set("Content-Type", ctype)
	hdr.Set("Vary", "Accept")
	hdr.Set("X-Content-Type-Options", "nosniff")
	if req.repo.Visibility == "public" {
		hdr.Set("Cache-Control", "max-age=0, must-revalidate")
	} else {
		hdr.Set("Cache-Control", "private, max-age=0, must-revalidate")
	}
}

// root writes the list of every project (PEP 503 root, PEP 691
// {"projects": [...]}); 100,000 projects are about 5 MB, rendered once per
// index serial (servePage).
func (h *handler) root(w http.ResponseWriter, r *http.Request, req *request) error {
	ctype, err := negotiate(r)
	if err != nil {
		return err
	}
	return h.servePage(w, r, req, "", ctype, func(bw *bytes.Buffer) error {
		projects, err := h.PyPI.Projects(r.Context(), req.repo)
		if err != nil {
			return err
		}
		if ctype == typeJSON {
			bw.Grow(len(projects) * 24)
			bw.WriteString(`{"meta":{"api-version":"` + apiVersion + `"},"projects":[`)
			for i, p := range projects {
				if i > 0 {
					bw.WriteByte(',')
				}
				// Names are PEP 508 (letters, digits, . _ -): nothing to escape.
				bw.WriteString(`{"name":"` + p.Name + `"}`)
			}
			bw.WriteString("]}\n")
			return nil
		}
		bw.Grow(len(projects) * 40)
		bw.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"" + apiVersion + "\">\n<title>Simple index</title>\n</head>\n<body>\n")
		for _, p := range projects {
			bw.WriteString(`<a href="` + html.EscapeString(p.Normalized) + `/">` + html.EscapeString(p.Name) + "</a>\n")
		}
		bw.WriteString("</body>\n</html>\n")
		return nil
	})
}

// fileURL is a file's URL relative to its project page
// (/api/python/{repo}/simple/{project}/), which pip resolves for both forms.
func fileURL(filename string) string {
	return "../../files/" + url.PathEscape(filename)
}

// project writes a project page: every live file with its sha256 (PEP 503
// fragment, PEP 691 hashes), requires-python (HTML-escaped), the core
// metadata's sha256 (PEP 658 data-core-metadata and PEP 714's older
// data-dist-info-metadata), yanked with its reason (PEP 592), and PEP
// 700's versions, size and upload-time.
func (h *handler) project(w http.ResponseWriter, r *http.Request, req *request, name string) error {
	ctype, err := negotiate(r)
	if err != nil {
		return err
	}
	return h.servePage(w, r, req, name, ctype, func(bw *bytes.Buffer) error {
		page, err := h.PyPI.ProjectFiles(r.Context(), req.repo, name)
		if err != nil {
			return err
		}
		if ctype == typeJSON {
			return json.NewEncoder(bw).Encode(projectJSON(page))
		}
		title := html.EscapeString(page.Name)
		bw.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"" + apiVersion + "\">\n<title>Links for " + title + "</title>\n</head>\n<body>\n<h1>Links for " + title + "</h1>\n")
		for _, f := range page.Files {
			bw.WriteString(`<a href="` + html.EscapeString(fileURL(f.Filename)) + "#sha256=" + f.SHA256 + `"`)
			if f.RequiresPython != "" {
				bw.WriteString(` data-requires-python="` + html.EscapeString(f.RequiresPython) + `"`)
			}
			if f.MetadataSHA256 != "" {
				// Both names (PEP 714 allows the old one in HTML, with the
				// same value): pip before 23.2 reads only PEP 658's.
				bw.WriteString(` data-dist-info-metadata="sha256=` + f.MetadataSHA256 + `" data-core-metadata="sha256=` + f.MetadataSHA256 + `"`)
			}
			if f.Yanked {
				bw.WriteString(` data-yanked="` + html.EscapeString(f.YankedReason) + `"`)
			}
			bw.WriteString(">" + html.EscapeString(f.Filename) + "</a><br>\n")
		}
		bw.WriteString("</body>\n</html>\n")
		return nil
	})
}

type projectPageJSON struct {
	Meta     metaJSON   `json:"meta"`
	Name     string     `json:"name"`
	Versions []string   `json:"versions"`
	Files    []fileJSON `json:"files"`
}

type metaJSON struct {
	APIVersion string `json:"api-version"`
}

type fileJSON struct {
	Filename       string            `json:"filename"`
	URL            string            `json:"url"`
	Hashes         map[string]string `json:"hashes"`
	RequiresPython *string           `json:"requires-python,omitempty"`
	// CoreMetadata is {"sha256": ...} or false (PEP 714's key). PEP 658's
	// old key, dist-info-metadata, is left out of JSON on purpose: pip
	// 22.3 to 23.1 fail hard on it there (PEP 714's motivation), and
	// those pips are still what Debian 12 ships.
	CoreMetadata any    `json:"core-metadata"`
	Yanked       any    `json:"yanked"` // false, true or the reason
	Size         int64  `json:"size"`
	UploadTime   string `json:"upload-time"`
}

func projectJSON(p pypi.ProjectPage) projectPageJSON {
	out := projectPageJSON{Meta: metaJSON{APIVersion: apiVersion}, Name: p.Normalized, Versions: p.Versions, Files: make([]fileJSON, len(p.Files))}
	for i, f := range p.Files {
		fj := fileJSON{
			Filename: f.Filename, URL: fileURL(f.Filename), Hashes: map[string]string{"sha256": f.SHA256},
			CoreMetadata: false, Yanked: false, Size: f.Size, UploadTime: uploadTime(f.UploadTime),
		}
		if f.RequiresPython != "" {
			rp := f.RequiresPython
			fj.RequiresPython = &rp
		}
		if f.MetadataSHA256 != "" {
			fj.CoreMetadata = map[string]string{"sha256": f.MetadataSHA256}
		}
		if f.Yanked {
			fj.Yanked = true
			if f.YankedReason != "" {
				fj.Yanked = f.YankedReason
			}
		}
		out.Files[i] = fj
	}
	return out
}

// uploadTime is PEP 700's format: ISO 8601, UTC, with a Z.
func uploadTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}
