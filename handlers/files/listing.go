package files

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/files"
)

// listPage bounds one page of a protocol listing; "next" links to the rest.
const listPage = 1000

// list answers GET on a folder: JSON for clients that accept it (or with
// ?list), a plain HTML index for browsers.
func (h *handler) list(w http.ResponseWriter, r *http.Request, req *request) error {
	limit := listPage
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v > 0 && v < listPage {
		limit = v
	}
	page, err := h.Files.List(r.Context(), req.repo, req.path, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	next := ""
	if page.Next != "" {
		q := url.Values{"cursor": {page.Next}}
		if r.URL.Query().Has("list") {
			q.Set("list", "")
		}
		if limit != listPage {
			q.Set("limit", strconv.Itoa(limit))
		}
		next = folderURL(h.BaseURL, req.repo.Name, req.path) + "?" + q.Encode()
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Has("list") || kit.WantsJSON(r) {
		// The REST API's FileList, field for field; the next page's URL
		// is in the Link header (RFC 8288) for clients that follow links.
		out := listJSON{Repository: req.repo.Name, Path: req.path, Items: make([]entryJSON, 0, len(page.Items)), NextCursor: page.Next}
		for _, e := range page.Items {
			out.Items = append(out.Items, entryJSON{
				Name: e.Name, Path: e.Path, Folder: e.Folder, Size: e.Size, ModifiedAt: e.Modified.UTC(), SHA256: e.SHA256(),
			})
		}
		if next != "" {
			w.Header().Set("Link", "<"+next+">; rel=\"next\"")
		}
		return writeJSON(w, http.StatusOK, out)
	}

	type row struct {
		Name, Href, Size, Modified string
		Folder                     bool
	}
	data := struct {
		Title, Up, Next string
		Rows            []row
	}{Title: req.repo.Name + "/" + req.path, Next: next}
	if req.path != "" {
		parent, _ := files.Split(req.path)
		data.Up = folderURL(h.BaseURL, req.repo.Name, parent)
	}
	for _, e := range page.Items {
		rw := row{Name: e.Name, Folder: e.Folder, Modified: e.Modified.UTC().Format("2006-01-02 15:04:05")}
		if e.Folder {
			rw.Href, rw.Size = folderURL(h.BaseURL, req.repo.Name, e.Path), "-"
		} else {
			rw.Href, rw.Size = DownloadURL(h.BaseURL, req.repo.Name, e.Path), strconv.FormatInt(e.Size, 10)
		}
		data.Rows = append(data.Rows, rw)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	return listingHTML.Execute(w, data)
}

// folderURL links to a folder's listing, with the trailing slash.
func folderURL(base, repo, path string) string {
	if path == "" {
		return base + Prefix + repo + "/"
	}
	return DownloadURL(base, repo, path) + "/"
}

var listingHTML = template.Must(template.New("listing").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Index of {{.Title}}</title>
<style>body{font-family:sans-serif}td{padding:0 1em}td.n{text-align:right}</style></head>
<body><h1>Index of {{.Title}}</h1>
<table><tr><th>Name</th><th>Modified</th><th>Size</th></tr>
{{if .Up}}<tr><td><a href="{{.Up}}">../</a></td><td></td><td></td></tr>{{end}}
{{range .Rows}}<tr><td><a href="{{.Href}}">{{.Name}}{{if .Folder}}/{{end}}</a></td><td>{{.Modified}}</td><td class="n">{{.Size}}</td></tr>
{{end}}</table>
{{if .Next}}<p><a href="{{.Next}}">next page</a></p>{{end}}
</body></html>
`))
