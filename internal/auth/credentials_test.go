package auth_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// TestUnstorableCredentialsOnEveryProtocol: a NUL byte or invalid UTF-8 in
// a Basic user name or password, or in the user name of the login
// endpoint or the registry's password grant, is a failed authentication
// answered in each protocol's own way (401), never a 500, and nothing is
// logged as an error.
func TestUnstorableCredentialsOnEveryProtocol(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("docs", "files", "private", "alice")

	send := func(method, path, user, pass, contentType, body string) (*http.Response, string) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, n.URL+path, rd)
		require.NoError(t, err)
		if user != "" || pass != "" {
			req.SetBasicAuth(user, pass)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}
	bad := []struct{ user, pass string }{
		{"al\x00ice", "alice-password-123"},
		{"alice\xff", "alice-password-123"},
		{"alice", "alice-\x00password-123"},
		{"alice", "alice-password-\xc3"},
		{"__token__", "kp_\x00"},
	}
	for _, c := range bad {
		resp, body := send("GET", "/api/v1/me", c.user, c.pass, "", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "REST %q:%q: %s", c.user, c.pass, body)
		require.Contains(t, resp.Header.Get("Content-Type"), "application/problem+json")

		resp, body = send("GET", "/v2/", c.user, c.pass, "", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "registry %q:%q: %s", c.user, c.pass, body)
		require.Contains(t, body, "UNAUTHORIZED")
		require.NotEmpty(t, resp.Header.Get("WWW-Authenticate"))

		resp, body = send("GET", "/v2/token?scope=repository:docs/x:pull", c.user, c.pass, "", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "token %q:%q: %s", c.user, c.pass, body)

		form := url.Values{"grant_type": {"password"}, "username": {c.user}, "password": {c.pass}}
		resp, body = send("POST", "/v2/token", "", "", "application/x-www-form-urlencoded", form.Encode())
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "password grant %q:%q: %s", c.user, c.pass, body)

		resp, body = send("GET", "/api/files/docs/readme.txt", c.user, c.pass, "", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "files %q:%q: %s", c.user, c.pass, body)
		require.Contains(t, resp.Header.Get("Content-Type"), "text/plain")
	}
	// The login endpoint: a JSON \u0000 in the user name or password. The
	// request-decoding layer may refuse it (400) before it reaches the
	// credentials; either way it is no 500.
	for _, body := range []string{
		`{"username":"al\u0000ice","password":"alice-password-123"}`,
		`{"username":"alice","password":"alice-\u0000password-123"}`,
	} {
		resp, got := send("POST", "/api/v1/auth/login", "", "", "application/json", body)
		require.Contains(t, []int{http.StatusBadRequest, http.StatusUnauthorized}, resp.StatusCode, "login %s: %s", body, got)
	}
	// The right credentials still work, and nothing failed on the way.
	resp, body := send("GET", "/api/v1/me", "alice", "alice-password-123", "", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	logs := n.Logs()
	require.NotContains(t, logs, "status=500")
	require.NotContains(t, logs, "22021")
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "level=ERROR") && !strings.Contains(line, "path=/readyz") {
			t.Errorf("logged as an error: %s", line)
		}
	}
}
