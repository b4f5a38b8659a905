package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/dbtest"
)

const pgbouncerBin = "/usr/sbin/pgbouncer"

// pgbouncer runs a transaction-pooling PgBouncer in front of the test
// server, with fewer server connections than the nodes' pools hold, so
// consecutive transactions of one client land on different sessions. It
// returns the bouncer's port.
func pgbouncer(t *testing.T, server *url.URL) int {
	t.Helper()
	if _, err := os.Stat(pgbouncerBin); err != nil {
		t.Fatalf("pgbouncer missing (%v): apt-get install -y pgbouncer (scripts/test-deps.sh does)", err)
	}
	// PgBouncer refuses to run as root: as root it drops to postgres, which
	// must read the config and write the log.
	dir, err := os.MkdirTemp("", "kodera-pgbouncer-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o777))

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())

	user := server.User.Username()
	ini := fmt.Sprintf(`[databases]
* = host=%s port=%s
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
admin_users = %s
pool_mode = transaction
default_pool_size = 3
max_client_conn = 500
ignore_startup_parameters = extra_float_digits
stats_period = 1
logfile = %s
`, server.Hostname(), apptestPort(server), port, filepath.Join(dir, "users.txt"), user, filepath.Join(dir, "pgbouncer.log"))
	// trust: clients are not checked; the bouncer logs in to the server with
	// the password listed here (the test URL's, often none).
	pass, _ := server.User.Password()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "users.txt"), fmt.Appendf(nil, "%q %q\n", user, pass), 0o644))
	cfg := filepath.Join(dir, "pgbouncer.ini")
	require.NoError(t, os.WriteFile(cfg, []byte(ini), 0o644))

	args := []string{cfg}
	if os.Geteuid() == 0 {
		args = []string{"-u", "postgres", cfg}
	}
	cmd := exec.Command(pgbouncerBin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
			t.Logf("pgbouncer output:\n%s\n%s", out.String(), log)
		}
	})
	require.Eventually(t, func() bool {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("pgbouncer exited: %v\n%s", err, out.String())
		default:
		}
		c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return false
		}
		c.Close()
		return true
	}, 10*time.Second, 20*time.Millisecond, "pgbouncer did not listen")
	return port
}

func apptestPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return "5432"
}

// emptyDatabase creates a database with no schema at all, so the nodes'
// start-up really migrates it, and drops it when t ends.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dbtest.ServerURL())
	require.NoError(t, err)
	defer admin.Close(ctx)
	name := fmt.Sprintf("kodera_bouncer_%d", time.Now().UnixNano())
	_, err = admin.Exec(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dbtest.ServerURL())
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return name
}

// Two nodes whose every query goes through PgBouncer in transaction mode
// (KODERA_DB_QUERY_EXEC_MODE=exec) and whose migrations go directly to
// PostgreSQL (KODERA_DB_DIRECT_PORT): an empty database is migrated at
// start, and concurrent writes and reads on both nodes (transactions,
// transaction-scoped advisory locks of the login limiter) answer without a
// single 5xx, while PgBouncer's own counters show the traffic went through it.
func TestThroughPgBouncerTransactionPooling(t *testing.T) {
	t.Parallel()
	server, err := url.Parse(dbtest.ServerURL())
	require.NoError(t, err)
	dbName := emptyDatabase(t)
	bport := pgbouncer(t, server)

	through := *server
	through.Host = net.JoinHostPort(server.Hostname(), strconv.Itoa(bport))
	through.Path = "/" + dbName
	env := map[string]string{
		"KODERA_DB_QUERY_EXEC_MODE": "exec",
		"KODERA_DB_DIRECT_PORT":     apptestPort(server),
		"KODERA_DB_MAX_CONNS":       "8",
	}
	// Both nodes start together: their migrations race on goose's session
	// lock over the direct connection.
	nodes := make([]*apptest.Node, 2)
	shared := t.TempDir() // one filesystem store, as nodes share one bucket
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() {
			nodes[i] = apptest.Start(t, apptest.Options{DBURL: through.String(), DataDir: shared, Env: env})
		})
	}
	wg.Wait()
	for _, n := range nodes {
		require.NotNil(t, n)
	}
	a, b := nodes[0], nodes[1]

	do := func(method, u string, body []byte, user, pass string) (int, string) {
		req, err := http.NewRequest(method, u, bytes.NewReader(body))
		if err != nil {
			return 0, err.Error()
		}
		req.SetBasicAuth(user, pass)
		if body != nil && strings.Contains(u, "/api/v1/") {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		rb, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(rb)
	}

	code, body := do(http.MethodPost, a.URL+"/api/v1/repositories", []byte(`{"name":"bounced","type":"files","visibility":"private"}`), apptest.AdminUser, apptest.AdminPassword)
	require.Equal(t, http.StatusCreated, code, body)

	// Concurrent traffic on both nodes, more clients than server sessions.
	const clients, rounds = 12, 8
	errs := make(chan string, clients*rounds*3)
	var unauthorized atomic.Int64
	for c := range clients {
		wg.Go(func() {
			for r := range rounds {
				up, down := nodes[c%2], nodes[(c+1)%2]
				path := fmt.Sprintf("/api/files/bounced/c%d/r%d.txt", c, r)
				content := fmt.Sprintf("client %d round %d", c, r)
				if code, body := do(http.MethodPut, up.URL+path, []byte(content), apptest.AdminUser, apptest.AdminPassword); code != http.StatusCreated && code != http.StatusOK {
					errs <- fmt.Sprintf("PUT %s: %d %s", path, code, body)
					continue
				}
				if code, body := do(http.MethodGet, down.URL+path, nil, apptest.AdminUser, apptest.AdminPassword); code != http.StatusOK || body != content {
					errs <- fmt.Sprintf("GET %s on the other node: %d %q", path, code, body)
				}
				// A wrong password takes the login limiter's advisory xact
				// locks: 401, then 429 once the address is over its budget.
				switch code, body := do(http.MethodGet, down.URL+"/api/v1/repositories", nil, apptest.AdminUser, "wrong"); code {
				case http.StatusUnauthorized:
					unauthorized.Add(1)
				case http.StatusTooManyRequests:
				default:
					errs <- fmt.Sprintf("bad login: %d %s", code, body)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	var failures []string
	for e := range errs {
		failures = append(failures, e)
	}
	require.Empty(t, failures)
	require.Positive(t, unauthorized.Load(), "some bad logins answered 401")

	code, body = do(http.MethodGet, b.URL+"/api/v1/repositories/bounced", nil, apptest.AdminUser, apptest.AdminPassword)
	require.Equal(t, http.StatusOK, code, body)

	// PgBouncer's admin console (simple protocol only) counts the
	// transactions it pooled for the nodes' database.
	admin := through
	admin.Path = "/pgbouncer"
	cfg, err := pgx.ParseConfig(admin.String())
	require.NoError(t, err)
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	// Totals are published every stats_period (1 s here).
	var xacts int64
	require.Eventually(t, func() bool {
		xacts = pooledTransactions(t, conn, dbName)
		return xacts > clients*rounds*2
	}, 10*time.Second, 50*time.Millisecond, "the nodes' transactions went through PgBouncer")
	t.Logf("PgBouncer pooled %d transactions for %d requests on 3 server sessions", xacts, clients*rounds*3+2)
}

// pooledTransactions reads total_xact_count for db from SHOW STATS.
func pooledTransactions(t *testing.T, conn *pgx.Conn, db string) int64 {
	t.Helper()
	rows, err := conn.Query(context.Background(), "SHOW STATS")
	require.NoError(t, err)
	defer rows.Close()
	var xacts int64
	for rows.Next() {
		vals, err := rows.Values()
		require.NoError(t, err)
		row := map[string]any{}
		for i, f := range rows.FieldDescriptions() {
			row[f.Name] = vals[i]
		}
		if row["database"] == db {
			xacts = toInt(row["total_xact_count"])
		}
	}
	require.NoError(t, rows.Err())
	return xacts
}

// toInt reads one of SHOW STATS' numeric columns.
func toInt(v any) int64 {
	if n, ok := v.(pgtype.Numeric); ok {
		i, err := n.Int64Value()
		if err == nil && i.Valid {
			return i.Int64
		}
	}
	if n, ok := v.(int64); ok {
		return n
	}
	return -1
}
