package ldap_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/auth/ldap/ldaptest"
)

// The directory's people in every test.
const (
	alicePW = "alice-directory-pw"
	bobPW   = "bob-directory-pw"
)

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), string(r.body))
	return m
}

// do sends a request with Basic credentials (user "" sends none) or a
// Bearer token (user "bearer").
func do(t *testing.T, n *apptest.Node, method, path, user, secret, body string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, n.URL+path, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case user == "bearer":
		req.Header.Set("Authorization", "Bearer "+secret)
	case user != "":
		req.SetBasicAuth(user, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{resp.StatusCode, resp.Header, b}
}

func loginBody(user, pw string) string {
	b, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	return string(b)
}

// setup starts a directory with alice (a user) and bob (an admin) and a
// node signing in against it.
func setup(t *testing.T, env map[string]string) (*ldaptest.Server, *apptest.Node) {
	t.Helper()
	dir := ldaptest.Start(t)
	dir.AddUser("alice", "Alice Liddell", "alice@example.test", alicePW)
	dir.AddUser("bob", "Bob Builder", "bob@example.test", bobPW)
	dir.SetAdmin("bob", true)
	e := dir.Env()
	for k, v := range env {
		e[k] = v
	}
	return dir, apptest.Start(t, apptest.Options{Env: e})
}

func TestLDAPLoginCreatesTheAccount(t *testing.T) {
	t.Parallel()
	_, n := setup(t, nil)

	r := do(t, n, "POST", "/api/v1/auth/login", "", "", loginBody("alice", alicePW))
	require.Equal(t, 200, r.status, string(r.body))

	me := do(t, n, "GET", "/api/v1/me", "alice", alicePW, "")
	require.Equal(t, 200, me.status, string(me.body))
	m := me.json(t)
	require.Equal(t, "alice", m["username"])
	require.Equal(t, "Alice Liddell", m["fullName"])
	require.Equal(t, "alice@example.test", m["email"])
	require.Equal(t, []any{"user"}, m["roles"])

	// The admin sees the account as a directory one.
	u := do(t, n, "GET", "/api/v1/admin/users/alice", apptest.AdminUser, apptest.AdminPassword, "")
	require.Equal(t, 200, u.status, string(u.body))
	require.Equal(t, "ldap", u.json(t)["source"])

	// Basic with the directory password works on a protocol endpoint too,
	// and an LDAP user creates personal tokens like anyone.
	tok := do(t, n, "POST", "/api/v1/me/tokens", "alice", alicePW, `{"name":"ci"}`)
	require.Equal(t, 201, tok.status, string(tok.body))
	secret := tok.json(t)["secret"].(string)
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", "bearer", secret, "").status)
	require.Equal(t, 404, do(t, n, "GET", "/api/files/nope/x", "alice", alicePW, "").status, "authenticated on /api/files, the repository is missing")
	require.Equal(t, 401, do(t, n, "GET", "/api/files/nope/x", "alice", "wrong-password", "").status)
}

func TestLDAPRefusals(t *testing.T) {
	t.Parallel()
	dir, n := setup(t, nil)
	dir.AddUser("Dave Smith", "Dave", "", "dave-directory-pw")

	for name, tc := range map[string]struct{ user, pw, detail string }{
		"wrong password":      {"alice", "not-alices-password", "invalid credentials"},
		"unknown user":        {"zoe", alicePW, "invalid credentials"},
		"empty password":      {"alice", "", ""},
		"wildcard":            {"*", alicePW, "invalid credentials"},
		"prefix wildcard":     {"al*", alicePW, "invalid credentials"},
		"filter injection":    {"alice)(uid=*", alicePW, "invalid credentials"},
		"or injection":        {"*)(|(uid=*", alicePW, "invalid credentials"},
		"backslash":           {`alice\`, alicePW, "invalid credentials"},
		"name out of grammar": {"Dave Smith", "dave-directory-pw", "cannot be an account name"},
	} {
		r := do(t, n, "POST", "/api/v1/auth/login", "", "", loginBody(tc.user, tc.pw))
		if tc.pw == "" {
			require.Contains(t, []int{400, 401}, r.status, "%s: %s", name, r.body)
			continue
		}
		require.Equal(t, 401, r.status, "%s: %s", name, r.body)
		require.Contains(t, string(r.body), tc.detail, name)
		// Basic answers the same.
		require.Equal(t, 401, do(t, n, "GET", "/api/v1/me", tc.user, tc.pw, "").status, name)
	}
	// Basic with an empty password never binds anonymously.
	require.Equal(t, 401, do(t, n, "GET", "/api/v1/me", "alice", "", "").status)
	// Nothing was created for the refused names.
	users := do(t, n, "GET", "/api/v1/admin/users", apptest.AdminUser, apptest.AdminPassword, "")
	require.Equal(t, 200, users.status)
	require.NotContains(t, string(users.body), `"alice"`)
	require.NotContains(t, string(users.body), "dave")
}

func TestLDAPNameClashWithALocalAccountIsRefused(t *testing.T) {
	t.Parallel()
	dir, n := setup(t, nil)
	n.Seed(t).User("carol", "local-carol-password", false)
	dir.AddUser("carol", "Carol from LDAP", "", "carol-directory-pw")

	r := do(t, n, "POST", "/api/v1/auth/login", "", "", loginBody("carol", "carol-directory-pw"))
	require.Equal(t, 401, r.status, string(r.body))
	require.Contains(t, string(r.body), "a local account named")
	// The local account keeps working, and stays local.
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", "carol", "local-carol-password", "").status)
	u := do(t, n, "GET", "/api/v1/admin/users/carol", apptest.AdminUser, apptest.AdminPassword, "")
	require.Equal(t, "local", u.json(t)["source"])
}

func TestLDAPAdminGroupMapsToTheAdminRole(t *testing.T) {
	t.Parallel()
	dir, n := setup(t, nil)
	me := do(t, n, "GET", "/api/v1/me", "bob", bobPW, "")
	require.Equal(t, 200, me.status, string(me.body))
	require.Equal(t, []any{"admin", "user"}, me.json(t)["roles"])
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/admin/users", "bob", bobPW, "").status)

	// Roles follow the group on every login that asks the directory (a
	// second node has no remembered verification).
	dir.SetAdmin("bob", false)
	n2 := apptest.Start(t, apptest.Options{DBURL: n.DBURL, Env: dir.Env()})
	me = do(t, n2, "GET", "/api/v1/me", "bob", bobPW, "")
	require.Equal(t, 200, me.status, string(me.body))
	require.Equal(t, []any{"user"}, me.json(t)["roles"])
	require.Equal(t, 403, do(t, n2, "GET", "/api/v1/admin/users", "bob", bobPW, "").status)
}

func TestLDAPPasswordChangesAreRefused(t *testing.T) {
	t.Parallel()
	_, n := setup(t, nil)
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", "alice", alicePW, "").status)

	self := do(t, n, "PUT", "/api/v1/me/password", "alice", alicePW, `{"currentPassword":"`+alicePW+`","newPassword":"a-local-password"}`)
	require.Equal(t, 400, self.status, string(self.body))
	require.Contains(t, string(self.body), "directory")
	admin := do(t, n, "PATCH", "/api/v1/admin/users/alice", apptest.AdminUser, apptest.AdminPassword, `{"password":"a-local-password"}`)
	require.Equal(t, 400, admin.status, string(admin.body))
	require.Contains(t, admin.header.Get("Content-Type"), "application/problem+json")
	require.Contains(t, string(admin.body), "directory")
	require.Equal(t, 401, do(t, n, "GET", "/api/v1/me", "alice", "a-local-password", "").status)
}

func TestLDAPUserGoneFromTheDirectoryIsDisabled(t *testing.T) {
	t.Parallel()
	dir, n := setup(t, map[string]string{"KODERA_LDAP_SYNC_INTERVAL": "100ms"})
	tok := do(t, n, "POST", "/api/v1/me/tokens", "alice", alicePW, `{"name":"ci"}`)
	require.Equal(t, 201, tok.status, string(tok.body))
	secret := tok.json(t)["secret"].(string)
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", "bearer", secret, "").status)

	dir.DeleteUser("alice")
	require.Eventually(t, func() bool {
		u := do(t, n, "GET", "/api/v1/admin/users/alice", apptest.AdminUser, apptest.AdminPassword, "")
		return u.status == 200 && u.json(t)["disabled"] == true
	}, 20*time.Second, 50*time.Millisecond, "the periodic sync disables alice")
	require.Equal(t, 401, do(t, n, "GET", "/api/v1/me", "bearer", secret, "").status, "her token stops at once")
	require.Equal(t, 401, do(t, n, "GET", "/api/v1/me", "alice", alicePW, "").status, "and her remembered password")
	// bob is still in the directory and still enabled.
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", "bob", bobPW, "").status)

	// The trail names the directory as the actor of both decisions.
	a := do(t, n, "GET", "/api/v1/admin/audit?actor=ldap", apptest.AdminUser, apptest.AdminPassword, "")
	require.Equal(t, 200, a.status, string(a.body))
	require.Contains(t, string(a.body), `"action":"user.create"`)
	require.Contains(t, string(a.body), `"disabled":true`)
	require.Contains(t, string(a.body), `"actorKind":"system"`)
}

func TestLDAPLoginDisablesAUserGoneFromTheDirectory(t *testing.T) {
	t.Parallel()
	dir, n := setup(t, nil) // the periodic sync runs every 15m: only the login sees it
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", "alice", alicePW, "").status)
	dir.DeleteUser("alice")
	n2 := apptest.Start(t, apptest.Options{DBURL: n.DBURL, Env: dir.Env()})
	require.Equal(t, 401, do(t, n2, "GET", "/api/v1/me", "alice", alicePW, "").status)
	u := do(t, n, "GET", "/api/v1/admin/users/alice", apptest.AdminUser, apptest.AdminPassword, "")
	require.Equal(t, true, u.json(t)["disabled"], string(u.body))
	require.Equal(t, 401, do(t, n, "GET", "/api/v1/me", "alice", alicePW, "").status, "disabling ends the remembered verification on the first node too")
}

func TestLDAPDirectoryDownLocalUsersStillWork(t *testing.T) {
	t.Parallel()
	dir, n := setup(t, nil)
	tok := do(t, n, "POST", "/api/v1/me/tokens", "alice", alicePW, `{"name":"ci"}`)
	require.Equal(t, 201, tok.status, string(tok.body))
	secret := tok.json(t)["secret"].(string)

	dir.Stop()
	start := time.Now()
	r := do(t, n, "POST", "/api/v1/auth/login", "", "", loginBody("bob", bobPW))
	require.Equal(t, 503, r.status, string(r.body))
	require.Contains(t, string(r.body), "LDAP directory cannot be reached")
	require.Less(t, time.Since(start), 5*time.Second, "bounded by KODERA_LDAP_TIMEOUT")
	require.Equal(t, 503, do(t, n, "GET", "/api/v1/me", "bob", bobPW, "").status)

	// Local accounts and tokens are unaffected.
	require.Equal(t, 200, do(t, n, "POST", "/api/v1/auth/login", "", "", loginBody(apptest.AdminUser, apptest.AdminPassword)).status)
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", apptest.AdminUser, apptest.AdminPassword, "").status)
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", "bearer", secret, "").status)

	// Back up: directory logins work again.
	dir.Start()
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", "bob", bobPW, "").status)
}

// The last enabled administrator keeps the role even when the directory
// takes it away: the login proceeds, the instance keeps an administrator.
func TestLDAPLastAdminIsNotDemotedByALogin(t *testing.T) {
	t.Parallel()
	dir, n := setup(t, nil)
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", "bob", bobPW, "").status)
	n.Seed(t).SQL("UPDATE users SET disabled = true WHERE username = $1", apptest.AdminUser)
	dir.SetAdmin("bob", false)

	n2 := apptest.Start(t, apptest.Options{DBURL: n.DBURL, Env: dir.Env()})
	me := do(t, n2, "GET", "/api/v1/me", "bob", bobPW, "")
	require.Equal(t, 200, me.status, string(me.body))
	require.Equal(t, []any{"admin", "user"}, me.json(t)["roles"])
	require.Contains(t, n2.Logs(), "the last enabled administrator left the admin group")
}
