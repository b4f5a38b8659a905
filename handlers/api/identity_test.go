package api_test

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

type tokenJSON struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	Prefix       string     `json:"prefix"`
	Secret       string     `json:"secret"`
	Scopes       []string   `json:"scopes"`
	Repositories []string   `json:"repositories"`
	ExpiresAt    *time.Time `json:"expiresAt"`
	LastUsedAt   *time.Time `json:"lastUsedAt"`
}

func TestTokenShownOnceStoredHashed(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	n.Seed(t).User("dev", userPassword, false)
	dev := basic("dev", userPassword)

	exp := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	r := expect(t, n, dev, "POST", "/api/v1/me/tokens", mustJSON(map[string]any{
		"name": "ci", "expiresAt": exp, "scopes": []string{"read"}, "repositories": []string{"a", "b"},
	}), 201)
	var created tokenJSON
	r.json(t, &created)
	require.True(t, strings.HasPrefix(created.Secret, "kp_"), created.Secret)
	require.GreaterOrEqual(t, len(created.Secret), 3+43, "at least 32 random bytes")
	require.Equal(t, created.Secret[:len(created.Prefix)], created.Prefix)
	require.Equal(t, []string{"read"}, created.Scopes)
	require.Equal(t, []string{"a", "b"}, created.Repositories)
	require.True(t, exp.Equal(*created.ExpiresAt))

	// The database keeps a SHA-256 of the secret and nothing else of it.
	var hash []byte
	var prefix string
	var row string
	queryRow(t, n, "SELECT secret_hash, prefix, row_to_json(t)::text FROM tokens t WHERE id = $1", []any{created.ID}, &hash, &prefix, &row)
	sum := sha256.Sum256([]byte(created.Secret))
	require.Equal(t, sum[:], hash)
	require.Equal(t, created.Prefix, prefix)
	require.NotContains(t, row, created.Secret[len(prefix):])

	// The listing never shows it again.
	r = expect(t, n, dev, "GET", "/api/v1/me/tokens", "", 200)
	require.NotContains(t, string(r.body), created.Secret)
	var page listPage[tokenJSON]
	r.json(t, &page)
	require.Equal(t, int64(1), page.Total)
	list := page.Items
	require.Len(t, list, 1)
	require.Equal(t, "ci", list[0].Name)
	require.Empty(t, list[0].Secret)
	require.Nil(t, list[0].LastUsedAt)

	// It works (as Bearer and as the Basic password), records its use, and
	// stops at once when revoked.
	expect(t, n, bearer(created.Secret), "GET", "/api/v1/me", "", 200)
	expect(t, n, basic("dev", created.Secret), "GET", "/api/v1/me", "", 200)
	expect(t, n, basic("__token__", created.Secret), "GET", "/api/v1/me", "", 200)
	expect(t, n, basic("someone-else", created.Secret), "GET", "/api/v1/me", "", 401)
	expect(t, n, dev, "GET", "/api/v1/me/tokens", "", 200).json(t, &page)
	require.NotNil(t, page.Items[0].LastUsedAt)
	peer := apptest.Start(t, apptest.Options{DBURL: n.DBURL})
	expect(t, peer, bearer(created.Secret), "GET", "/api/v1/me", "", 200)
	expect(t, n, dev, "DELETE", fmt.Sprintf("/api/v1/me/tokens/%d", created.ID), "", 204)
	expect(t, n, bearer(created.Secret), "GET", "/api/v1/me", "", 401)
	expect(t, peer, bearer(created.Secret), "GET", "/api/v1/me", "", 401)
	expect(t, n, dev, "DELETE", fmt.Sprintf("/api/v1/me/tokens/%d", created.ID), "", 404)

	// Another user's token id is not found, and token rules are enforced.
	other := expect(t, n, admin, "POST", "/api/v1/me/tokens", `{"name":"adm"}`, 201)
	var adm tokenJSON
	other.json(t, &adm)
	require.Equal(t, []string{"read", "write", "admin"}, adm.Scopes)
	expect(t, n, dev, "DELETE", fmt.Sprintf("/api/v1/me/tokens/%d", adm.ID), "", 404)
	expect(t, n, dev, "POST", "/api/v1/me/tokens", `{"name":"x","scopes":["delete"]}`, 400)
	expect(t, n, dev, "POST", "/api/v1/me/tokens", `{"name":"x","scopes":[]}`, 400)
	expect(t, n, dev, "POST", "/api/v1/me/tokens", `{"name":"x","expiresAt":"2001-01-01T00:00:00Z"}`, 400)
	expect(t, n, dev, "POST", "/api/v1/me/tokens", `{"name":"x","repositories":["Bad Name"]}`, 400)
}

func TestLastAdminProtected(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	me := "/api/v1/admin/users/" + apptest.AdminUser

	expect(t, n, admin, "PATCH", me, `{"roles":["user"]}`, 409)
	expect(t, n, admin, "PATCH", me, `{"disabled":true}`, 409)
	expect(t, n, admin, "DELETE", me, "", 409)
	expect(t, n, admin, "GET", "/api/v1/me", "", 200)

	// With a second admin the first may step down, and then the second is last.
	expect(t, n, admin, "POST", "/api/v1/admin/users", `{"username":"second","password":"second-password","roles":["admin"]}`, 201)
	second := basic("second", "second-password")
	expect(t, n, admin, "PATCH", me, `{"roles":["user"]}`, 200)
	expect(t, n, admin, "GET", "/api/v1/admin/users", "", 403)
	expect(t, n, second, "DELETE", "/api/v1/admin/users/second", "", 409)
	expect(t, n, second, "PATCH", "/api/v1/admin/users/second", `{"roles":[]}`, 409)
	expect(t, n, second, "DELETE", me, "", 204)
	expect(t, n, admin, "GET", "/api/v1/me", "", 401)
}

func TestRoleMassAssignmentRefused(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	n.Seed(t).User("mallory", userPassword, false)
	m := basic("mallory", userPassword)

	for _, body := range []string{
		`{"roles":["admin"]}`, `{"fullName":"M","roles":["admin"]}`, `{"isAdmin":true}`, `{"admin":true}`,
		`{"disabled":false}`, `{"username":"admin"}`, `{"source":"ldap"}`,
	} {
		expect(t, n, m, "PATCH", "/api/v1/me", body, 400)
	}
	expect(t, n, m, "PATCH", "/api/v1/admin/users/mallory", `{"roles":["admin"]}`, 403)
	expect(t, n, m, "POST", "/api/v1/admin/users", `{"username":"m2","password":"m2-password","roles":["admin"]}`, 403)
	// Unknown fields are refused on admin bodies too, not silently dropped.
	expect(t, n, admin, "POST", "/api/v1/admin/users", `{"username":"m3","password":"m3-password","isAdmin":true}`, 400)

	var me struct{ Roles []string }
	expect(t, n, m, "GET", "/api/v1/me", "", 200).json(t, &me)
	require.Equal(t, []string{"user"}, me.Roles)
	expect(t, n, m, "GET", "/api/v1/admin/users", "", 403)

	// An admin sets roles through the admin endpoint.
	var u struct{ Roles []string }
	expect(t, n, admin, "PATCH", "/api/v1/admin/users/mallory", `{"roles":["admin","user"]}`, 200).json(t, &u)
	require.Equal(t, []string{"admin", "user"}, u.Roles)
	expect(t, n, m, "GET", "/api/v1/admin/users", "", 200)
}

func TestPrivateRepositoryNotFoundLikeAbsent(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("owner", userPassword, false)
	seed.User("outsider", userPassword, false)
	seed.Repo("secret", "docker", "private", "owner")
	outsider := bearer(seed.Token("outsider", false, nil))

	paths := []string{"/api/v1/repositories/secret", "/api/v1/repositories/secret/permissions"}
	type answer struct {
		status int
		body   string
		length int
	}
	ask := func(c cred, method, path, body string) answer {
		r := call(t, n, c, method, path, body)
		return answer{r.StatusCode, withoutRequestID(t, r.body), len(r.body)}
	}
	probes := []struct {
		c            cred
		method, path string
		body         string
	}{
		{outsider, "GET", paths[0], ""}, {outsider, "GET", paths[1], ""},
		{outsider, "PATCH", paths[0], `{"description":"x"}`}, {outsider, "DELETE", paths[0], ""},
		{outsider, "PUT", paths[1] + "/user:outsider", `{"level":"admin"}`},
		{cred{}, "GET", paths[0], ""}, {cred{}, "DELETE", paths[0], ""},
	}
	var before []answer
	for _, p := range probes {
		a := ask(p.c, p.method, p.path, p.body)
		require.Equal(t, 404, a.status, "%s %s", p.method, p.path)
		before = append(before, a)
	}
	// The same name once the repository is gone answers byte for byte the same
	// (request id aside, whose length does not vary).
	expect(t, n, admin, "DELETE", paths[0], "", 204)
	for i, p := range probes {
		require.Equal(t, before[i], ask(p.c, p.method, p.path, p.body), "%s %s", p.method, p.path)
	}
	// And a name that never existed differs only by the name.
	never := ask(outsider, "GET", "/api/v1/repositories/neverwas", "")
	require.Equal(t, before[0].body, strings.ReplaceAll(never.body, "neverwas", "secret"))
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	peer := apptest.Start(t, apptest.Options{DBURL: n.DBURL}) // limits are shared through the database
	seed := n.Seed(t)
	seed.User("victim", userPassword, false)
	seed.User("bystander", userPassword, false)
	loginBody := func(user, pw string) string { return mustJSON(map[string]string{"username": user, "password": pw}) }

	// A wrong password and an unknown user are indistinguishable.
	wrongPw := expect(t, n, cred{}, "POST", "/api/v1/auth/login", loginBody("victim", "wrong-password"), 401)
	noUser := expect(t, n, cred{}, "POST", "/api/v1/auth/login", loginBody("nobody-here", "wrong-password"), 401)
	require.Equal(t, withoutRequestID(t, wrongPw.body), withoutRequestID(t, noUser.body))

	for range 4 {
		expect(t, n, cred{}, "POST", "/api/v1/auth/login", loginBody("victim", "wrong-password"), 401)
	}
	// Five failures lock the account on every node, even for the right
	// password and over Basic auth.
	for _, node := range []*apptest.Node{n, peer} {
		r := expect(t, node, cred{}, "POST", "/api/v1/auth/login", loginBody("victim", userPassword), 429)
		after, err := strconv.Atoi(r.Header.Get("Retry-After"))
		require.NoError(t, err, "Retry-After %q", r.Header.Get("Retry-After"))
		require.True(t, after > 0 && after <= 15*60, "Retry-After %d", after)
		expect(t, node, basic("victim", userPassword), "GET", "/api/v1/me", "", 429)
		expect(t, node, cred{}, "POST", "/api/v1/auth/login", loginBody("VICTIM", userPassword), 429)
	}
	// Other accounts are unaffected, and tokens still work for the victim.
	expect(t, n, cred{}, "POST", "/api/v1/auth/login", loginBody("bystander", userPassword), 200)
	expect(t, n, bearer(seed.Token("victim", false, nil)), "GET", "/api/v1/me", "", 200)

	// Twenty failures from one address lock that address for every account.
	for i := range 14 {
		expect(t, n, cred{}, "POST", "/api/v1/auth/login", loginBody(fmt.Sprintf("guess%d", i), "x"), 401)
	}
	expect(t, peer, cred{}, "POST", "/api/v1/auth/login", loginBody("bystander", userPassword), 429)

	// The attempts are in the audit trail.
	var page struct {
		Total int64
		Items []struct {
			Actor, Action, Target string
			Success               bool
			Details               map[string]any
		}
	}
	sql(t, n, "DELETE FROM login_failures") // let the admin in
	expect(t, n, admin, "GET", "/api/v1/admin/audit?action=login&actor=victim", "", 200).json(t, &page)
	// 5 wrong passwords, then 2 logins and 2 Basic requests refused while
	// locked (VICTIM is audited as typed).
	require.EqualValues(t, 9, page.Total)
	require.False(t, page.Items[0].Success)
	require.Equal(t, "rate limited", page.Items[0].Details["reason"])
	require.Equal(t, "invalid credentials", page.Items[len(page.Items)-1].Details["reason"])
	expect(t, n, admin, "GET", "/api/v1/admin/audit?action=login&actor=bystander", "", 200).json(t, &page)
	require.True(t, page.Items[len(page.Items)-1].Success)
}

func TestSessionAndCSRF(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	peer := apptest.Start(t, apptest.Options{DBURL: n.DBURL})
	seed := n.Seed(t)
	seed.User("dev", userPassword, false)
	seed.ServiceAccount("robot")

	r := expect(t, n, cred{}, "POST", "/api/v1/auth/login", `{"username":"dev","password":"`+userPassword+`"}`, 200)
	var c *http.Cookie
	for _, ck := range r.Cookies() {
		if ck.Name == "kodera_session" {
			c = ck
		}
	}
	require.NotNil(t, c)
	require.True(t, c.HttpOnly)
	require.Equal(t, http.SameSiteStrictMode, c.SameSite)
	require.Equal(t, "/", c.Path)
	require.Equal(t, "no-store", r.Header.Get("Cache-Control"))
	var s struct {
		CsrfToken string
		User      struct{ Username, AuthenticatedBy string }
	}
	r.json(t, &s)
	require.Equal(t, "dev", s.User.Username)
	require.NotEmpty(t, s.CsrfToken)

	// The session lives in Postgres, hashed: the other node accepts it.
	var stored int
	queryRow(t, n, "SELECT count(*) FROM sessions WHERE id_hash = sha256($1::bytea)", []any{[]byte(c.Value)}, &stored)
	require.Equal(t, 1, stored)
	withCSRF := session(c.Value, s.CsrfToken)
	noCSRF := session(c.Value, "")
	for _, node := range []*apptest.Node{n, peer} {
		var me struct{ Username, AuthenticatedBy string }
		expect(t, node, noCSRF, "GET", "/api/v1/me", "", 200).json(t, &me)
		require.Equal(t, "session", me.AuthenticatedBy)
		// Unsafe methods need the CSRF header; tokens and Basic never do.
		expect(t, node, noCSRF, "PATCH", "/api/v1/me", `{"fullName":"D"}`, 403)
		expect(t, node, session(c.Value, "wrong"), "PATCH", "/api/v1/me", `{"fullName":"D"}`, 403)
		expect(t, node, noCSRF, "POST", "/api/v1/me/tokens", `{"name":"x"}`, 403)
		expect(t, node, withCSRF, "PATCH", "/api/v1/me", `{"fullName":"D"}`, 200)
		var again struct{ CsrfToken string }
		expect(t, node, noCSRF, "GET", "/api/v1/auth/session", "", 200).json(t, &again)
		require.Equal(t, s.CsrfToken, again.CsrfToken)
	}
	expect(t, n, basic("dev", userPassword), "GET", "/api/v1/auth/session", "", 401)

	// CLIs get a Basic challenge; the UI gets one browsers do not turn into a
	// login dialog of their own.
	r = expect(t, n, cred{}, "GET", "/api/v1/me", "", 401)
	require.Contains(t, r.Header.Get("WWW-Authenticate"), "Basic")
	r = expect(t, n, session("stale", ""), "GET", "/api/v1/me", "", 401)
	require.Equal(t, `Bearer realm="kodera"`, r.Header.Get("WWW-Authenticate"))

	// Logging out on one node ends the session on every node and clears the cookie.
	r = expect(t, peer, withCSRF, "POST", "/api/v1/auth/logout", "", 204)
	require.Contains(t, r.Header.Get("Set-Cookie"), "Max-Age=0")
	expect(t, n, noCSRF, "GET", "/api/v1/me", "", 401)
	// A stale cookie does not stand in the way of logging in again.
	expect(t, n, noCSRF, "POST", "/api/v1/auth/login", `{"username":"dev","password":"`+userPassword+`"}`, 200)

	// Service accounts cannot log in, and neither can disabled users.
	expect(t, n, cred{}, "POST", "/api/v1/auth/login", `{"username":"robot","password":"whatever-it-is"}`, 401)
	sess := login(t, n, "dev", userPassword)
	expect(t, n, admin, "PATCH", "/api/v1/admin/users/dev", `{"disabled":true}`, 200)
	expect(t, peer, sess, "GET", "/api/v1/me", "", 401)
	expect(t, n, cred{}, "POST", "/api/v1/auth/login", `{"username":"dev","password":"`+userPassword+`"}`, 401)
}

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	n.Seed(t).User("dev", userPassword, false)
	a := login(t, n, "dev", userPassword)
	b := login(t, n, "dev", userPassword)

	expect(t, n, a, "PUT", "/api/v1/me/password", `{"currentPassword":"not-it","newPassword":"new-password-1"}`, 400)
	expect(t, n, a, "PUT", "/api/v1/me/password", `{"currentPassword":"`+userPassword+`","newPassword":"short"}`, 400)
	expect(t, n, a, "PUT", "/api/v1/me/password", `{"currentPassword":"`+userPassword+`","newPassword":"new-password-1"}`, 204)
	expect(t, n, a, "GET", "/api/v1/me", "", 200) // the session that changed it stays
	expect(t, n, b, "GET", "/api/v1/me", "", 401) // every other one ends
	expect(t, n, basic("dev", userPassword), "GET", "/api/v1/me", "", 401)
	expect(t, n, basic("dev", "new-password-1"), "GET", "/api/v1/me", "", 200)
}

func TestServiceAccounts(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	n.Seed(t).Repo("builds", "files", "private", "")

	expect(t, n, admin, "POST", "/api/v1/admin/service-accounts", `{"name":"jenkins","description":"CI"}`, 201)
	expect(t, n, admin, "POST", "/api/v1/admin/service-accounts", `{"name":"jenkins"}`, 409)
	expect(t, n, admin, "POST", "/api/v1/admin/service-accounts", `{"name":"Bad Name"}`, 400)
	var t1, t2 tokenJSON
	expect(t, n, admin, "POST", "/api/v1/admin/service-accounts/jenkins/tokens", `{"name":"one"}`, 201).json(t, &t1)
	expect(t, n, admin, "POST", "/api/v1/admin/service-accounts/jenkins/tokens", `{"name":"two","scopes":["read"]}`, 201).json(t, &t2)
	var sa struct {
		Name, Description, CreatedBy string
		Tokens                       int
	}
	expect(t, n, admin, "GET", "/api/v1/admin/service-accounts/jenkins", "", 200).json(t, &sa)
	require.Equal(t, 2, sa.Tokens)
	require.Equal(t, apptest.AdminUser, sa.CreatedBy)
	var list listPage[tokenJSON]
	expect(t, n, admin, "GET", "/api/v1/admin/service-accounts/jenkins/tokens", "", 200).json(t, &list)
	require.Len(t, list.Items, 2)
	require.Equal(t, int64(2), list.Total)
	require.Empty(t, list.Items[0].Secret)
	// The same list, one item a page.
	expect(t, n, admin, "GET", "/api/v1/admin/service-accounts/jenkins/tokens?limit=1&offset=1", "", 200).json(t, &list)
	require.Equal(t, listPage[tokenJSON]{Items: list.Items, Total: 2, Limit: 1, Offset: 1}, list)
	require.Len(t, list.Items, 1)
	var sas listPage[struct{ Name string }]
	expect(t, n, admin, "GET", "/api/v1/admin/service-accounts", "", 200).json(t, &sas)
	require.Equal(t, int64(1), sas.Total)
	require.Equal(t, "jenkins", sas.Items[0].Name)
	expect(t, n, admin, "GET", "/api/v1/admin/service-accounts?offset=5", "", 200).json(t, &sas)
	require.Equal(t, int64(1), sas.Total)
	require.Empty(t, sas.Items, "past the end: an empty page, not null")
	expect(t, n, admin, "GET", "/api/v1/admin/service-accounts?limit=501", "", 400)

	var me struct{ Kind, Username string }
	expect(t, n, bearer(t1.Secret), "GET", "/api/v1/me", "", 200).json(t, &me)
	require.Equal(t, "service", me.Kind)
	require.Equal(t, "jenkins", me.Username)
	expect(t, n, basic("jenkins", t2.Secret), "GET", "/api/v1/me", "", 200)

	// A grant reaches the repository; without one it is invisible.
	expect(t, n, bearer(t1.Secret), "GET", "/api/v1/repositories/builds", "", 404)
	expect(t, n, admin, "PUT", "/api/v1/repositories/builds/permissions/service:jenkins", `{"level":"write"}`, 200)
	var repo struct{ Access string }
	expect(t, n, bearer(t1.Secret), "GET", "/api/v1/repositories/builds", "", 200).json(t, &repo)
	require.Equal(t, "write", repo.Access)
	expect(t, n, bearer(t2.Secret), "GET", "/api/v1/repositories/builds", "", 200).json(t, &repo)
	require.Equal(t, "read", repo.Access)

	// Revoking one token, disabling and deleting the account take effect at once.
	expect(t, n, admin, "DELETE", fmt.Sprintf("/api/v1/admin/service-accounts/jenkins/tokens/%d", t2.ID), "", 204)
	expect(t, n, bearer(t2.Secret), "GET", "/api/v1/me", "", 401)
	expect(t, n, admin, "PATCH", "/api/v1/admin/service-accounts/jenkins", `{"disabled":true}`, 200)
	expect(t, n, bearer(t1.Secret), "GET", "/api/v1/me", "", 401)
	expect(t, n, admin, "PATCH", "/api/v1/admin/service-accounts/jenkins", `{"disabled":false}`, 200)
	expect(t, n, bearer(t1.Secret), "GET", "/api/v1/me", "", 200)
	expect(t, n, admin, "DELETE", "/api/v1/admin/service-accounts/jenkins", "", 204)
	expect(t, n, bearer(t1.Secret), "GET", "/api/v1/me", "", 401)
	expect(t, n, admin, "GET", "/api/v1/admin/service-accounts/jenkins", "", 404)
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	n.Seed(t).User("dev", userPassword, false)
	s := login(t, n, "dev", userPassword)
	where := "WHERE id_hash = sha256($1::bytea)"
	id := []byte(s.cookie)
	var left time.Duration
	expiresIn := func() time.Duration {
		var secs float64
		queryRow(t, n, "SELECT extract(epoch FROM expires_at - now())::float8 FROM sessions "+where, []any{id}, &secs)
		return time.Duration(secs * float64(time.Second))
	}

	// Use slides an idle session's expiry forward (at most once a minute).
	sql(t, n, "UPDATE sessions SET last_seen_at = now() - interval '2 minutes', expires_at = now() + interval '1 minute' "+where, id)
	expect(t, n, s, "GET", "/api/v1/me", "", 200)
	left = expiresIn()
	require.Greater(t, left, 23*time.Hour)

	// ... but never past seven days after login.
	sql(t, n, "UPDATE sessions SET created_at = now() - interval '7 days' + interval '1 hour', last_seen_at = now() - interval '2 minutes' "+where, id)
	expect(t, n, s, "GET", "/api/v1/me", "", 200)
	left = expiresIn()
	require.Less(t, left, time.Hour+time.Minute)

	// An expired session is refused, on every request.
	sql(t, n, "UPDATE sessions SET expires_at = now() - interval '1 second' "+where, id)
	r := expect(t, n, s, "GET", "/api/v1/me", "", 401)
	require.Contains(t, r.Header.Get("Set-Cookie"), "kodera_session=;", "the dead cookie is cleared")
	require.Contains(t, r.Header.Get("Set-Cookie"), "Max-Age=0")
	expect(t, n, s, "GET", "/api/v1/system/info", "", 401)
	expect(t, n, cred{}, "GET", "/api/v1/system/info", "", 200)
}

// TestAdminPasswordResetLiftsLockout: an admin setting a new password ends
// the account's lockout at once, instead of leaving the user to wait it out.
func TestAdminPasswordResetLiftsLockout(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("dave", userPassword, false)
	adminToken := bearer(seed.Token(apptest.AdminUser, false, nil))
	login := func(pw string) string { return mustJSON(map[string]string{"username": "dave", "password": pw}) }
	for range 5 {
		expect(t, n, cred{}, "POST", "/api/v1/auth/login", login("wrong-password"), 401)
	}
	expect(t, n, cred{}, "POST", "/api/v1/auth/login", login(userPassword), 429)
	expect(t, n, adminToken, "PATCH", "/api/v1/admin/users/dave", `{"password":"a-brand-new-password"}`, 200)
	expect(t, n, cred{}, "POST", "/api/v1/auth/login", login("a-brand-new-password"), 200)
}
