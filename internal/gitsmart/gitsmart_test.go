package gitsmart_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gitsmart"
	"github.com/kodera-packages/kodera/internal/gitstore"
)

var (
	_ gitsmart.Applier    = (*gitstore.Storer)(nil)
	_ gitsmart.Prefetcher = (*gitstore.Storer)(nil)
)

// server is a git smart-HTTP server over one gitstore repository, wired as
// handlers/git will wire it, plus counters the tests assert on.
type server struct {
	*httptest.Server
	pool     *pgxpool.Pool
	dbURL    string
	id       int64
	validate atomic.Pointer[gitsmart.Validator]
	probes   atomic.Int32 // receive-pack bodies that were just "0000"
	applied  sync.Map     // ref name -> new value, as ReceivePack returned them
	rounds   atomic.Int32 // upload-pack POSTs
}

func newServer(t *testing.T) *server {
	t.Helper()
	pool, url := dbtest.NewPool(t)
	ctx := context.Background()
	var repoID int64
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO repositories (name, type) VALUES ('go', 'go') RETURNING id`).Scan(&repoID))
	id, err := gitstore.Create(ctx, pool, repoID, "example.com/mod")
	require.NoError(t, err)
	return serve(t, pool, url, id)
}

// secondNode serves the same git repository from another pool on the same
// database: another node sharing only Postgres.
func (s *server) secondNode(t *testing.T) *server {
	t.Helper()
	pool, err := db.Open(context.Background(), s.dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return serve(t, pool, s.dbURL, s.id)
}

func serve(t *testing.T, pool *pgxpool.Pool, url string, id int64) *server {
	t.Helper()
	s := &server{pool: pool, id: id, dbURL: url}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /repo.git/info/refs", func(w http.ResponseWriter, r *http.Request) {
		svc, err := gitsmart.ParseService(r.URL.Query().Get("service"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		st, err := gitstore.Open(r.Context(), pool, id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", gitsmart.AdvertisementContentType(svc))
		w.Header().Set("Cache-Control", "no-cache")
		if err := gitsmart.AdvertiseRefs(r.Context(), w, st, svc, gitsmart.Options{}); err != nil {
			t.Errorf("advertise: %v", err)
		}
	})
	post := func(svc gitsmart.Service, serve func(ctx context.Context, st *gitstore.Storer, body io.Reader, w io.Writer) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, err := gitsmart.RequestBody(r)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			st, err := gitstore.Open(r.Context(), pool, id)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", gitsmart.ResultContentType(svc))
			if err := serve(r.Context(), st, body, w); err != nil {
				if errors.Is(err, domain.ErrInvalid) {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				t.Errorf("%s: %v", svc, err)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}
	}
	mux.HandleFunc("POST /repo.git/git-upload-pack", post(gitsmart.UploadPackService, func(ctx context.Context, st *gitstore.Storer, body io.Reader, w io.Writer) error {
		s.rounds.Add(1)
		return gitsmart.UploadPack(ctx, st, body, w, gitsmart.Options{})
	}))
	mux.HandleFunc("POST /repo.git/git-receive-pack", post(gitsmart.ReceivePackService, func(ctx context.Context, st *gitstore.Storer, body io.Reader, w io.Writer) error {
		b, err := io.ReadAll(body) // small test pushes; lets the test see the probe
		if err != nil {
			return err
		}
		if string(b) == "0000" {
			s.probes.Add(1)
		}
		var v gitsmart.Validator
		if p := s.validate.Load(); p != nil {
			v = *p
		}
		applied, err := gitsmart.ReceivePack(ctx, st, bytes.NewReader(b), w, v, gitsmart.Options{})
		for _, u := range applied {
			s.applied.Store(u.Name, u.New)
		}
		return err
	}))
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *server) url() string { return s.URL + "/repo.git" }

// ref returns a ref's value on the server, zero if absent.
func (s *server) ref(t *testing.T, name string) plumbing.Hash {
	t.Helper()
	st, err := gitstore.Open(context.Background(), s.pool, s.id)
	require.NoError(t, err)
	r, err := st.Reference(plumbing.ReferenceName(name))
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash
	}
	require.NoError(t, err)
	return r.Hash()
}

// gitHome is an isolated HOME with a git identity and main as default
// branch.
func gitHome(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("the git CLI is required: %v", err)
	}
	home := t.TempDir()
	cfg := "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
	require.NoError(t, os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o600))
	return home
}

// git runs the git CLI in dir and returns its combined output.
func git(t *testing.T, home, dir string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"), "GIT_TERMINAL_PROMPT=0",
		"GIT_CONFIG_NOSYSTEM=1", "LANG=C", "LC_ALL=C",
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustGit is git that must succeed.
func mustGit(t *testing.T, home, dir string, args ...string) string {
	t.Helper()
	out, err := git(t, home, dir, args...)
	require.NoError(t, err, "git %s:\n%s", strings.Join(args, " "), out)
	return strings.TrimSpace(out)
}

// commitFile writes name=content in the work tree and commits it.
func commitFile(t *testing.T, home, dir, name, content string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	mustGit(t, home, dir, "add", name)
	mustGit(t, home, dir, "commit", "-q", "-m", "change "+name)
	return mustGit(t, home, dir, "rev-parse", "HEAD")
}

func clone(t *testing.T, home string, s *server, extra ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "c")
	args := append(append([]string{}, extra...), "clone", "-q", s.url(), dir)
	mustGit(t, home, t.TempDir(), args...)
	return dir
}

func TestCloneEmptyPushTagsCloneAgain(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	home := gitHome(t)

	a := clone(t, home, s) // empty repository
	commitFile(t, home, a, "go.mod", "module example.com/mod\n")
	commitFile(t, home, a, "sub/dir/a.go", "package dir\n")
	mustGit(t, home, a, "tag", "-a", "v1.0.0", "-m", "release 1.0.0")
	head := commitFile(t, home, a, "b.go", "package mod\n")
	mustGit(t, home, a, "tag", "v1.0.1") // lightweight
	mustGit(t, home, a, "push", "-q", "origin", "main", "--tags")

	require.Equal(t, head, s.ref(t, "refs/heads/main").String())
	require.Equal(t, head, s.ref(t, "refs/tags/v1.0.1").String())

	// The advertisement peels the annotated tag.
	ls := mustGit(t, home, a, "ls-remote", s.url())
	v100 := mustGit(t, home, a, "rev-parse", "v1.0.0^{commit}")
	require.Contains(t, ls, v100+"\trefs/tags/v1.0.0^{}")
	require.Contains(t, ls, head+"\tHEAD")

	for _, proto := range []string{"0", "2"} {
		t.Run("protocol v"+proto, func(t *testing.T) {
			b := clone(t, home, s, "-c", "protocol.version="+proto)
			require.Equal(t, mustGit(t, home, a, "rev-parse", "HEAD^{tree}"), mustGit(t, home, b, "rev-parse", "HEAD^{tree}"))
			require.Equal(t, head, mustGit(t, home, b, "rev-parse", "HEAD"))
			require.Equal(t, mustGit(t, home, a, "rev-parse", "v1.0.0"), mustGit(t, home, b, "rev-parse", "v1.0.0"), "annotated tag object cloned")
			require.Equal(t, "tag", mustGit(t, home, b, "cat-file", "-t", "v1.0.0"))
			require.Equal(t, head, mustGit(t, home, b, "rev-parse", "v1.0.1"))
			mustGit(t, home, b, "fsck", "--strict")
		})
	}

	// A shallow clone gets one commit and a complete tree.
	shallow := filepath.Join(t.TempDir(), "shallow")
	mustGit(t, home, t.TempDir(), "clone", "-q", "--depth", "1", s.url(), shallow)
	require.Equal(t, "1", mustGit(t, home, shallow, "rev-list", "--count", "HEAD"))
	require.Equal(t, head, mustGit(t, home, shallow, "rev-parse", "HEAD"))
	require.FileExists(t, filepath.Join(shallow, "sub/dir/a.go"))
	mustGit(t, home, shallow, "fsck")
	// ...and deepens on request: the old boundary is unshallowed, its
	// parents sent.
	mustGit(t, home, shallow, "fetch", "-q", "--depth", "2")
	require.Equal(t, "2", mustGit(t, home, shallow, "rev-list", "--count", "HEAD"))
	mustGit(t, home, shallow, "fsck")
	// A plain fetch into the shallow clone brings a new commit and keeps it
	// shallow.
	newer := commitFile(t, home, a, "c.go", "package mod\n")
	mustGit(t, home, a, "push", "-q", "origin", "main")
	mustGit(t, home, shallow, "fetch", "-q", "origin")
	require.Equal(t, newer, mustGit(t, home, shallow, "rev-parse", "origin/main"))
	require.Equal(t, "3", mustGit(t, home, shallow, "rev-list", "--count", "origin/main"))
	mustGit(t, home, shallow, "fsck")
	mustGit(t, home, shallow, "fetch", "-q", "--unshallow")
	require.Equal(t, "4", mustGit(t, home, shallow, "rev-list", "--count", "origin/main"))
	mustGit(t, home, shallow, "fsck", "--strict")
}

// TestFetchWithManyLocalCommits is the haves case: the fetching clone has
// 40 commits the server never saw, so negotiation takes several rounds of
// have lines before git says done.
func TestFetchWithManyLocalCommits(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	home := gitHome(t)
	a := clone(t, home, s)
	for i := range 3 {
		commitFile(t, home, a, fmt.Sprintf("f%d.txt", i), fmt.Sprint(i))
	}
	mustGit(t, home, a, "push", "-q", "origin", "main")

	for _, proto := range []string{"0", "2"} {
		b := clone(t, home, s)
		mustGit(t, home, b, "checkout", "-q", "-b", "local")
		for i := range 40 {
			commitFile(t, home, b, "local.txt", fmt.Sprint(i))
		}
		want := commitFile(t, home, a, "new-"+proto+".txt", proto)
		mustGit(t, home, a, "push", "-q", "origin", "main")

		before := s.rounds.Load()
		out := mustGit(t, home, b, "-c", "protocol.version="+proto, "fetch", "origin")
		require.Equal(t, want, mustGit(t, home, b, "rev-parse", "origin/main"), out)
		mustGit(t, home, b, "fsck", "--strict")
		require.GreaterOrEqual(t, s.rounds.Load()-before, int32(2), "haves were negotiated over more than one round")
		// The server found the common commit: the fetch brought only the new
		// commit's objects, not the whole history again.
		require.Equal(t, mustGit(t, home, a, "rev-parse", "main~1"), mustGit(t, home, b, "merge-base", "origin/main", "local"))
	}
}

func TestRefusedPush(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	home := gitHome(t)
	a := clone(t, home, s)
	base := commitFile(t, home, a, "go.mod", "module example.com/mod\n")
	mustGit(t, home, a, "push", "-q", "origin", "main")

	var seen sync.Map
	v := gitsmart.Validator(func(_ context.Context, u gitsmart.Update) error {
		seen.Store(u.Name, u)
		if u.Name == "refs/tags/v2.0.0" {
			// The hook can read the pushed objects before they are stored.
			o, err := u.Objects.EncodedObject(plumbing.AnyObject, u.New)
			if err != nil {
				return err
			}
			return fmt.Errorf("bad version: %s needs a /v2 module path\nsecond line never shown", o.Type())
		}
		return nil
	})
	s.validate.Store(&v)

	next := commitFile(t, home, a, "a.go", "package mod\n")
	mustGit(t, home, a, "tag", "v2.0.0")

	// --atomic: the refused tag takes main with it.
	out, err := git(t, home, a, "push", "--atomic", "origin", "main", "v2.0.0")
	require.Error(t, err)
	require.Contains(t, out, "! [remote rejected] v2.0.0 -> v2.0.0 (bad version: commit needs a /v2 module path)")
	require.NotContains(t, out, "second line")
	require.Contains(t, out, "main -> main (atomic push failed)")
	require.Equal(t, base, s.ref(t, "refs/heads/main").String())
	require.True(t, s.ref(t, "refs/tags/v2.0.0").IsZero())

	// Per ref (git's default): main moves, the tag is refused.
	out, err = git(t, home, a, "push", "origin", "main", "v2.0.0")
	require.Error(t, err)
	require.Contains(t, out, "! [remote rejected] v2.0.0 -> v2.0.0 (bad version: commit needs a /v2 module path)")
	require.Equal(t, next, s.ref(t, "refs/heads/main").String())
	require.True(t, s.ref(t, "refs/tags/v2.0.0").IsZero())
	// ReceivePack returned what it applied: main, not the refused tag.
	got, ok := s.applied.Load(plumbing.ReferenceName("refs/heads/main"))
	require.True(t, ok)
	require.Equal(t, next, got.(plumbing.Hash).String())
	_, ok = s.applied.Load(plumbing.ReferenceName("refs/tags/v2.0.0"))
	require.False(t, ok)

	u, ok := seen.Load(plumbing.ReferenceName("refs/heads/main"))
	require.True(t, ok)
	require.Equal(t, base, u.(gitsmart.Update).Old.String())
	require.Equal(t, next, u.(gitsmart.Update).New.String())
}

func TestNonFastForwardAndImmutableTags(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	home := gitHome(t)
	a := clone(t, home, s)
	commitFile(t, home, a, "f", "1")
	mustGit(t, home, a, "tag", "v1.0.0")
	mustGit(t, home, a, "push", "-q", "origin", "main", "v1.0.0")
	b := clone(t, home, s)
	ahead := commitFile(t, home, a, "f", "2")
	mustGit(t, home, a, "push", "-q", "origin", "main")

	diverged := commitFile(t, home, b, "g", "x")
	out, err := git(t, home, b, "push", "origin", "main")
	require.Error(t, err)
	require.Contains(t, out, "! [rejected]")
	require.Contains(t, out, "main -> main (fetch first)")
	require.Equal(t, ahead, s.ref(t, "refs/heads/main").String())

	// Forced, the stored old value still matches: the rewrite goes through.
	mustGit(t, home, b, "push", "-q", "--force", "origin", "main")
	require.Equal(t, diverged, s.ref(t, "refs/heads/main").String())

	// A tag never moves, even forced.
	tagged := s.ref(t, "refs/tags/v1.0.0")
	mustGit(t, home, b, "tag", "-f", "v1.0.0")
	out, err = git(t, home, b, "push", "--force", "origin", "v1.0.0")
	require.Error(t, err)
	require.Contains(t, out, "! [remote rejected] v1.0.0 -> v1.0.0 (tags are immutable: the tag already exists)")
	require.Equal(t, tagged, s.ref(t, "refs/tags/v1.0.0"))
}

func TestDeleteBranch(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	home := gitHome(t)
	a := clone(t, home, s)
	commitFile(t, home, a, "f", "1")
	mustGit(t, home, a, "push", "-q", "origin", "main", "main:dev")
	require.False(t, s.ref(t, "refs/heads/dev").IsZero())

	var deletes atomic.Int32
	v := gitsmart.Validator(func(_ context.Context, u gitsmart.Update) error {
		if u.IsDelete() {
			deletes.Add(1)
		}
		return nil
	})
	s.validate.Store(&v)
	mustGit(t, home, a, "push", "-q", "origin", "--delete", "dev")
	require.True(t, s.ref(t, "refs/heads/dev").IsZero())
	require.Equal(t, int32(1), deletes.Load(), "the hook sees deletions (handlers/git checks the delete action there)")
	require.NotContains(t, mustGit(t, home, a, "ls-remote", s.url()), "refs/heads/dev")

	// The branch HEAD names is kept.
	out, err := git(t, home, a, "push", "origin", "--delete", "main")
	require.Error(t, err)
	require.Contains(t, out, "(refusing to delete the current branch)")
	require.False(t, s.ref(t, "refs/heads/main").IsZero())
}

// TestLargePush pushes more than git's 1 MiB post buffer: git first sends
// the probe body "0000", which must get an empty 200, then the chunked push.
func TestLargePush(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	home := gitHome(t)
	a := clone(t, home, s)
	big := make([]byte, 3<<20/2)
	_, _ = rand.Read(big)
	require.NoError(t, os.WriteFile(filepath.Join(a, "big.bin"), big, 0o644))
	mustGit(t, home, a, "add", "big.bin")
	mustGit(t, home, a, "commit", "-q", "-m", "big")
	mustGit(t, home, a, "push", "-q", "origin", "main")
	require.Positive(t, s.probes.Load(), "git probed before the large push")

	b := clone(t, home, s)
	got, err := os.ReadFile(filepath.Join(b, "big.bin"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(big, got))
}

// TestConcurrentPushesOneWins makes two pushes of the same branch, each to
// another node, read the same old value (the hook holds both until both
// arrived), so the compare-and-swap decides: exactly one moves the ref, the
// other is told.
func TestConcurrentPushesOneWins(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s2 := s.secondNode(t)
	home := gitHome(t)
	a := clone(t, home, s)
	commitFile(t, home, a, "f", "base")
	mustGit(t, home, a, "push", "-q", "origin", "main")
	b := clone(t, home, s2)
	ca := commitFile(t, home, a, "f", "a")
	cb := commitFile(t, home, b, "f", "b")

	var arrived atomic.Int32
	both := make(chan struct{})
	v := gitsmart.Validator(func(ctx context.Context, u gitsmart.Update) error {
		if arrived.Add(1) == 2 {
			close(both)
		}
		select {
		case <-both:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Minute):
			return errors.New("the other push never came")
		}
	})
	s.validate.Store(&v)
	s2.validate.Store(&v)

	outs := make([]string, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, dir := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = git(t, home, dir, "push", "origin", "main")
		}()
	}
	wg.Wait()
	ok := 0
	for i := range errs {
		if errs[i] == nil {
			ok++
		} else {
			require.Contains(t, outs[i], "! [remote rejected] main -> main (failed to update ref: another push moved it meanwhile, fetch and retry)")
		}
	}
	require.Equal(t, 1, ok, "exactly one push wins:\n%s\n%s", outs[0], outs[1])
	got := s.ref(t, "refs/heads/main").String()
	if errs[0] == nil {
		require.Equal(t, ca, got)
	} else {
		require.Equal(t, cb, got)
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	home := gitHome(t)
	a := clone(t, home, s)
	commitFile(t, home, a, "f", "1")
	mustGit(t, home, a, "push", "-q", "origin", "main")

	pkt := func(lines ...string) string {
		var b strings.Builder
		for _, l := range lines {
			if l == "" {
				b.WriteString("0000")
				continue
			}
			fmt.Fprintf(&b, "%04x%s", len(l)+4, l)
		}
		return b.String()
	}
	unknown := strings.Repeat("ab", 20)
	cases := []struct {
		name, path, body string
		want             int
		wantBody         string
		gzip             bool
	}{
		{"dumb http", "/repo.git/info/refs", "", http.StatusBadRequest, "unsupported git service", false},
		{"garbage upload", "/repo.git/git-upload-pack", "hello", http.StatusBadRequest, "git protocol", false},
		{"want of an unadvertised object", "/repo.git/git-upload-pack", pkt("want "+unknown+" side-band-64k\n", "", "done\n"), http.StatusBadRequest, "not our ref", false},
		{"bad have", "/repo.git/git-upload-pack", pkt("want "+s.ref(t, "refs/heads/main").String()+"\n", "", "have zz\n", "done\n"), http.StatusBadRequest, "malformed have", false},
		{"garbage push", "/repo.git/git-receive-pack", "00zz", http.StatusBadRequest, "git protocol", false},
		{"probe", "/repo.git/git-receive-pack", "0000", http.StatusOK, "", false},
		{"empty upload", "/repo.git/git-upload-pack", "", http.StatusOK, "", false},
		{"gzipped upload", "/repo.git/git-upload-pack", pkt("want "+s.ref(t, "refs/heads/main").String()+" ofs-delta\n", "", "done\n"), http.StatusOK, "0008NAK\nPACK", true},
		{"gzipped garbage", "/repo.git/git-upload-pack", "not gzip", http.StatusBadRequest, "gzip request body", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := http.MethodPost
			if c.body == "" && strings.HasSuffix(c.path, "info/refs") {
				method = http.MethodGet
			}
			body := []byte(c.body)
			if c.gzip {
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				_, _ = zw.Write(body)
				require.NoError(t, zw.Close())
				body = b.Bytes()
			}
			req, err := http.NewRequest(method, s.URL+c.path, bytes.NewReader(body))
			require.NoError(t, err)
			if c.gzip || c.name == "gzipped garbage" {
				req.Header.Set("Content-Encoding", "gzip")
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			require.Equal(t, c.want, resp.StatusCode, string(got))
			if c.wantBody == "" {
				require.Empty(t, got)
			} else {
				require.Contains(t, string(got), c.wantBody)
			}
		})
	}
}
