package apptest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/dbtest"
)

// Process is kodera running as its own process, as an operator runs it:
// for what an in-process node cannot show (its memory, a kill -9).
type Process struct {
	URL   string
	DBURL string
	Pid   int

	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan struct{} // closed once the process is gone
	err    error         // how it ended, once exited is closed
}

// ProcessOptions configure StartProcess; the zero value is a fresh
// database and data directory.
type ProcessOptions struct {
	// Binary is a kodera built by Binary; empty builds one.
	Binary string
	// DBURL is the database to use; empty creates a fresh one.
	DBURL string
	// DataDir is KODERA_DATA_DIR; empty is a temporary directory.
	DataDir string
	// Env adds KEY=value settings.
	Env []string
}

// Binary builds cmd/kodera into a temporary directory of t.
func Binary(t testing.TB) string {
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

// StartProcess runs kodera serve and waits until it is ready. When the
// test ends the process gets SIGTERM (SIGKILL after 15 s); its log is
// printed if the test failed.
func StartProcess(t testing.TB, o ProcessOptions) *Process {
	t.Helper()
	if o.Binary == "" {
		o.Binary = Binary(t)
	}
	if o.DBURL == "" {
		o.DBURL = dbtest.New(t)
	}
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	u, err := url.Parse(o.DBURL)
	require.NoError(t, err)
	pass, _ := u.User.Password()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()

	cmd := exec.Command(o.Binary, "serve")
	cmd.Env = append(os.Environ(),
		"KODERA_LISTEN="+addr, "KODERA_DATA_DIR="+o.DataDir, "KODERA_LOG_LEVEL=warn",
		"DB_HOST="+u.Hostname(), "DB_PORT="+portOr(u.Port(), "5432"), "DB_DATABASE="+strings.TrimPrefix(u.Path, "/"),
		"DB_USERNAME="+u.User.Username(), "DB_PASSWORD="+pass,
		"KODERA_ADMIN_USERNAME="+AdminUser, "KODERA_ADMIN_PASSWORD="+AdminPassword,
	)
	cmd.Env = append(cmd.Env, o.Env...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	p := &Process{URL: "http://" + addr, DBURL: o.DBURL, Pid: cmd.Process.Pid, cmd: cmd, logs: logs, exited: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("kodera log:\n%s", logs.String())
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/readyz", nil)
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

// Logs returns what the process wrote so far (stdout and stderr).
func (p *Process) Logs() string { return p.logs.String() }

// Seed returns fixture helpers writing into the process's database.
func (p *Process) Seed(t testing.TB) *Seed { return &Seed{t: t, n: &Node{DBURL: p.DBURL}} }

// Kill ends the process with SIGKILL: no shutdown, no cleanup.
func (p *Process) Kill(t testing.TB) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("kodera did not die")
	}
}

// Memory reads the Vm* lines of /proc/<pid>/status, in bytes (VmRSS,
// VmHWM...).
func (p *Process) Memory(t testing.TB) map[string]int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid))
	require.NoError(t, err)
	m := map[string]int64{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || !strings.HasPrefix(k, "Vm") {
			continue
		}
		if f := strings.Fields(v); len(f) == 2 && f[1] == "kB" {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			m[k] = n << 10
		}
	}
	return m
}

// ResetPeak resets VmHWM to the current RSS, so that a later Memory shows
// the peak of what came between; false when the kernel refuses.
func (p *Process) ResetPeak() bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.Pid), []byte("5"), 0) == nil
}
