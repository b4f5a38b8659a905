// Package searchtest is the conformance suite every search.Index backend
// passes: ranking, visibility for every kind of principal, paging totals,
// deletes, repository updates, kinds and filters, unicode and special
// characters, rebuilds and option validation.
package searchtest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/search"
)

// Backend is one index under test over its own migrated database (the
// fixture's users, repositories and grants live there; backends outside
// Postgres resolve grants from it).
type Backend struct {
	Index search.Index
	Pool  *pgxpool.Pool
	// Refresh, if set, makes writes visible to searches (Elasticsearch's
	// refresh); the suite calls it after every write.
	Refresh func(t *testing.T)
}

// Run runs the suite; newBackend must give each call a fresh index and database.
func Run(t *testing.T, newBackend func(t *testing.T) Backend) {
	tests := map[string]func(t *testing.T, f *fixture){
		"Ranking":          testRanking,
		"Typo":             testTypo,
		"Visibility":       testVisibility,
		"Paging":           testPaging,
		"Deletes":          testDeletes,
		"RepositoryUpdate": testRepositoryUpdate,
		"KindsAndFilters":  testKindsAndFilters,
		"Unicode":          testUnicode,
		"SpecialChars":     testSpecialChars,
		"Rebuild":          testRebuild,
		"InvalidOptions":   testInvalidOptions,
		"TotalCap":         testTotalCap,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, newBackend(t)))
		})
	}
}

// fixture: four repositories, one per visibility case.
//
//	pub      files  public
//	own      pypi   private, owned by olivia
//	granted  docker private, read grant to gus and to service account ci
//	hidden   go     private, nobody's
//
// Users: ada (admin), olivia, gus, sam (no grant).
type fixture struct {
	Backend
	ctx   context.Context
	authz *auth.Authorizer
	users map[string]int64
	ci    int64
	repos map[string]gendb.Repository
	now   time.Time
}

func setup(t *testing.T, b Backend) *fixture {
	t.Helper()
	ctx := context.Background()
	q := gendb.New(b.Pool)
	f := &fixture{Backend: b, ctx: ctx, authz: auth.NewAuthorizer(b.Pool), users: map[string]int64{},
		repos: map[string]gendb.Repository{}, now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	for _, u := range []string{"ada", "olivia", "gus", "sam"} {
		row, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: u, Source: "local", IsAdmin: u == "ada"})
		require.NoError(t, err)
		f.users[u] = row.ID
	}
	sa, err := q.CreateServiceAccount(ctx, gendb.CreateServiceAccountParams{Name: "ci"})
	require.NoError(t, err)
	f.ci = sa.ID
	olivia := f.users["olivia"]
	for _, r := range []gendb.CreateRepositoryParams{
		{Name: "pub", Type: "files", Visibility: "public"},
		{Name: "own", Type: "pypi", Visibility: "private", OwnerID: &olivia},
		{Name: "granted", Type: "docker", Visibility: "private"},
		{Name: "hidden", Type: "go", Visibility: "private"},
	} {
		row, err := q.CreateRepository(ctx, r)
		require.NoError(t, err)
		f.repos[r.Name] = row
	}
	gus := f.users["gus"]
	require.NoError(t, q.UpsertUserPermission(ctx, gendb.UpsertUserPermissionParams{RepositoryID: f.repos["granted"].ID, UserID: &gus, Level: "read"}))
	require.NoError(t, q.UpsertServicePermission(ctx, gendb.UpsertServicePermissionParams{RepositoryID: f.repos["granted"].ID, ServiceAccountID: &f.ci, Level: "read"}))
	return f
}

// pkg is a package document in the named fixture repository.
func (f *fixture) pkg(repo, name string, id int64) search.Document {
	r := f.repos[repo]
	owner := ""
	if r.OwnerID != nil {
		owner = "olivia"
	}
	return search.Document{ID: search.PackageDocID(id), Kind: search.KindPackage, RepositoryID: r.ID,
		RepositoryName: r.Name, RepositoryType: r.Type, Visibility: r.Visibility, OwnerID: r.OwnerID,
		Owner: owner, Name: name, NormalizedName: name, Version: "1.0", UploadedBy: "olivia", UpdatedAt: f.now}
}

// file is a file document in the named fixture repository.
func (f *fixture) file(repo, path string) search.Document {
	d := f.pkg(repo, path[lastSlash(path)+1:], 0)
	d.ID, d.Kind, d.Path, d.NormalizedName, d.Version = search.FileDocID(d.RepositoryID, path), search.KindFile, path, d.Name, ""
	return d
}

// repo is the repository document of a fixture repository.
func (f *fixture) repo(name, description string) search.Document {
	d := f.pkg(name, name, 0)
	d.ID, d.Kind, d.Description, d.Version, d.UploadedBy = search.RepositoryDocID(d.RepositoryID), search.KindRepository, description, "", ""
	return d
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

func (f *fixture) upsert(t *testing.T, docs ...search.Document) {
	t.Helper()
	require.NoError(t, f.Index.Upsert(f.ctx, docs))
	f.refresh(t)
}

func (f *fixture) refresh(t *testing.T) {
	t.Helper()
	if f.Refresh != nil {
		f.Refresh(t)
	}
}

func (f *fixture) admin() auth.Visible { return auth.Visible{All: true} }

// visible asks the decision function what p may read.
func (f *fixture) visible(t *testing.T, p auth.Principal) auth.Visible {
	t.Helper()
	v, err := f.authz.Visible(f.ctx, p)
	require.NoError(t, err)
	return v
}

func (f *fixture) user(name string) auth.Principal {
	return auth.Principal{Kind: auth.KindUser, ID: f.users[name], Name: name, Admin: name == "ada"}
}

func (f *fixture) search(t *testing.T, o search.Options) search.Result {
	t.Helper()
	res, err := f.Index.Search(f.ctx, o)
	require.NoError(t, err)
	return res
}

func names(res search.Result) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.Name)
	}
	return out
}

func testRanking(t *testing.T, f *fixture) {
	f.upsert(t,
		f.repo("pub", "mirrors of nginx builds"),
		f.pkg("pub", "ngin", 1),        // fuzzy
		f.pkg("pub", "xnginxy", 2),     // substring
		f.pkg("pub", "my-nginx", 3),    // word
		f.pkg("pub", "nginx-proxy", 4), // prefix
		f.pkg("pub", "nginx", 5),       // exact
		f.pkg("pub", "apache", 6),      // no match
	)
	res := f.search(t, search.Options{Query: "NGINX", Visible: f.admin()})
	require.Equal(t, []string{"nginx", "nginx-proxy", "my-nginx", "xnginxy", "pub", "ngin"}, names(res))
	require.Equal(t, 6, res.Total)
	require.Equal(t, "name", res.Hits[0].Matched)
	require.Equal(t, "description", res.Hits[4].Matched)
}

func testTypo(t *testing.T, f *fixture) {
	f.upsert(t, f.pkg("pub", "nginx", 1), f.pkg("pub", "kubernetes", 2), f.pkg("pub", "redis", 3))
	require.Equal(t, []string{"nginx"}, names(f.search(t, search.Options{Query: "nginz", Visible: f.admin()})))
	require.Equal(t, []string{"kubernetes"}, names(f.search(t, search.Options{Query: "kubernets", Visible: f.admin()})))
	// Only one-word queries are fuzzy.
	require.Empty(t, names(f.search(t, search.Options{Query: "nginz redis", Visible: f.admin()})))
}

func testVisibility(t *testing.T, f *fixture) {
	f.upsert(t,
		f.file("pub", "dir/lib-pub.txt"),
		f.pkg("own", "lib-own", 1),
		f.pkg("granted", "lib-granted", 2),
		f.pkg("hidden", "lib-hidden", 3),
	)
	gus := f.user("gus")
	gus.Token = &auth.TokenLimits{Repositories: []string{"granted"}}
	olivia := f.user("olivia")
	olivia.Token = &auth.TokenLimits{Repositories: []string{"granted", "pub"}}
	cases := map[string]struct {
		p     auth.Principal
		guest bool
		want  []string
	}{
		"admin":                {p: f.user("ada"), want: []string{"lib-granted", "lib-hidden", "lib-own", "lib-pub.txt"}},
		"owner":                {p: f.user("olivia"), want: []string{"lib-own", "lib-pub.txt"}},
		"user with grant":      {p: f.user("gus"), want: []string{"lib-granted", "lib-pub.txt"}},
		"user without grant":   {p: f.user("sam"), want: []string{"lib-pub.txt"}},
		"service account":      {p: auth.Principal{Kind: auth.KindService, ID: f.ci, Name: "ci"}, want: []string{"lib-granted", "lib-pub.txt"}},
		"anonymous, guest on":  {p: auth.Anonymous(), guest: true, want: []string{"lib-pub.txt"}},
		"anonymous, guest off": {p: auth.Anonymous(), want: []string{}},
		"token limited":        {p: gus, want: []string{"lib-granted"}},
		"token beyond grants":  {p: olivia, want: []string{"lib-pub.txt"}},
	}
	q := gendb.New(f.Pool)
	for name, c := range cases {
		// The guest switch is instance-wide: each case reads it right after setting it.
		raw, _ := json.Marshal(c.guest)
		require.NoError(t, q.UpsertSetting(f.ctx, gendb.UpsertSettingParams{Key: auth.SettingGuestAccess, Value: raw}), name)
		v := f.visible(t, c.p)
		for _, query := range []string{"lib", "li", ""} { // trigram, short and empty queries
			res := f.search(t, search.Options{Query: query, Visible: v})
			got := names(res)
			slices.Sort(got)
			require.Equal(t, c.want, got, "%s, query %q", name, query)
			require.Equal(t, len(c.want), res.Total, "%s, query %q: total counts only what may be read", name, query)
		}
	}
}

func testPaging(t *testing.T, f *fixture) {
	var docs []search.Document
	for i := range 7 {
		docs = append(docs, f.pkg("pub", "page-"+string(rune('a'+i)), int64(i+1)))
	}
	docs = append(docs, f.pkg("hidden", "page-hidden", 100))
	f.upsert(t, docs...)
	sam := f.visible(t, f.user("sam"))
	var all []string
	for _, c := range []struct{ offset, n int }{{0, 3}, {3, 3}, {6, 1}, {9, 0}} {
		res := f.search(t, search.Options{Query: "page", Visible: sam, Limit: 3, Offset: c.offset})
		require.Len(t, res.Hits, c.n, "offset %d", c.offset)
		require.Equal(t, 7, res.Total, "offset %d", c.offset)
		all = append(all, names(res)...)
	}
	require.Equal(t, []string{"page-a", "page-b", "page-c", "page-d", "page-e", "page-f", "page-g"}, all)
	res := f.search(t, search.Options{Query: "pa", Visible: sam, Limit: 5, Offset: 5})
	require.Equal(t, []string{"page-f", "page-g"}, names(res))
	require.Equal(t, 7, res.Total)
}

func testDeletes(t *testing.T, f *fixture) {
	a, b := f.pkg("pub", "gone-a", 1), f.pkg("pub", "gone-b", 2)
	c := f.file("granted", "gone/c.bin")
	f.upsert(t, a, b, c, f.repo("granted", ""))
	require.NoError(t, f.Index.Delete(f.ctx, []string{a.ID, "p:424242"}))
	f.refresh(t)
	require.Equal(t, []string{"gone-b", "c.bin"}, names(f.search(t, search.Options{Query: "gone", Visible: f.admin()})))
	require.NoError(t, f.Index.DeleteRepository(f.ctx, f.repos["granted"].ID))
	f.refresh(t)
	require.Equal(t, []string{"gone-b"}, names(f.search(t, search.Options{Query: "gone", Visible: f.admin()})))
	require.Empty(t, names(f.search(t, search.Options{Query: "granted", Visible: f.admin()})))
	// Writes are idempotent: upserting twice keeps one document.
	f.upsert(t, b, b)
	require.Equal(t, 1, f.search(t, search.Options{Query: "gone", Visible: f.admin()}).Total)
}

func testRepositoryUpdate(t *testing.T, f *fixture) {
	f.upsert(t, f.pkg("pub", "movable", 1), f.file("pub", "a/movable.txt"))
	sam := f.visible(t, f.user("sam"))
	require.Equal(t, 2, f.search(t, search.Options{Query: "movable", Visible: sam}).Total)
	r := f.repos["pub"]
	require.NoError(t, f.Index.UpdateRepository(f.ctx, search.RepositoryFields{ID: r.ID, Name: "renamed", Type: r.Type, Visibility: "private"}))
	f.refresh(t)
	require.Equal(t, 0, f.search(t, search.Options{Query: "movable", Visible: sam}).Total)
	res := f.search(t, search.Options{Query: "movable", Visible: f.admin(), Repository: "renamed"})
	require.Equal(t, 2, res.Total)
	require.Equal(t, "private", res.Hits[0].Visibility)
	require.Equal(t, "renamed", res.Hits[1].RepositoryName)
}

func testKindsAndFilters(t *testing.T, f *fixture) {
	f.upsert(t,
		f.repo("pub", "shared things"),
		f.file("pub", "shared/shared.tar"),
		f.pkg("own", "shared-lib", 1),
		f.pkg("granted", "shared-img", 2),
	)
	admin := f.admin()
	byKind := func(k ...search.Kind) []string {
		got := names(f.search(t, search.Options{Query: "shared", Kinds: k, Visible: admin}))
		slices.Sort(got)
		return got
	}
	require.Equal(t, []string{"shared.tar"}, byKind(search.KindFile))
	require.Equal(t, []string{"shared-img", "shared-lib"}, byKind(search.KindPackage))
	require.Equal(t, []string{"pub"}, byKind(search.KindRepository))
	require.Equal(t, []string{"pub", "shared.tar"}, byKind(search.KindRepository, search.KindFile))
	require.Equal(t, []string{"shared-img"}, names(f.search(t, search.Options{Query: "shared", Types: []string{"docker"}, Visible: admin})))
	require.Equal(t, []string{"shared-lib"}, names(f.search(t, search.Options{Query: "shared", Repository: "own", Visible: admin})))
	require.Empty(t, names(f.search(t, search.Options{Query: "shared", Repository: "nope", Visible: admin})))
	// File paths match as well as names.
	hits := f.search(t, search.Options{Query: "shared/sh", Visible: admin}).Hits
	require.NotEmpty(t, hits)
	require.Equal(t, "shared/shared.tar", hits[0].Path)
	require.Equal(t, "path", hits[0].Matched)
}

func testUnicode(t *testing.T, f *fixture) {
	f.upsert(t, f.file("pub", "docs/Ünïcode-файл.txt"), f.pkg("pub", "日本語パッケージ", 1), f.pkg("pub", "plain", 2))
	admin := f.admin()
	require.Equal(t, []string{"Ünïcode-файл.txt"}, names(f.search(t, search.Options{Query: "ФАЙЛ", Visible: admin})))
	require.Equal(t, []string{"Ünïcode-файл.txt"}, names(f.search(t, search.Options{Query: "ünïcode", Visible: admin})))
	require.Equal(t, []string{"日本語パッケージ"}, names(f.search(t, search.Options{Query: "日本", Visible: admin})))
	require.Equal(t, []string{"日本語パッケージ"}, names(f.search(t, search.Options{Query: "パッケージ", Visible: admin})))
}

func testSpecialChars(t *testing.T, f *fixture) {
	f.upsert(t,
		f.file("pub", "100%_done[1].txt"),
		f.file("pub", "1000 done.txt"),
		f.file("pub", `back\slash*?.txt`),
		f.pkg("pub", "a.b+c", 1),
		f.pkg("pub", "aXb+c", 2),
	)
	admin := f.admin()
	// Wildcards and metacharacters are literal: the literal match ranks
	// first (fuzzy neighbours may follow), and a lone wildcard matches nothing.
	for q, want := range map[string]string{
		"100%_":    "100%_done[1].txt",
		"done[1]":  "100%_done[1].txt",
		`\slash*?`: `back\slash*?.txt`,
		"a.b+c":    "a.b+c",
	} {
		hits := f.search(t, search.Options{Query: q, Visible: admin}).Hits
		require.NotEmpty(t, hits, "query %q", q)
		require.Equal(t, want, hits[0].Name, "query %q", q)
	}
	for _, q := range []string{"%", "_", "*", "(unclosed", `"quoted"`} {
		require.Empty(t, names(f.search(t, search.Options{Query: q, Visible: admin})), "query %q", q)
	}
}

func testRebuild(t *testing.T, f *fixture) {
	f.upsert(t, f.pkg("pub", "stale-pkg", 1), f.pkg("pub", "kept-pkg", 2))
	err := f.Index.Rebuild(f.ctx, func(put func([]search.Document) error) error {
		if err := put([]search.Document{f.pkg("pub", "kept-pkg", 2)}); err != nil {
			return err
		}
		return put([]search.Document{f.pkg("pub", "new-pkg", 3)})
	})
	require.NoError(t, err)
	f.refresh(t)
	got := names(f.search(t, search.Options{Query: "pkg", Visible: f.admin()}))
	slices.Sort(got)
	require.Equal(t, []string{"kept-pkg", "new-pkg"}, got)
	// The index stays writable after a rebuild.
	f.upsert(t, f.pkg("pub", "after-pkg", 4))
	require.Equal(t, 3, f.search(t, search.Options{Query: "pkg", Visible: f.admin()}).Total)
}

func testTotalCap(t *testing.T, f *fixture) {
	docs := make([]search.Document, 0, search.MaxTotal+5)
	for i := range search.MaxTotal + 5 {
		docs = append(docs, f.pkg("pub", fmt.Sprintf("cap-%05d", i), int64(i+1)))
	}
	for len(docs) > 0 {
		n := min(len(docs), 2000)
		require.NoError(t, f.Index.Upsert(f.ctx, docs[:n]))
		docs = docs[n:]
	}
	f.refresh(t)
	for _, q := range []string{"cap", "ca", ""} {
		res := f.search(t, search.Options{Query: q, Visible: f.admin(), Limit: 2})
		require.Equal(t, search.MaxTotal, res.Total, "query %q: counting stops at the cap", q)
		require.True(t, res.TotalCapped, "query %q", q)
		require.Equal(t, []string{"cap-00000", "cap-00001"}, names(res), "query %q", q)
	}
	f.upsert(t, f.pkg("pub", "uncapped", 99999))
	res := f.search(t, search.Options{Query: "uncapped", Visible: f.admin()})
	require.Equal(t, 1, res.Total)
	require.False(t, res.TotalCapped)
}

func testInvalidOptions(t *testing.T, f *fixture) {
	for name, o := range map[string]search.Options{
		"limit too big":   {Limit: 501},
		"negative limit":  {Limit: -1},
		"negative offset": {Offset: -1},
		"unknown kind":    {Kinds: []search.Kind{"bogus"}},
		"NUL":             {Query: "a\x00b"},
		"invalid UTF-8":   {Query: "a\xffb"},
	} {
		_, err := f.Index.Search(f.ctx, o)
		require.ErrorIs(t, err, domain.ErrInvalid, name)
	}
}
