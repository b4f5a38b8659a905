package api_test

import (
	"archive/tar"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/testtool"
)

// searchHit is the part of an API search hit the tests look at.
type searchHit struct {
	Kind, Repository, RepositoryType, Name, Version, Path, Description, Owner, UploadedBy, Highlight string
}

type searchPage struct {
	Items         []searchHit
	Total         int64
	TotalCapped   bool
	Limit, Offset int
}

// searchAs runs GET /api/v1/search with query parameters and requires 200.
func searchAs(t *testing.T, n *apptest.Node, c cred, params url.Values) searchPage {
	t.Helper()
	var p searchPage
	expect(t, n, c, "GET", "/api/v1/search?"+params.Encode(), "", http.StatusOK).json(t, &p)
	return p
}

// hitKeys names each hit as kind:repository/name-or-path, for comparisons.
func hitKeys(p searchPage) []string {
	out := make([]string, len(p.Items))
	for i, h := range p.Items {
		what := h.Name
		if h.Path != "" {
			what = h.Path
		}
		out[i] = h.Kind + ":" + h.Repository + "/" + what
	}
	return out
}

// eventually polls until the search for c and params answers exactly want
// (as hitKeys, in any order): the indexer applies the outbox within about
// a second of a commit.
func eventually(t *testing.T, n *apptest.Node, c cred, params url.Values, want ...string) searchPage {
	t.Helper()
	var last searchPage
	want = slices.Sorted(slices.Values(want))
	poll(t, func() bool {
		last = searchAs(t, n, c, params)
		return slices.Equal(want, slices.Sorted(slices.Values(hitKeys(last))))
	}, func() string {
		return fmt.Sprintf("search %s: want %v, still %v", params.Encode(), want, hitKeys(last))
	})
	return last
}

// poll checks cond every 50 ms until it holds, failing with what() after
// 20 s.
func poll(t *testing.T, cond func() bool, what func() string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(what())
		}
		<-tick.C
	}
}

func qs(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// TestSearchEndToEnd: repositories created through the API, an image
// pushed with crane and files PUT through the raw protocol are found once
// the indexer drains the outbox; private ones are invisible to anonymous
// callers and users without a grant (in items and totals); a visibility
// change, a file delete and a repository delete are reflected.
func TestSearchEndToEnd(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("alice", userPassword, false)
	seed.User("bob", userPassword, false)
	alice, bob, anon := basic("alice", userPassword), basic("bob", userPassword), cred{}

	expect(t, n, alice, "POST", "/api/v1/repositories", `{"name":"shop-public","type":"files","visibility":"public","description":"Storefront releases"}`, http.StatusCreated)
	expect(t, n, alice, "POST", "/api/v1/repositories", `{"name":"shop-secret","type":"files","visibility":"private"}`, http.StatusCreated)
	expect(t, n, alice, "POST", "/api/v1/repositories", `{"name":"shop-images","type":"docker","visibility":"private"}`, http.StatusCreated)
	for _, f := range []string{"shop-public/docs/report-2026.pdf", "shop-secret/q3/report-q3.txt"} {
		r := send(t, n, alice, "PUT", "/api/files/"+f, "content of "+f)
		require.Equal(t, http.StatusCreated, r.StatusCode, "%s", r.body)
	}

	// A real client: crane pushes an image into the private docker repository.
	crane := testtool.Path(t, "crane")
	dir := t.TempDir()
	env := append(os.Environ(), "HOME="+dir, "DOCKER_CONFIG="+filepath.Join(dir, ".docker"))
	runTool := func(args ...string) {
		t.Helper()
		cmd := exec.Command(crane, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "crane %s:\n%s", strings.Join(args, " "), out)
	}
	runTool("auth", "login", n.Addr, "-u", "alice", "-p", userPassword)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "layer.tar"), tarOf(t, "index.html", "<h1>shop</h1>"), 0o644))
	runTool("append", "--insecure", "-f", "layer.tar", "-t", n.Addr+"/shop-images/storefront:v1")

	// Repositories by name and description, each caller seeing what it may read.
	eventually(t, n, admin, qs("q", "shop", "kind", "repository"),
		"repository:shop-public/shop-public", "repository:shop-secret/shop-secret", "repository:shop-images/shop-images")
	eventually(t, n, alice, qs("q", "shop", "kind", "repository"),
		"repository:shop-public/shop-public", "repository:shop-secret/shop-secret", "repository:shop-images/shop-images")
	p := searchAs(t, n, bob, qs("q", "shop", "kind", "repository"))
	require.Equal(t, []string{"repository:shop-public/shop-public"}, hitKeys(p))
	require.EqualValues(t, 1, p.Total, "private repositories are not counted either")
	limited := bearer(seed.Token("alice", false, []string{"read"}, "shop-public"))
	p = searchAs(t, n, limited, qs("q", "shop"))
	require.Equal(t, []string{"repository:shop-public/shop-public"}, hitKeys(p), "a token limited to one repository searches only that one")
	p = searchAs(t, n, anon, qs("q", "storefront releases"))
	require.Equal(t, []string{"repository:shop-public/shop-public"}, hitKeys(p))
	require.Equal(t, "description", p.Items[0].Highlight)
	require.Equal(t, "alice", p.Items[0].Owner)

	// The image pushed by crane is a package hit, for its owner only.
	p = eventually(t, n, alice, qs("q", "storefront", "kind", "package"), "package:shop-images/storefront")
	require.Equal(t, "docker", p.Items[0].RepositoryType)
	require.Equal(t, "v1", p.Items[0].Version)
	require.Equal(t, "alice", p.Items[0].UploadedBy)
	p = searchAs(t, n, bob, qs("q", "storefront", "kind", "package"))
	require.Empty(t, p.Items)
	require.Zero(t, p.Total)
	p = searchAs(t, n, alice, qs("q", "storefront", "type", "files"))
	require.Equal(t, []string{"repository:shop-public/shop-public"}, hitKeys(p), "the type filter leaves out docker repositories")

	// Files by name; kind and repository filters.
	eventually(t, n, admin, qs("q", "report", "kind", "file"),
		"file:shop-public/docs/report-2026.pdf", "file:shop-secret/q3/report-q3.txt")
	p = searchAs(t, n, anon, qs("q", "report"))
	require.Equal(t, []string{"file:shop-public/docs/report-2026.pdf"}, hitKeys(p))
	require.EqualValues(t, 1, p.Total)
	require.Equal(t, "alice", p.Items[0].UploadedBy)
	p = searchAs(t, n, alice, qs("q", "report", "repository", "shop-secret"))
	require.Equal(t, []string{"file:shop-secret/q3/report-q3.txt"}, hitKeys(p))

	// The private repository turns public: anonymous callers find its file.
	expect(t, n, alice, "PATCH", "/api/v1/repositories/shop-secret", `{"visibility":"public"}`, http.StatusOK)
	eventually(t, n, anon, qs("q", "report"), "file:shop-public/docs/report-2026.pdf", "file:shop-secret/q3/report-q3.txt")

	// A file moved and a file deleted.
	expect(t, n, alice, "POST", "/api/v1/repositories/shop-secret/files/move", `{"from":"q3","to":"archive/q3"}`, http.StatusOK)
	eventually(t, n, anon, qs("q", "report"), "file:shop-public/docs/report-2026.pdf", "file:shop-secret/archive/q3/report-q3.txt")
	r := send(t, n, alice, "DELETE", "/api/files/shop-public/docs/report-2026.pdf", "")
	require.Equal(t, http.StatusNoContent, r.StatusCode, "%s", r.body)
	eventually(t, n, anon, qs("q", "report"), "file:shop-secret/archive/q3/report-q3.txt")

	// A deleted repository takes its documents along.
	expect(t, n, alice, "DELETE", "/api/v1/repositories/shop-secret", "", http.StatusNoContent)
	eventually(t, n, admin, qs("q", "report"))
	eventually(t, n, admin, qs("q", "shop", "kind", "repository"),
		"repository:shop-public/shop-public", "repository:shop-images/shop-images")

	// Repositories match their owner's name, until the owner is deleted.
	eventually(t, n, admin, qs("q", "alice", "kind", "repository"),
		"repository:shop-public/shop-public", "repository:shop-images/shop-images")
	expect(t, n, admin, "DELETE", "/api/v1/admin/users/alice", "", http.StatusNoContent)
	eventually(t, n, admin, qs("q", "alice", "kind", "repository"))

	// Guest access off: anonymous search is refused like every listing.
	expect(t, n, admin, "PUT", "/api/v1/admin/settings", `{"guestAccess":false}`, http.StatusOK)
	r = call(t, n, anon, "GET", "/api/v1/search?q=shop", "")
	require.Equal(t, http.StatusUnauthorized, r.StatusCode, "%s", r.body)
}

// TestSearchBadInput: invalid parameters are 400 problem JSON, never 500.
func TestSearchBadInput(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	for _, q := range []string{
		"",                              // q missing
		"q=a&limit=0",                   // limit out of range
		"q=a&limit=501",                 // limit out of range
		"q=a&offset=-1",                 // negative offset
		"q=a&kind=image",                // unknown kind
		"q=a&type=npm",                  // unknown type
		"q=" + strings.Repeat("x", 257), // too long
		"q=a%00b",                       // NUL
	} {
		r := call(t, n, admin, "GET", "/api/v1/search?"+q, "")
		require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s: %s", q, r.body)
		require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), q)
	}
}

// TestSearchIndexOutageLosesNothing: while the index refuses writes (its
// table renamed away), a change waits in the outbox; once the index is
// back, the indexer applies it.
func TestSearchIndexOutageLosesNothing(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	expect(t, n, admin, "POST", "/api/v1/repositories", `{"name":"outage","type":"files","visibility":"public"}`, http.StatusCreated)
	eventually(t, n, admin, qs("q", "outage", "kind", "repository"), "repository:outage/outage")

	sql(t, n, `ALTER TABLE search_documents RENAME TO search_documents_away`)
	r := send(t, n, admin, "PUT", "/api/files/outage/kept-during-outage.txt", "x")
	require.Equal(t, http.StatusCreated, r.StatusCode, "%s", r.body)
	// Wait until the indexer has tried and failed at least once.
	poll(t, func() bool { return strings.Contains(n.Logs(), "search indexer: batch failed") },
		func() string { return "the indexer never failed:\n" + n.Logs() })
	var backlog int64
	queryRow(t, n, `SELECT count(*) FROM search_outbox`, nil, &backlog)
	require.Positive(t, backlog, "the change stays in the outbox while the index fails")

	sql(t, n, `ALTER TABLE search_documents_away RENAME TO search_documents`)
	eventually(t, n, admin, qs("q", "kept-during", "kind", "file"), "file:outage/kept-during-outage.txt")
	queryRow(t, n, `SELECT count(*) FROM search_outbox`, nil, &backlog)
	require.Zero(t, backlog)
}

// tarOf builds a one-file tar layer.
func tarOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}))
	_, err := tw.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

// TestSearchElasticsearchDown: a node configured for an Elasticsearch that
// does not answer starts and serves everything else; search answers 503
// problem JSON and changes wait in the outbox.
func TestSearchElasticsearchDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now: connections are refused
	n := apptest.Start(t, apptest.Options{Env: map[string]string{"ELASTICSEARCH_URL": "http://" + addr}})

	expect(t, n, admin, "POST", "/api/v1/repositories", `{"name":"waiting","type":"files"}`, http.StatusCreated)
	r := call(t, n, admin, "GET", "/api/v1/search?q=waiting", "")
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode, "%s", r.body)
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	var backlog int64
	queryRow(t, n, `SELECT count(*) FROM search_outbox`, nil, &backlog)
	require.Positive(t, backlog)
}
