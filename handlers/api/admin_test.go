package api_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

func TestAdminUsers(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})

	var u struct {
		Username, FullName, Email, Source string
		Roles                             []string
		Disabled                          bool
	}
	expect(t, n, admin, "POST", "/api/v1/admin/users", `{"username":"jdoe","fullName":"Jane Doe","email":"jane@example.com","password":"jane-password"}`, 201).json(t, &u)
	require.Equal(t, []string{"user"}, u.Roles)
	require.Equal(t, "local", u.Source)
	expect(t, n, admin, "POST", "/api/v1/admin/users", `{"username":"jdoe","password":"another-password"}`, 409)
	for _, body := range []string{
		`{"username":"Bad Name","password":"long-enough"}`, `{"username":"x","password":"short"}`,
		`{"username":"y","password":"long-enough","email":"not an address"}`, `{"username":"z","password":"long-enough","roles":["root"]}`,
		`{"password":"long-enough"}`,
	} {
		expect(t, n, admin, "POST", "/api/v1/admin/users", body, 400)
	}
	expect(t, n, basic("jdoe", "jane-password"), "GET", "/api/v1/me", "", 200)
	// Validation errors say where and why, never echoing the value.
	r := expect(t, n, admin, "POST", "/api/v1/admin/users", `{"username":"shorty","password":"pw-7chr"}`, 400)
	require.Contains(t, string(r.body), `request body: field \"password\": minimum string length is 8`)
	require.NotContains(t, string(r.body), "pw-7chr")

	var page struct {
		Total int64
		Items []struct{ Username string }
	}
	expect(t, n, admin, "GET", "/api/v1/admin/users", "", 200).json(t, &page)
	require.EqualValues(t, 2, page.Total)
	expect(t, n, admin, "GET", "/api/v1/admin/users?q=JANE", "", 200).json(t, &page)
	require.EqualValues(t, 1, page.Total)
	require.Equal(t, "jdoe", page.Items[0].Username)
	expect(t, n, admin, "GET", "/api/v1/admin/users?limit=1&offset=1", "", 200).json(t, &page)
	require.Len(t, page.Items, 1)
	require.Equal(t, "jdoe", page.Items[0].Username)

	expect(t, n, admin, "PATCH", "/api/v1/admin/users/jdoe", `{"fullName":"J. Doe","password":"reset-password"}`, 200).json(t, &u)
	require.Equal(t, "J. Doe", u.FullName)
	expect(t, n, basic("jdoe", "jane-password"), "GET", "/api/v1/me", "", 401)
	expect(t, n, basic("jdoe", "reset-password"), "GET", "/api/v1/me", "", 200)
	expect(t, n, admin, "PATCH", "/api/v1/admin/users/jdoe", `{}`, 400)
	expect(t, n, admin, "PATCH", "/api/v1/admin/users/nobody", `{"fullName":"x"}`, 404)
	expect(t, n, admin, "GET", "/api/v1/admin/users/nobody", "", 404)

	// Deleting an account removes its tokens; its repositories stay without owner.
	seed := n.Seed(t)
	tok := seed.Token("jdoe", false, nil)
	expect(t, n, bearer(tok), "POST", "/api/v1/repositories", `{"name":"janes","type":"files"}`, 201)
	expect(t, n, admin, "DELETE", "/api/v1/admin/users/jdoe", "", 204)
	expect(t, n, bearer(tok), "GET", "/api/v1/me", "", 401)
	var repo struct{ Owner *string }
	expect(t, n, admin, "GET", "/api/v1/repositories/janes", "", 200).json(t, &repo)
	require.Nil(t, repo.Owner)
	expect(t, n, admin, "DELETE", "/api/v1/admin/users/jdoe", "", 404)
}

func TestGuestAccessSetting(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	peer := apptest.Start(t, apptest.Options{DBURL: n.DBURL})
	n.Seed(t).Repo("open", "files", "public", "")

	var s struct{ GuestAccess bool }
	expect(t, n, admin, "GET", "/api/v1/admin/settings", "", 200).json(t, &s)
	require.True(t, s.GuestAccess)
	expect(t, peer, cred{}, "GET", "/api/v1/repositories/open", "", 200)
	expect(t, n, admin, "PUT", "/api/v1/admin/settings", `{"guestAccess":false}`, 200).json(t, &s)
	require.False(t, s.GuestAccess)
	// Every node follows at once; login and instance info stay open.
	expect(t, peer, cred{}, "GET", "/api/v1/repositories/open", "", 401)
	expect(t, peer, cred{}, "GET", "/api/v1/repositories", "", 401)
	expect(t, peer, cred{}, "GET", "/api/v1/system/info", "", 200).json(t, &s)
	require.False(t, s.GuestAccess)
	expect(t, peer, cred{}, "POST", "/api/v1/auth/login", `{"username":"admin","password":"`+apptest.AdminPassword+`"}`, 200)
	expect(t, n, admin, "PUT", "/api/v1/admin/settings", `{}`, 400)
	expect(t, n, admin, "PUT", "/api/v1/admin/settings", `{"guestAccess":true,"other":1}`, 400)
}

type auditPage struct {
	Total int64
	Items []struct {
		Actor, ActorKind, Action, Target, RemoteAddr, RequestId string
		Success                                                 bool
		At                                                      time.Time
		Details                                                 map[string]any
	}
}

func TestAuditTrail(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	start := time.Now().Add(-time.Second)
	n.Seed(t).User("dev", userPassword, false)
	dev := login(t, n, "dev", userPassword)
	expect(t, n, cred{}, "POST", "/api/v1/auth/login", `{"username":"dev","password":"wrong-password"}`, 401)

	var tok tokenJSON
	expect(t, n, dev, "POST", "/api/v1/me/tokens", `{"name":"laptop"}`, 201).json(t, &tok)
	expect(t, n, dev, "DELETE", "/api/v1/me/tokens/"+itoa(tok.ID), "", 204)
	expect(t, n, dev, "POST", "/api/v1/repositories", `{"name":"stuff","type":"files"}`, 201)
	expect(t, n, dev, "PATCH", "/api/v1/repositories/stuff", `{"visibility":"public"}`, 200)
	expect(t, n, admin, "POST", "/api/v1/admin/service-accounts", `{"name":"bot"}`, 201)
	expect(t, n, admin, "POST", "/api/v1/admin/service-accounts/bot/tokens", `{"name":"t"}`, 201)
	expect(t, n, dev, "PUT", "/api/v1/repositories/stuff/permissions/service:bot", `{"level":"write"}`, 200)
	expect(t, n, dev, "DELETE", "/api/v1/repositories/stuff/permissions/service:bot", "", 204)
	expect(t, n, admin, "PATCH", "/api/v1/admin/service-accounts/bot", `{"description":"d"}`, 200)
	expect(t, n, admin, "DELETE", "/api/v1/admin/service-accounts/bot", "", 204)
	expect(t, n, admin, "POST", "/api/v1/admin/users", `{"username":"ops","password":"ops-password"}`, 201)
	expect(t, n, admin, "PATCH", "/api/v1/admin/users/ops", `{"roles":["admin"]}`, 200)
	expect(t, n, admin, "PATCH", "/api/v1/admin/users/ops", `{"email":"ops@example.com"}`, 200)
	expect(t, n, admin, "DELETE", "/api/v1/admin/users/ops", "", 204)
	expect(t, n, admin, "PUT", "/api/v1/admin/settings", `{"guestAccess":true}`, 200)
	expect(t, n, dev, "PUT", "/api/v1/me/password", `{"currentPassword":"`+userPassword+`","newPassword":"next-password"}`, 204)
	expect(t, n, dev, "DELETE", "/api/v1/repositories/stuff", "", 204)
	expect(t, n, dev, "POST", "/api/v1/auth/logout", "", 204)

	var page auditPage
	expect(t, n, admin, "GET", "/api/v1/admin/audit?limit=500", "", 200).json(t, &page)
	type key struct{ actor, action, target string }
	seen := map[key]bool{}
	for _, e := range page.Items {
		seen[key{e.Actor, e.Action, e.Target}] = true
		require.Equal(t, "127.0.0.1", e.RemoteAddr, "%+v", e)
		require.NotEmpty(t, e.RequestId)
	}
	for _, want := range []key{
		{"dev", "login", "dev"}, {"dev", "token.create", "user:dev"}, {"dev", "token.delete", "user:dev"},
		{"dev", "repository.create", "stuff"}, {"dev", "repository.update", "stuff"}, {"dev", "repository.delete", "stuff"},
		{"dev", "permission.put", "stuff"}, {"dev", "permission.delete", "stuff"},
		{"admin", "service-account.create", "bot"}, {"admin", "token.create", "service:bot"},
		{"admin", "service-account.update", "bot"}, {"admin", "service-account.delete", "bot"},
		{"admin", "user.create", "ops"}, {"admin", "user.roles", "ops"}, {"admin", "user.update", "ops"}, {"admin", "user.delete", "ops"},
		{"admin", "settings.update", ""}, {"dev", "user.password", "dev"}, {"dev", "logout", "dev"},
	} {
		require.True(t, seen[want], "missing audit event %+v", want)
	}

	// Filters: actor, action (exact or prefix), time; pages newest first.
	expect(t, n, admin, "GET", "/api/v1/admin/audit?actor=dev&action=login", "", 200).json(t, &page)
	require.EqualValues(t, 2, page.Total)
	require.False(t, page.Items[0].Success, "the failed attempt is newest")
	require.True(t, page.Items[1].Success)
	expect(t, n, admin, "GET", "/api/v1/admin/audit?action=token.", "", 200).json(t, &page)
	require.EqualValues(t, 3, page.Total)
	expect(t, n, admin, "GET", "/api/v1/admin/audit?action=user.roles", "", 200).json(t, &page)
	require.Equal(t, []any{"admin", "user"}, page.Items[0].Details["roles"])
	expect(t, n, admin, "GET", "/api/v1/admin/audit?since="+start.UTC().Format(time.RFC3339Nano), "", 200).json(t, &page)
	total := page.Total
	require.Positive(t, total)
	expect(t, n, admin, "GET", "/api/v1/admin/audit?until="+start.UTC().Format(time.RFC3339Nano), "", 200).json(t, &page)
	require.Zero(t, page.Total)
	expect(t, n, admin, "GET", "/api/v1/admin/audit?limit=2&offset=1", "", 200).json(t, &page)
	require.Len(t, page.Items, 2)
	require.False(t, page.Items[0].At.Before(page.Items[1].At))
	expect(t, n, admin, "GET", "/api/v1/admin/audit?since=yesterday", "", 400)
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
