package ldap_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/auth/ldap"
	"github.com/kodera-packages/kodera/internal/auth/ldap/ldaptest"
	"github.com/kodera-packages/kodera/internal/config"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/identity"
)

func TestFilterEscapesUserInput(t *testing.T) {
	t.Parallel()
	d, err := ldap.New(config.LDAP{UserFilter: "(&(objectClass=inetOrgPerson)(uid={username}))"}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	for in, want := range map[string]string{
		"alice":        "(&(objectClass=inetOrgPerson)(uid=alice))",
		"*":            `(&(objectClass=inetOrgPerson)(uid=\2a))`,
		"alice)(uid=*": `(&(objectClass=inetOrgPerson)(uid=alice\29\28uid=\2a))`,
		`a\b`:          `(&(objectClass=inetOrgPerson)(uid=a\5cb))`,
		"a\x00b":       `(&(objectClass=inetOrgPerson)(uid=a\00b))`,
		"*)(|(uid=*":   `(&(objectClass=inetOrgPerson)(uid=\2a\29\28|\28uid=\2a))`,
	} {
		require.Equal(t, want, d.Filter(in), "%q", in)
	}
}

func TestLDAPAdminSettingsShowTheConfigurationWithoutThePassword(t *testing.T) {
	t.Parallel()
	dir, n := setup(t, nil)
	r := do(t, n, "GET", "/api/v1/admin/ldap", apptest.AdminUser, apptest.AdminPassword, "")
	require.Equal(t, 200, r.status, string(r.body))
	m := r.json(t)
	require.Equal(t, true, m["enabled"])
	require.Equal(t, dir.URL, m["url"])
	require.Equal(t, ldaptest.BindDN, m["bindDn"])
	require.Equal(t, true, m["bindPasswordSet"])
	require.Equal(t, ldaptest.PeopleDN, m["userBaseDn"])
	require.Equal(t, "(uid={username})", m["userFilter"])
	require.Equal(t, ldaptest.AdminGroupDN, m["adminGroupDn"])
	require.Equal(t, 2.0, m["timeoutSeconds"])
	require.NotContains(t, string(r.body), ldaptest.BindPassword)
	require.Equal(t, 403, do(t, n, "GET", "/api/v1/admin/ldap", "alice", alicePW, "").status, "admins only")
	require.Equal(t, 401, do(t, n, "GET", "/api/v1/admin/ldap", "", "", "").status)
}

func TestLDAPWrongPasswordsHitTheLoginLimits(t *testing.T) {
	t.Parallel()
	_, n := setup(t, nil)
	var last reply
	for i := 0; i < 10; i++ {
		last = do(t, n, "POST", "/api/v1/auth/login", "", "", loginBody("alice", "guess-"+strings.Repeat("x", i)))
		if last.status == 429 {
			break
		}
		require.Equal(t, 401, last.status, string(last.body))
	}
	require.Equal(t, 429, last.status, "the per-account budget applies to directory passwords")
	require.NotEmpty(t, last.header.Get("Retry-After"))
	require.Equal(t, 429, do(t, n, "GET", "/api/v1/me", "alice", alicePW, "").status, "even the right password waits")
}

// A directory that accepts connections and never answers costs a login
// KODERA_LDAP_TIMEOUT, not a hung request.
func TestLDAPSilentDirectoryTimesOut(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	conns := make(chan net.Conn, 64) // held open, never answered
	t.Cleanup(func() {
		l.Close()
		for {
			select {
			case c := <-conns:
				c.Close()
			default:
				return
			}
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			select {
			case conns <- c:
			default:
				c.Close()
			}
		}
	}()
	n := apptest.Start(t, apptest.Options{Env: map[string]string{
		"KODERA_LDAP_URL": "ldap://" + l.Addr().String(), "KODERA_LDAP_USER_BASE_DN": ldaptest.PeopleDN,
		"KODERA_LDAP_BIND_DN": ldaptest.BindDN, "KODERA_LDAP_BIND_PASSWORD": ldaptest.BindPassword, "KODERA_LDAP_TIMEOUT": "500ms",
	}})
	start := time.Now()
	r := do(t, n, "POST", "/api/v1/auth/login", "", "", loginBody("alice", alicePW))
	took := time.Since(start)
	require.Equal(t, 503, r.status, string(r.body))
	require.Contains(t, string(r.body), "cannot be reached")
	require.Less(t, took, 3*time.Second)
	require.Equal(t, 200, do(t, n, "GET", "/api/v1/me", apptest.AdminUser, apptest.AdminPassword, "").status)
}

// The sync runs on one node at a time and disables only users the
// directory answered for.
func TestLDAPSyncRunsOnOneNodeAtATime(t *testing.T) {
	t.Parallel()
	dir := ldaptest.Start(t)
	dir.AddUser("alice", "Alice", "", alicePW)
	dir.AddUser("bob", "Bob", "", bobPW)
	pool, _ := dbtest.NewPool(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authn, authz := auth.NewAuthenticator(pool, log), auth.NewAuthorizer(pool)
	accounts := identity.New(pool, authn, authz, log)
	cfg, err := config.Load(func(k string) string { return dir.Env()[k] })
	require.NoError(t, err)
	d, err := ldap.New(cfg.LDAP, accounts, log)
	require.NoError(t, err)
	authn.SetDirectory(d)
	ctx := context.Background()
	for user, pw := range map[string]string{"alice": alicePW, "bob": bobPW} {
		_, err := authn.Password(ctx, user, pw)
		require.NoError(t, err, user)
	}
	dir.DeleteUser("alice")

	ran, err := accounts.WithDirectorySyncLock(ctx, func() error {
		disabled, ran, err := d.Sync(ctx)
		require.NoError(t, err)
		require.False(t, ran, "another node (this lock holder) runs it")
		require.Empty(t, disabled)
		return nil
	})
	require.NoError(t, err)
	require.True(t, ran)

	disabled, ran, err := d.Sync(ctx)
	require.NoError(t, err)
	require.True(t, ran)
	require.Equal(t, []string{"alice"}, disabled)
	a, err := accounts.UserByName(ctx, "alice")
	require.NoError(t, err)
	require.True(t, a.Disabled)

	// A directory that does not answer disables nobody.
	dir.Stop()
	_, _, err = d.Sync(ctx)
	require.Error(t, err)
	b, err := accounts.UserByName(ctx, "bob")
	require.NoError(t, err)
	require.False(t, b.Disabled)
}

// ldaps:// and StartTLS verify the directory's certificate against the
// system roots plus KODERA_LDAP_CA_FILE.
func TestLDAPOverTLS(t *testing.T) {
	t.Parallel()
	dir := ldaptest.StartWithTLS(t)
	dir.AddUser("alice", "Alice", "", alicePW)
	db := dbtest.New(t)
	for name, tc := range map[string]struct {
		env  map[string]string
		want int
	}{
		"ldaps":             {map[string]string{"KODERA_LDAP_URL": dir.LDAPSURL, "KODERA_LDAP_CA_FILE": dir.CAFile}, 200},
		"starttls":          {map[string]string{"KODERA_LDAP_START_TLS": "true", "KODERA_LDAP_CA_FILE": dir.CAFile}, 200},
		"ldaps, unknown CA": {map[string]string{"KODERA_LDAP_URL": dir.LDAPSURL}, 503},
	} {
		env := dir.Env()
		for k, v := range tc.env {
			env[k] = v
		}
		n := apptest.Start(t, apptest.Options{DBURL: db, Env: env})
		r := do(t, n, "GET", "/api/v1/me", "alice", alicePW, "")
		require.Equal(t, tc.want, r.status, "%s: %s", name, r.body)
	}
}
