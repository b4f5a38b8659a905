package ldap_test

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/testtool"
)

// runTool executes a client and returns its combined output, failing the
// test with that output on a non-zero exit.
func runTool(t *testing.T, dir string, env []string, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", filepath.Base(bin), strings.Join(args, " "), out)
	return string(out)
}

// TestLDAPUserWithRealClients: "every credential works everywhere" with a
// directory password: crane through the registry's token flow, curl with
// Basic on the raw files protocol.
func TestLDAPUserWithRealClients(t *testing.T) {
	t.Parallel()
	_, n := setup(t, nil)
	for _, repo := range []string{`{"name":"apps","type":"docker"}`, `{"name":"drop","type":"files"}`} {
		r := do(t, n, "POST", "/api/v1/repositories", "alice", alicePW, repo)
		require.Equal(t, 201, r.status, string(r.body))
	}
	home := t.TempDir()
	env := []string{"HOME=" + home, "DOCKER_CONFIG=" + filepath.Join(home, ".docker")}

	t.Run("crane", func(t *testing.T) {
		crane := testtool.Path(t, "crane")
		dir := t.TempDir()
		runTool(t, dir, env, crane, "auth", "login", n.Addr, "-u", "alice", "-p", alicePW)
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: "hello", Mode: 0o644, Size: 5, Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte("hello"))
		require.NoError(t, err)
		require.NoError(t, tw.Close())
		require.NoError(t, os.WriteFile(filepath.Join(dir, "layer.tar"), buf.Bytes(), 0o644))
		runTool(t, dir, env, crane, "append", "--insecure", "-f", "layer.tar", "-t", n.Addr+"/apps/hello:v1")
		require.Equal(t, "v1\n", runTool(t, dir, env, crane, "ls", "--insecure", n.Addr+"/apps/hello"))
	})

	t.Run("curl", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("from the directory"), 0o644))
		runTool(t, dir, nil, "curl", "-fsS", "-u", "alice:"+alicePW, "-T", "a.txt", n.URL+"/api/files/drop/a.txt")
		require.Equal(t, "from the directory", runTool(t, dir, nil, "curl", "-fsS", "-u", "alice:"+alicePW, n.URL+"/api/files/drop/a.txt"))
		out, err := exec.Command("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", "alice:wrong-password", n.URL+"/api/files/drop/a.txt").Output()
		require.NoError(t, err)
		require.Equal(t, "401", string(out))
	})
}
