//go:build linux

package files_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// BenchmarkFiles measures PUT and GET throughput of 1 MiB and 256 MiB files
// against kodera (its own process, filesystem store) and, side by side,
// nginx serving and accepting (WebDAV PUT) the same files on this machine.
// Both get the same Go client and keep-alive connections; compare the
// MB/s of kodera/... with nginx/... (scripts/bench/files.sh prints the
// ratios and each case's p99 latency). Kodera GETs go with a token, with a
// Basic password, and anonymously on a public repository (nginx's own
// case). Kodera verifies and hashes (sha256, sha1, md5) every upload and
// fsyncs it before answering; nginx does neither.
//
// It takes a minute, so it runs only with KODERA_BENCH_FILES=1, as
// scripts/bench/files.sh (run by `go tool task bench`) sets it.
func BenchmarkFiles(b *testing.B) {
	if os.Getenv("KODERA_BENCH_FILES") == "" {
		b.Skip("run by scripts/bench/files.sh (KODERA_BENCH_FILES=1)")
	}
	type target struct {
		name string
		url  string // prefix a file name is appended to
		hdr  http.Header
	}
	var targets []target

	srv := apptest.StartProcess(b, apptest.ProcessOptions{})
	seed := (&apptest.Node{DBURL: srv.DBURL}).Seed(b)
	seed.User("bench", "bench-password-123", false)
	seed.Repo("bench", "files", "private", "bench")
	seed.Repo("open", "files", "public", "bench")
	token := seed.Token("bench", false, []string{"read", "write"})
	basicAuth := http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("bench:bench-password-123"))}}
	targets = append(targets, target{"kodera", srv.URL + "/api/files/bench/", http.Header{"Authorization": {"Bearer " + token}}})
	if url, ok := startNginx(b); ok {
		targets = append(targets, target{"nginx", url + "/", http.Header{}})
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrentClients, DisableCompression: true}}
	// do sends one request and returns the size of the response body.
	do := func(b *testing.B, method, url string, hdr http.Header, body []byte) int64 {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequest(method, url, rd)
		if err != nil {
			b.Fatal(err)
		}
		req.Header = hdr.Clone()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatalf("%s %s: reading the body: %v", method, url, err)
		}
		if resp.StatusCode >= 300 {
			b.Fatalf("%s %s: %s", method, url, resp.Status)
		}
		return n
	}

	rng := rand.NewChaCha8([32]byte{7})
	for _, size := range []struct {
		name         string
		n            int
		rounds, reps int
	}{{"1MiB", 1 << 20, 20, 10}, {"256MiB", 256 << 20, 3, 1}} {
		data := make([]byte, size.n)
		_, _ = rng.Read(data)
		name := "bench-" + size.name + ".bin"
		b.Run(size.name, func(b *testing.B) {
			// Servers take turns, a few requests each, so that both see
			// the same machine load (other processes, page cache).
			spent := map[string]time.Duration{}
			bytes := map[string]int64{}
			latencies := map[string][]time.Duration{}
			measure := func(key, method, url string, hdr http.Header, body []byte) {
				for range size.reps {
					start := time.Now()
					// A truncated download must not pass for a fast one.
					if n := do(b, method, url, hdr, body); method == http.MethodGet && n != int64(size.n) {
						b.Fatalf("GET %s: %d bytes, want %d", url, n, size.n)
					}
					d := time.Since(start)
					spent[key] += d
					latencies[key] = append(latencies[key], d)
				}
				bytes[key] += int64(size.reps * size.n)
			}
			for _, tg := range targets {
				do(b, http.MethodPut, tg.url+name, tg.hdr, data)
			}
			do(b, http.MethodPut, srv.URL+"/api/files/open/"+name, targets[0].hdr, data)
			type getCase struct {
				key, url string
				hdr      http.Header
			}
			var gets []getCase
			for _, tg := range targets {
				gets = append(gets, getCase{tg.name + "-GET", tg.url + name, tg.hdr})
			}
			gets = append(gets,
				// A public repository read anonymously: nginx's case,
				// without the token check.
				getCase{"kodera-anonymous-GET", srv.URL + "/api/files/open/" + name, http.Header{}},
				// A Basic password: what curl -u sends.
				getCase{"kodera-basic-GET", targets[0].url + name, basicAuth})
			round := 0
			for b.Loop() {
				for range size.rounds {
					// The PUTs first, then the GETs in an order that
					// rotates each round: the one right after kodera's
					// fsync'ing PUT would otherwise always pay for it.
					for _, tg := range targets {
						measure(tg.name+"-PUT", http.MethodPut, tg.url+name, tg.hdr, data)
					}
					for i := range gets {
						g := gets[(i+round)%len(gets)]
						measure(g.key, http.MethodGet, g.url, g.hdr, nil)
					}
					round++
				}
			}
			if size.n == 1<<20 {
				// The same GETs from several clients at once, as pip, docker
				// and CI runners send them: the servers take turns per burst.
				for range 3 {
					for i := range gets {
						g := gets[(i+round)%len(gets)]
						took, lat := burst(b, concurrentClients, 25, func() {
							if n := do(b, http.MethodGet, g.url, g.hdr, nil); n != int64(size.n) {
								b.Errorf("GET %s: %d bytes, want %d", g.url, n, size.n)
							}
						})
						k := g.key + "-c8"
						spent[k] += took
						bytes[k] += int64(concurrentClients * 25 * size.n)
						latencies[k] = append(latencies[k], lat...)
					}
					round++
				}
			}
			rate := func(k string) float64 { return float64(bytes[k]) / spent[k].Seconds() / 1e6 }
			for k := range spent {
				b.ReportMetric(rate(k), k+"-MB/s")
				l := latencies[k]
				slices.Sort(l)
				b.ReportMetric(float64(l[(len(l)*99+99)/100-1].Microseconds())/1000, k+"-p99-ms")
			}
			if _, ok := spent["nginx-GET"]; ok {
				b.ReportMetric(rate("kodera-GET")/rate("nginx-GET"), "GET-ratio")
				if _, ok := spent["nginx-GET-c8"]; ok {
					b.ReportMetric(rate("kodera-GET-c8")/rate("nginx-GET-c8"), "GET-c8-ratio")
					b.ReportMetric(rate("kodera-anonymous-GET-c8")/rate("nginx-GET-c8"), "anonymous-GET-c8-ratio")
					b.ReportMetric(rate("kodera-basic-GET-c8")/rate("nginx-GET-c8"), "basic-GET-c8-ratio")
				}
				b.ReportMetric(rate("kodera-anonymous-GET")/rate("nginx-GET"), "anonymous-GET-ratio")
				b.ReportMetric(rate("kodera-basic-GET")/rate("nginx-GET"), "basic-GET-ratio")
				b.ReportMetric(rate("kodera-PUT")/rate("nginx-PUT"), "PUT-ratio")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

// concurrentClients is how many clients the concurrent GET case runs.
const concurrentClients = 8

// burst runs fn n times in each of clients goroutines and returns the wall
// time of the whole burst and each call's latency.
func burst(b *testing.B, clients, n int, fn func()) (time.Duration, []time.Duration) {
	b.Helper()
	lat := make([][]time.Duration, clients)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for range n {
				t := time.Now()
				fn()
				lat[c] = append(lat[c], time.Since(t))
			}
		})
	}
	wg.Wait()
	return time.Since(start), slices.Concat(lat...)
}

// startNginx runs nginx with WebDAV PUT on a temporary root; false if nginx
// is not installed.
func startNginx(b *testing.B) (string, bool) {
	b.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
			b.Logf("nginx not installed (apt-get install -y nginx): no comparison")
			return "", false
		}
		bin = "/usr/sbin/nginx"
	}
	dir := b.TempDir()
	for _, d := range []string{"www", "body", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			b.Fatal(err)
		}
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
  client_max_body_size 0;
  client_body_temp_path %[2]s/body;
  default_type application/octet-stream;
  server {
    listen %[3]s;
    root %[2]s/www;
    location / {
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw;
    }
  }
}
`, user, dir, addr)
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
