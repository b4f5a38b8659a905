// Package blobtest runs real blob backends for tests, so that every package
// testing against S3 talks to an actual S3 server rather than a mock.
package blobtest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/testtool"
)

// versitygw is the S3 server the tests run: a single static binary that
// serves a local directory over S3, installed by `go tool task tools`.
const versitygw = "versitygw"

// startTimeout bounds how long a fresh server may take to accept
// connections; it normally takes a few tens of milliseconds.
const startTimeout = 20 * time.Second

// StartS3 starts a private S3 server (versitygw over a temporary directory)
// on a free loopback port and returns a config for a bucket on it with a
// unique name. The bucket does not exist yet: blob.NewS3 creates it. The
// server is killed when the test ends.
//
// The binary is looked for in $KODERA_TOOLS_BIN, then in the module's
// .tools/bin, then in PATH. If it is missing the test fails rather than
// skips, so that a machine without it cannot pass the S3 tests by not
// running them.
func StartS3(t testing.TB) blob.S3Config {
	t.Helper()
	return StartS3Server(t).Config
}

// S3Server is a running versitygw that a test may stop and start again on
// the same address and directory: an object-store outage.
type S3Server struct {
	// Config reaches a bucket on the server (created by blob.NewS3).
	Config blob.S3Config

	t                      testing.TB
	bin, addr, secret, dir string
	srv                    *server
}

// StartS3Server is StartS3 keeping hold of the server (see S3Server).
func StartS3Server(t testing.TB) *S3Server {
	t.Helper()
	bin := testtool.Path(t, versitygw)
	access, secret := randomHex(8), randomHex(16)
	dir := t.TempDir()

	// Picking a free port and handing it to the server leaves a window in
	// which another process may take it; a server that dies at once is
	// retried on a new port.
	var lastErr error
	for range 3 {
		addr, err := freePort()
		if err != nil {
			t.Fatalf("blobtest: %v", err)
		}
		srv, err := start(bin, addr, access, secret, dir)
		if err != nil {
			lastErr = err
			continue
		}
		s := &S3Server{
			Config: blob.S3Config{
				Endpoint:  "http://" + addr,
				Bucket:    "kodera-test-" + randomHex(6),
				AccessKey: access,
				SecretKey: secret,
				Region:    "us-east-1",
			},
			t: t, bin: bin, addr: addr, secret: secret, dir: dir, srv: srv,
		}
		t.Cleanup(func() {
			if s.srv == nil {
				return
			}
			s.srv.stop()
			if t.Failed() {
				t.Logf("versitygw on %s output:\n%s", addr, s.srv.out.String())
			}
		})
		return s
	}
	t.Fatalf("blobtest: starting versitygw: %v", lastErr)
	return nil
}

// Stop kills the server; its data stays for Start.
func (s *S3Server) Stop() {
	s.t.Helper()
	if s.srv != nil {
		s.srv.stop()
		s.srv = nil
	}
}

// Start runs the server again on its address and directory.
func (s *S3Server) Start() {
	s.t.Helper()
	srv, err := start(s.bin, s.addr, s.Config.AccessKey, s.secret, s.dir)
	if err != nil {
		s.t.Fatalf("blobtest: restarting versitygw on %s: %v", s.addr, err)
	}
	s.srv = srv
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

type server struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
}

func start(bin, addr, access, secret, dir string) (*server, error) {
	out := &syncBuffer{}
	cmd := exec.Command(bin,
		"--access", access, "--secret", secret,
		"--port", addr, "--region", "us-east-1", "--quiet",
		"posix", dir)
	cmd.Stdout = out
	cmd.Stderr = out
	// Keep the server's settings ours alone, whatever VGW_* variables the
	// developer's shell has.
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	setPdeathsig(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	srv := &server{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(srv.exited)
	}()

	deadline := time.Now().Add(startTimeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return srv, nil
		}
		select {
		case <-srv.exited:
			return nil, fmt.Errorf("versitygw exited at start (%s): %s", cmd.ProcessState, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			srv.stop()
			return nil, fmt.Errorf("versitygw did not listen on %s within %v: %s", addr, startTimeout, out.String())
		}
	}
}

func (s *server) stop() {
	_ = s.cmd.Process.Kill()
	<-s.exited
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// syncBuffer collects the server's output, written by exec's copying
// goroutine and read by the test.
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
