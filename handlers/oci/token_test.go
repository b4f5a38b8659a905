package oci_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// registryToken fetches a registry JWT for scope with c's credentials and
// returns it with its decoded claims.
func registryToken(t *testing.T, c *client, scope string) (string, map[string]any) {
	t.Helper()
	resp := c.do("GET", "/v2/token?scope="+scope, nil, nil)
	body := readAll(resp)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var tok struct{ Token string }
	require.NoError(t, json.Unmarshal([]byte(body), &tok))
	parts := strings.Split(tok.Token, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	return tok.Token, claims
}

// bearer does a request with a registry JWT.
func bearer(c *client, token, method, path string) *http.Response {
	b := &client{t: c.t, base: c.base}
	return b.do(method, path, map[string]string{"Authorization": "Bearer " + token}, nil)
}

// TestRegistryTokenLifetime: a registry JWT lives no longer than the
// credential it was minted from: it stops working when the user is
// disabled, when its personal token is deleted or expires, and its exp
// never passes the personal token's expiry. Each subtest changes only the
// rows it created, so they hold in any order.
func TestRegistryTokenLifetime(t *testing.T) {
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	alice := &client{t: t, base: node.URL, user: "alice", pass: "alice-password-123"}
	alice.pushImage("apps/img", "v1", []byte("layer"))
	const scope = "repository:apps/img:pull"
	const tags = "/v2/apps/img/tags/list"

	t.Run("claims", func(t *testing.T) {
		pat := seed.Token("alice", false, []string{"read"})
		_, claims := registryToken(t, &client{t: t, base: node.URL, user: "alice", pass: pat}, scope)
		raw, _ := json.Marshal(claims)
		require.NotContains(t, string(raw), `"ID"`)
		require.NotContains(t, string(raw), `"Write"`)
		require.NotContains(t, string(raw), `"Repositories"`)
	})

	t.Run("expiry capped", func(t *testing.T) {
		pat := seed.Token("alice", false, []string{"read"})
		until := time.Now().Add(90 * time.Second).Truncate(time.Second)
		seed.SQL(`UPDATE tokens SET expires_at = $1 WHERE secret_hash = sha256($2::bytea)`, until, []byte(pat))
		_, claims := registryToken(t, &client{t: t, base: node.URL, user: "alice", pass: pat}, scope)
		require.LessOrEqual(t, int64(claims["exp"].(float64)), until.Unix())
	})

	t.Run("token expires", func(t *testing.T) {
		pat := seed.Token("alice", false, []string{"read"})
		jwt, _ := registryToken(t, &client{t: t, base: node.URL, user: "alice", pass: pat}, scope)
		require.Equal(t, http.StatusOK, bearer(alice, jwt, "GET", tags).StatusCode)
		seed.SQL(`UPDATE tokens SET expires_at = now() - interval '1 second' WHERE secret_hash = sha256($1::bytea)`, []byte(pat))
		require.Equal(t, http.StatusUnauthorized, bearer(alice, jwt, "GET", tags).StatusCode)
	})

	t.Run("token deleted", func(t *testing.T) {
		pat := seed.Token("alice", false, []string{"read"})
		jwt, _ := registryToken(t, &client{t: t, base: node.URL, user: "alice", pass: pat}, scope)
		require.Equal(t, http.StatusOK, bearer(alice, jwt, "GET", tags).StatusCode)
		seed.SQL(`DELETE FROM tokens WHERE secret_hash = sha256($1::bytea)`, []byte(pat))
		require.Equal(t, http.StatusUnauthorized, bearer(alice, jwt, "GET", tags).StatusCode)
	})

	t.Run("user disabled", func(t *testing.T) {
		seed.User("bob", "bob-password-1234", false)
		seed.Grant("apps", "bob", false, "read")
		bob := &client{t: t, base: node.URL, user: "bob", pass: "bob-password-1234"}
		jwt, _ := registryToken(t, bob, scope)
		require.Equal(t, http.StatusOK, bearer(alice, jwt, "GET", tags).StatusCode)
		seed.SQL(`UPDATE users SET disabled = true WHERE username = 'bob'`)
		resp := bearer(alice, jwt, "GET", tags)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		require.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer")
	})
}

// TestMinorAnswers: unsupported token grants are OAuth2 errors, an empty
// manifest reference is MANIFEST_UNKNOWN, error details carry no internal
// error chains, and the REST API does not invent images.
func TestMinorAnswers(t *testing.T) {
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("pub", "docker", "public", "alice")
	alice := &client{t: t, base: node.URL, user: "alice", pass: "alice-password-123"}
	anon := &client{t: t, base: node.URL}
	alice.pushImage("pub/app", "v1", []byte("layer"))
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

	for body, want := range map[string]string{
		"grant_type=refresh_token&refresh_token=bogus&service=x": "invalid_grant",
		"grant_type=client_credentials&service=x":                "unsupported_grant_type",
	} {
		resp := anon.do("POST", "/v2/token", form, []byte(body))
		got := readAll(resp)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, got)
		var e struct{ Error string }
		require.NoError(t, json.Unmarshal([]byte(got), &e), got)
		require.Equal(t, want, e.Error)
	}

	resp := anon.do("GET", "/v2/pub/app/manifests/", nil, nil)
	body := readAll(resp)
	require.Equal(t, http.StatusNotFound, resp.StatusCode, body)
	require.Contains(t, body, "MANIFEST_UNKNOWN")

	internal := func(body string) {
		t.Helper()
		for _, s := range []string{"ocispec:", "blob:", "ingest", "\\n"} {
			require.NotContains(t, body, s)
		}
	}
	resp = alice.do("PUT", "/v2/pub/app/manifests/bad", map[string]string{"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, []byte(`{"schemaVersion":3}`))
	body = readAll(resp)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	require.Contains(t, body, "MANIFEST_INVALID")
	require.Contains(t, body, "schemaVersion")
	internal(body)
	resp = alice.do("POST", "/v2/pub/app/blobs/uploads/?digest="+digestOf([]byte("other")), nil, []byte("content"))
	body = readAll(resp)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	require.Contains(t, body, "DIGEST_INVALID")
	internal(body)
	resp = alice.do("GET", "/v2/pub/App/tags/list", nil, nil)
	body = readAll(resp)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	internal(body)

	resp = alice.do("GET", "/api/v1/repositories/pub/docker/images/nope/tags", nil, nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode, readAll(resp))
	resp = alice.do("GET", "/api/v1/repositories/pub/docker/images/app/tags", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, readAll(resp))
}

// TestGuestAccessOff: with guest access off an anonymous caller gets no
// registry token at all (401 with a Basic challenge), and pulls of public
// repositories need credentials; with it on, anonymous pulls work.
func TestGuestAccessOff(t *testing.T) {
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("pub", "docker", "public", "alice")
	alice := &client{t: t, base: node.URL, user: "alice", pass: "alice-password-123"}
	anon := &client{t: t, base: node.URL}
	admin := &client{t: t, base: node.URL, user: apptest.AdminUser, pass: apptest.AdminPassword}
	alice.pushImage("pub/app", "v1", []byte("layer"))
	tokenURL := "/v2/token?service=" + node.Addr + "&scope=repository:pub/app:pull"

	resp := anon.do("GET", tokenURL, nil, nil)
	readAll(resp)
	require.Equal(t, http.StatusOK, resp.StatusCode, "guest access is on by default")

	json := map[string]string{"Content-Type": "application/json"}
	resp = admin.do("PUT", "/api/v1/admin/settings", json, []byte(`{"guestAccess":false}`))
	require.Equal(t, http.StatusOK, resp.StatusCode, readAll(resp))

	resp = anon.do("GET", tokenURL, nil, nil)
	body := readAll(resp)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
	require.Contains(t, resp.Header.Get("WWW-Authenticate"), "Basic")
	resp = anon.do("GET", "/v2/pub/app/manifests/v1", nil, nil)
	readAll(resp)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp = alice.do("GET", "/v2/pub/app/manifests/v1", nil, nil)
	readAll(resp)
	require.Equal(t, http.StatusOK, resp.StatusCode)
}
