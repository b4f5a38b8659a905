// Package web serves what a browser opens: the embedded single-page UI with
// its fallback to index.html, the OpenAPI document at /v3/api-docs and
// Swagger UI (from the swagger-ui-dist npm package, embedded) at
// /swagger-ui.html.
package web

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/kodera-packages/kodera/frontend"
	"github.com/kodera-packages/kodera/spec"
)

//go:embed swaggerui
var swaggerFS embed.FS

// Mount registers the web routes on r.
func Mount(r chi.Router) error {
	docs, err := specJSON(spec.OpenAPI)
	if err != nil {
		return fmt.Errorf("spec/openapi.yaml: %w", err)
	}
	r.Get("/v3/api-docs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(docs)
	})
	r.Get("/swagger-ui.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(swaggerPage))
	})
	sub, _ := fs.Sub(swaggerFS, "swaggerui")
	r.Handle("/swagger-ui/*", http.StripPrefix("/swagger-ui/", cacheFor(http.FileServerFS(sub), "public, max-age=86400")))

	dist, _ := fs.Sub(frontend.Dist, "dist")
	r.NotFound(spa(dist))
	return nil
}

const swaggerPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kodera Packages API</title>
<link rel="icon" href="/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/swagger-ui/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: "/v3/api-docs",
  dom_id: "#swagger-ui",
  deepLinking: true,
  withCredentials: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout"
});
</script>
</body>
</html>`

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kodera Packages</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Kodera Packages</h1>
<p>The server is running, but this binary was built without the web UI.</p>
<p>Build it with <code>go tool task ui</code> (needs Node.js and npm), then rebuild the binary
(<code>go tool task build</code>). The REST API is documented at
<a href="/swagger-ui.html">/swagger-ui.html</a>.</p>
</body></html>`

// spa serves the built UI: real files as they are, and index.html for any
// other GET so client-side routes survive a reload. API-looking paths get a
// plain 404 instead of the app.
func spa(dist fs.FS) http.HandlerFunc {
	files := http.FileServerFS(dist)
	index, err := fs.ReadFile(dist, "index.html")
	built := err == nil
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if strings.HasPrefix(p, "api/") || strings.HasPrefix(p, "v2/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if !built {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(notBuiltPage))
			return
		}
		if p != "" && p != "index.html" {
			if st, err := fs.Stat(dist, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
			// A missing asset or a top-level file (robots.txt,
			// favicon.ico) is a 404, not the app: crawlers and <script>
			// tags must not get HTML for what they asked.
			if strings.HasPrefix(p, "assets/") || (!strings.Contains(p, "/") && strings.Contains(p, ".")) {
				http.NotFound(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	}
}

func cacheFor(h http.Handler, value string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", value)
		h.ServeHTTP(w, r)
	})
}
