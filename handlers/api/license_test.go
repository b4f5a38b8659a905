package api_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/license"
)

var b64url = base64.RawURLEncoding

type licenseView struct {
	ID, Licensee        string
	IssuedAt, ExpiresAt *time.Time
	MaxUsers            int
	ActiveUsers         int64
	Features            []string
	Status              string
}

type systemInfo struct {
	License struct {
		Status    string
		ExpiresAt *time.Time
	}
}

func keyBody(key string) string { return mustJSON(map[string]string{"key": key}) }

func getLicense(t *testing.T, n *apptest.Node) licenseView {
	t.Helper()
	var l licenseView
	expect(t, n, admin, "GET", "/api/v1/admin/license", "", 200).json(t, &l)
	return l
}

func bannerOf(t *testing.T, n *apptest.Node) systemInfo {
	t.Helper()
	var s systemInfo
	expect(t, n, cred{}, "GET", "/api/v1/system/info", "", 200).json(t, &s)
	return s
}

// problemDetail requires a problem JSON answer of status and returns its detail.
func problemDetail(t *testing.T, r resp, status int) string {
	t.Helper()
	require.Equal(t, status, r.StatusCode, "%s", r.body)
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	var p struct{ Detail string }
	r.json(t, &p)
	return p.Detail
}

func TestLicenseEvaluationAndActivation(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})

	l := getLicense(t, n)
	require.Equal(t, "evaluation", l.Status)
	require.Equal(t, 5, l.MaxUsers)
	require.Equal(t, int64(1), l.ActiveUsers, "the bootstrap admin")
	require.Empty(t, l.ID)
	require.Equal(t, []string{}, l.Features)
	s := bannerOf(t, n)
	require.Equal(t, "evaluation", s.License.Status)
	require.Nil(t, s.License.ExpiresAt)

	exp := time.Now().Add(400 * 24 * time.Hour).UTC().Truncate(time.Second)
	key := apptest.LicenseKey("lic-42", 25, exp)
	var put licenseView
	expect(t, n, admin, "PUT", "/api/v1/admin/license", keyBody(key), 200).json(t, &put)
	require.Equal(t, "active", put.Status)
	require.Equal(t, "lic-42", put.ID)
	require.Equal(t, "Kodera tests", put.Licensee)
	require.Equal(t, 25, put.MaxUsers)
	require.True(t, exp.Equal(*put.ExpiresAt))
	require.Equal(t, put, getLicense(t, n))
	s = bannerOf(t, n)
	require.Equal(t, "active", s.License.Status)
	require.True(t, exp.Equal(*s.License.ExpiresAt))

	// Audited like settings.update.
	var audit struct {
		Items []struct{ Action, Target, Actor string }
	}
	expect(t, n, admin, "GET", "/api/v1/admin/audit?action=license.update", "", 200).json(t, &audit)
	require.NotEmpty(t, audit.Items)
	require.Equal(t, "license.update", audit.Items[0].Action)
	require.Equal(t, "lic-42", audit.Items[0].Target)

	// A key that expires within 30 days is in force, with the warning.
	soon := apptest.LicenseKey("lic-soon", 25, time.Now().Add(10*24*time.Hour))
	expect(t, n, admin, "PUT", "/api/v1/admin/license", keyBody(soon), 200).json(t, &put)
	require.Equal(t, "expiring", put.Status)
	require.Equal(t, "expiring", bannerOf(t, n).License.Status)
}

func TestLicenseRefusesBadKeys(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	good := apptest.LicenseKey("lic-good", 9, time.Now().Add(90*24*time.Hour))
	expect(t, n, admin, "PUT", "/api/v1/admin/license", keyBody(good), 200)

	body, sig, _ := strings.Cut(good, ".")
	other := apptest.LicenseKey("lic-other", 9, time.Now().Add(90*24*time.Hour))
	_, otherSig, _ := strings.Cut(other, ".")
	cases := map[string]struct{ key, want string }{
		"malformed":         {"not a license", "malformed"},
		"tampered payload":  {apptestPayload(t, body, `"maxUsers":9`, `"maxUsers":99`) + "." + sig, "signature is not valid"},
		"wrong signing key": {wrongVendorKey(t), "signature is not valid"},
		"swapped signature": {body + "." + otherSig, "signature is not valid"},
		"expired":           {apptest.LicenseKey("lic-old", 9, time.Now().Add(-time.Hour)), "expired on"},
		"empty":             {"", "empty"},
	}
	for name, c := range cases {
		d := problemDetail(t, call(t, n, admin, "PUT", "/api/v1/admin/license", keyBody(c.key)), http.StatusBadRequest)
		require.Contains(t, d, c.want, name)
		// The previous key stays active.
		l := getLicense(t, n)
		require.Equal(t, "lic-good", l.ID, name)
		require.Equal(t, "active", l.Status, name)
	}
	// Admins only, and never a guess for others.
	seedUser(t, n, "plain")
	expect(t, n, basic("plain", userPassword), "GET", "/api/v1/admin/license", "", 403)
	expect(t, n, basic("plain", userPassword), "PUT", "/api/v1/admin/license", keyBody(good), 403)
}

func seedUser(t *testing.T, n *apptest.Node, name string) {
	t.Helper()
	n.Seed(t).User(name, userPassword, false)
}

// apptestPayload rewrites the payload part of a key, keeping its signature.
func apptestPayload(t *testing.T, body, old, new string) string {
	t.Helper()
	raw, err := b64url.DecodeString(body)
	require.NoError(t, err)
	changed := strings.Replace(string(raw), old, new, 1)
	require.NotEqual(t, string(raw), changed)
	return b64url.EncodeToString([]byte(changed))
}

// wrongVendorKey is a well-formed key signed by a key the node does not trust.
func wrongVendorKey(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	key, err := license.Sign([]byte(fmt.Sprintf(`{"id":"x","licensee":"y","issuedAt":"2026-01-01T00:00:00Z","expiresAt":%q,"maxUsers":3,"features":[]}`,
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339))), priv)
	require.NoError(t, err)
	return key
}

// TestLicenseUserLimit: creating or enabling a user beyond the limit is a
// 409 naming the limit; existing users, logins and downloads go on.
func TestLicenseUserLimit(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	create := func(name string) resp {
		return call(t, n, admin, "POST", "/api/v1/admin/users", mustJSON(map[string]string{"username": name, "password": userPassword}))
	}
	// Evaluation: the admin and four more.
	for i := range 4 {
		require.Equal(t, 201, create(fmt.Sprintf("u%d", i)).StatusCode)
	}
	d := problemDetail(t, create("u4"), http.StatusConflict)
	require.Contains(t, d, "at most 5 active users")
	require.Contains(t, d, "evaluation")

	// Disabling frees a seat; enabling beyond the limit is refused.
	expect(t, n, admin, "PATCH", "/api/v1/admin/users/u0", `{"disabled":true}`, 200)
	expect(t, n, admin, "POST", "/api/v1/admin/users", mustJSON(map[string]string{"username": "u4", "password": userPassword}), 201)
	d = problemDetail(t, call(t, n, admin, "PATCH", "/api/v1/admin/users/u0", `{"disabled":false}`), http.StatusConflict)
	require.Contains(t, d, "at most 5 active users")
	// Changing an enabled user, or re-enabling one already enabled, is no new seat.
	expect(t, n, admin, "PATCH", "/api/v1/admin/users/u1", `{"fullName":"U One","disabled":false}`, 200)
	// Existing users keep working.
	expect(t, n, basic("u1", userPassword), "GET", "/api/v1/me", "", 200)

	// A license with 7 seats lets two more in, then names its limit.
	expect(t, n, admin, "PUT", "/api/v1/admin/license", keyBody(apptest.LicenseKey("seven", 7, time.Now().Add(365*24*time.Hour))), 200)
	expect(t, n, admin, "PATCH", "/api/v1/admin/users/u0", `{"disabled":false}`, 200)
	require.Equal(t, 201, create("u5").StatusCode)
	d = problemDetail(t, create("u6"), http.StatusConflict)
	require.Contains(t, d, "the license allows at most 7 active users")
	l := getLicense(t, n)
	require.Equal(t, int64(7), l.ActiveUsers)
	require.Equal(t, 7, l.MaxUsers)

	// Over the limit (7 enabled, evaluation allows 5 once the license is
	// gone): nobody is disabled, logins and downloads go on; only new seats wait.
	sql(t, n, "DELETE FROM settings WHERE key = 'license.key'")
	l = getLicense(t, n)
	require.Equal(t, "evaluation", l.Status)
	require.Equal(t, int64(7), l.ActiveUsers)
	expect(t, n, basic("u5", userPassword), "GET", "/api/v1/me", "", 200)
	n.Seed(t).Repo("pubf", "files", "public", apptest.AdminUser)
	putFile(t, n, "pubf", "a.txt")
	expect(t, n, basic("u5", userPassword), "GET", "/api/files/pubf/a.txt", "", 200)
	expect(t, n, cred{}, "GET", "/api/files/pubf/a.txt", "", 200)
	require.Equal(t, http.StatusConflict, create("u6").StatusCode)
}

// TestLicenseSharedByNodes: the key survives a restart and a second node
// on the same database sees it at once.
func TestLicenseSharedByNodes(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t, apptest.Options{})
	expect(t, a, admin, "PUT", "/api/v1/admin/license", keyBody(apptest.LicenseKey("shared", 12, time.Now().Add(200*24*time.Hour))), 200)

	b := apptest.Start(t, apptest.Options{DBURL: a.DBURL})
	l := getLicense(t, b)
	require.Equal(t, "shared", l.ID)
	require.Equal(t, 12, l.MaxUsers)
	require.Equal(t, "active", bannerOf(t, b).License.Status)
	for i := range 11 {
		expect(t, b, admin, "POST", "/api/v1/admin/users", mustJSON(map[string]string{"username": fmt.Sprintf("m%d", i), "password": userPassword}), 201)
	}
	// Node a enforces the same limit.
	d := problemDetail(t, call(t, a, admin, "POST", "/api/v1/admin/users", mustJSON(map[string]string{"username": "m11", "password": userPassword})), http.StatusConflict)
	require.Contains(t, d, "at most 12 active users")

	// A node trusting another public key does not trust the stored key:
	// evaluation mode, no error.
	c := apptest.Start(t, apptest.Options{DBURL: a.DBURL, Env: map[string]string{"KODERA_LICENSE_PUBLIC_KEY": "B/tEvW6up3YRAuFSDBdJ844/goshpBrVgA7vXIali/s="}})
	require.Equal(t, "evaluation", getLicense(t, c).Status)
}

// TestLicenseLastSeatUnderConcurrency: creations racing for the last seat
// on two nodes; exactly one gets it.
func TestLicenseLastSeatUnderConcurrency(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t, apptest.Options{})
	b := apptest.Start(t, apptest.Options{DBURL: a.DBURL})
	for i := range 3 {
		expect(t, a, admin, "POST", "/api/v1/admin/users", mustJSON(map[string]string{"username": fmt.Sprintf("s%d", i), "password": userPassword}), 201)
	}
	const racers = 8
	codes := make(chan int, racers)
	for i := range racers {
		n := a
		if i%2 == 1 {
			n = b
		}
		go func() {
			req, _ := http.NewRequest("POST", n.URL+"/api/v1/admin/users",
				strings.NewReader(mustJSON(map[string]string{"username": fmt.Sprintf("r%d", i), "password": userPassword})))
			req.Header.Set("Content-Type", "application/json")
			req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				codes <- 0
				return
			}
			res.Body.Close()
			codes <- res.StatusCode
		}()
	}
	got := map[int]int{}
	for range racers {
		got[<-codes]++
	}
	require.Equal(t, map[int]int{201: 1, 409: racers - 1}, got)
	require.Equal(t, int64(5), getLicense(t, a).ActiveUsers)
}
