package web_test

import (
	"archive/tar"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// Content the browser scenarios of the containers, pypi and go areas browse,
// pushed with the real clients (crane, twine, git) so the UI shows what they
// produce, not what a hand-written request looks like. Repository names
// start with "fx-" so they never collide with what other scenarios create.

// uiFixtures pushes every fixture into the node at base and returns the
// KODERA_E2E_FX_* variables that tell the scenarios what to look for.
func uiFixtures(t *testing.T, base string) []string {
	t.Helper()
	docker, index := pushCraneImages(t, base, "fx-docker")
	pypi := uploadTwinePackage(t, base, "fx-pypi", "fx-demo", "1.0.0", "1.1.0")
	goMod := pushGitModule(t, base, "fx-go", "example.com/fx", "v1.0.0")
	return []string{
		"KODERA_E2E_FX_DOCKER=" + docker,
		"KODERA_E2E_FX_INDEX=" + index,
		"KODERA_E2E_FX_PYPI=" + pypi,
		"KODERA_E2E_FX_GO=" + goMod,
	}
}

func createRepository(t *testing.T, base, name, typ string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/repositories", strings.NewReader(`{"name":"`+name+`","type":"`+typ+`"}`))
	require.NoError(t, err)
	req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode, "create %s: %s", name, b)
}

// runTool runs a client and fails the test with its output.
func runTool(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	return string(out)
}

// pushCraneImages pushes, with crane, a Docker-format image "app" (tags
// 1.0, 1.1, 2.0 and latest; built from base:1 with env, cmd, entrypoint,
// labels; one layer) and a multi-arch OCI index "multi:1.0" over linux/amd64 and linux/arm64
// children. It returns repo/app:1.0 and repo/multi:1.0.
func pushCraneImages(t *testing.T, base, repo string) (image, index string) {
	t.Helper()
	crane, err := filepath.Abs(filepath.Join("..", "..", ".tools", "bin", "crane"))
	require.NoError(t, err)
	if _, err := os.Stat(crane); err != nil {
		t.Fatalf("crane missing (%v): go tool task tools", err)
	}
	createRepository(t, base, repo, "docker")
	u, err := url.Parse(base)
	require.NoError(t, err)
	host := u.Host
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(apptest.AdminUser + ":" + apptest.AdminPassword))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"auths":{"`+host+`":{"auth":"`+auth+`"}}}`), 0o600))
	env := []string{"DOCKER_CONFIG=" + dir}
	c := func(args ...string) string {
		t.Helper()
		return runTool(t, dir, env, crane, append(args, "--insecure")...)
	}

	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	body := []byte("#!/bin/sh\necho hello from fx\n")
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "hello", Mode: 0o755, Size: int64(len(body))}))
	_, err = tw.Write(body)
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	layerFile := filepath.Join(dir, "layer.tar")
	require.NoError(t, os.WriteFile(layerFile, layer.Bytes(), 0o644))

	app := host + "/" + repo + "/app"
	// crane's empty base has Docker media types (v2 schema 2 + v1 config);
	// the unconfigured image stays as base:1 (a third image in the list).
	c("append", "-f", layerFile, "-t", host+"/"+repo+"/base:1")
	c("mutate", host+"/"+repo+"/base:1", "--set-platform", "linux/amd64", "--env", "GREETING=hello", "--entrypoint", "/bin/sh",
		"--cmd", "/hello", "--workdir", "/srv", "--label", "org.opencontainers.image.title=fx-app", "-t", app+":1.0")
	for _, tag := range []string{"1.1", "2.0", "latest"} {
		c("tag", app+":1.0", tag)
	}
	multi := host + "/" + repo + "/multi"
	c("copy", app+":1.0", multi+":amd64")
	c("mutate", app+":1.0", "--set-platform", "linux/arm64", "-t", multi+":arm64")
	c("index", "append", "-m", multi+":amd64", "-m", multi+":arm64", "-t", multi+":1.0")
	return repo + "/app:1.0", repo + "/multi:1.0"
}

// uploadTwinePackage builds an sdist and a wheel of each version with
// python -m build and uploads them with twine; it returns repo/project.
func uploadTwinePackage(t *testing.T, base, repo, project string, versions ...string) string {
	t.Helper()
	const python, twine = "/usr/bin/python3", "/usr/bin/twine"
	for _, tool := range []string{python, twine} {
		if _, err := os.Stat(tool); err != nil {
			t.Fatalf("%s missing: apt-get install -y twine python3-build", tool)
		}
	}
	createRepository(t, base, repo, "pypi")
	mod := strings.ReplaceAll(project, "-", "_")
	var files []string
	for _, version := range versions {
		dir := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "src", mod), 0o755))
		pyproject := `[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "` + project + `"
version = "` + version + `"
description = "A fixture package for the browser scenario"
readme = "README.md"
requires-python = ">=3.8"
dependencies = ["requests>=2"]
license = {text = "MIT"}

[project.urls]
Homepage = "https://example.com/fx-demo"
`
		readme := "# fx-demo\n\nA **fixture** package. <script>alert('x')</script>\n\n- one\n- two\n\n```\npip install fx-demo\n```\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "src", mod, "__init__.py"), []byte("VERSION = \""+version+"\"\n"), 0o644))
		runTool(t, dir, nil, python, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", "dist", ".")
		built, err := filepath.Glob(filepath.Join(dir, "dist", "*"))
		require.NoError(t, err)
		require.Len(t, built, 2, "an sdist and a wheel")
		files = append(files, built...)
	}
	runTool(t, "", nil, twine, append([]string{"upload", "--non-interactive", "--disable-progress-bar",
		"--repository-url", base + "/api/python/" + repo + "/", "-u", apptest.AdminUser, "-p", apptest.AdminPassword}, files...)...)
	return repo + "/" + project
}

// pushGitModule pushes a module with a README as a semver tag with git; it
// returns repo/module@version.
func pushGitModule(t *testing.T, base, repo, module, version string) string {
	t.Helper()
	createRepository(t, base, repo, "go")
	home := t.TempDir()
	gitconfig := filepath.Join(home, ".gitconfig")
	require.NoError(t, os.WriteFile(gitconfig, []byte("[user]\n\tname = Fixture\n\temail = fx@example.com\n[init]\n\tdefaultBranch = main\n"), 0o600))
	env := []string{"HOME=" + home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + gitconfig, "GIT_TERMINAL_PROMPT=0"}
	dir := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":    "module " + module + "\n\ngo 1.21\n\nrequire golang.org/x/text v0.14.0\n",
		"fx.go":     "package fx\n\n// Hello greets.\nfunc Hello() string { return \"hello\" }\n",
		"README.md": "# fx\n\nHello from the **fx** module.\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	u, err := url.Parse(base + "/git/" + repo + "/" + module + ".git")
	require.NoError(t, err)
	u.User = url.UserPassword(apptest.AdminUser, apptest.AdminPassword)
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "initial"},
		{"tag", version}, {"push", "-q", u.String(), "main", version},
	} {
		runTool(t, dir, env, "git", args...)
	}
	return repo + "/" + module + "@" + version
}

// TestUIFixtures checks that the clients produced what the scenarios rely
// on: a Docker-format image with a configuration, an index with two
// platforms, twine's sdist and wheel per version, the pushed Go version.
func TestUIFixtures(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	fixtures := uiFixtures(t, n.URL)
	require.Len(t, fixtures, 4)
	get := func(path string, v any) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, n.URL+path, nil)
		require.NoError(t, err)
		req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", path, b)
		require.NoError(t, json.Unmarshal(b, v), "%s", b)
	}
	var tags struct {
		Items []struct{ Name, Digest, MediaType string }
		Total int
	}
	get("/api/v1/repositories/fx-docker/docker/images/app/tags", &tags)
	require.Equal(t, 4, tags.Total)
	require.Equal(t, "application/vnd.docker.distribution.manifest.v2+json", tags.Items[0].MediaType)
	var m struct {
		Config *struct {
			Env        []string
			Cmd        []string
			Entrypoint []string
			Labels     map[string]string
		}
		Layers []struct{ Digest string }
	}
	get("/api/v1/repositories/fx-docker/docker/manifests/"+tags.Items[0].Digest+"?image=app", &m)
	require.NotNil(t, m.Config)
	require.Contains(t, m.Config.Env, "GREETING=hello")
	require.Equal(t, []string{"/hello"}, m.Config.Cmd)
	require.Equal(t, "fx-app", m.Config.Labels["org.opencontainers.image.title"])
	require.Len(t, m.Layers, 1)

	get("/api/v1/repositories/fx-docker/docker/images/multi/tags?q=1.0", &tags)
	require.Len(t, tags.Items, 1)
	var idx struct {
		Platforms []struct{ OS, Architecture string }
	}
	get("/api/v1/repositories/fx-docker/docker/manifests/"+tags.Items[0].Digest+"?image=multi", &idx)
	require.Len(t, idx.Platforms, 2)
	require.Equal(t, "arm64", idx.Platforms[1].Architecture)

	var pv struct{ Files []struct{ Type string } }
	get("/api/v1/repositories/fx-pypi/pypi/packages/fx-demo/versions/1.1.0", &pv)
	require.Len(t, pv.Files, 2)

	var gv struct{ GoMod, Readme string }
	get("/api/v1/repositories/fx-go/go/modules/example.com%2Ffx/versions/v1.0.0", &gv)
	require.Contains(t, gv.GoMod, "module example.com/fx")
	require.Contains(t, gv.Readme, "fx")
}
