//go:build linux

// Package multinode runs a small kodera cluster for scale-out tests: N
// nodes as separate processes (the real binary, as an operator runs it) on
// one fresh PostgreSQL database and one S3 store (versitygw), behind a
// round-robin reverse proxy, the way a load balancer spreads clients over
// the nodes. Tests talk to the proxy, or to one node on purpose.
package multinode

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
	"github.com/kodera-packages/kodera/internal/dbtest"
)

// NodeHeader names, in every response the proxy relays, the index of the
// node that served it.
const NodeHeader = "X-Multinode-Node"

// Cluster is a running set of nodes sharing one database and one store.
type Cluster struct {
	// URL is the round-robin proxy in front of the nodes.
	URL   string
	Nodes []*apptest.Process
	DBURL string
	S3    blob.S3Config

	next   atomic.Uint64
	served []atomic.Int64 // requests the proxy sent to each node
}

// Options shape a cluster; the zero value is two nodes.
type Options struct {
	// Nodes is how many nodes to start (default 2).
	Nodes int
	// Env adds KEY=value settings to every node (intervals, limits...).
	Env []string
}

var (
	buildOnce sync.Once
	binary    string
	buildDir  string // removed by Main
)

// Main runs a test package that starts clusters (call it from TestMain):
// the binary is built once for all its tests and removed at the end.
func Main(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// Binary builds cmd/kodera once per test binary (see Main); every cluster
// runs that build.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() { binary = apptest.Binary(&keepTB{TB: t}) })
	if binary == "" {
		t.Fatal("multinode: building kodera failed in an earlier test")
	}
	return binary
}

// Start runs the cluster until t ends: a fresh database, a fresh S3
// server and bucket, the nodes (each ready before Start returns) and the
// proxy.
func Start(t testing.TB, o Options) *Cluster {
	t.Helper()
	if o.Nodes == 0 {
		o.Nodes = 2
	}
	bin := Binary(t)
	c := &Cluster{DBURL: dbtest.New(t), S3: blobtest.StartS3(t)}
	env := append([]string{
		"STORAGE_URL=" + c.S3.Endpoint, "STORAGE_BUCKET=" + c.S3.Bucket,
		"STORAGE_AK=" + c.S3.AccessKey, "STORAGE_SK=" + c.S3.SecretKey,
		"KODERA_SHUTDOWN_TIMEOUT=5s",
	}, o.Env...)
	// The first node migrates and bootstraps the admin alone, so the
	// others start on a ready schema (they would wait on goose's lock).
	c.Nodes = append(c.Nodes, apptest.StartProcess(t, apptest.ProcessOptions{Binary: bin, DBURL: c.DBURL, Env: env}))
	rest := make([]*apptest.Process, o.Nodes-1)
	var wg sync.WaitGroup
	for i := range rest {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rest[i] = apptest.StartProcess(&goroutineTB{TB: t}, apptest.ProcessOptions{Binary: bin, DBURL: c.DBURL, Env: env})
		}()
	}
	wg.Wait()
	for _, p := range rest {
		if p == nil {
			t.FailNow()
		}
	}
	c.Nodes = append(c.Nodes, rest...)

	c.served = make([]atomic.Int64, len(c.Nodes))
	targets := make([]*url.URL, len(c.Nodes))
	for i, n := range c.Nodes {
		u, err := url.Parse(n.URL)
		if err != nil {
			t.Fatal(err)
		}
		targets[i] = u
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			i := int(c.next.Add(1)-1) % len(targets)
			c.served[i].Add(1)
			r.SetURL(targets[i])
			r.Out.Host = r.In.Host // links and token realms name the proxy
			r.SetXForwarded()
			r.Out.Header.Set(NodeHeader, strconv.Itoa(i))
		},
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Set(NodeHeader, resp.Request.Header.Get(NodeHeader))
			return nil
		},
		FlushInterval: -1, // stream: blobs and git packs are large
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	c.URL = srv.URL
	return c
}

// Served is how many requests the proxy has sent to each node so far.
func (c *Cluster) Served() []int64 {
	n := make([]int64, len(c.served))
	for i := range c.served {
		n[i] = c.served[i].Load()
	}
	return n
}

// Node is the URL of node i, bypassing the proxy.
func (c *Cluster) Node(i int) string { return c.Nodes[i].URL }

// Seed writes fixtures into the cluster's database.
func (c *Cluster) Seed(t testing.TB) *apptest.Seed { return c.Nodes[0].Seed(t) }

// keepTB lets the shared build outlive the test that triggered it: its
// TempDir is the package's, removed by Main.
type keepTB struct{ testing.TB }

func (k *keepTB) TempDir() string {
	dir, err := os.MkdirTemp("", "kodera-multinode-")
	if err != nil {
		k.Fatal(err)
	}
	buildDir = dir
	return dir
}

// goroutineTB reports a failure of a node started in a goroutine without
// calling FailNow off the test's goroutine (which testing forbids): the
// goroutine ends and Start fails the test.
type goroutineTB struct{ testing.TB }

func (g *goroutineTB) Fatal(args ...any) { g.Error(args...); runtime.Goexit() }

func (g *goroutineTB) Fatalf(format string, args ...any) { g.Errorf(format, args...); runtime.Goexit() }

func (g *goroutineTB) FailNow() { g.Fail(); runtime.Goexit() }
