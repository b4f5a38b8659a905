package api_test

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// modZip builds a module zip of name → content below module@version/.
func modZip(t *testing.T, prefix string, files ...string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(prefix + files[i])
		require.NoError(t, err)
		_, err = w.Write([]byte(files[i+1]))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return b.String()
}

// TestGoViews: module zips uploaded through the REST API (and refused with
// problem JSON), read back through the Go views and the GOPROXY, deleted
// (audited as go.delete).
func TestGoViews(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	s := n.Seed(t)
	s.User("alice", "alice-password-123", false)
	s.Repo("mods", "go", "public", "alice")
	s.Repo("dock", "docker", "public", "alice")
	alice := basic("alice", "alice-password-123")
	const p = "example.com/Lib@v1.2.0/"
	good := modZip(t, p, "go.mod", "module example.com/Lib\n\ngo 1.21\n\nrequire (\n\texample.com/dep v1.0.0\n\texample.com/ind v0.1.0 // indirect\n)\n",
		"lib.go", "package lib\n", "README.md", "# Lib\n\nHello.\n")

	r := send(t, n, alice, "POST", "/api/v1/repositories/mods/go/modules", good)
	require.Equal(t, http.StatusCreated, r.StatusCode, "%s", r.body)
	var created struct{ Module, Version, Hash string }
	r.json(t, &created)
	require.Equal(t, "example.com/Lib", created.Module)
	require.True(t, strings.HasPrefix(created.Hash, "h1:"))

	// Refusals are problem JSON: 409 for a second upload, 400 for a bad zip.
	r = send(t, n, alice, "POST", "/api/v1/repositories/mods/go/modules", good)
	require.Equal(t, http.StatusConflict, r.StatusCode, "%s", r.body)
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	require.Contains(t, string(r.body), "already exists")
	r = send(t, n, alice, "POST", "/api/v1/repositories/mods/go/modules", modZip(t, "example.com/x@v1.0.0/", "go.mod", "module example.com/x\n", "../evil.go", "package x\n"))
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s", r.body)
	require.Contains(t, string(r.body), "not a valid module zip")
	r = send(t, n, alice, "POST", "/api/v1/repositories/mods/go/modules", "PK not really a zip")
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s", r.body)
	r = send(t, n, alice, "POST", "/api/v1/repositories/dock/go/modules", good)
	require.Equal(t, http.StatusNotFound, r.StatusCode, "another type")
	r = send(t, n, cred{}, "POST", "/api/v1/repositories/mods/go/modules", good)
	require.Equal(t, http.StatusUnauthorized, r.StatusCode)

	var page struct {
		Items []struct{ Path, LatestVersion, CloneUrl, ProxyUrl string }
		Total int64
	}
	expect(t, n, alice, "GET", "/api/v1/repositories/mods/go/modules?q=nomatch", "", 200).json(t, &page)
	require.Equal(t, int64(0), page.Total)
	expect(t, n, alice, "GET", "/api/v1/repositories/mods/go/modules?q=lib", "", 200).json(t, &page)
	require.Equal(t, int64(1), page.Total)
	require.Equal(t, "example.com/Lib", page.Items[0].Path)
	require.Equal(t, "v1.2.0", page.Items[0].LatestVersion)
	require.Equal(t, n.URL+"/api/go/mods", page.Items[0].ProxyUrl)

	var mod struct{ Path, CloneUrl string }
	expect(t, n, cred{}, "GET", "/api/v1/repositories/mods/go/modules/example.com%2FLib", "", 200).json(t, &mod)
	require.Equal(t, n.URL+"/git/mods/example.com/Lib.git", mod.CloneUrl)
	var versions struct {
		Items []struct{ Version, Hash string }
		Total int64
	}
	expect(t, n, cred{}, "GET", "/api/v1/repositories/mods/go/modules/example.com%2FLib/versions", "", 200).json(t, &versions)
	require.Equal(t, int64(1), versions.Total)
	require.Equal(t, created.Hash, versions.Items[0].Hash)
	var detail struct {
		GoMod, Readme, ZipUrl string
		Requires              []struct {
			Path, Version string
			Indirect      bool
		}
		Files []struct {
			Path string
			Size int64
		}
	}
	expect(t, n, cred{}, "GET", "/api/v1/repositories/mods/go/modules/example.com%2FLib/versions/v1.2.0", "", 200).json(t, &detail)
	require.Equal(t, "# Lib\n\nHello.\n", detail.Readme)
	require.Len(t, detail.Requires, 2)
	require.Equal(t, "example.com/dep", detail.Requires[0].Path)
	require.True(t, detail.Requires[1].Indirect)
	require.Len(t, detail.Files, 3)
	require.Equal(t, n.URL+"/api/go/mods/example.com/!lib/@v/v1.2.0.zip", detail.ZipUrl)
	expect(t, n, cred{}, "GET", "/api/v1/repositories/mods/go/modules/example.com%2FLib/versions/v9.0.0", "", 404)
	expect(t, n, cred{}, "GET", "/api/v1/repositories/mods/go/modules/example.com%2FNone", "", 404)

	// The GOPROXY serves the uploaded zip under the escaped path.
	r = send(t, n, cred{}, "GET", "/api/go/mods/example.com/!lib/@v/v1.2.0.zip", "")
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.Equal(t, good, string(r.body))

	expect(t, n, cred{}, "DELETE", "/api/v1/repositories/mods/go/modules/example.com%2FLib/versions/v1.2.0", "", 401)
	expect(t, n, alice, "DELETE", "/api/v1/repositories/mods/go/modules/example.com%2FLib/versions/v1.2.0", "", 204)
	expect(t, n, alice, "DELETE", "/api/v1/repositories/mods/go/modules/example.com%2FLib/versions/v1.2.0", "", 404)
	r = send(t, n, cred{}, "GET", "/api/go/mods/example.com/!lib/@v/v1.2.0.info", "")
	require.Equal(t, http.StatusNotFound, r.StatusCode)

	var actions []string
	rows, err := pool(t, n).Query(t.Context(), `SELECT action || ' ' || target FROM audit_events WHERE action LIKE 'go.%' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		actions = append(actions, a)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"go.push mods/example.com/Lib@v1.2.0", "go.delete mods/example.com/Lib@v1.2.0"}, actions)
}

// TestGoUploadLimit: a module zip over KODERA_MAX_UPLOAD_BYTES is 413
// problem JSON, whether it declares its length or streams it.
func TestGoUploadLimit(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_MAX_UPLOAD_BYTES": "4096"}})
	s := n.Seed(t)
	s.User("alice", "alice-password-123", false)
	s.Repo("mods", "go", "public", "alice")
	noise := make([]byte, 8192)
	_, err := rand.Read(noise)
	require.NoError(t, err)
	big := modZip(t, "example.com/big@v1.0.0/", "go.mod", "module example.com/big\n", "big.go", "package big\n// "+hex.EncodeToString(noise)+"\n")
	require.Greater(t, len(big), 4096)
	r := send(t, n, basic("alice", "alice-password-123"), "POST", "/api/v1/repositories/mods/go/modules", big)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.StatusCode, "%s", r.body)
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))

	req, err := http.NewRequest("POST", n.URL+"/api/v1/repositories/mods/go/modules", io.MultiReader(strings.NewReader(big)))
	require.NoError(t, err)
	req.ContentLength = -1 // chunked: the limit cuts the stream
	req.Header.Set("Content-Type", "application/zip")
	req.SetBasicAuth("alice", "alice-password-123")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	expect(t, n, cred{}, "GET", "/api/v1/repositories/mods/go/modules", "", 200)
}
