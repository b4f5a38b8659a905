package oci_test

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/testtool"
)

// run executes a client tool and returns its combined output, failing the
// test with that output on a non-zero exit.
func run(t *testing.T, dir string, env []string, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", filepath.Base(bin), strings.Join(args, " "), out)
	return string(out)
}

// layerTar builds a one-file tar layer.
func layerTar(t *testing.T, name, content string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(content)), Typeflag: tar.TypeReg}))
	_, err := tw.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

// TestClients drives the real clients against a live node: crane, oras,
// helm and skopeo, each logging in with a user token.
func TestClients(t *testing.T) {
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	token := seed.Token("alice", false, []string{"write"})
	host := node.Addr
	home := t.TempDir()
	env := []string{"HOME=" + home, "DOCKER_CONFIG=" + filepath.Join(home, ".docker"), "XDG_RUNTIME_DIR=" + home,
		"HELM_CONFIG_HOME=" + filepath.Join(home, "helm", "config"), "HELM_CACHE_HOME=" + filepath.Join(home, "helm", "cache"),
		"HELM_DATA_HOME=" + filepath.Join(home, "helm", "data"), "REGISTRY_AUTH_FILE=" + filepath.Join(home, "auth.json")}

	t.Run("crane", func(t *testing.T) {
		crane := testtool.Path(t, "crane")
		dir := t.TempDir()
		run(t, dir, env, crane, "auth", "login", host, "-u", "alice", "-p", token)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "layer.tar"), layerTar(t, "hello", "hello from crane"), 0o644))
		run(t, dir, env, crane, "append", "--insecure", "-f", "layer.tar", "-t", host+"/apps/hello:v1")
		run(t, dir, env, crane, "append", "--insecure", "-f", "layer.tar", "--platform", "linux/arm64", "-t", host+"/apps/hello:arm64")
		run(t, dir, env, crane, "pull", "--insecure", host+"/apps/hello:v1", "out.tar")
		fi, err := os.Stat(filepath.Join(dir, "out.tar"))
		require.NoError(t, err)
		require.Greater(t, fi.Size(), int64(0))

		// A multi-platform index, copied with all its children.
		run(t, dir, env, crane, "index", "append", "--insecure", "-m", host+"/apps/hello:v1", "-m", host+"/apps/hello:arm64", "-t", host+"/apps/multi:v1")
		run(t, dir, env, crane, "copy", "--insecure", host+"/apps/multi:v1", host+"/apps/team/multi-copy:v1")
		m := run(t, dir, env, crane, "manifest", "--insecure", host+"/apps/team/multi-copy:v1")
		var idx struct {
			MediaType string
			Manifests []struct{ Digest string }
		}
		require.NoError(t, json.Unmarshal([]byte(m), &idx), m)
		require.Len(t, idx.Manifests, 2)

		run(t, dir, env, crane, "tag", "--insecure", host+"/apps/team/multi-copy:v1", "v2")
		tags := run(t, dir, env, crane, "ls", "--insecure", host+"/apps/team/multi-copy")
		require.Equal(t, "v1\nv2\n", tags)
		cat := run(t, dir, env, crane, "catalog", "--insecure", host)
		require.Contains(t, cat, "apps/hello\n")
		require.Contains(t, cat, "apps/team/multi-copy\n")
		digest := strings.TrimSpace(run(t, dir, env, crane, "digest", "--insecure", host+"/apps/team/multi-copy:v2"))
		run(t, dir, env, crane, "delete", "--insecure", host+"/apps/team/multi-copy@"+digest)
		tags = run(t, dir, env, crane, "ls", "--insecure", host+"/apps/team/multi-copy")
		require.Empty(t, strings.TrimSpace(tags))
	})

	t.Run("oras", func(t *testing.T) {
		oras := testtool.Path(t, "oras")
		dir := t.TempDir()
		run(t, dir, env, oras, "login", "--plain-http", "-u", "alice", "-p", token, host)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "artifact.txt"), []byte("an artifact"), 0o644))
		run(t, dir, env, oras, "push", "--plain-http", "--artifact-type", "application/vnd.kodera.test", host+"/apps/art:v1", "artifact.txt:text/plain")
		require.NoError(t, os.WriteFile(filepath.Join(dir, "sig.txt"), []byte("a signature"), 0o644))
		run(t, dir, env, oras, "attach", "--plain-http", "--artifact-type", "application/vnd.kodera.signature", host+"/apps/art:v1", "sig.txt:text/plain")
		out := run(t, dir, env, oras, "discover", "--plain-http", "--format", "json", host+"/apps/art:v1")
		require.Contains(t, out, "application/vnd.kodera.signature")
		pulled := t.TempDir()
		run(t, dir, env, oras, "pull", "--plain-http", "-o", pulled, host+"/apps/art:v1")
		b, err := os.ReadFile(filepath.Join(pulled, "artifact.txt"))
		require.NoError(t, err)
		require.Equal(t, "an artifact", string(b))
	})

	t.Run("helm", func(t *testing.T) {
		helm := testtool.Path(t, "helm")
		dir := t.TempDir()
		run(t, dir, env, helm, "registry", "login", "--insecure", "-u", "alice", "-p", token, host)
		run(t, dir, env, helm, "create", "mychart")
		run(t, dir, env, helm, "package", "mychart")
		run(t, dir, env, helm, "push", "--plain-http", "mychart-0.1.0.tgz", "oci://"+host+"/apps/charts")
		pulled := t.TempDir()
		run(t, pulled, env, helm, "pull", "--plain-http", "oci://"+host+"/apps/charts/mychart", "--version", "0.1.0")
		_, err := os.Stat(filepath.Join(pulled, "mychart-0.1.0.tgz"))
		require.NoError(t, err)
		out := run(t, dir, env, helm, "show", "chart", "--plain-http", "oci://"+host+"/apps/charts/mychart", "--version", "0.1.0")
		require.Contains(t, out, "name: mychart")
	})

	t.Run("skopeo", func(t *testing.T) {
		skopeo, err := exec.LookPath("skopeo")
		require.NoError(t, err, "skopeo not found: apt-get install -y skopeo (.ci/run installs it)")
		dir := t.TempDir()
		creds := "alice:" + token
		run(t, dir, env, skopeo, "--insecure-policy", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
			"--src-creds", creds, "--dest-creds", creds, "docker://"+host+"/apps/hello:v1", "docker://"+host+"/apps/skopeo/hello:copied")
		out := run(t, dir, env, skopeo, "inspect", "--tls-verify=false", "--creds", creds, "docker://"+host+"/apps/skopeo/hello:copied")
		require.Contains(t, out, `"copied"`)
		// Wrong credentials are refused.
		cmd := exec.Command(skopeo, "inspect", "--tls-verify=false", "--creds", "alice:wrong", "docker://"+host+"/apps/skopeo/hello:copied")
		cmd.Env = append(os.Environ(), env...)
		out2, err := cmd.CombinedOutput()
		require.Error(t, err, string(out2))
	})

	t.Run("anonymous", func(t *testing.T) {
		resp, err := http.Get(node.URL + "/v2/apps/hello/tags/list")
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		require.Contains(t, resp.Header.Get("WWW-Authenticate"), `Bearer realm="http://`+host+`/v2/token"`)
	})
}
