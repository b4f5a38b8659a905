package pypi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/db"
)

const (
	alicePassword = "alice-password-123"
	bobPassword   = "bob-password-123"
	carolPassword = "carol-password-123"
)

// The Python tools the scenarios drive: Debian's, since the pyenv python3
// first on PATH lacks build and twine (scripts/test-deps.sh installs them).
const (
	python = "/usr/bin/python3"
	twine  = "/usr/bin/twine"
)

// fixture is a node with three users: alice owns the public "pub" and the
// private "priv" pypi repositories, carol may read priv, bob has no grant.
type fixture struct {
	t     *testing.T
	n     *apptest.Node
	token string // alice's read+write token
}

func setup(t *testing.T) *fixture {
	t.Helper()
	n := apptest.Start(t, apptest.Options{})
	s := n.Seed(t)
	s.User("alice", alicePassword, false)
	s.User("bob", bobPassword, false)
	s.User("carol", carolPassword, false)
	s.Repo("pub", "pypi", "public", "alice")
	s.Repo("priv", "pypi", "private", "alice")
	s.Repo("raw", "files", "public", "alice")
	s.Grant("priv", "carol", false, "read")
	return &fixture{t: t, n: n, token: s.Token("alice", false, []string{"read", "write"})}
}

// url is the node's URL of path, with user:password when user is set.
func (f *fixture) url(user, password, path string) string {
	if user == "" {
		return f.n.URL + path
	}
	return strings.Replace(f.n.URL, "http://", "http://"+user+":"+password+"@", 1) + path
}

// index is the simple index URL of repo, with credentials when user is set.
func (f *fixture) index(repo, user, password string) string {
	return f.url(user, password, "/api/python/"+repo+"/simple/")
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

// do sends a request as alice (her token) unless hdr sets Authorization;
// hdr alternates names and values, an "Authorization" of "" sends none.
func (f *fixture) do(method, path string, body io.Reader, hdr ...string) response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.n.URL+path, body)
	require.NoError(f.t, err)
	req.SetBasicAuth("alice", f.token)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Authorization" && hdr[i+1] == "" {
			req.Header.Del("Authorization")
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// sql runs a statement on the node's database.
func (f *fixture) sql(stmt string, args ...any) {
	f.t.Helper()
	pool, err := db.Open(context.Background(), f.n.DBURL)
	require.NoError(f.t, err)
	defer pool.Close()
	_, err = pool.Exec(context.Background(), stmt, args...)
	require.NoError(f.t, err)
}

// twineUpload runs twine upload of files to repo; it returns the combined
// output and the error.
func (f *fixture) twineUpload(repo, user, password string, files ...string) (string, error) {
	f.t.Helper()
	args := append([]string{"upload", "--non-interactive", "--disable-progress-bar", "--verbose",
		"--repository-url", f.n.URL + "/api/python/" + repo + "/", "-u", user, "-p", password}, files...)
	return run(f.t, "", nil, twine, args...)
}

// run executes a tool and returns stdout and stderr together.
func run(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	// The machine's pip settings (find-links, config files) must not
	// leak into what the index is asked.
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PIP_") {
			base = append(base, kv)
		}
	}
	cmd.Env = append(append(base, "PIP_CONFIG_FILE=/dev/null", "PIP_NO_INPUT=1", "PIP_DISABLE_PIP_VERSION_CHECK=1", "PYTHONDONTWRITEBYTECODE=1",
		"TWINE_NON_INTERACTIVE=1", "COLUMNS=250", "NO_COLOR=1", "PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring", "HOME="+t.TempDir()), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		t.Logf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return out.String(), err
}

// requireTools fails (never skips) when the Python tools are missing.
func requireTools(t *testing.T) {
	t.Helper()
	for _, check := range [][]string{
		{python, "-c", "import build, wheel, setuptools, venv, pip"},
		{twine, "--version"},
		// Debian's ensurepip imports without its wheels; python3-venv brings them.
		{"sh", "-c", "dpkg-query -W -f='${Status}' python3-venv | grep -q 'ok installed'"},
	} {
		if err := exec.Command(check[0], check[1:]...).Run(); err != nil {
			t.Fatalf("%s: %v: install the Python tools with scripts/test-deps.sh (apt-get install twine python3-build python3-wheel python3-setuptools python3-pip python3-venv)", strings.Join(check, " "), err)
		}
	}
}

// dist is a built distribution: its wheel and sdist paths.
type dist struct {
	Wheel, Sdist string
}

var (
	distMu    sync.Mutex
	distCache = map[string]dist{}
	distRoot  string
)

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "pypi-dists-")
	if err != nil {
		panic(err)
	}
	distRoot = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// build returns a wheel and an sdist of project name at version, built
// offline with python -m build --no-isolation (setuptools), once per test
// binary: the files are read-only inputs, so sharing them between tests
// keeps each test independent. deps are Requires-Dist lines.
func build(t *testing.T, name, version, requiresPython string, deps ...string) dist {
	t.Helper()
	requireTools(t)
	key := name + "==" + version
	distMu.Lock()
	defer distMu.Unlock()
	if d, ok := distCache[key]; ok {
		return d
	}
	dir := filepath.Join(distRoot, strings.NewReplacer("=", "_", ".", "_").Replace(key))
	mod := strings.ToLower(strings.NewReplacer("-", "_", ".", "_").Replace(name))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src", mod), 0o755))
	quoted := make([]string, len(deps))
	for i, d := range deps {
		quoted[i] = fmt.Sprintf("%q", d)
	}
	pyproject := fmt.Sprintf(`[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = %q
version = %q
description = "Demo <script>alert(1)</script> package"
readme = "README.md"
requires-python = %q
dependencies = [%s]
classifiers = ["Programming Language :: Python :: 3"]

[project.urls]
Homepage = "https://example.com/%s"
`, name, version, requiresPython, strings.Join(quoted, ", "), mod)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("# "+name+"\n\n<script>alert('x')</script> **bold**\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "src", mod, "__init__.py"), []byte(fmt.Sprintf("VERSION = %q\n", version)), 0o644))
	_, err := run(t, dir, nil, python, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", "dist", ".")
	require.NoError(t, err, "building %s", key)
	var d dist
	entries, err := os.ReadDir(filepath.Join(dir, "dist"))
	require.NoError(t, err)
	for _, e := range entries {
		p := filepath.Join(dir, "dist", e.Name())
		switch {
		case strings.HasSuffix(e.Name(), ".whl"):
			d.Wheel = p
		case strings.HasSuffix(e.Name(), ".tar.gz"):
			d.Sdist = p
		}
	}
	require.NotEmpty(t, d.Wheel)
	require.NotEmpty(t, d.Sdist)
	distCache[key] = d
	return d
}

// venv creates a fresh virtual environment and returns its pip.
func venv(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "venv")
	_, err := run(t, "", nil, python, "-m", "venv", dir)
	require.NoError(t, err)
	return filepath.Join(dir, "bin", "pip")
}

// pip runs pip without a cache: a venv's, or with pipPath "" the system
// one (downloads only: Debian refuses installs outside a venv).
func pip(t *testing.T, pipPath string, args ...string) (string, error) {
	t.Helper()
	args = append([]string{"--no-cache-dir", "--disable-pip-version-check"}, args...)
	if pipPath == "" {
		return run(t, "", nil, python, append([]string{"-m", "pip"}, args...)...)
	}
	return run(t, "", nil, pipPath, args...)
}
