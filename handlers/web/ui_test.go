package web_test

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
// Screenshots go to $KODERA_E2E_OUT (default: the test's temp dir).
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
	// Basic challenge, or the browser shows its own login dialog instead.
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
		require.Equal(t, !xhr, resp.Header.Get("WWW-Authenticate") != "", "X-Requested-With: %v", xhr)
	}

	out := os.Getenv("KODERA_E2E_OUT")
	if out == "" {
		out = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e/run.mjs", n.URL)
	cmd.Dir = frontendDir
	cmd.Env = append(os.Environ(),
		"KODERA_E2E_USER="+apptest.AdminUser,
		"KODERA_E2E_PASSWORD="+apptest.AdminPassword,
		"KODERA_E2E_OUT="+out,
		"CHROMIUM="+chromium,
	)
	cmd.WaitDelay = 10 * time.Second
	b, err := cmd.CombinedOutput()
	t.Logf("browser scenario:\n%s", b)
	require.NoError(t, err, "browser scenario failed; screenshots in %s", out)
}
