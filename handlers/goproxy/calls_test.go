package goproxy_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// push publishes module at the tags through the real git CLI.
func push(t *testing.T, remote string, files map[string]string, tags ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is required by this test (apt-get install -y git): %v", err)
	}
	home, dir := t.TempDir(), t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	require.NoError(t, os.WriteFile(cfg, []byte("[user]\n\tname = T\n\temail = t@example.com\n[init]\n\tdefaultBranch = main\n"), 0o600))
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + cfg, "GIT_TERMINAL_PROMPT=0"}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
		return string(out)
	}
	git("init", "-q")
	for name, c := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(c), 0o644))
	}
	git("add", "-A")
	git("commit", "-q", "-m", "m")
	for _, tag := range tags {
		git("tag", tag)
	}
	git(append([]string{"push", "-q", remote, "main"}, tags...)...)
	return strings.TrimSpace(git("rev-parse", "HEAD"))
}

// TestCalls is the GOPROXY protocol black-box: method, URL, caller; want
// status, headers and body.
func TestCalls(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	s := n.Seed(t)
	s.User("alice", "alice-password-123", false)
	s.User("bob", "bob-password-123", false)
	s.Repo("mods", "go", "public", "alice")
	s.Repo("priv", "go", "private", "alice")
	s.Repo("files", "files", "public", "alice")
	token := s.Token("alice", false, []string{"read", "write"})
	bob := s.Token("bob", false, []string{"read"})
	remote := func(repo, mod string) string {
		u, _ := url.Parse(n.URL + "/git/" + repo + "/" + mod + ".git")
		u.User = url.UserPassword("alice", token)
		return u.String()
	}
	commit := push(t, remote("mods", "example.com/Upper"), map[string]string{"go.mod": "module example.com/Upper\n", "u.go": "package upper\n"}, "v1.0.0", "v1.1.0-rc.1")
	push(t, remote("priv", "example.com/secret"), map[string]string{"go.mod": "module example.com/secret\n"}, "v0.1.0")

	base := n.URL + "/api/go"
	info := `{"Version":"v1.0.0","Time":"`
	for _, tc := range []struct {
		method, path, user, pass string
		status                   int
		header                   map[string]string
		body                     string // prefix
	}{
		{"GET", "/mods/example.com/!upper/@v/list", "", "", 200, map[string]string{"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, no-cache"}, "v1.0.0\nv1.1.0-rc.1\n"},
		{"GET", "/mods/example.com/!upper/@v/v1.0.0.info", "", "", 200, map[string]string{"Content-Type": "application/json", "Cache-Control": "public, max-age=3600"}, info},
		{"GET", "/mods/example.com/!upper/@v/v1.0.0.mod", "", "", 200, map[string]string{"Content-Type": "text/plain; charset=utf-8"}, "module example.com/Upper\n"},
		{"GET", "/mods/example.com/!upper/@v/v1.0.0.zip", "", "", 200, map[string]string{"Content-Type": "application/zip", "Accept-Ranges": "bytes"}, "PK"},
		{"HEAD", "/mods/example.com/!upper/@v/v1.0.0.zip", "", "", 200, map[string]string{"Content-Type": "application/zip"}, ""},
		{"GET", "/mods/example.com/!upper/@latest", "", "", 200, map[string]string{"Content-Type": "application/json", "Cache-Control": "public, no-cache"}, info},
		// The unescaped spelling is another module path: not found.
		{"GET", "/mods/example.com/Upper/@v/list", "", "", 400, nil, "invalid escaped module path"},
		{"GET", "/mods/example.com/upper/@v/list", "", "", 404, map[string]string{"Content-Type": "text/plain; charset=utf-8"}, ""},
		{"GET", "/mods/example.com/!upper/@v/v9.9.9.info", "", "", 404, nil, "version \"v9.9.9\" of"},
		{"GET", "/mods/example.com/!upper/@v/v1.0.info", "", "", 410, nil, "gone: v1.0 is not a canonical version"},
		{"GET", "/mods/example.com/!upper/@v/v1.0.0.txt", "", "", 404, nil, "not found: v1.0.0.txt"},
		{"GET", "/mods/example.com/!upper", "", "", 404, nil, "not found: want"},
		{"GET", "/mods/example.com/nope/@latest", "", "", 404, nil, ""},
		{"GET", "/mods/sumdb/sum.golang.org/supported", "", "", 404, nil, "no checksum database"},
		{"POST", "/mods/example.com/!upper/@v/list", "", "", 405, map[string]string{"Allow": "GET, HEAD"}, "method not allowed"},
		{"GET", "/files/example.com/!upper/@v/list", "", "", 404, nil, "repository \"files\" is not a go repository"},
		{"GET", "/nosuch/example.com/!upper/@v/list", "", "", 401, map[string]string{"WWW-Authenticate": "Basic"}, ""},
		// Private: anonymous is challenged whether the module exists or not,
		// no grant is 404, the owner reads.
		{"GET", "/priv/example.com/secret/@v/list", "", "", 401, map[string]string{"WWW-Authenticate": "Basic"}, ""},
		{"GET", "/priv/example.com/none/@v/list", "", "", 401, map[string]string{"WWW-Authenticate": "Basic"}, ""},
		{"GET", "/priv/example.com/secret/@v/list", "bob", bob, 404, nil, ""},
		{"GET", "/priv/example.com/secret/@v/list", "alice", token, 200, map[string]string{"Cache-Control": "private, no-cache"}, "v0.1.0\n"},
		{"GET", "/priv/example.com/secret/@v/list", "alice", "wrong", 401, nil, ""},
	} {
		req, err := http.NewRequest(tc.method, base+tc.path, nil)
		require.NoError(t, err)
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.pass)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		name := tc.method + " " + tc.path + " as " + tc.user
		require.Equal(t, tc.status, resp.StatusCode, "%s: %s", name, body)
		for k, v := range tc.header {
			require.Contains(t, resp.Header.Get(k), v, "%s: %s", name, k)
		}
		require.True(t, bytes.HasPrefix(body, []byte(tc.body)), "%s: %q", name, body)
	}

	// .info carries the Origin the go command records.
	resp, err := http.Get(base + "/mods/example.com/!upper/@v/v1.0.0.info")
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc struct {
		Version string
		Origin  struct{ VCS, URL, Ref, Hash string }
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	require.Equal(t, "git", doc.Origin.VCS)
	require.Equal(t, n.URL+"/git/mods/example.com/Upper.git", doc.Origin.URL)
	require.Equal(t, "refs/tags/v1.0.0", doc.Origin.Ref)
	require.Equal(t, commit, doc.Origin.Hash)

	// A Range on the zip (the kit's ServeBlob).
	req, _ := http.NewRequest("GET", base+"/mods/example.com/!upper/@v/v1.0.0.zip", nil)
	req.Header.Set("Range", "bytes=0-1")
	resp2, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp2.Body)
	resp2.Body.Close()
	require.Equal(t, 206, resp2.StatusCode)
	require.Equal(t, "PK", string(b))
}
