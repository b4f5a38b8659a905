package oci_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// TestPasswordChangeEndsPasswordCredentials: with two nodes on one
// database, a password change or reset on one node ends at once, on the
// other, the registry tokens obtained with the old password and the
// remembered verification of the old password in Basic; registry tokens
// minted from a personal token are not concerned, and disabling the
// account ends the remembered verification too.
func TestPasswordChangeEndsPasswordCredentials(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t, apptest.Options{})
	b := apptest.Start(t, apptest.Options{DBURL: a.DBURL, DataDir: a.DataDir})
	seed := a.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	onA := &client{t: t, base: a.URL, user: "alice", pass: "alice-password-123"}
	onA.pushImage("apps/img", "v1", []byte("layer"))
	const scope = "repository:apps/img:pull"
	const tags = "/v2/apps/img/tags/list"
	admin := &client{t: t, base: a.URL, user: apptest.AdminUser, pass: apptest.AdminPassword}

	status := func(c *client, method, path string, hdr map[string]string, body []byte) int {
		t.Helper()
		resp := c.do(method, path, hdr, body)
		readAll(resp)
		return resp.StatusCode
	}
	jsonHdr := map[string]string{"Content-Type": "application/json"}

	// Self-service change on node A.
	oldOnB := &client{t: t, base: b.URL, user: "alice", pass: "alice-password-123"}
	pwJWT, claims := registryToken(t, oldOnB, scope)
	require.NotNil(t, claims["kcv"], "a password-derived token carries the credential version")
	patJWT, _ := registryToken(t, &client{t: t, base: b.URL, user: "alice", pass: seed.Token("alice", false, []string{"read"})}, scope)
	require.Equal(t, http.StatusOK, bearer(oldOnB, pwJWT, "GET", tags).StatusCode)
	require.Equal(t, http.StatusOK, status(oldOnB, "GET", tags, nil, nil)) // Basic, now remembered on B
	require.Equal(t, http.StatusNoContent, status(onA, "PUT", "/api/v1/me/password", jsonHdr,
		[]byte(`{"currentPassword":"alice-password-123","newPassword":"alice-password-456"}`)))

	resp := bearer(oldOnB, pwJWT, "GET", tags)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, readAll(resp))
	require.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer")
	require.Equal(t, http.StatusOK, bearer(oldOnB, patJWT, "GET", tags).StatusCode)
	require.Equal(t, http.StatusUnauthorized, status(oldOnB, "GET", tags, nil, nil))
	newOnB := &client{t: t, base: b.URL, user: "alice", pass: "alice-password-456"}
	require.Equal(t, http.StatusOK, status(newOnB, "GET", tags, nil, nil))

	// An administrator's reset on node A.
	pwJWT, _ = registryToken(t, newOnB, scope)
	require.Equal(t, http.StatusOK, bearer(newOnB, pwJWT, "GET", tags).StatusCode)
	require.Equal(t, http.StatusOK, status(admin, "PATCH", "/api/v1/admin/users/alice", jsonHdr, []byte(`{"password":"alice-password-789"}`)))
	require.Equal(t, http.StatusUnauthorized, bearer(newOnB, pwJWT, "GET", tags).StatusCode)
	require.Equal(t, http.StatusUnauthorized, status(newOnB, "GET", tags, nil, nil))

	// Disabling the account on node A.
	latest := &client{t: t, base: b.URL, user: "alice", pass: "alice-password-789"}
	require.Equal(t, http.StatusOK, status(latest, "GET", tags, nil, nil))
	require.Equal(t, http.StatusOK, status(latest, "GET", tags, nil, nil))
	require.Equal(t, http.StatusOK, status(admin, "PATCH", "/api/v1/admin/users/alice", jsonHdr, []byte(`{"disabled":true}`)))
	require.Equal(t, http.StatusUnauthorized, status(latest, "GET", tags, nil, nil))
}
