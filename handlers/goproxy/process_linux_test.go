//go:build linux

package goproxy_test

import (
	"context"
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

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/dbtest"
)

// startProcess builds cmd/kodera and runs it on a fresh database and data
// directory, in its own process as an operator would (so that a benchmark's
// client shares no Go runtime with it, as with nginx), until b ends. It
// returns the node's URL and database URL. (handlers/files has the same
// helper for its benchmark.)
func startProcess(b *testing.B) (string, string) {
	b.Helper()
	root, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(b.TempDir(), "kodera")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kodera")
	build.Dir = filepath.Dir(strings.TrimSpace(string(root)))
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("%v: %s", err, out)
	}
	dbURL := dbtest.New(b)
	u, err := url.Parse(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	pass, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"KODERA_LISTEN="+addr, "KODERA_DATA_DIR="+b.TempDir(), "KODERA_LOG_LEVEL=warn",
		"DB_HOST="+u.Hostname(), "DB_PORT="+port, "DB_DATABASE="+strings.TrimPrefix(u.Path, "/"),
		"DB_USERNAME="+u.User.Username(), "DB_PASSWORD="+pass,
		"KODERA_ADMIN_USERNAME="+apptest.AdminUser, "KODERA_ADMIN_PASSWORD="+apptest.AdminPassword,
	)
	logs := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return "http://" + addr, dbURL
			}
		}
		select {
		case err := <-exited:
			b.Fatalf("kodera exited: %v\n%s", err, logs.String())
		case <-ctx.Done():
			b.Fatalf("kodera not ready within 60s\n%s", logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
