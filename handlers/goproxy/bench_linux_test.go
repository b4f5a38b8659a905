//go:build linux

package goproxy_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/module"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// BenchmarkGoproxy measures the GOPROXY's .info, .mod and .zip for 1,000
// module versions (10 modules x 100 versions, anonymous reads of a public
// repository), side by side with nginx serving the same bytes as a static
// GOPROXY tree; then the time from `git push` of a tag to the version being
// listed by @v/list. Both servers get the same Go client, 8 concurrent
// keep-alive workers, and take turns (kodera, nginx, kodera, nginx) so that
// both see the same machine load. Target: kodera >= 0.5x nginx.
//
// It runs only with KODERA_BENCH_GO=1, as scripts/bench/goproxy.sh (run by
// `go tool task bench`) sets it.
func BenchmarkGoproxy(b *testing.B) {
	if os.Getenv("KODERA_BENCH_GO") == "" {
		b.Skip("run by scripts/bench/goproxy.sh (KODERA_BENCH_GO=1)")
	}
	nodeURL, dbURL := startProcess(b)
	n := &apptest.Node{URL: nodeURL, DBURL: dbURL}
	s := n.Seed(b)
	s.User("bench", "bench-password-123", false)
	s.Repo("bench", "go", "public", "bench")
	token := s.Token("bench", false, []string{"read", "write"})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}}

	// 1,000 versions through the REST zip upload.
	var versions []mv
	for m := range 10 {
		for v := range 100 {
			versions = append(versions, mv{fmt.Sprintf("example.com/bench/Mod%d", m), fmt.Sprintf("v1.%d.0", v)})
		}
	}
	b.Run("upload", func(b *testing.B) {
		for b.Loop() {
			start := time.Now()
			upload(b, client, n.URL, token, versions[:len(versions)/2])
			b.ReportMetric(float64(len(versions)/2)/time.Since(start).Seconds(), "uploads/s")
		}
		b.ReportMetric(0, "ns/op")
	})
	upload(b, client, n.URL, token, versions[len(versions)/2:])

	// The static tree, with kodera's own bytes.
	www := b.TempDir()
	kodera := n.URL + "/api/go/bench/"
	var paths []string // escaped module/@v/version, without the extension
	for _, v := range versions {
		ep, _ := module.EscapePath(v.path)
		base := ep + "/@v/" + v.version
		paths = append(paths, base)
		for _, ext := range []string{".info", ".mod", ".zip"} {
			body := get(b, client, kodera+base+ext)
			p := filepath.Join(www, filepath.FromSlash(base+ext))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, body, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	nginx, ok := startNginx(b, www)

	for _, ext := range []string{".info", ".mod", ".zip"} {
		b.Run(strings.TrimPrefix(ext, "."), func(b *testing.B) {
			res := map[string]*result{"kodera": {}, "nginx": {}}
			for b.Loop() {
				for range 2 {
					load(b, client, kodera, paths, ext, res["kodera"])
					if ok {
						load(b, client, nginx+"/", paths, ext, res["nginx"])
					}
				}
			}
			for name, r := range res {
				if r.n == 0 {
					continue
				}
				b.ReportMetric(r.rate(), name+"-req/s")
				b.ReportMetric(r.p99(), name+"-p99-ms")
			}
			if ok {
				b.ReportMetric(res["kodera"].rate()/res["nginx"].rate(), "ratio")
			}
			b.ReportMetric(0, "ns/op")
		})
	}

	b.Run("push-to-listed", func(b *testing.B) {
		var took []time.Duration
		for b.Loop() {
			took = append(took, pushToListed(b, client, n.URL, token)...)
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
		b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
		b.ReportMetric(0, "ns/op")
	})
}

// upload publishes versions through the REST API's module zip upload.
func upload(b *testing.B, client *http.Client, base, token string, versions []mv) {
	for _, v := range versions {
		body := benchZip(b, v.path, v.version)
		req, _ := http.NewRequest("POST", base+"/api/v1/repositories/bench/go/modules", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/zip")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("upload %v: %s", v, resp.Status)
		}
	}
}

// mv is a module version.
type mv struct{ path, version string }

// pushToListed pushes five tags one by one with the real git and returns,
// for each, the time from starting `git push` to @v/list showing it.
func pushToListed(b *testing.B, client *http.Client, base, token string) []time.Duration {
	home, dir := b.TempDir(), b.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	if err := os.WriteFile(cfg, []byte("[user]\n\tname = B\n\temail = b@example.com\n[init]\n\tdefaultBranch = main\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + cfg, "GIT_TERMINAL_PROMPT=0"}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	mod := fmt.Sprintf("example.com/pushed%d", rand.Int())
	u, _ := url.Parse(base + "/git/bench/" + mod + ".git")
	u.User = url.UserPassword("bench", token)
	git("init", "-q")
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+mod+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	git("add", "-A")
	git("commit", "-q", "-m", "m")
	git("push", "-q", u.String(), "main")
	var out []time.Duration
	for i := range 5 {
		tag := fmt.Sprintf("v0.%d.0", i)
		git("tag", tag)
		start := time.Now()
		git("push", "-q", u.String(), tag)
		for !strings.Contains(string(get(b, client, base+"/api/go/bench/"+mod+"/@v/list")), tag) {
			if time.Since(start) > 30*time.Second {
				b.Fatalf("%s never listed", tag)
			}
		}
		out = append(out, time.Since(start))
	}
	return out
}

// result accumulates one server's requests of one kind.
type result struct {
	mu    sync.Mutex
	n     int
	spent time.Duration
	lat   []time.Duration
}

func (r *result) rate() float64 { return float64(r.n) / r.spent.Seconds() }
func (r *result) p99() float64 {
	slices.Sort(r.lat)
	return float64(r.lat[(len(r.lat)*99+99)/100-1].Microseconds()) / 1000
}

// load runs 8 workers for two seconds, each GETting random versions.
func load(b *testing.B, client *http.Client, base string, paths []string, ext string, r *result) {
	const workers, dur = 8, 2 * time.Second
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			var lat []time.Duration
			for time.Since(start) < dur {
				t := time.Now()
				resp, err := client.Get(base + paths[rng.IntN(len(paths))] + ext)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("%s: %s", base, resp.Status)
					return
				}
				lat = append(lat, time.Since(t))
			}
			r.mu.Lock()
			r.n += len(lat)
			r.lat = append(r.lat, lat...)
			r.mu.Unlock()
		}()
	}
	wg.Wait()
	r.spent += time.Since(start)
}

func get(b *testing.B, client *http.Client, u string) []byte {
	resp, err := client.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %s %v", u, resp.Status, err)
	}
	return body
}

// benchZip is a small module zip (go.mod and two files, about 2 KiB).
func benchZip(b *testing.B, path, version string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"go.mod": "module " + path + "\n\ngo 1.21\n",
		"a.go":   "package mod\n\n// A is " + strings.Repeat("a", 1000) + "\nconst A = 1\n",
		"b.go":   "package mod\n\n// B is " + strings.Repeat("b", 1000) + "\nconst B = 2\n",
	} {
		w, err := zw.Create(path + "@" + version + "/" + name)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// startNginx serves root statically; false if nginx is not installed.
func startNginx(b *testing.B, root string) (string, bool) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
			b.Logf("nginx not installed (apt-get install -y nginx): no comparison")
			return "", false
		}
		bin = "/usr/sbin/nginx"
	}
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := fmt.Sprintf(`%s
worker_processes auto;
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/logs/error.log;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { application/json info; text/plain mod; application/zip zip; }
  server {
    listen %[3]s;
    root %[4]s;
  }
}
`, user, dir, addr, root)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "logs", "error.log"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return "http://" + addr, true
		}
		if i > 200 {
			log, _ := os.ReadFile(filepath.Join(dir, "logs", "error.log"))
			b.Fatalf("nginx did not start: %s", log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
