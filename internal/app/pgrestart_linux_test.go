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

	"github.com/kodera-packages/kodera/internal/app"
	"github.com/kodera-packages/kodera/internal/app/apptest"
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

// TestDatabaseRestartUnderANode stops the node's PostgreSQL while it
// serves: requests that need the database answer 503 with Retry-After
// (never hang, never 500), the node stays alive and turns not ready; once
// PostgreSQL is back the node serves again within five seconds, on its own.
func TestDatabaseRestartUnderANode(t *testing.T) {
	t.Parallel()
	pg := newCluster(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	addr := make(chan string, 1)
	done := make(chan error, 1)
	env := map[string]string{
		"DB_HOST": "127.0.0.1", "DB_PORT": strconv.Itoa(pg.port), "DB_DATABASE": "postgres",
		"KODERA_LISTEN": "127.0.0.1:0", "KODERA_DATA_DIR": t.TempDir(), "KODERA_LOG_LEVEL": "error",
		"KODERA_ADMIN_USERNAME": apptest.AdminUser, "KODERA_ADMIN_PASSWORD": apptest.AdminPassword,
		"KODERA_GC_INTERVAL": "0",
	}
	go func() {
		done <- app.Run(ctx, []string{"kodera"}, func(k string) string { return env[k] }, &lockedBuffer{},
			app.Options{Listening: func(a string) { addr <- a }})
	}()
	base := "http://" + <-addr
	client := &http.Client{Timeout: 10 * time.Second}
	status := func(path string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		require.NoError(t, err)
		req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
		resp, err := client.Do(req)
		require.NoError(t, err, "a request hung or the node died")
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	require.Eventually(t, func() bool { s, _ := status("/readyz"); return s == http.StatusOK }, 60*time.Second, 50*time.Millisecond)
	s, _ := status("/api/v1/repositories")
	require.Equal(t, http.StatusOK, s)

	pg.ctl("-m", "fast", "stop")
	for _, path := range []string{"/api/v1/repositories", "/v2/_catalog", "/api/files/r/x"} {
		s, after := status(path)
		require.Equal(t, http.StatusServiceUnavailable, s, path)
		require.Equal(t, "5", after, path)
	}
	s, _ = status("/healthz")
	require.Equal(t, http.StatusOK, s, "alive while the database is down")
	s, _ = status("/readyz")
	require.Equal(t, http.StatusServiceUnavailable, s, "not ready while the database is down")

	pg.start()
	back := time.Now()
	require.Eventually(t, func() bool {
		s, _ := status("/api/v1/repositories")
		r, _ := status("/readyz")
		return s == http.StatusOK && r == http.StatusOK
	}, 5*time.Second, 20*time.Millisecond, "not serving again within 5 s of the database's return")
	t.Logf("serving again %v after PostgreSQL came back", time.Since(back).Round(time.Millisecond))
	select {
	case err := <-done:
		t.Fatalf("the node exited: %v", err)
	default:
	}
}
