// Package dbtest gives each test its own fresh PostgreSQL database, cloned
// from a template migrated once per schema version (pgtestdb's approach: a
// clone costs tens of milliseconds and no test sees another's data).
//
// The server is KODERA_TEST_DATABASE_URL, by default the local cluster at
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/migrations"
)

// DefaultURL is the server used when KODERA_TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL returns the maintenance-database URL of the test server.
func ServerURL() string {
	if u := os.Getenv("KODERA_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// New creates a fresh migrated database for t, dropped when t ends, and
// returns its URL.
func New(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		t.Fatalf("dbtest: PostgreSQL not reachable at %s (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): %v", ServerURL(), err)
	}
	defer admin.Close(context.Background())

	tmpl := templateName()
	if err := ensureTemplate(ctx, admin, tmpl); err != nil {
		t.Fatalf("dbtest: template %s: %v", tmpl, err)
	}
	name := "kodera_test_" + randomHex(8)
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl)); err != nil {
		t.Fatalf("dbtest: create %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, ServerURL())
		if err != nil {
			t.Logf("dbtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Logf("dbtest: drop %s: %v", name, err)
		}
	})
	return withDatabase(ServerURL(), name)
}

// NewPool is New plus a pool on the fresh database, closed when t ends.
func NewPool(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	u := New(t)
	pool, err := db.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool, u
}

// templateName depends on the migrations' content, so a changed schema gets
// a new template and concurrent test binaries of different checkouts never
// share one that does not match.
func templateName() string {
	h := sha256.New()
	entries, _ := fs.Glob(migrations.FS, "*.sql")
	sort.Strings(entries)
	for _, e := range entries {
		b, _ := fs.ReadFile(migrations.FS, e)
		h.Write([]byte(e))
		h.Write(b)
	}
	return "kodera_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16]
}

// ensureTemplate creates and migrates the template once, under an advisory
// lock so parallel test binaries wait for the first one.
func ensureTemplate(ctx context.Context, admin *pgx.Conn, tmpl string) error {
	sum := sha256.Sum256([]byte(tmpl))
	key := int64(binary.BigEndian.Uint64(sum[:8]))
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return err
	}
	defer func() { _, _ = admin.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", key) }()

	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", tmpl).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	// A half-made template from a crashed run is rebuilt.
	if _, err := admin.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", tmpl)); err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s", tmpl)); err != nil {
		return err
	}
	pool, err := db.Open(ctx, withDatabase(ServerURL(), tmpl))
	if err != nil {
		return err
	}
	err = db.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return err
	}
	_, err = admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH is_template true", tmpl))
	return err
}

func withDatabase(serverURL, name string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
