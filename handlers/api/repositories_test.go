package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

type repoPage struct {
	Total         int64
	Limit, Offset int
	Items         []struct {
		Name, Type, Description, Visibility, Owner, Access string
		Immutable                                          bool
	}
}

func (p repoPage) names() []string {
	var out []string
	for _, r := range p.Items {
		out = append(out, r.Name)
	}
	return out
}

func TestRepositoryLifecycle(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("alice", userPassword, false)
	seed.User("bob", userPassword, false)
	alice := bearer(seed.Token("alice", false, nil))
	bob := bearer(seed.Token("bob", false, nil))

	// Creation validates, defaults to private and makes the caller owner.
	var created struct{ Name, Type, Visibility, Owner, Access string }
	expect(t, n, alice, "POST", "/api/v1/repositories", `{"name":"images","type":"docker","description":"base images"}`, 201).json(t, &created)
	require.Equal(t, "private", created.Visibility)
	require.Equal(t, "alice", created.Owner)
	require.Equal(t, "admin", created.Access)
	expect(t, n, alice, "POST", "/api/v1/repositories", `{"name":"images","type":"files"}`, 409)
	for _, body := range []string{
		`{"name":"v2","type":"docker"}`, `{"name":"api","type":"files"}`, `{"name":"_catalog","type":"files"}`,
		`{"name":"Upper","type":"files"}`, `{"name":"a..b","type":"files"}`, `{"name":"ok","type":"maven"}`,
		`{"name":"ok","type":"files","visibility":"internal"}`, `{"name":"ok","type":"files","owner":"bob"}`,
	} {
		expect(t, n, alice, "POST", "/api/v1/repositories", body, 400)
	}

	// bob cannot see it until granted; then sees his access level.
	expect(t, n, bob, "GET", "/api/v1/repositories/images", "", 404)
	var grant struct{ Principal, Level string }
	expect(t, n, alice, "PUT", "/api/v1/repositories/images/permissions/user:bob", `{"level":"read"}`, 200).json(t, &grant)
	require.Equal(t, "user:bob", grant.Principal)
	var got struct{ Access, Owner string }
	expect(t, n, bob, "GET", "/api/v1/repositories/images", "", 200).json(t, &got)
	require.Equal(t, "read", got.Access)
	require.Equal(t, "alice", got.Owner)
	expect(t, n, bob, "PATCH", "/api/v1/repositories/images", `{"visibility":"public"}`, 403)
	// Generated clients percent-encode the colon.
	expect(t, n, alice, "PUT", "/api/v1/repositories/images/permissions/user%3Abob", `{"level":"admin"}`, 200)
	expect(t, n, alice, "PUT", "/api/v1/repositories/images/permissions/user:nobody", `{"level":"read"}`, 404)
	expect(t, n, alice, "PUT", "/api/v1/repositories/images/permissions/service:nobody", `{"level":"read"}`, 404)
	expect(t, n, alice, "PUT", "/api/v1/repositories/images/permissions/group:x", `{"level":"read"}`, 400)
	expect(t, n, alice, "PUT", "/api/v1/repositories/images/permissions/user:bob", `{"level":"owner"}`, 400)
	seed.ServiceAccount("ci")
	expect(t, n, bob, "PUT", "/api/v1/repositories/images/permissions/service:ci", `{"level":"write"}`, 200)
	var page listPage[struct{ Principal, Level string }]
	expect(t, n, bob, "GET", "/api/v1/repositories/images/permissions", "", 200).json(t, &page)
	require.Equal(t, int64(2), page.Total)
	grants := page.Items
	require.Len(t, grants, 2)
	require.Equal(t, "user:bob", grants[0].Principal)
	require.Equal(t, "admin", grants[0].Level)
	require.Equal(t, "service:ci", grants[1].Principal)
	expect(t, n, bob, "GET", "/api/v1/repositories/images/permissions?limit=1&offset=1", "", 200).json(t, &page)
	require.Equal(t, int64(2), page.Total)
	require.Len(t, page.Items, 1)
	require.Equal(t, "service:ci", page.Items[0].Principal)

	// A repository admin changes settings; name and type are not settings.
	var upd struct {
		Visibility, Description string
		Immutable               bool
	}
	expect(t, n, bob, "PATCH", "/api/v1/repositories/images", `{"visibility":"public","immutable":true}`, 200).json(t, &upd)
	require.Equal(t, "public", upd.Visibility)
	require.True(t, upd.Immutable)
	require.Equal(t, "base images", upd.Description)
	expect(t, n, bob, "PATCH", "/api/v1/repositories/images", `{"name":"renamed"}`, 400)
	expect(t, n, bob, "PATCH", "/api/v1/repositories/images", `{"type":"files"}`, 400)
	expect(t, n, cred{}, "GET", "/api/v1/repositories/images", "", 200)

	expect(t, n, bob, "DELETE", "/api/v1/repositories/images/permissions/service:ci", "", 204)
	expect(t, n, bob, "DELETE", "/api/v1/repositories/images/permissions/service:ci", "", 404)
	expect(t, n, bob, "DELETE", "/api/v1/repositories/images/permissions/user:bob", "", 204)
	// bob removed his own admin grant: the repository is public, so he still
	// reads it, but may no longer administer it.
	expect(t, n, bob, "DELETE", "/api/v1/repositories/images", "", 403)
	expect(t, n, alice, "DELETE", "/api/v1/repositories/images", "", 204)
	expect(t, n, alice, "GET", "/api/v1/repositories/images", "", 404)
}

func TestListRepositories(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("owner", userPassword, false)
	seed.User("viewer", userPassword, false)
	types := []string{"docker", "pypi", "go", "files"}
	for i := range 12 { // repo-00 ... repo-11; 0, 3, 6, 9 private
		vis := "public"
		if i%3 == 0 {
			vis = "private"
		}
		seed.Repo(fmt.Sprintf("repo-%02d", i), types[i%4], vis, "owner")
	}
	seed.Grant("repo-03", "viewer", false, "read")
	owner := bearer(seed.Token("owner", false, nil))
	viewer := bearer(seed.Token("viewer", false, nil))
	expect(t, n, owner, "POST", "/api/v1/repositories", `{"name":"tools","type":"files","visibility":"public","description":"Build tools, 100% with_underscores"}`, 201)

	list := func(c cred, query string) repoPage {
		t.Helper()
		var p repoPage
		expect(t, n, c, "GET", "/api/v1/repositories"+query, "", 200).json(t, &p)
		return p
	}
	require.EqualValues(t, 9, list(cred{}, "").Total)
	require.EqualValues(t, 10, list(viewer, "").Total)
	require.EqualValues(t, 13, list(owner, "").Total)
	require.EqualValues(t, 13, list(admin, "").Total)
	require.Contains(t, list(viewer, "").names(), "repo-03")
	require.NotContains(t, list(viewer, "").names(), "repo-06")

	require.Equal(t, []string{"repo-04", "repo-08"}, list(cred{}, "?type=docker").names())
	require.Equal(t, []string{"repo-00", "repo-04", "repo-08"}, list(owner, "?type=docker").names())
	require.Equal(t, []string{"repo-10", "repo-11"}, list(cred{}, "?q=repo-1").names())
	require.Equal(t, []string{"tools"}, list(cred{}, "?q=TOOLS").names())
	// LIKE wildcards in q are literal characters.
	require.Equal(t, []string{"tools"}, list(cred{}, "?q=%25").names())
	require.Equal(t, []string{"tools"}, list(cred{}, "?q=_").names())
	require.Equal(t, []string{"tools"}, list(cred{}, "?q=tools&type=files").names())
	require.Empty(t, list(cred{}, "?q=tools&type=go").Items)

	// Pages: limit/offset, ordered by name, each with the total.
	all := list(owner, "?limit=500").names()
	require.Len(t, all, 13)
	var paged []string
	for off := 0; off < 13; off += 5 {
		p := list(owner, fmt.Sprintf("?limit=5&offset=%d", off))
		require.EqualValues(t, 13, p.Total)
		require.Equal(t, 5, p.Limit)
		require.Equal(t, off, p.Offset)
		paged = append(paged, p.names()...)
	}
	require.Equal(t, all, paged)
	require.Equal(t, 50, list(owner, "").Limit)
	expect(t, n, owner, "GET", "/api/v1/repositories?limit=0", "", 400)
	expect(t, n, owner, "GET", "/api/v1/repositories?limit=501", "", 400)
	expect(t, n, owner, "GET", "/api/v1/repositories?offset=-1", "", 400)
	expect(t, n, owner, "GET", "/api/v1/repositories?type=maven", "", 400)

	// A token limited to repositories lists only those (and only what its owner may read).
	limited := bearer(seed.Token("viewer", false, []string{"read"}, "repo-01", "repo-03", "repo-06"))
	require.Equal(t, []string{"repo-01", "repo-03"}, list(limited, "").names())
}

// TestCreateRepositoryRules: any user may create a repository, a service
// account may not; names follow the server's grammar (one OCI path
// component of at most 64 characters, no reserved word) and a refusal
// names the rule it broke.
func TestCreateRepositoryRules(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("plain", userPassword, false)
	seed.User("owner", userPassword, false)
	seed.Repo("shared", "files", "private", "owner")
	user := basic("plain", userPassword)
	seed.ServiceAccount("ci")
	svc := bearer(seed.Token("ci", true, []string{"write", "admin"}))

	long := strings.Repeat("a", 64)
	expect(t, n, user, "POST", "/api/v1/repositories", `{"name":"`+long+`","type":"files"}`, 201)
	expect(t, n, user, "POST", "/api/v1/repositories", `{"name":"my-repo.v_1__x","type":"docker"}`, 201)

	for body, rule := range map[string]string{
		// The spec's schema (maxLength, pattern) refuses these first.
		`{"name":"` + long + `a","type":"files"}`: "64",
		`{"name":"Caps","type":"files"}`:          "^[a-z0-9]+",
		`{"name":"-dash","type":"files"}`:         "^[a-z0-9]+",
		`{"name":"a/b","type":"files"}`:           "^[a-z0-9]+",
		`{"name":"v2","type":"docker"}`:           "reserved",
		`{"name":"admin","type":"files"}`:         "collide",
	} {
		require.Contains(t, problemDetail(t, call(t, n, user, "POST", "/api/v1/repositories", body), 400), rule, body)
	}
	detail := problemDetail(t, call(t, n, svc, "POST", "/api/v1/repositories", `{"name":"by-robot","type":"files"}`), 403)
	require.Contains(t, detail, "service accounts cannot create repositories")
	expect(t, n, admin, "GET", "/api/v1/repositories/by-robot", "", 404)
}
