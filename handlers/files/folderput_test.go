package files_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPutFolderWithBody: a PUT to a path ending in '/' creates a folder
// only without a body; a body there (with a length or chunked) is refused
// with a plain-text 400 instead of being dropped, and nothing is created.
func TestPutFolderWithBody(t *testing.T) {
	t.Parallel()
	f := setup(t)
	before := f.storedObjects()

	r := f.do(http.MethodPut, "/priv/withlength/", strings.NewReader("file content"))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
	require.Contains(t, r.Header.Get("Content-Type"), "text/plain")
	require.Contains(t, r.Body, "withlength/ names a folder and takes no body")

	// No length: the body is chunked.
	r = f.do(http.MethodPut, "/priv/chunked/", io.MultiReader(strings.NewReader("file content")))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
	require.Contains(t, r.Body, "takes no body")

	for _, p := range []string{"/priv/withlength/", "/priv/chunked/"} {
		r = f.do(http.MethodGet, p, nil, "Accept", "application/json")
		require.Equal(t, http.StatusNotFound, r.Status, "%s was created: %s", p, r.Body)
	}
	require.Equal(t, before, f.storedObjects(), "the refused body was stored")

	// Without a body the folder is created, also with an explicit empty one.
	r = f.do(http.MethodPut, "/priv/empty/", nil)
	require.Equal(t, http.StatusCreated, r.Status, r.Body)
	r = f.do(http.MethodPut, "/priv/zero/", strings.NewReader(""), "Content-Length", "0")
	require.Equal(t, http.StatusCreated, r.Status, r.Body)
	r = f.do(http.MethodGet, "/priv/empty/", nil, "Accept", "application/json")
	require.Equal(t, http.StatusOK, r.Status, r.Body)
}
