package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/frontend"
	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// TestUI drives the embedded UI in a real browser: frontend/e2e/run.mjs
// (playwright-core on Debian's chromium) logs in, creates a repository,
// finds it in the filtered list and opens its Connect dialog. An unbuilt UI
// fails the test rather than skipping it, so CI cannot pass without one.
// Screenshots go to $KODERA_E2E_OUT (default: frontend/e2e/out, emptied
// first and kept after the run as the test's artifacts; gitignored).
func TestUI(t *testing.T) {
	t.Parallel()
	if _, err := fs.Stat(frontend.Dist, "dist/index.html"); err != nil {
		t.Fatal("UI not built: run go tool task ui")
	}
	frontendDir, err := filepath.Abs(filepath.Join("..", "..", "frontend"))
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(frontendDir, "node_modules", "playwright-core")); err != nil {
		t.Fatal("UI not built: run go tool task ui (frontend/node_modules/playwright-core is missing)")
	}
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node is needed to drive the browser")
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s missing: apt-get install -y chromium", chromium)
	}

	n := apptest.Start(t, apptest.Options{})

	// The UI's calls carry X-Requested-With; their 401s must not carry a
	// Basic challenge, or the browser shows its own login dialog instead
	// (and the page's fetch stalls behind it).
	for _, xhr := range []bool{false, true} {
		req, err := http.NewRequest(http.MethodGet, n.URL+"/api/v1/auth/session", nil)
		require.NoError(t, err)
		if xhr {
			req.Header.Set("X-Requested-With", "XMLHttpRequest")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		basic := strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic")
		require.Equal(t, !xhr, basic, "X-Requested-With: %v, WWW-Authenticate: %q", xhr, resp.Header.Get("WWW-Authenticate"))
	}

	image := pushImage(t, n.URL, "e2e-shop", "team/api", "1.0")
	goModule := uploadGoModule(t, n.URL, "e2e-go", "example.com/e2e", "v1.0.0")
	fixtures := uiFixtures(t, n.URL) // fixtures_test.go

	out := os.Getenv("KODERA_E2E_OUT")
	if out == "" {
		out = filepath.Join("..", "..", "frontend", "e2e", "out")
		require.NoError(t, os.RemoveAll(out))
	}
	out, err = filepath.Abs(out)
	require.NoError(t, err)
	t.Logf("screenshots in %s", out)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e/run.mjs", n.URL)
	cmd.Dir = frontendDir
	cmd.Env = append(os.Environ(),
		"KODERA_E2E_USER="+apptest.AdminUser,
		"KODERA_E2E_PASSWORD="+apptest.AdminPassword,
		"KODERA_E2E_OUT="+out,
		"CHROMIUM="+chromium,
		"KODERA_E2E_IMAGE="+image,
		"KODERA_E2E_GOMODULE="+goModule,
		"KODERA_E2E_LICENSE="+apptest.LicenseKey("e2e", 100, time.Now().Add(365*24*time.Hour)),
	)
	cmd.Env = append(cmd.Env, fixtures...)
	cmd.WaitDelay = 10 * time.Second
	b, err := cmd.CombinedOutput()
	t.Logf("browser scenario:\n%s", b)
	require.NoError(t, err, "browser scenario failed; screenshots in %s", out)
}

// uploadGoModule creates a go repository and uploads a module zip with a
// README into it through the REST API, for the UI to browse; it returns
// repo/module@version.
func uploadGoModule(t *testing.T, base, repo, mod, version string) string {
	t.Helper()
	post := func(path, contentType string, body []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
		require.NoError(t, err)
		req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
		req.Header.Set("Content-Type", contentType)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusCreated, resp.StatusCode, "POST %s: %s", path, b)
	}
	post("/api/v1/repositories", "application/json", []byte(`{"name":"`+repo+`","type":"go"}`))
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for name, content := range map[string]string{"go.mod": "module " + mod + "\n", "e2e.go": "package e2e\n", "README.md": "Hello from the e2e module.\n"} {
		w, err := zw.Create(mod + "@" + version + "/" + name)
		require.NoError(t, err)
		_, err = w.Write([]byte(content))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	post("/api/v1/repositories/"+repo+"/go/modules", "application/zip", zb.Bytes())
	return repo + "/" + mod + "@" + version
}

// pushImage creates a docker repository and pushes a one-layer image into it
// through the registry API, for the UI to browse; it returns repo/image:tag.
func pushImage(t *testing.T, base, repo, image, tag string) string {
	t.Helper()
	do := func(method, path, contentType string, body []byte, want int) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
		require.NoError(t, err)
		req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
		req.Header.Set("Content-Type", contentType)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, want, resp.StatusCode, "%s %s: %s", method, path, b)
		return resp
	}
	digest := func(b []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b)) }
	blob := func(b []byte) string {
		d := digest(b)
		do("POST", "/v2/"+repo+"/"+image+"/blobs/uploads/?digest="+d, "application/octet-stream", b, http.StatusCreated)
		return d
	}
	do("POST", "/api/v1/repositories", "application/json", []byte(`{"name":"`+repo+`","type":"docker","visibility":"private"}`), http.StatusCreated)
	layer := []byte("pretend this is a tar of /hello")
	cfg := []byte(`{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/hello"]},` +
		`"rootfs":{"type":"layers","diff_ids":["` + digest(layer) + `"]},"history":[{"created_by":"COPY hello /"}]}`)
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(cfg), "size": len(cfg)},
		"layers":        []any{map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": blob(layer), "size": len(layer)}},
	})
	require.NoError(t, err)
	do("PUT", "/v2/"+repo+"/"+image+"/manifests/"+tag, "application/vnd.oci.image.manifest.v1+json", manifest, http.StatusCreated)
	return repo + "/" + image + ":" + tag
}
