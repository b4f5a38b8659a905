package git_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCalls is the smart-HTTP black-box around the engine: the access rule
// (read to fetch, write to push, asked before the advertisement), content
// types, and plain-text errors.
func TestCalls(t *testing.T) {
	t.Parallel()
	f := setup(t)
	s := f.n.Seed(t)
	s.User("carol", "carol-password-123", false)
	s.Grant("priv", "carol", false, "read")
	dir := f.newRepo(map[string]string{"go.mod": "module example.com/m\n"})
	f.git(dir, "push", "-q", f.remote("priv", "example.com/m"), "main")
	f.git(dir, "push", "-q", f.remote("gomods", "example.com/m"), "main")

	base := f.n.URL + "/git"
	up, rp := "/info/refs?service=git-upload-pack", "/info/refs?service=git-receive-pack"
	for _, tc := range []struct {
		method, path, user, pass string
		status                   int
		ctype, body              string
	}{
		{"GET", "/gomods/example.com/m.git" + up, "", "", 200, "application/x-git-upload-pack-advertisement", "001e# service=git-upload-pack\n"},
		{"GET", "/gomods/example.com/m.git" + rp, "", "", 401, "text/plain", ""},
		{"GET", "/gomods/example.com/m.git" + rp, "bob", f.bob, 403, "text/plain", "not allowed to write"},
		{"GET", "/gomods/example.com/m.git" + rp, "alice", f.token, 200, "application/x-git-receive-pack-advertisement", "001f# service=git-receive-pack\n"},
		// A module without a git repository: empty to a pusher, 404 to a reader.
		{"GET", "/gomods/example.com/new.git" + rp, "alice", f.token, 200, "application/x-git-receive-pack-advertisement", "001f# service=git-receive-pack\n"},
		{"GET", "/gomods/example.com/new.git" + up, "alice", f.token, 404, "text/plain", "repository \"gomods\" has no git repository for module example.com/new"},
		{"GET", "/priv/example.com/m.git" + up, "", "", 401, "text/plain", ""},
		{"GET", "/priv/example.com/none.git" + up, "", "", 401, "text/plain", ""},
		{"GET", "/priv/example.com/m.git" + up, "bob", f.bob, 404, "text/plain", ""},
		{"GET", "/priv/example.com/m.git" + up, "carol", "carol-password-123", 200, "application/x-git-upload-pack-advertisement", ""},
		{"GET", "/priv/example.com/m.git" + rp, "carol", "carol-password-123", 403, "text/plain", ""},
		{"GET", "/priv/example.com/m.git/info/refs", "alice", f.token, 400, "text/plain", "unsupported git service"},
		{"GET", "/priv/example.com/m.git/HEAD", "alice", f.token, 404, "text/plain", "not found: HEAD"},
		{"PUT", "/priv/example.com/m.git/git-upload-pack", "alice", f.token, 405, "text/plain", "method not allowed"},
		{"GET", "/priv/example.com/m", "alice", f.token, 404, "text/plain", "not a git repository URL"},
		{"GET", "/files/example.com/m.git" + up, "alice", f.token, 404, "text/plain", "repository \"files\" is not a go repository"},
		// git's probe before a large push gets an empty 200.
		{"POST", "/gomods/example.com/m.git/git-receive-pack", "alice", f.token, 200, "application/x-git-receive-pack-result", ""},
	} {
		var body *strings.Reader
		if tc.method == "POST" {
			body = strings.NewReader("0000")
		} else {
			body = strings.NewReader("")
		}
		req, err := http.NewRequest(tc.method, base+tc.path, body)
		require.NoError(t, err)
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.pass)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b := new(strings.Builder)
		_, _ = io(b, resp)
		name := tc.method + " " + tc.path + " as " + tc.user
		require.Equal(t, tc.status, resp.StatusCode, "%s: %s", name, b)
		require.Contains(t, resp.Header.Get("Content-Type"), tc.ctype, name)
		require.True(t, strings.HasPrefix(b.String(), tc.body), "%s: %q", name, b)
		if tc.status == 401 {
			require.Contains(t, resp.Header.Get("WWW-Authenticate"), "Basic", name)
		}
		if tc.status == 200 && tc.method == "GET" {
			require.Contains(t, resp.Header.Get("Cache-Control"), "no-cache", name)
		}
	}
}
