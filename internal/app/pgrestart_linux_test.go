package app_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
)

// cluster is a PostgreSQL server of the test's own, so that it can be
// stopped and started under a running node.
type cluster struct {
	t          *testing.T
	bin, dir   string
	port       int
	runAsOwner []string
}

// newCluster initdb's a throwaway cluster on a free port (trust auth). It
// fails, not skips, when the PostgreSQL server binaries are missing.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	initdbs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(initdbs) == 0 {
		t.Fatal("initdb not found: apt-get install -y postgresql (scripts/test-deps.sh installs it)")
	}
	sort.Strings(initdbs)
	c := &cluster{t: t, bin: filepath.Dir(initdbs[len(initdbs)-1])}
	dir, err := os.MkdirTemp("", "kodera-pgrestart-")
	require.NoError(t, err)
	c.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		u, err := user.Lookup("postgres")
		require.NoError(t, err, "the postgres user (from the postgresql package)")
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		require.NoError(t, os.Chmod(dir, 0o755))
		require.NoError(t, os.Chown(dir, uid, gid))
		c.runAsOwner = []string{"runuser", "-u", "postgres", "--"}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	c.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	c.run("initdb", "-D", filepath.Join(dir, "data"), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
	c.start()
	t.Cleanup(func() { c.ctl("-m", "immediate", "stop") })
	return c
}

func (c *cluster) run(tool string, args ...string) {
	c.t.Helper()
	argv := append(append([]string{}, c.runAsOwner...), append([]string{filepath.Join(c.bin, tool)}, args...)...)
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	require.NoError(c.t, err, "%s: %s", tool, out)
}

func (c *cluster) ctl(args ...string) {
	c.t.Helper()
	c.run("pg_ctl", append([]string{"-D", filepath.Join(c.dir, "data"), "-w"}, args...)...)
}

func (c *cluster) start() {
	c.t.Helper()
	c.ctl("-l", filepath.Join(c.dir, "pg.log"), "-o", fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off", c.port, c.dir), "start")
}

// TestDatabaseRestartUnderANode stops the node's PostgreSQL while four
// clients upload and download through it (the node its own process):
// requests that need the database answer 503 with Retry-After (never
// hang, never 500), the node stays alive and turns not ready; once
// PostgreSQL is back the node serves again within five seconds, on its
// own. No upload leaves a row without content (fsck), a refused one reads
// back whole or not at all, and goroutines and RSS come back near their
// baseline.
func TestDatabaseRestartUnderANode(t *testing.T) {
	t.Parallel()
	pg := newCluster(t)
	dataDir := t.TempDir()
	p := apptest.StartProcess(t, apptest.ProcessOptions{
		DBURL:   fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port),
		DataDir: dataDir,
		Env:     []string{"KODERA_GC_INTERVAL=0"},
	})
	seed := p.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("rel", "files", "private", "alice")
	token := seed.Token("alice", false, nil)
	client := &http.Client{Timeout: 10 * time.Second}
	status := func(path string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, p.URL+path, nil)
		require.NoError(t, err)
		req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
		resp, err := client.Do(req)
		require.NoError(t, err, "a request hung or the node died")
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	s, _ := status("/api/v1/repositories")
	require.Equal(t, http.StatusOK, s)
	goroutineBase, rssBase := goroutines(t, p.URL), p.Memory(t)["VmRSS"]

	l := startLoad(t, p.URL, token, "rel", 4)
	l.waitFor(t, http.StatusCreated, 20)
	pg.ctl("-m", "fast", "stop")
	down := time.Now()
	for _, path := range []string{"/api/v1/repositories", "/v2/_catalog", "/api/files/r/x"} {
		s, after := status(path)
		require.Equal(t, http.StatusServiceUnavailable, s, path)
		require.Equal(t, "5", after, path)
	}
	s, _ = status("/healthz")
	require.Equal(t, http.StatusOK, s, "alive while the database is down")
	s, _ = status("/readyz")
	require.Equal(t, http.StatusServiceUnavailable, s, "not ready while the database is down")
	l.waitFor(t, http.StatusServiceUnavailable, 10)
	time.Sleep(time.Second) // the outage lasts a while under the load, not an instant

	pg.start()
	back := time.Now()
	require.Eventually(t, func() bool {
		s, _ := status("/api/v1/repositories")
		r, _ := status("/readyz")
		return s == http.StatusOK && r == http.StatusOK
	}, 5*time.Second, 20*time.Millisecond, "not serving again within 5 s of the database's return")
	served := time.Since(back)
	l.waitFor(t, http.StatusCreated, 20)
	outcomes := l.Stop()
	counts, recovered := summarize(t, outcomes, back)
	t.Logf("PostgreSQL down %v; %d requests: %v; serving again %v after it came back, last 503 ended %v after",
		back.Sub(down).Round(time.Millisecond), len(outcomes), counts, served.Round(time.Millisecond), recovered.Round(time.Millisecond))

	ctx := context.Background()
	pool, err := db.Open(ctx, p.DBURL)
	require.NoError(t, err)
	defer pool.Close()
	fs, err := blob.NewFS(filepath.Join(dataDir, "blobs"))
	require.NoError(t, err)
	checkNoHalfWrites(t, p.URL, token, outcomes, pool, blob.NewStore(fs))
	client.CloseIdleConnections()
	settles(t, p, goroutineBase, rssBase)
}
