//go:build linux

package registry_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/registry"
)

// TestKilledNodeUploadResumes kills (SIGKILL) a kodera process while it
// writes a chunk of an OCI upload, then resumes the session on another
// node sharing the database and the filesystem store: the session reports
// the offset before the lost chunk, a chunk sent while the dead node's
// lease still holds gets a 416 that says why and until when, and within
// the lease TTL the chunk is accepted and the upload finishes intact.
func TestKilledNodeUploadResumes(t *testing.T) {
	t.Parallel()
	bin := buildKodera(t)
	dbURL := dbtest.New(t)
	dir := t.TempDir()
	a := startProcess(t, bin, dbURL, dir)
	b := apptest.Start(t, apptest.Options{DBURL: dbURL, DataDir: dir})

	data := make([]byte, 3<<20)
	_, _ = rand.Read(data)
	sum := sha256.Sum256(data)
	digest := "sha256:" + hex.EncodeToString(sum[:])
	const chunk = 1 << 20

	seed := b.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("crash", "docker", "private", "alice")
	token := seed.Token("alice", false, []string{"write"})
	do := func(method, base, loc string, hdr map[string]string, body io.Reader, size int64) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, base+loc, body)
		require.NoError(t, err)
		req.ContentLength = size
		req.SetBasicAuth("alice", token)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return resp
	}
	text := func(resp *http.Response) string {
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	resp := do("POST", a.url, "/v2/crash/img/blobs/uploads/", nil, nil, 0)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, text(resp))
	text(resp)
	loc := resp.Header.Get("Location")
	id := resp.Header.Get("Docker-Upload-UUID")
	resp = do("PATCH", a.url, loc, map[string]string{"Content-Range": fmt.Sprintf("0-%d", chunk-1)}, bytes.NewReader(data[:chunk]), chunk)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, text(resp))
	text(resp)

	// The second chunk starts streaming to a, which dies halfway through.
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	go func() {
		req, err := http.NewRequest("PATCH", a.url+loc, pr)
		if err != nil {
			return
		}
		req.ContentLength = chunk
		req.SetBasicAuth("alice", token)
		req.Header.Set("Content-Range", fmt.Sprintf("%d-%d", chunk, 2*chunk-1))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	go func() { _, _ = pw.Write(data[chunk : chunk+chunk/2]) }()
	staged := filepath.Join(dir, "blobs", "uploads", id)
	require.Eventually(t, func() bool {
		fi, err := os.Stat(staged)
		return err == nil && fi.Size() > chunk
	}, 30*time.Second, 10*time.Millisecond, "the second chunk never reached the store")
	a.kill(t)

	// The session reports what can be resumed: the first chunk.
	resp = do("GET", b.URL, loc, nil, nil, 0)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, text(resp))
	text(resp)
	require.Equal(t, fmt.Sprintf("0-%d", chunk-1), resp.Header.Get("Range"))

	// Until the dead node's lease runs out, a chunk is refused with a reason.
	patch := func() *http.Response {
		return do("PATCH", b.URL, loc, map[string]string{"Content-Range": fmt.Sprintf("%d-%d", chunk, 2*chunk-1)}, bytes.NewReader(data[chunk:2*chunk]), chunk)
	}
	start := time.Now()
	resp = patch()
	body := text(resp)
	require.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode, body)
	require.Contains(t, body, "another request is writing to this upload")
	require.Contains(t, body, fmt.Sprintf("retry at offset %d", chunk))
	require.Equal(t, fmt.Sprintf("0-%d", chunk-1), resp.Header.Get("Range"))

	// So is the final PUT: the session is busy, not unknown.
	resp = do("PUT", b.URL, loc+"?digest="+url.QueryEscape(digest), nil, nil, 0)
	body = text(resp)
	require.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode, body)
	require.NotContains(t, body, "BLOB_UPLOAD_UNKNOWN")
	require.Contains(t, body, "another request is writing to this upload")

	var accepted *http.Response
	require.Eventually(t, func() bool {
		resp := patch()
		if resp.StatusCode == http.StatusAccepted {
			accepted = resp
			text(resp)
			return true
		}
		body := text(resp)
		require.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode, body)
		return false
	}, registry.LeaseTTL+15*time.Second, 250*time.Millisecond, "the session stayed locked")
	t.Logf("resumed on another node %s after the kill", time.Since(start).Round(100*time.Millisecond))
	require.Equal(t, fmt.Sprintf("0-%d", 2*chunk-1), accepted.Header.Get("Range"))

	resp = do("PUT", b.URL, accepted.Header.Get("Location")+"?digest="+url.QueryEscape(digest), nil, bytes.NewReader(data[2*chunk:]), int64(len(data)-2*chunk))
	require.Equal(t, http.StatusCreated, resp.StatusCode, text(resp))
	text(resp)
	resp = do("GET", b.URL, "/v2/crash/img/blobs/"+digest, nil, nil, 0)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got), "the resumed blob differs from what was sent")
}

// buildKodera builds the kodera binary into a temporary directory.
func buildKodera(t *testing.T) string {
	t.Helper()
	root, err := exec.Command("go", "env", "GOMOD").Output()
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "kodera")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kodera")
	build.Dir = filepath.Dir(strings.TrimSpace(string(root)))
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// process is a kodera server running as its own process.
type process struct {
	url    string
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process is gone
	err    error         // how it ended, once exited is closed
}

// kill ends the process with SIGKILL: no shutdown, no cleanup.
func (p *process) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("kodera did not die")
	}
}

// startProcess runs bin as a node on dbURL with the data dir dir and waits
// until it is ready.
func startProcess(t *testing.T, bin, dbURL, dir string) *process {
	t.Helper()
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	pass, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()

	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"KODERA_LISTEN="+addr, "KODERA_DATA_DIR="+dir, "KODERA_LOG_LEVEL=warn",
		"DB_HOST="+u.Hostname(), "DB_PORT="+port, "DB_DATABASE="+strings.TrimPrefix(u.Path, "/"),
		"DB_USERNAME="+u.User.Username(), "DB_PASSWORD="+pass,
		"KODERA_ADMIN_USERNAME="+apptest.AdminUser, "KODERA_ADMIN_PASSWORD="+apptest.AdminPassword,
	)
	logs := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	p := &process{url: "http://" + addr, cmd: cmd, exited: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("kodera log:\n%s", logs.String())
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("kodera exited: %v\n%s", p.err, logs.String())
		case <-ctx.Done():
			t.Fatalf("kodera not ready within 60s\n%s", logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
