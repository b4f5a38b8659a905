package oci_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// TestLoginLockout: after five wrong passwords the registry answers 429
// TOOMANYREQUESTS with Retry-After everywhere (token endpoint, Basic on
// /v2/<name>), and every failed Basic login is in the audit trail.
func TestLoginLockout(t *testing.T) {
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	wrong := &client{t: t, base: node.URL, user: "alice", pass: "wrong-password"}
	right := &client{t: t, base: node.URL, user: "alice", pass: "alice-password-123"}

	for range 3 {
		resp := wrong.do("GET", "/v2/token?scope=repository:apps/img:pull", nil, nil)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	}
	for range 2 {
		resp := wrong.do("GET", "/v2/apps/img/tags/list", nil, nil)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	}
	locked := func(resp *http.Response) {
		t.Helper()
		body := readAll(resp)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, body)
		require.NotEmpty(t, resp.Header.Get("Retry-After"))
		require.Contains(t, body, "TOOMANYREQUESTS")
	}
	locked(right.do("GET", "/v2/token?scope=repository:apps/img:pull", nil, nil))
	locked(right.do("GET", "/v2/apps/img/tags/list", nil, nil))
	locked(right.do("GET", "/v2/", nil, nil))
	form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"alice-password-123"}, "service": {node.Addr}}
	resp := (&client{t: t, base: node.URL}).do("POST", "/v2/token", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, []byte(form.Encode()))
	locked(resp)

	admin := &client{t: t, base: node.URL, user: apptest.AdminUser, pass: apptest.AdminPassword}
	resp = admin.do("GET", "/api/v1/admin/audit?action=login&limit=100", nil, nil)
	body := readAll(resp)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var page struct {
		Items []struct {
			Actor, Target string
			Success       bool
			Details       map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &page), body)
	failed := 0
	for _, e := range page.Items {
		if e.Target == "alice" && !e.Success {
			require.Equal(t, "registry", e.Details["via"], body)
			failed++
		}
	}
	require.GreaterOrEqual(t, failed, 5, body)
	require.True(t, strings.Contains(body, "rate limited"), body)
}
