package search_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/search"
)

// exchange is one recorded Elasticsearch 7 REST request and its answer.
// Bodies are JSON values; an NDJSON request body (_bulk) is a list of its
// lines.
type exchange struct {
	Comment  string          `json:"comment,omitempty"`
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Body     json.RawMessage `json:"body,omitempty"`
	NDJSON   bool            `json:"ndjson,omitempty"`
	Status   int             `json:"status"`
	Response json.RawMessage `json:"response,omitempty"`
}

// recorded serves the exchanges of testdata/name in order, failing the
// test on any request that differs in method, path or JSON body.
type recorded struct {
	t    *testing.T
	mu   sync.Mutex
	next int
	want []exchange
}

func newRecorded(t *testing.T, name string) (*recorded, *httptest.Server) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	r := &recorded{t: t}
	require.NoError(t, json.Unmarshal(b, &r.want))
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		require.Equal(t, len(r.want), r.next, "every recorded exchange was requested")
	})
	return r, srv
}

func (r *recorded) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	body, _ := io.ReadAll(req.Body)
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	fail := func(format string, args ...any) {
		r.t.Errorf("exchange %d: "+format, append([]any{r.next}, args...)...)
		w.WriteHeader(http.StatusTeapot)
	}
	if r.next >= len(r.want) {
		fail("unexpected %s %s %s", req.Method, req.URL.RequestURI(), body)
		return
	}
	x := r.want[r.next]
	r.next++
	if req.Method != x.Method || req.URL.RequestURI() != x.Path {
		fail("got %s %s, recorded %s %s (%s)", req.Method, req.URL.RequestURI(), x.Method, x.Path, x.Comment)
		return
	}
	if got, want := normalizeBody(r.t, body, x.NDJSON), normalizeBody(r.t, x.Body, false); got != want {
		fail("%s %s (%s): body\n got %s\nwant %s", x.Method, x.Path, x.Comment, got, want)
		return
	}
	w.WriteHeader(x.Status)
	_, _ = w.Write(x.Response)
}

// normalizeBody re-encodes a JSON body (or NDJSON lines as a list) so
// key order and spacing do not matter.
func normalizeBody(t *testing.T, b []byte, ndjson bool) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	var v any
	if ndjson {
		var lines []any
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var l any
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Errorf("NDJSON line %q: %v", sc.Text(), err)
			}
			lines = append(lines, l)
		}
		v = lines
	} else if err := json.Unmarshal(b, &v); err != nil {
		t.Errorf("body %q: %v", b, err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// newRecordedElastic starts the backend against a recording; the suffix of
// rebuilt indices counts 000001, 000002...
func newRecordedElastic(t *testing.T, name string) (*search.Elastic, gendb.Repository) {
	t.Helper()
	_, srv := newRecorded(t, name)
	pool, _ := dbtest.NewPool(t)
	ctx := context.Background()
	q := gendb.New(pool)
	u, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: "gus", Source: "local"})
	require.NoError(t, err)
	repo, err := q.CreateRepository(ctx, gendb.CreateRepositoryParams{Name: "granted", Type: "docker", Visibility: "private"})
	require.NoError(t, err)
	require.NoError(t, q.UpsertUserPermission(ctx, gendb.UpsertUserPermissionParams{RepositoryID: repo.ID, UserID: &u.ID, Level: "read"}))
	n := 0
	e, err := search.NewElastic(ctx, search.ElasticConfig{URL: srv.URL, Suffix: func() string {
		n++
		return []string{"000001", "000002", "000003"}[n-1]
	}}, pool)
	require.NoError(t, err)
	return e, repo
}

var recordedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// TestElasticRecordedLifecycle drives the backend through start, writes,
// searches, repository updates and deletes, and a rebuild behind the
// alias, against ES 7.17 REST exchanges (testdata/elastic_lifecycle.json).
func TestElasticRecordedLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, repo := newRecordedElastic(t, "elastic_lifecycle.json")
	owner := int64(1)
	nginx := search.Document{ID: search.PackageDocID(1), Kind: search.KindPackage, RepositoryID: repo.ID,
		RepositoryName: "granted", RepositoryType: "docker", Visibility: "private", Name: "nginx",
		NormalizedName: "nginx", Version: "1.25", UploadedBy: "gus", UpdatedAt: recordedTime}
	readme := search.Document{ID: search.FileDocID(9, "docs/README.md"), Kind: search.KindFile, RepositoryID: 9,
		RepositoryName: "pub", RepositoryType: "files", Visibility: "public", OwnerID: &owner, Owner: "olivia",
		Name: "README.md", NormalizedName: "README.md", Path: "docs/README.md", UpdatedAt: recordedTime}
	require.NoError(t, e.Upsert(ctx, []search.Document{nginx, readme}))
	require.NoError(t, e.Refresh(ctx))

	gus := int64(1)
	res, err := e.Search(ctx, search.Options{Query: "NGINX", Visible: auth.Visible{Public: true, UserID: &gus}, Limit: 10})
	require.NoError(t, err)
	require.Equal(t, 1, res.Total)
	require.False(t, res.TotalCapped)
	require.Len(t, res.Hits, 1)
	require.Equal(t, nginx, res.Hits[0].Document)
	require.Equal(t, "name", res.Hits[0].Matched)

	res, err = e.Search(ctx, search.Options{Query: "re", Kinds: []search.Kind{search.KindFile}, Types: []string{"files"},
		Repository: "pub", Visible: auth.Visible{Public: false, Names: []string{"pub"}}, Offset: 50})
	require.NoError(t, err)
	require.Equal(t, 0, res.Total)
	require.Empty(t, res.Hits)

	res, err = e.Search(ctx, search.Options{Visible: auth.Visible{All: true}, Limit: 2})
	require.NoError(t, err)
	require.Equal(t, search.MaxTotal, res.Total)
	require.True(t, res.TotalCapped)
	require.Equal(t, []string{"nginx", "README.md"}, []string{res.Hits[0].Name, res.Hits[1].Name})

	require.NoError(t, e.UpdateRepository(ctx, search.RepositoryFields{ID: repo.ID, Name: "granted", Type: "docker", Visibility: "public", Owner: ""}))
	require.NoError(t, e.Delete(ctx, []string{readme.ID, "p:404"}))
	require.NoError(t, e.DeleteRepository(ctx, repo.ID))

	require.NoError(t, e.Rebuild(ctx, func(put func([]search.Document) error) error {
		return put([]search.Document{readme})
	}))
}

// TestElasticRecordedFailures: refusals and outages are errors, so the
// indexer keeps its outbox rows (testdata/elastic_failures.json).
func TestElasticRecordedFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, _ := newRecordedElastic(t, "elastic_failures.json")
	doc := search.Document{ID: "p:1", Kind: search.KindPackage, RepositoryID: 1, RepositoryName: "pub",
		RepositoryType: "pypi", Visibility: "public", Name: "x", NormalizedName: "x", UpdatedAt: recordedTime}
	err := e.Upsert(ctx, []search.Document{doc})
	require.ErrorContains(t, err, "mapper_parsing_exception", "a bulk answer with errors: true fails the batch")
	_, err = e.Search(ctx, search.Options{Query: "xyz", Visible: auth.Visible{All: true}})
	require.Error(t, err)
	require.ErrorContains(t, err, "search_phase_execution_exception")
	err = e.DeleteRepository(ctx, 1)
	require.ErrorContains(t, err, "index_not_found_exception")
}

// TestElasticRecordedStartRaceAndFailedRebuild: a node losing the race to
// create the first index starts normally, and a rebuild whose loading
// fails drops its new index without touching the alias
// (testdata/elastic_start_race.json).
func TestElasticRecordedStartRaceAndFailedRebuild(t *testing.T) {
	t.Parallel()
	e, _ := newRecordedElastic(t, "elastic_start_race.json")
	boom := errors.New("database gone")
	err := e.Rebuild(context.Background(), func(func([]search.Document) error) error { return boom })
	require.ErrorIs(t, err, boom)
}
