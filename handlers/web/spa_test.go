package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func serve(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestSPAServesFilesAndFallsBackToIndex(t *testing.T) {
	t.Parallel()
	h := spa(fstest.MapFS{
		"index.html":        {Data: []byte("<html>app</html>")},
		"assets/app-123.js": {Data: []byte("console.log(1)")},
	})

	rec := serve(t, h, http.MethodGet, "/assets/app-123.js")
	require.Equal(t, 200, rec.Code)
	require.Equal(t, "console.log(1)", rec.Body.String())
	require.Contains(t, rec.Header().Get("Cache-Control"), "immutable")

	for _, p := range []string{"/", "/repositories/docker-local/images", "/repositories/my.repo", "/index.html"} {
		rec = serve(t, h, http.MethodGet, p)
		require.Equal(t, 200, rec.Code, p)
		require.Equal(t, "<html>app</html>", rec.Body.String(), p)
		require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), p)
	}

	require.Equal(t, 404, serve(t, h, http.MethodGet, "/api/nope").Code, "API paths never get the app")
	require.Equal(t, 404, serve(t, h, http.MethodGet, "/assets/missing.js").Code)
	require.Equal(t, 404, serve(t, h, http.MethodGet, "/robots.txt").Code)
	require.Equal(t, 404, serve(t, h, http.MethodGet, "/favicon.ico").Code)
	require.Equal(t, 404, serve(t, h, http.MethodGet, "/v2/nope").Code)
	require.Equal(t, 405, serve(t, h, http.MethodPost, "/somewhere").Code)
}

func TestSPAWithoutBuiltUISaysHowToBuildIt(t *testing.T) {
	t.Parallel()
	rec := serve(t, spa(fstest.MapFS{".gitkeep": {}}), http.MethodGet, "/repositories")
	require.Equal(t, 200, rec.Code)
	require.Contains(t, rec.Body.String(), "go tool task ui")
}
