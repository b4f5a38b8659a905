package git_test

import (
	"bytes"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

const (
	alicePassword = "alice-password-123"
	bobPassword   = "bob-password-123"
)

// fixture is a node with alice, who owns the public Go repository "gomods"
// and the private "priv", and bob, who has no grant; plus an isolated
// HOME for git and go (no user or system configuration leaks in).
type fixture struct {
	t     *testing.T
	n     *apptest.Node
	token string // alice's read+write token
	bob   string // bob's token
	home  string
	env   []string
}

func setup(t *testing.T) *fixture {
	t.Helper()
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required by this test (apt-get install -y git; go from go.dev/dl): %v", tool, err)
		}
	}
	n := apptest.Start(t, apptest.Options{})
	s := n.Seed(t)
	s.User("alice", alicePassword, false)
	s.User("bob", bobPassword, false)
	s.Repo("gomods", "go", "public", "alice")
	s.Repo("priv", "go", "private", "alice")
	s.Repo("files", "files", "public", "alice")
	f := &fixture{t: t, n: n, home: t.TempDir(),
		token: s.Token("alice", false, []string{"read", "write"}),
		bob:   s.Token("bob", false, []string{"read", "write"})}
	gitconfig := filepath.Join(f.home, ".gitconfig")
	require.NoError(t, os.WriteFile(gitconfig, []byte("[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"), 0o600))
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	require.NoError(t, err)
	f.env = []string{
		"HOME=" + f.home, "PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + gitconfig, "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=",
		"GOCACHE=" + strings.TrimSpace(string(gocache)), "GOPATH=" + filepath.Join(f.home, "gopath"),
		"GOMODCACHE=" + filepath.Join(f.home, "modcache"), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod",
		"GONOSUMDB=example.com", "GOENV=off", "GOTELEMETRY=off",
	}
	return f
}

// remote is the clone URL of a module's git repository, with alice's token.
func (f *fixture) remote(repo, module string) string {
	u, err := url.Parse(f.n.URL + "/git/" + repo + "/" + module + ".git")
	require.NoError(f.t, err)
	u.User = url.UserPassword("alice", f.token)
	return u.String()
}

// proxy is the GOPROXY URL of a repository.
func (f *fixture) proxy(repo string) string { return f.n.URL + "/api/go/" + repo }

// run runs a command in dir with the isolated environment plus extra; it
// returns combined output and the error.
func (f *fixture) run(dir string, extra []string, name string, args ...string) (string, error) {
	f.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, f.env...), extra...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// must is run that requires success.
func (f *fixture) must(dir string, extra []string, name string, args ...string) string {
	f.t.Helper()
	out, err := f.run(dir, extra, name, args...)
	require.NoError(f.t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	return out
}

// git runs git in dir and requires success.
func (f *fixture) git(dir string, args ...string) string {
	f.t.Helper()
	return f.must(dir, nil, "git", args...)
}

// goCmd runs the go command in dir against a GOPROXY.
func (f *fixture) goCmd(dir, proxy string, args ...string) string {
	f.t.Helper()
	return f.must(dir, []string{"GOPROXY=" + proxy}, "go", args...)
}

// writeFiles writes name → content below dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

// newRepo makes a git working tree with files committed on main.
func (f *fixture) newRepo(files map[string]string) string {
	f.t.Helper()
	dir := f.t.TempDir()
	f.git(dir, "init", "-q")
	writeFiles(f.t, dir, files)
	f.git(dir, "add", "-A")
	f.git(dir, "commit", "-q", "-m", "initial")
	return dir
}

// commit adds files to the working tree and commits them.
func (f *fixture) commit(dir, msg string, files map[string]string) {
	f.t.Helper()
	writeFiles(f.t, dir, files)
	f.git(dir, "add", "-A")
	f.git(dir, "commit", "-q", "-m", msg)
}

// tlsFront is an HTTPS reverse proxy in front of the node, and the file
// holding its certificate for SSL_CERT_FILE: the go command sends .netrc
// and GOAUTH credentials over https only (cmd/go/internal/web).
func (f *fixture) tlsFront() (base, certFile string) {
	f.t.Helper()
	target, err := url.Parse(f.n.URL)
	require.NoError(f.t, err)
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewTLSServer(rp)
	f.t.Cleanup(srv.Close)
	certFile = filepath.Join(f.t.TempDir(), "cert.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	require.NoError(f.t, os.WriteFile(certFile, pemBytes, 0o644))
	return srv.URL, certFile
}

// get sends an anonymous or authenticated request and returns the status,
// headers and body.
func get(t *testing.T, method, u, user, pass string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	require.NoError(t, err)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header, b.String()
}
