package api_test

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// systemInfoVia reads GET /api/v1/system/info anonymously with extra
// request headers and returns the decoded body and its raw license object.
func systemInfoVia(t *testing.T, n *apptest.Node, header map[string]string) (info struct {
	BaseUrl     string
	GuestAccess bool
	License     struct{ Status string }
}, license map[string]json.RawMessage) {
	t.Helper()
	req, err := http.NewRequest("GET", n.URL+"/api/v1/system/info", nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var raw struct{ License map[string]json.RawMessage }
	require.NoError(t, json.Unmarshal(body, &info), "%s", body)
	require.NoError(t, json.Unmarshal(body, &raw), "%s", body)
	return info, raw.License
}

var forwarded = map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "packages.example.com"}

// TestSystemInfoBaseURL: the public instance info names the URL clients
// should use: KODERA_BASE_URL when configured, else the address the caller
// used, where forwarded headers count only from a trusted proxy.
func TestSystemInfoBaseURL(t *testing.T) {
	t.Parallel()
	t.Run("from the request", func(t *testing.T) {
		t.Parallel()
		n := apptest.Start(t, apptest.Options{})
		s, _ := systemInfoVia(t, n, nil)
		require.Equal(t, n.URL, s.BaseUrl)
		s, _ = systemInfoVia(t, n, forwarded)
		require.Equal(t, n.URL, s.BaseUrl, "forwarded headers from an untrusted peer are ignored")
	})
	t.Run("behind a trusted proxy", func(t *testing.T) {
		t.Parallel()
		n := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_TRUSTED_PROXIES": "127.0.0.1/32"}})
		s, _ := systemInfoVia(t, n, forwarded)
		require.Equal(t, "https://packages.example.com", s.BaseUrl)
	})
	t.Run("configured", func(t *testing.T) {
		t.Parallel()
		n := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_BASE_URL": "https://repo.example.com/"}})
		s, _ := systemInfoVia(t, n, forwarded)
		require.Equal(t, "https://repo.example.com", s.BaseUrl, "configured, without the trailing slash")
	})
}

// TestSystemInfoPublicLicense: with guest access off, anonymous callers
// still read the instance info, and its license part says the status and
// the expiry and nothing else of the key.
func TestSystemInfoPublicLicense(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	expect(t, n, admin, "PUT", "/api/v1/admin/settings", `{"guestAccess":false}`, 200)
	expect(t, n, cred{}, "GET", "/api/v1/repositories", "", 401)

	s, lic := systemInfoVia(t, n, nil)
	require.False(t, s.GuestAccess)
	require.Equal(t, "evaluation", s.License.Status)
	require.Equal(t, []string{"status"}, slices.Sorted(maps.Keys(lic)))

	key := apptest.LicenseKey("lic-secret-id", 25, time.Now().Add(90*24*time.Hour))
	expect(t, n, admin, "PUT", "/api/v1/admin/license", keyBody(key), 200)
	s, lic = systemInfoVia(t, n, nil)
	require.Equal(t, "active", s.License.Status)
	require.Equal(t, []string{"expiresAt", "status"}, slices.Sorted(maps.Keys(lic)))
	// A user who is not an admin reads the same summary, not the key.
	seed := n.Seed(t)
	seed.User("carol", "carol-password-123", false)
	expect(t, n, basic("carol", "carol-password-123"), "GET", "/api/v1/admin/license", "", 403)
}
