package files_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// fixture is a node with three users: alice owns the private repository
// "priv" and the public "pub", carol may read priv, bob has no grant.
type fixture struct {
	t     *testing.T
	n     *apptest.Node
	base  string // <node>/api/files
	token string // alice's read+write token
}

func setup(t *testing.T) *fixture {
	t.Helper()
	n := apptest.Start(t, apptest.Options{})
	s := n.Seed(t)
	s.User("alice", alicePassword, false)
	s.User("bob", bobPassword, false)
	s.User("carol", carolPassword, false)
	s.Repo("priv", "files", "private", "alice")
	s.Repo("pub", "files", "public", "alice")
	s.Repo("pyrepo", "pypi", "public", "alice")
	s.Grant("priv", "carol", false, "read")
	return &fixture{t: t, n: n, base: n.URL + "/api/files", token: s.Token("alice", false, []string{"read", "write"})}
}

// response is a fully read HTTP response.
type response struct {
	Status int
	Header http.Header
	Body   string
}

// do sends a request as alice (with her token) unless hdr sets
// Authorization; hdr is alternating names and values, an "Authorization"
// of "" sends none.
func (f *fixture) do(method, path string, body io.Reader, hdr ...string) response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.base+path, body)
	require.NoError(f.t, err)
	req.Header.Set("Authorization", "Bearer "+f.token)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Authorization" && hdr[i+1] == "" {
			req.Header.Del("Authorization")
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// put uploads content as alice and requires success.
func (f *fixture) put(path, content string) response {
	f.t.Helper()
	r := f.do(http.MethodPut, path, strings.NewReader(content))
	require.Contains(f.t, []int{http.StatusCreated, http.StatusOK}, r.Status, r.Body)
	return r
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

// storedObjects counts the objects in the node's blob store, finished or not.
func (f *fixture) storedObjects() int {
	f.t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(f.n.DataDir, "blobs"), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	require.NoError(f.t, err)
	return n
}

// run executes a command line tool and returns its stdout; stderr is
// added to failure messages.
func run(t *testing.T, dir string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		t.Logf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String(), err
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
}
