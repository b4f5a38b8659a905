package auth_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// fixture is a database with three repositories (pub, priv, other, owned
// by "owner") and the principals of the decision table.
type fixture struct {
	authz *auth.Authorizer
	q     *gendb.Queries
	ctx   context.Context
	repos map[string]domain.Repository
	p     map[string]auth.Principal
	list  func(v auth.Visible) []string
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	pool, err := db.Open(ctx, dbtest.New(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	q := gendb.New(pool)
	users := map[string]int64{}
	for _, name := range []string{"owner", "reader", "writer", "radmin", "stranger", "root"} {
		u, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: name, Source: "local", IsAdmin: name == "root"})
		require.NoError(t, err)
		users[name] = u.ID
	}
	svcs := map[string]int64{}
	for _, name := range []string{"ci", "idle"} {
		sa, err := q.CreateServiceAccount(ctx, gendb.CreateServiceAccountParams{Name: name})
		require.NoError(t, err)
		svcs[name] = sa.ID
	}
	owner := users["owner"]
	repos := map[string]domain.Repository{}
	for name, vis := range map[string]string{"pub": "public", "priv": "private", "other": "private"} {
		r, err := repository.CreateRepository(ctx, pool, repository.NewRepository{Name: name, Type: "files", Visibility: vis, OwnerID: &owner})
		require.NoError(t, err)
		repos[name] = r
	}
	for _, g := range []struct{ user, level string }{{"reader", "read"}, {"writer", "write"}, {"radmin", "admin"}} {
		id := users[g.user]
		require.NoError(t, q.UpsertUserPermission(ctx, gendb.UpsertUserPermissionParams{RepositoryID: repos["priv"].ID, UserID: &id, Level: g.level}))
	}
	ci := svcs["ci"]
	require.NoError(t, q.UpsertServicePermission(ctx, gendb.UpsertServicePermissionParams{RepositoryID: repos["priv"].ID, ServiceAccountID: &ci, Level: "write"}))

	user := func(name string) auth.Principal {
		return auth.Principal{Kind: auth.KindUser, ID: users[name], Name: name, Admin: name == "root"}
	}
	// scope is the token's widest scope: read, write or admin.
	withToken := func(p auth.Principal, scope string, repos ...string) auth.Principal {
		p.Token = &auth.TokenLimits{ID: 1, Write: scope != "read", Admin: scope == "admin", Repositories: repos}
		return p
	}
	p := map[string]auth.Principal{
		"anonymous":         auth.Anonymous(),
		"root":              user("root"),
		"owner":             user("owner"),
		"reader":            user("reader"),
		"writer":            user("writer"),
		"radmin":            user("radmin"),
		"stranger":          user("stranger"),
		"ci":                {Kind: auth.KindService, ID: svcs["ci"], Name: "ci"},
		"idle":              {Kind: auth.KindService, ID: svcs["idle"], Name: "idle"},
		"writer-ro":         withToken(user("writer"), "read"),
		"writer-rw":         withToken(user("writer"), "write"),
		"writer-other":      withToken(user("writer"), "write", "other"),
		"writer-priv":       withToken(user("writer"), "write", "priv"),
		"root-ro":           withToken(user("root"), "read"),
		"root-other":        withToken(user("root"), "write", "other"),
		"root-other-admin":  withToken(user("root"), "admin", "other"),
		"owner-priv":        withToken(user("owner"), "write", "priv"),
		"owner-priv-admin":  withToken(user("owner"), "admin", "priv"),
		"radmin-priv":       withToken(user("radmin"), "write", "priv"),
		"radmin-priv-admin": withToken(user("radmin"), "admin", "priv"),
	}
	f := &fixture{authz: auth.NewAuthorizer(pool), q: q, ctx: ctx, repos: repos, p: p}
	f.list = func(v auth.Visible) []string {
		rows, _, err := repository.ListRepositories(ctx, pool, v, repository.RepositoryFilter{Limit: 100})
		require.NoError(t, err)
		var names []string
		for _, r := range rows {
			names = append(names, r.Name)
		}
		return names
	}
	return f
}

// allowed renders May over the four actions as "rwda" letters.
func (f *fixture) allowed(t *testing.T, p auth.Principal, repo string) string {
	t.Helper()
	out := ""
	for _, a := range []struct {
		act    auth.Action
		letter string
	}{{auth.ActionRead, "r"}, {auth.ActionWrite, "w"}, {auth.ActionDelete, "d"}, {auth.ActionAdmin, "a"}} {
		ok, err := f.authz.May(f.ctx, p, a.act, f.repos[repo])
		require.NoError(t, err)
		if ok {
			out += a.letter
		}
	}
	return out
}

func setGuest(t *testing.T, f *fixture, on bool) {
	t.Helper()
	v := []byte("false")
	if on {
		v = []byte("true")
	}
	require.NoError(t, f.q.UpsertSetting(f.ctx, gendb.UpsertSettingParams{Key: auth.SettingGuestAccess, Value: v}))
}

func TestMay(t *testing.T) {
	t.Parallel()
	f := setup(t)
	tests := []struct {
		principal      string
		guest          bool
		pub, priv, oth string
		level          [3]int // Level on pub, priv, other (before token narrowing)
	}{
		{"anonymous", true, "r", "", "", [3]int{1, 0, 0}},
		{"anonymous", false, "", "", "", [3]int{0, 0, 0}},
		{"root", true, "rwda", "rwda", "rwda", [3]int{3, 3, 3}},
		{"owner", true, "rwda", "rwda", "rwda", [3]int{3, 3, 3}},
		{"reader", true, "r", "r", "", [3]int{1, 1, 0}},
		{"writer", true, "r", "rwd", "", [3]int{1, 2, 0}},
		{"radmin", true, "r", "rwda", "", [3]int{1, 3, 0}},
		{"stranger", true, "r", "", "", [3]int{1, 0, 0}},
		{"stranger", false, "r", "", "", [3]int{1, 0, 0}}, // guest access concerns anonymous callers only
		{"ci", true, "r", "rwd", "", [3]int{1, 2, 0}},
		{"idle", true, "r", "", "", [3]int{1, 0, 0}},
		{"writer-ro", true, "r", "r", "", [3]int{1, 2, 0}},
		{"writer-rw", true, "r", "rwd", "", [3]int{1, 2, 0}},
		{"writer-other", true, "", "", "", [3]int{1, 2, 0}},
		{"writer-priv", true, "", "rwd", "", [3]int{1, 2, 0}},
		{"root-ro", true, "r", "r", "r", [3]int{3, 3, 3}},
		// A token administers a repository only with the admin scope.
		{"root-other", true, "", "", "rwd", [3]int{3, 3, 3}},
		{"root-other-admin", true, "", "", "rwda", [3]int{3, 3, 3}},
		{"owner-priv", true, "", "rwd", "", [3]int{3, 3, 3}},
		{"owner-priv-admin", true, "", "rwda", "", [3]int{3, 3, 3}},
		{"radmin-priv", true, "", "rwd", "", [3]int{1, 3, 0}},
		{"radmin-priv-admin", true, "", "rwda", "", [3]int{1, 3, 0}},
	}
	for _, tt := range tests {
		setGuest(t, f, tt.guest)
		p := f.p[tt.principal]
		name := tt.principal
		if !tt.guest {
			name += "/guest-off"
		}
		require.Equal(t, tt.pub, f.allowed(t, p, "pub"), "%s on pub", name)
		require.Equal(t, tt.priv, f.allowed(t, p, "priv"), "%s on priv", name)
		require.Equal(t, tt.oth, f.allowed(t, p, "other"), "%s on other", name)
		for i, repo := range []string{"pub", "priv", "other"} {
			level, err := f.authz.Level(f.ctx, p, f.repos[repo])
			require.NoError(t, err)
			require.Equal(t, tt.level[i], level, "Level of %s on %s", name, repo)
		}

		// Visible (the listing predicate) agrees with May(read) exactly.
		v, err := f.authz.Visible(f.ctx, p)
		require.NoError(t, err)
		var want []string
		for _, repo := range []string{"other", "priv", "pub"} {
			if ok, _ := f.authz.May(f.ctx, p, auth.ActionRead, f.repos[repo]); ok {
				want = append(want, repo)
			}
		}
		require.Equal(t, want, f.list(v), "Visible of %s", name)
	}
}

func TestRepositoryErrors(t *testing.T) {
	t.Parallel()
	f := setup(t)
	tests := []struct {
		principal, repo string
		act             auth.Action
		want            error // nil = allowed
	}{
		{"anonymous", "pub", auth.ActionRead, nil},
		{"anonymous", "pub", auth.ActionWrite, domain.ErrUnauthenticated},
		{"anonymous", "priv", auth.ActionRead, domain.ErrUnauthenticated},
		{"anonymous", "nosuch", auth.ActionRead, domain.ErrUnauthenticated},
		{"stranger", "priv", auth.ActionRead, domain.ErrNotFound},
		{"stranger", "nosuch", auth.ActionRead, domain.ErrNotFound},
		{"stranger", "pub", auth.ActionWrite, domain.ErrForbidden},
		{"reader", "priv", auth.ActionWrite, domain.ErrForbidden},
		{"writer", "priv", auth.ActionDelete, nil},
		{"writer", "priv", auth.ActionAdmin, domain.ErrForbidden},
		{"writer-other", "priv", auth.ActionRead, domain.ErrNotFound},
		{"writer-ro", "priv", auth.ActionWrite, domain.ErrForbidden},
		{"ci", "priv", auth.ActionWrite, nil},
		{"idle", "priv", auth.ActionRead, domain.ErrNotFound},
	}
	for _, tt := range tests {
		_, err := f.authz.Repository(f.ctx, f.p[tt.principal], tt.repo, tt.act)
		if tt.want == nil {
			require.NoError(t, err, "%s %s %s", tt.principal, tt.act, tt.repo)
			continue
		}
		require.ErrorIs(t, err, tt.want, "%s %s %s", tt.principal, tt.act, tt.repo)
	}
	// Hidden and absent give the same message.
	_, e1 := f.authz.Repository(f.ctx, f.p["stranger"], "priv", auth.ActionRead)
	require.NoError(t, f.q.DeleteRepository(f.ctx, f.repos["priv"].ID))
	_, e2 := f.authz.Repository(f.ctx, f.p["stranger"], "priv", auth.ActionRead)
	require.Equal(t, e1.Error(), e2.Error())
}

func TestAccountDecisions(t *testing.T) {
	t.Parallel()
	user := auth.Principal{Kind: auth.KindUser, ID: 1, Name: "u"}
	tok := func(p auth.Principal, scope string, repos ...string) auth.Principal {
		p.Token = &auth.TokenLimits{Write: scope != "read", Admin: scope == "admin", Repositories: repos}
		return p
	}
	adminP := user
	adminP.Admin = true
	svc := auth.Principal{Kind: auth.KindService, ID: 1, Name: "s"}
	tests := []struct {
		name                       string
		p                          auth.Principal
		manage, create, administer bool
	}{
		{"anonymous", auth.Anonymous(), false, false, false},
		{"user", user, true, true, false},
		{"user admin token", tok(user, "admin"), true, true, false},
		{"user rw token", tok(user, "write"), false, false, false},
		{"user ro token", tok(user, "read"), false, false, false},
		{"user repo token", tok(user, "admin", "x"), false, false, false},
		{"admin", adminP, true, true, true},
		{"admin admin token", tok(adminP, "admin"), true, true, true},
		{"admin rw token", tok(adminP, "write"), false, false, false},
		{"admin ro token", tok(adminP, "read"), false, false, false},
		{"admin repo token", tok(adminP, "admin", "x"), false, false, false},
		{"service", tok(svc, "admin"), false, false, false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.manage, auth.MayManageAccount(tt.p), tt.name)
		require.Equal(t, tt.create, auth.MayCreateRepository(tt.p), tt.name)
		require.Equal(t, tt.administer, auth.MayAdminister(tt.p), tt.name)
	}
}
