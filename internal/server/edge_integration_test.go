package server_test

import (
	_ "bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	_ "net"
	"net/http"
	"strings"
	"testing"
	_ "time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

const alicePassword = "alice-password-123"

// node starts a node with alice owning the public files repository "pub".
func node(t *testing.T, env map[string]string) (*apptest.Node, *apptest.Seed) {
	t.Helper()
	n := apptest.Start(t, apptest.Options{Env: env})
	s := n.Seed(t)
	s.User("alice", alicePassword, false)
	s.Repo("pub", "files", "public", "alice")
	return n, s
}

type result struct {
	status int
	header http.Header
	body   string
}

// send sends one request; hdr is alternating names and values.
func send(t *testing.T, method, url string, body io.Reader, hdr ...string) result {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return result{res.StatusCode, res.Header, string(b)}
}

func basicAuth(user, pass string) string {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(user, pass)
	return req.Header.Get("Authorization")
}

// multipartBody is what a cross-site HTML form would post to a folder.
func multipartBody(t *testing.T, name, content string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	require.NoError(t, err)
	_, err = io.WriteString(fw, content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

// TestCrossSiteWritesRefused is issue 9's first finding: a browser that
// cached Basic credentials for /api/files must not let another site's form
// replace a file, on any surface; clients that send no browser headers
// (curl, docker, twine, git) are not affected.
func TestCrossSiteWritesRefused(t *testing.T) {
	t.Parallel()
	n, s := node(t, nil)
	alice := basicAuth("alice", alicePassword)
	tok := s.Token("alice", false, []string{"read", "write"})

	t.Run("files multipart form from another site", func(t *testing.T) {
		t.Parallel()
		body, ct := multipartBody(t, "evil.txt", "pwned")
		res := send(t, http.MethodPost, n.URL+"/api/files/pub/", body,
			"Authorization", alice, "Content-Type", ct, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		require.Equal(t, http.StatusForbidden, res.status, res.body)
		require.Equal(t, "text/plain; charset=utf-8", res.header.Get("Content-Type"))
		require.Contains(t, res.body, "cross-site")
		require.Equal(t, http.StatusNotFound, send(t, http.MethodGet, n.URL+"/api/files/pub/evil.txt", nil).status, "nothing stored")
	})
	for i, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Origin", "https://evil.example"},
		{"Origin", "null"},
	} {
		t.Run("files PUT with "+h[0]+" "+h[1], func(t *testing.T) {
			t.Parallel()
			p := fmt.Sprintf("/api/files/pub/put-%d.txt", i)
			res := send(t, http.MethodPut, n.URL+p, strings.NewReader("x"), "Authorization", alice, h[0], h[1])
			require.Equal(t, http.StatusForbidden, res.status, res.body)
			require.Equal(t, http.StatusNotFound, send(t, http.MethodGet, n.URL+p, nil).status, "nothing stored")
		})
	}
	t.Run("REST API answers problem JSON", func(t *testing.T) {
		t.Parallel()
		res := send(t, http.MethodDelete, n.URL+"/api/v1/repositories/pub", nil,
			"Authorization", alice, "Origin", "https://evil.example")
		require.Equal(t, http.StatusForbidden, res.status, res.body)
		require.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
		var p struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		require.NoError(t, json.Unmarshal([]byte(res.body), &p))
		require.Equal(t, http.StatusForbidden, p.Status)
		require.Contains(t, p.Detail, "cross-site")
		require.Equal(t, http.StatusOK, send(t, http.MethodGet, n.URL+"/api/v1/repositories/pub", nil, "Authorization", alice).status, "still there")
	})
	t.Run("registry answers an OCI error", func(t *testing.T) {
		t.Parallel()
		res := send(t, http.MethodPost, n.URL+"/v2/pub/img/blobs/uploads/", nil,
			"Authorization", alice, "Sec-Fetch-Site", "cross-site")
		require.Equal(t, http.StatusForbidden, res.status, res.body)
		require.Equal(t, "application/json", res.header.Get("Content-Type"))
		require.Contains(t, res.body, `"code":"DENIED"`)
	})
	t.Run("the login form cannot be posted from another site", func(t *testing.T) {
		t.Parallel()
		res := send(t, http.MethodPost, n.URL+"/api/v1/auth/login", strings.NewReader(`{"username":"alice","password":"`+alicePassword+`"}`),
			"Content-Type", "application/json", "Sec-Fetch-Site", "cross-site")
		require.Equal(t, http.StatusForbidden, res.status, res.body)
		require.Empty(t, res.header.Get("Set-Cookie"))
	})

	allowed := []struct {
		name string
		hdr  []string
	}{
		{"curl: no browser headers", nil},
		{"bearer token, no browser headers", []string{"Authorization", "Bearer " + tok}},
		{"the UI: same-origin", []string{"Sec-Fetch-Site", "same-origin", "Origin", n.URL}},
		{"typed URL: none", []string{"Sec-Fetch-Site", "none"}},
		{"old browser on this origin", []string{"Origin", n.URL}},
	}
	for i, a := range allowed {
		t.Run("allowed: "+a.name, func(t *testing.T) {
			t.Parallel()
			p := fmt.Sprintf("/api/files/pub/ok-%d.txt", i)
			hdr := append([]string{"Authorization", alice}, a.hdr...)
			res := send(t, http.MethodPut, n.URL+p, strings.NewReader("fine"), hdr...)
			require.Equal(t, http.StatusCreated, res.status, res.body)
			require.Equal(t, "fine", send(t, http.MethodGet, n.URL+p, nil).body)
		})
	}
	t.Run("allowed: cross-site reads", func(t *testing.T) {
		t.Parallel()
		res := send(t, http.MethodGet, n.URL+"/api/v1/repositories/pub", nil, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		require.Equal(t, http.StatusOK, res.status, res.body)
	})
}

type problem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

func requireProblem(t *testing.T, res result, status int, detail string, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, status, res.status, append(msgAndArgs, res.body)...)
	require.Equal(t, "application/problem+json", res.header.Get("Content-Type"), msgAndArgs...)
	var p problem
	require.NoError(t, json.Unmarshal([]byte(res.body), &p), msgAndArgs...)
	require.Equal(t, status, p.Status, msgAndArgs...)
	require.Contains(t, p.Detail, detail, msgAndArgs...)
}

// requireNoErrorLogged proves the requests since the log was at offset
// from stayed client errors (start-up's 503s from /readyz come before).
func requireNoErrorLogged(t *testing.T, n *apptest.Node, from int) {
	t.Helper()
	require.NotContains(t, n.Logs()[from:], "level=ERROR")
}

// TestBadBytesRefusedAtTheEdge is issue 9's second finding: NUL bytes and
// invalid UTF-8 in paths and queries gave anonymous callers a 500 and an
// ERROR in the log (PostgreSQL refuses them); each protocol now answers a
// 400 in its own format.
func TestBadBytesRefusedAtTheEdge(t *testing.T) {
	t.Parallel()
	n, _ := node(t, nil)
	alice := basicAuth("alice", alicePassword)
	logFrom := len(n.Logs())

	for _, p := range []string{
		"/api/v1/repositories?q=%00",
		"/api/v1/repositories?q=a%FFb",
		"/api/v1/repositories?q=ok&sort=%00",
		"/api/v1/search?q=%00",
		"/api/v1/repositories/pu%00b",
		"/api/v1/repositories/p%C3ub/files",
	} {
		requireProblem(t, send(t, http.MethodGet, n.URL+p, nil), http.StatusBadRequest, "NUL byte or invalid UTF-8", p)
	}
	for _, tt := range []struct{ method, path, code string }{
		{http.MethodGet, "/v2/pub/im%00g/manifests/latest", "NAME_INVALID"},
		{http.MethodGet, "/v2/pub%FF/img/tags/list", "NAME_INVALID"},
		{http.MethodGet, "/v2/pub/img/manifests/la%00test", "TAG_INVALID"},
		{http.MethodHead, "/v2/pub/img/manifests/la%FFtest", "TAG_INVALID"},
		{http.MethodGet, "/v2/pub/img/blobs/sha256:%00", "DIGEST_INVALID"},
		{http.MethodGet, "/v2/pub/img/referrers/sha256:%FF", "DIGEST_INVALID"},
		{http.MethodPost, "/v2/pub/img/blobs/uploads/?mount=%00&from=pub/other", "DIGEST_INVALID"},
		{http.MethodGet, "/v2/pub/img/tags/list?n=%00", "PAGINATION_NUMBER_INVALID"},
		{http.MethodGet, "/v2/_catalog?last=%FF", "TAG_INVALID"},
		{http.MethodGet, "/v2/pub/img/referrers/sha256:abc?artifactType=%00", "UNSUPPORTED"},
	} {
		res := send(t, tt.method, n.URL+tt.path, nil)
		require.Equal(t, http.StatusBadRequest, res.status, tt.path)
		require.Equal(t, "application/json", res.header.Get("Content-Type"), tt.path)
		if tt.method != http.MethodHead {
			require.Contains(t, res.body, `"code":"`+tt.code+`"`, tt.path)
		}
	}
	for _, tt := range []struct{ method, path string }{
		{http.MethodGet, "/api/files/pub/a%00.txt"},
		{http.MethodGet, "/api/files/pub/%FF/"},
		{http.MethodPut, "/api/files/pub/a%00.txt"},
		{http.MethodDelete, "/api/files/pub/%C3"},
		{http.MethodGet, "/api/files/pub/?q=%00"},
	} {
		res := send(t, tt.method, n.URL+tt.path, strings.NewReader("x"), "Authorization", alice)
		require.Equal(t, http.StatusBadRequest, res.status, tt.path)
		require.Equal(t, "text/plain; charset=utf-8", res.header.Get("Content-Type"), tt.path)
		require.Contains(t, res.body, "NUL byte or invalid UTF-8", tt.path)
	}
	res := send(t, http.MethodGet, n.URL+"/api/files/pub/a%00.txt", nil, "Accept", "application/json")
	require.Equal(t, http.StatusBadRequest, res.status)
	require.Contains(t, res.body, `"status":400`, "the files protocol's JSON errors")

	// Bytes that are valid stay valid: a replacement character or an
	// accented name is no reason to refuse.
	require.Equal(t, http.StatusCreated, send(t, http.MethodPut, n.URL+"/api/files/pub/%C3%A9t%C3%A9-%EF%BF%BD.txt", strings.NewReader("ok"), "Authorization", alice).status)
	require.Equal(t, http.StatusOK, send(t, http.MethodGet, n.URL+"/api/v1/repositories?q=%C3%A9", nil).status)
	requireNoErrorLogged(t, n, logFrom)
}
