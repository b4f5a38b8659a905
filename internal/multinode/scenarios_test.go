//go:build linux

package multinode_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/auth/ldap/ldaptest"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/multinode"
	"github.com/kodera-packages/kodera/internal/testtool"
)

func TestMain(m *testing.M) { multinode.Main(m) }

// rounds is how many rounds a racing scenario runs: a few in CI, more
// under `go tool task soak` (KODERA_SOAK_ROUNDS).
func rounds(t *testing.T, ci int) int {
	t.Helper()
	v := os.Getenv("KODERA_SOAK_ROUNDS")
	if v == "" {
		return ci
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "KODERA_SOAK_ROUNDS")
	return n
}

const alicePassword = "alice-password-123"

// TestCluster runs the scale-out scenarios on one three-node cluster
// (separate processes, one database, one S3 store, a round-robin proxy),
// each on repositories of its own. The background jobs run every 300 ms
// on every node, so that their scenario sees many rounds.
func TestCluster(t *testing.T) {
	t.Parallel()
	dir := ldaptest.Start(t)
	c := multinode.Start(t, multinode.Options{Nodes: 3, Env: []string{
		"KODERA_LOG_LEVEL=debug", "KODERA_LOG_FORMAT=json",
		"KODERA_GC_INTERVAL=300ms", "KODERA_SWEEP_INTERVAL=300ms",
		"KODERA_LDAP_URL=" + dir.URL, "KODERA_LDAP_BIND_DN=" + ldaptest.BindDN,
		"KODERA_LDAP_BIND_PASSWORD=" + ldaptest.BindPassword, "KODERA_LDAP_USER_BASE_DN=" + ldaptest.PeopleDN,
		"KODERA_LDAP_SYNC_INTERVAL=300ms",
	}})
	seed := c.Seed(t)
	seed.User("alice", alicePassword, false)
	seed.User("root", "root-password-123", true)
	seed.User("carol", "carol-password-123", false)
	f := &fixture{c: c, alice: seed.Token("alice", false, []string{"read", "write"}), root: seed.Token("root", false, nil)}
	for _, r := range [][2]string{{"tags", "docker"}, {"wheels", "pypi"}, {"mods", "go"}, {"gone", "files"}, {"gone-img", "docker"}, {"later", "files"}, {"crane", "docker"}} {
		seed.Repo(r[0], r[1], "private", "alice")
	}

	t.Run("same tag pushed through two nodes", func(t *testing.T) { t.Parallel(); sameTag(t, f) })
	t.Run("crane through the round-robin proxy", func(t *testing.T) { t.Parallel(); craneThroughProxy(t, f) })
	t.Run("same PyPI file through two nodes", func(t *testing.T) { t.Parallel(); samePyPIFile(t, f) })
	t.Run("two git pushes through two nodes", func(t *testing.T) { t.Parallel(); twoGitPushes(t, f) })
	t.Run("delete on one node gone at once on another", func(t *testing.T) { t.Parallel(); deleteSeenAtOnce(t, f) })
	t.Run("settings change seen by another node", func(t *testing.T) { t.Parallel(); settingsSeen(t, f) })
	t.Run("background jobs on one node at a time", func(t *testing.T) { t.Parallel(); jobsExclusive(t, f) })
	t.Run("bad logins spread over nodes share one budget", func(t *testing.T) { t.Parallel(); loginBudgetShared(t, f) })
}

type fixture struct {
	c           *multinode.Cluster
	alice, root string // tokens
}

type result struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request to base+path; a 5xx fails the test at once: no
// scenario may produce one.
func (f *fixture) do(t *testing.T, method, base, path, token string, body io.Reader, hdr ...string) result {
	t.Helper()
	req, err := http.NewRequest(method, base+path, body)
	require.NoError(t, err)
	if token != "" {
		req.SetBasicAuth("alice", token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Less(t, resp.StatusCode, 500, "%s %s on %s: %s", method, path, base, b)
	return result{resp.StatusCode, resp.Header, b}
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// pushBlob uploads b to repo/img through base (POST then PUT).
func (f *fixture) pushBlob(t *testing.T, base, name string, b []byte) string {
	t.Helper()
	d := digestOf(b)
	r := f.do(t, "POST", base, "/v2/"+name+"/blobs/uploads/", f.alice, nil)
	require.Equal(t, http.StatusAccepted, r.status, string(r.body))
	loc := r.header.Get("Location")
	sep := "?"
	if strings.Contains(loc, "?") {
		sep = "&"
	}
	u, err := url.Parse(loc)
	require.NoError(t, err)
	r = f.do(t, "PUT", base, u.RequestURI()+sep+"digest="+d, f.alice, bytes.NewReader(b), "Content-Type", "application/octet-stream")
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	return d
}

// pushImage pushes a one-layer image with layer as its content, tagged
// tag, through base; it returns the manifest's digest.
func (f *fixture) pushImage(t *testing.T, base, name, tag string, layer []byte) string {
	t.Helper()
	cfg := []byte(fmt.Sprintf(`{"architecture":"amd64","os":"linux","layer":%q}`, digestOf(layer)))
	cd, ld := f.pushBlob(t, base, name, cfg), f.pushBlob(t, base, name, layer)
	m := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":%q,"size":%d}]}`,
		cd, len(cfg), ld, len(layer)))
	r := f.do(t, "PUT", base, "/v2/"+name+"/manifests/"+tag, f.alice, bytes.NewReader(m), "Content-Type", "application/vnd.oci.image.manifest.v1+json")
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	return digestOf(m)
}

// sameTag: two nodes push different images to one tag at once, round
// after round. Both pushes succeed (the later manifest wins the tag);
// every node then resolves the tag to the same manifest, one of the two,
// whose blobs all read back whole.
func sameTag(t *testing.T, f *fixture) {
	for i := range rounds(t, 5) {
		var wg sync.WaitGroup
		pushed := make([]string, 2)
		for n := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				layer := []byte(fmt.Sprintf("layer of round %d from node %d %s", i, n, strings.Repeat("x", 64<<10)))
				pushed[n] = f.pushImage(t, f.c.Node(n), "tags/app", "latest", layer)
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		var seen string
		for n := range f.c.Nodes {
			r := f.do(t, "GET", f.c.Node(n), "/v2/tags/app/manifests/latest", f.alice, nil, "Accept", "application/vnd.oci.image.manifest.v1+json")
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			got := digestOf(r.body)
			require.Contains(t, pushed, got, "round %d: the tag names neither pushed manifest", i)
			if seen == "" {
				seen = got
			}
			require.Equal(t, seen, got, "round %d: nodes disagree on the tag", i)
			var m struct {
				Config struct{ Digest string }
				Layers []struct{ Digest string }
			}
			require.NoError(t, json.Unmarshal(r.body, &m))
			for _, d := range []string{m.Config.Digest, m.Layers[0].Digest} {
				b := f.do(t, "GET", f.c.Node(n), "/v2/tags/app/blobs/"+d, f.alice, nil)
				require.Equal(t, http.StatusOK, b.status)
				require.Equal(t, d, digestOf(b.body), "round %d: blob %s read back corrupt", i, d)
			}
		}
	}
}

// wheel builds a minimal wheel of project at version.
func wheel(t *testing.T, project, version string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		project + "/__init__.py":                        "",
		project + "-" + version + ".dist-info/METADATA": "Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\nSummary: multinode\n",
		project + "-" + version + ".dist-info/WHEEL":    "Wheel-Version: 1.0\nTag: py3-none-any\n",
		project + "-" + version + ".dist-info/RECORD":   "",
	} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return project + "-" + version + "-py3-none-any.whl", buf.Bytes()
}

// twineUpload posts a file the way twine does (the legacy upload API).
func (f *fixture) twineUpload(t *testing.T, base, repo, project, version, filename string, content []byte) result {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{":action": "file_upload", "protocol_version": "1", "name": project, "version": version,
		"filetype": "bdist_wheel", "pyversion": "py3", "metadata_version": "2.1", "sha256_digest": strings.TrimPrefix(digestOf(content), "sha256:")} {
		require.NoError(t, mw.WriteField(k, v))
	}
	fw, err := mw.CreateFormFile("content", filename)
	require.NoError(t, err)
	_, _ = fw.Write(content)
	require.NoError(t, mw.Close())
	return f.do(t, "POST", base, "/api/python/"+repo+"/", f.alice, &body, "Content-Type", mw.FormDataContentType())
}

// samePyPIFile: the same file uploaded through two nodes at once, round
// after round: one upload is accepted (200), the other refused as a
// sequential duplicate is (409 "File already exists", which twine's
// --skip-existing recognises), never a 500; one pypi_files row; every node
// serves the bytes intact.
func samePyPIFile(t *testing.T, f *fixture) {
	conn, err := pgx.Connect(context.Background(), f.c.DBURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	for i := range rounds(t, 5) {
		version := fmt.Sprintf("1.0.%d", i)
		name, content := wheel(t, "racer", version)
		results := make([]result, 2)
		var wg sync.WaitGroup
		for n := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[n] = f.twineUpload(t, f.c.Node(n), "wheels", "racer", version, name, content)
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		codes := []int{results[0].status, results[1].status}
		sort.Ints(codes)
		require.Equal(t, []int{http.StatusOK, http.StatusConflict}, codes, "round %d: %s / %s", i, results[0].body, results[1].body)
		for _, r := range results {
			if r.status == http.StatusConflict {
				require.Contains(t, string(r.body), "File already exists")
			}
		}
		var rows int
		require.NoError(t, conn.QueryRow(context.Background(), `SELECT count(*) FROM pypi_files WHERE filename = $1`, name).Scan(&rows))
		require.Equal(t, 1, rows)
		for n := range f.c.Nodes {
			r := f.do(t, "GET", f.c.Node(n), "/api/python/wheels/files/"+name, f.alice, nil)
			require.Equal(t, http.StatusOK, r.status)
			require.Equal(t, content, r.body, "round %d: node %d serves other bytes", i, n)
		}
	}
}

// gitEnv isolates git from the machine's configuration.
func gitEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	require.NoError(t, os.WriteFile(cfg, []byte("[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n"), 0o600))
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + cfg, "GIT_TERMINAL_PROMPT=0"}
}

func git(t *testing.T, env []string, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustGit(t *testing.T, env []string, dir string, args ...string) string {
	t.Helper()
	out, err := git(t, env, dir, args...)
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	return out
}

// twoGitPushes: two clones push a different tag each, through two nodes
// at once, round after round. Each push either succeeds or is refused
// with a message; the repository is never corrupt: a fresh clone passes
// git fsck and has exactly the tags whose pushes succeeded, and the
// GOPROXY of every node lists and serves each of them.
func twoGitPushes(t *testing.T, f *fixture) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is required by this test (apt-get install -y git): %v", err)
	}
	env := gitEnv(t)
	remote := func(n int) string {
		u, err := url.Parse(f.c.Node(n) + "/git/mods/example.com/race.git")
		require.NoError(t, err)
		u.User = url.UserPassword("alice", f.alice)
		return u.String()
	}
	base := t.TempDir()
	mustGit(t, env, base, "init", "-q")
	require.NoError(t, os.WriteFile(filepath.Join(base, "go.mod"), []byte("module example.com/race\n\ngo 1.21\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(base, "race.go"), []byte("package race\n"), 0o644))
	mustGit(t, env, base, "add", "-A")
	mustGit(t, env, base, "commit", "-q", "-m", "base")
	mustGit(t, env, base, "tag", "v1.0.0")
	mustGit(t, env, base, "push", "-q", remote(0), "main", "v1.0.0")

	want := []string{"v1.0.0"}
	for round := range rounds(t, 3) {
		tags := []string{fmt.Sprintf("v1.%d.0", 2*round+1), fmt.Sprintf("v1.%d.0", 2*round+2)}
		clones := make([]string, 2)
		for n := range 2 {
			clones[n] = filepath.Join(t.TempDir(), "c")
			mustGit(t, env, "", "clone", "-q", remote(n), clones[n])
			require.NoError(t, os.WriteFile(filepath.Join(clones[n], fmt.Sprintf("f%d.go", n)), []byte(fmt.Sprintf("package race\n\n// F%d is from %s.\nconst F%d = %d\n", n, tags[n], n, round)), 0o644))
			mustGit(t, env, clones[n], "add", "-A")
			mustGit(t, env, clones[n], "commit", "-q", "-m", tags[n])
			mustGit(t, env, clones[n], "tag", tags[n])
		}
		outs, errs := make([]string, 2), make([]error, 2)
		var wg sync.WaitGroup
		for n := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[n], errs[n] = git(t, env, clones[n], "push", "-q", remote(n), tags[n])
			}()
		}
		wg.Wait()
		for n := range 2 {
			if errs[n] == nil {
				want = append(want, tags[n])
				continue
			}
			// Refused cleanly: git reports the server's reason, not a 500.
			require.NotContains(t, outs[n], "500", "round %d: %s", round, outs[n])
			require.Contains(t, outs[n], "rejected", "round %d: %s", round, outs[n])
			t.Logf("round %d: push of %s refused: %s", round, tags[n], strings.TrimSpace(outs[n]))
		}
	}
	sort.Strings(want)

	clone := filepath.Join(t.TempDir(), "check")
	mustGit(t, env, "", "clone", "-q", remote(2), clone)
	mustGit(t, env, clone, "fsck", "--full", "--strict")
	got := strings.Fields(mustGit(t, env, clone, "tag", "--list"))
	require.Equal(t, want, got)
	for n := range f.c.Nodes {
		r := f.do(t, "GET", f.c.Node(n), "/api/go/mods/example.com/race/@v/list", f.alice, nil)
		require.Equal(t, http.StatusOK, r.status)
		listed := strings.Fields(string(r.body))
		sort.Strings(listed)
		require.Equal(t, want, listed, "node %d", n)
		for _, v := range want {
			z := f.do(t, "GET", f.c.Node(n), "/api/go/mods/example.com/race/@v/"+v+".zip", f.alice, nil)
			require.Equal(t, http.StatusOK, z.status, "node %d %s", n, v)
			_, err := zip.NewReader(bytes.NewReader(z.body), int64(len(z.body)))
			require.NoError(t, err, "node %d serves a broken zip of %s", n, v)
		}
	}
	t.Logf("tags served after concurrent pushes: %v", want)
}

// deleteSeenAtOnce: what one node deletes, another answers 404 for on the
// very next request: a file of a files repository and an image manifest.
func deleteSeenAtOnce(t *testing.T, f *fixture) {
	for i := range 5 {
		path := fmt.Sprintf("/api/files/gone/f%d.txt", i)
		require.Equal(t, http.StatusCreated, f.do(t, "PUT", f.c.Node(0), path, f.alice, strings.NewReader("soon gone")).status)
		require.Equal(t, http.StatusOK, f.do(t, "GET", f.c.Node(1), path, f.alice, nil).status)
		del := f.do(t, "DELETE", f.c.Node(0), path, f.alice, nil)
		require.Less(t, del.status, 300, string(del.body))
		require.Equal(t, http.StatusNotFound, f.do(t, "GET", f.c.Node(1), path, f.alice, nil).status, "round %d", i)

		d := f.pushImage(t, f.c.Node(0), "gone-img/app", fmt.Sprintf("v%d", i), []byte(fmt.Sprintf("layer %d", i)))
		require.Equal(t, http.StatusOK, f.do(t, "HEAD", f.c.Node(1), "/v2/gone-img/app/manifests/"+d, f.alice, nil).status)
		require.Equal(t, http.StatusAccepted, f.do(t, "DELETE", f.c.Node(0), "/v2/gone-img/app/manifests/"+d, f.alice, nil).status)
		require.Equal(t, http.StatusNotFound, f.do(t, "GET", f.c.Node(1), "/v2/gone-img/app/manifests/"+d, f.alice, nil).status, "round %d", i)
		require.Equal(t, http.StatusNotFound, f.do(t, "GET", f.c.Node(2), fmt.Sprintf("/v2/gone-img/app/manifests/v%d", i), f.alice, nil).status, "round %d", i)
	}
}

// settingsSeen: a repository made public on one node is readable without
// credentials on another within the repository cache's lifetime (2 s),
// and private again the same way.
func settingsSeen(t *testing.T, f *fixture) {
	require.Equal(t, http.StatusCreated, f.do(t, "PUT", f.c.Node(0), "/api/files/later/a.txt", f.alice, strings.NewReader("public soon")).status)
	anon := func(n int) int { return f.do(t, "GET", f.c.Node(n), "/api/files/later/a.txt", "", nil).status }
	require.Equal(t, http.StatusUnauthorized, anon(1))
	patch := func(visibility string) {
		req, err := http.NewRequest("PATCH", f.c.Node(0)+"/api/v1/repositories/later", strings.NewReader(`{"visibility":"`+visibility+`"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+f.root)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	}
	for _, step := range []struct {
		visibility string
		want       int
	}{{"public", http.StatusOK}, {"private", http.StatusUnauthorized}} {
		patch(step.visibility)
		changed := time.Now()
		require.Eventually(t, func() bool { return anon(1) == step.want && anon(2) == step.want }, 5*time.Second, 20*time.Millisecond,
			"made %s on node 0, not seen by the others", step.visibility)
		seen := time.Since(changed)
		require.Less(t, seen, 3*time.Second, "seen later than the repository cache allows")
		t.Logf("%s on node 0 seen by nodes 1 and 2 after %v", step.visibility, seen.Round(time.Millisecond))
	}
}

// jobRun is one run of a background job on one node, as its log says.
type jobRun struct {
	node       int
	start, end time.Time
}

// jobRuns reads every node's job trace (db.TraceJob) so far.
func jobRuns(t *testing.T, c *multinode.Cluster) map[string][]jobRun {
	t.Helper()
	runs := map[string][]jobRun{}
	for n, p := range c.Nodes {
		open := map[string]time.Time{}
		for _, line := range strings.Split(p.Logs(), "\n") {
			if !strings.Contains(line, `"job"`) {
				continue
			}
			var e struct {
				Time time.Time
				Msg  string
				Job  string
			}
			if json.Unmarshal([]byte(line), &e) != nil || e.Job == "" {
				continue
			}
			switch e.Msg {
			case db.JobStarted:
				_, dup := open[e.Job]
				require.False(t, dup, "node %d started %s twice at once", n, e.Job)
				open[e.Job] = e.Time
			case db.JobFinished:
				start, ok := open[e.Job]
				require.True(t, ok, "node %d finished %s it had not started", n, e.Job)
				delete(open, e.Job)
				runs[e.Job] = append(runs[e.Job], jobRun{node: n, start: start, end: e.Time})
			}
		}
	}
	return runs
}

// jobLocks are the advisory lock keys of the single-node jobs (gc.lockKey,
// registry.sweepLockKey, search.indexerLockKey, queries/users.sql's
// directory sync lock). A wrong key makes jobsExclusive fail, not pass:
// the job would run while the test holds the key.
var jobLocks = map[string]int64{
	"gc":             0x6b6f646572616763,
	"upload-sweep":   0x6b6f646572612073,
	"search-indexer": 0x6b6f646572617331,
	"ldap-sync":      4242013,
}

// jobsExclusive: GC, the upload sweep, the search indexer and the LDAP
// sync are started by every node every 300 ms (the indexer every second).
// Over many rounds each ran, and no two runs of a job, on any nodes, ever
// overlapped. Runs are short, so that alone could pass by luck; the proof
// is the second half: while the test itself holds the four locks for a
// while, no node starts any of the jobs, and once it lets go they run
// again.
func jobsExclusive(t *testing.T, f *fixture) {
	const minRuns = 6
	ran := func(after time.Time, min int) func() bool {
		return func() bool {
			runs := jobRuns(t, f.c)
			for j := range jobLocks {
				n := 0
				for _, r := range runs[j] {
					if r.start.After(after) {
						n++
					}
				}
				if n < min {
					return false
				}
			}
			return true
		}
	}
	require.Eventually(t, ran(time.Time{}, minRuns), 60*time.Second, 200*time.Millisecond, "jobs did not run %d times each", minRuns)

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, f.c.DBURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	for _, key := range jobLocks {
		// Blocking: a run in progress finishes first.
		_, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key)
		require.NoError(t, err)
	}
	held := time.Now()
	time.Sleep(1500 * time.Millisecond) // the window: five rounds of every node's ticker
	released := time.Now()
	for _, key := range jobLocks {
		_, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", key)
		require.NoError(t, err)
	}
	require.Eventually(t, ran(released, 1), 30*time.Second, 100*time.Millisecond, "jobs did not resume after the locks were free")

	runs := jobRuns(t, f.c)
	for j := range jobLocks {
		rs := runs[j]
		sort.Slice(rs, func(a, b int) bool { return rs[a].start.Before(rs[b].start) })
		overlaps, inWindow, nodes := 0, 0, map[int]int{}
		var busy jobRun // the run that ends last so far
		for i, r := range rs {
			nodes[r.node]++
			if i > 0 && r.start.Before(busy.end) {
				overlaps++
				t.Errorf("%s: node %d started at %v while node %d ran until %v", j, r.node, r.start, busy.node, busy.end)
			}
			if r.end.After(busy.end) {
				busy = r
			}
			if r.start.After(held) && r.start.Before(released) {
				inWindow++
				t.Errorf("%s: node %d ran at %v while the test held the job's lock", j, r.node, r.start)
			}
		}
		require.Zero(t, overlaps+inWindow, j)
		t.Logf("%s: %d runs, by node %v, 0 overlaps, none while the test held the lock for %v", j, len(rs), nodes, released.Sub(held).Round(time.Millisecond))
	}
}

// loginBudgetShared: wrong passwords for one account, sent in turn to the
// three nodes from one address, are checked five times in all (the
// per-account budget, kept in PostgreSQL), not five per node; the rest,
// and then the right password on every node, get 429 with Retry-After.
func loginBudgetShared(t *testing.T, f *fixture) {
	try := func(n int, password string) result {
		req, err := http.NewRequest("GET", f.c.Node(n)+"/api/v1/repositories", nil)
		require.NoError(t, err)
		req.SetBasicAuth("carol", password)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return result{resp.StatusCode, resp.Header, b}
	}
	counts := map[int]int{}
	for i := range 12 {
		r := try(i%len(f.c.Nodes), fmt.Sprintf("wrong-%d", i))
		counts[r.status]++
		if r.status == http.StatusTooManyRequests {
			require.NotEmpty(t, r.header.Get("Retry-After"))
		}
	}
	require.Equal(t, map[int]int{http.StatusUnauthorized: 5, http.StatusTooManyRequests: 7}, counts,
		"the per-account budget is per cluster, not per node")
	for n := range f.c.Nodes {
		r := try(n, "carol-password-123")
		require.Equal(t, http.StatusTooManyRequests, r.status, "node %d let the locked account in: %s", n, r.body)
		require.NotEmpty(t, r.header.Get("Retry-After"))
	}
	t.Logf("12 wrong passwords over %d nodes: %v; the right one then refused on every node", len(f.c.Nodes), counts)
}

// layerTar is a one-file tar layer.
func layerTar(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}))
	_, err := tw.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

// craneThroughProxy: two crane clients push different images to one tag
// at once through the round-robin proxy, so that every request of a push
// (the token, each blob, the manifest) may land on another node; both
// pushes succeed, and the tag then pulls whole, the same image, through
// the proxy and from every node.
func craneThroughProxy(t *testing.T, f *fixture) {
	crane := testtool.Path(t, "crane")
	host := strings.TrimPrefix(f.c.URL, "http://")
	home := t.TempDir()
	env := []string{"HOME=" + home, "DOCKER_CONFIG=" + filepath.Join(home, ".docker"), "PATH=" + os.Getenv("PATH")}
	run := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(crane, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "crane %s: %s", strings.Join(args, " "), out)
		return string(out)
	}
	for _, h := range append([]string{f.c.URL}, f.c.Node(0), f.c.Node(1), f.c.Node(2)) {
		run(home, "auth", "login", strings.TrimPrefix(h, "http://"), "-u", "alice", "-p", f.alice)
	}
	before := f.c.Served()
	for round := range rounds(t, 3) {
		dirs := []string{t.TempDir(), t.TempDir()}
		var wg sync.WaitGroup
		for n, dir := range dirs {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "layer.tar"), layerTar(t, "who", fmt.Sprintf("round %d client %d %s", round, n, strings.Repeat("z", 256<<10))), 0o644))
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(crane, "append", "--insecure", "-f", "layer.tar", "-t", host+"/crane/app:latest")
				cmd.Dir, cmd.Env = dir, env
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "crane append: %s", out)
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		digest := strings.TrimSpace(run(home, "digest", "--insecure", host+"/crane/app:latest"))
		for n := range f.c.Nodes {
			node := strings.TrimPrefix(f.c.Node(n), "http://")
			require.Equal(t, digest, strings.TrimSpace(run(home, "digest", "--insecure", node+"/crane/app:latest")), "round %d: node %d", round, n)
		}
		// The flattened filesystem holds one client's file, whole.
		out := filepath.Join(t.TempDir(), "fs.tar")
		run(home, "export", "--insecure", host+"/crane/app:latest", out)
		fh, err := os.Open(out)
		require.NoError(t, err)
		tr := tar.NewReader(fh)
		hdr, err := tr.Next()
		require.NoError(t, err)
		require.Equal(t, "who", hdr.Name)
		b, err := io.ReadAll(tr)
		fh.Close()
		require.NoError(t, err)
		pad := strings.Repeat("z", 256<<10)
		require.Contains(t, []string{fmt.Sprintf("round %d client 0 %s", round, pad), fmt.Sprintf("round %d client 1 %s", round, pad)}, string(b),
			"round %d: the pulled layer is not one of the pushed ones", round)
	}
	after := f.c.Served()
	for n := range after {
		require.Greater(t, after[n], before[n], "the proxy never sent crane to node %d", n)
	}
	t.Logf("crane requests through the proxy per node: %v", func() []int64 {
		d := make([]int64, len(after))
		for i := range after {
			d[i] = after[i] - before[i]
		}
		return d
	}())
}
