// Package apptest starts real kodera nodes for black-box tests: app.Run on a
// random loopback port, its own fresh database and data dir, waiting until
// /readyz answers 200.
package apptest

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kodera-packages/kodera/internal/app"
	"github.com/kodera-packages/kodera/internal/dbtest"
)

// Admin credentials every test node is bootstrapped with.
const (
	AdminUser     = "admin"
	AdminPassword = "admin-password-for-tests"
)

// Node is a running server.
type Node struct {
	URL     string // http://127.0.0.1:port
	Addr    string // 127.0.0.1:port
	DBURL   string
	DataDir string
	Env     map[string]string
	logs    *syncBuffer
}

// Options shape a node; the zero value gives a fresh database and data dir.
type Options struct {
	// DBURL shares a database with another node (scale-out tests).
	DBURL string
	// DataDir shares a filesystem store with another node.
	DataDir string
	// Env adds or overrides environment variables (STORAGE_URL, ...).
	Env map[string]string
}

// Start runs a node until t ends.
func Start(t testing.TB, o Options) *Node {
	t.Helper()
	if o.DBURL == "" {
		o.DBURL = dbtest.New(t)
	}
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	u, err := url.Parse(o.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	env := map[string]string{
		"KODERA_LISTEN":           "127.0.0.1:0",
		"KODERA_DATA_DIR":         o.DataDir,
		"KODERA_LOG_FORMAT":       "text",
		"KODERA_LOG_LEVEL":        "warn",
		"DB_HOST":                 u.Hostname(),
		"DB_PORT":                 portOr(u.Port(), "5432"),
		"DB_DATABASE":             strings.TrimPrefix(u.Path, "/"),
		"DB_USERNAME":             u.User.Username(),
		"DB_PASSWORD":             pass,
		"KODERA_ADMIN_USERNAME":   AdminUser,
		"KODERA_ADMIN_PASSWORD":   AdminPassword,
		"KODERA_SHUTDOWN_TIMEOUT": "5s",
		// The tests' own vendor key (license.go), so they can issue licenses.
		"KODERA_LICENSE_PUBLIC_KEY": LicensePublicKey,
	}
	for k, v := range o.Env {
		env[k] = v
	}
	n := &Node{DBURL: o.DBURL, DataDir: o.DataDir, Env: env, logs: &syncBuffer{}}

	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, []string{"kodera", "serve"}, func(k string) string { return env[k] }, n.logs,
			app.Options{Listening: func(a string) { addr <- a }})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Errorf("apptest: node did not stop within 15s")
		}
		if t.Failed() {
			t.Logf("node %s log:\n%s", n.Addr, n.logs.String())
		}
	})
	select {
	case n.Addr = <-addr:
	case err := <-done:
		t.Fatalf("apptest: node exited: %v\n%s", err, n.logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("apptest: node did not listen within 60s\n%s", n.logs.String())
	}
	n.URL = "http://" + n.Addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(n.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return n
			}
		}
		select {
		case err := <-done:
			t.Fatalf("apptest: node exited: %v\n%s", err, n.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("apptest: node not ready within 60s\n%s", n.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Logs returns what the node logged so far.
func (n *Node) Logs() string { return n.logs.String() }

func portOr(p, def string) string {
	if p == "" {
		return def
	}
	return p
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
