package pypi_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// venvPython is the python beside a venv's pip.
func venvPython(pipPath string) string { return filepath.Join(filepath.Dir(pipPath), "python") }

// TestTwineTokenUploadPipInstall: twine uploads a wheel and a legacy-named
// sdist (Kodera_Demo-Pkg-1.0.0.tar.gz, as setuptools writes it) with a
// token as the password; pip installs the exact version into a fresh venv,
// asking by a spelling that needs normalization (301 to the normalized
// page), and the installed module is the uploaded one.
func TestTwineTokenUploadPipInstall(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := build(t, "Kodera_Demo-Pkg", "1.0.0", ">=3.7")
	require.Equal(t, "Kodera_Demo-Pkg-1.0.0.tar.gz", filepath.Base(d.Sdist))
	out, err := f.twineUpload("pub", "alice", f.token, d.Wheel, d.Sdist)
	require.NoError(t, err, out)

	pipPath := venv(t)
	out, err = pip(t, pipPath, "install", "--index-url", f.index("pub", "", ""), "Kodera.Demo_Pkg==1.0.0")
	require.NoError(t, err, out)
	require.Contains(t, out, "Successfully installed Kodera.Demo_Pkg-1.0.0")
	got, err := run(t, "", nil, venvPython(pipPath), "-c", "import kodera_demo_pkg; print(kodera_demo_pkg.VERSION)")
	require.NoError(t, err)
	require.Equal(t, "1.0.0\n", got)

	// The sdist is found and built too (by the system pip, whose
	// setuptools and wheel build it offline, without isolation).
	dir := t.TempDir()
	out, err = pip(t, "", "download", "--no-deps", "--no-binary", ":all:", "--no-build-isolation", "-d", dir,
		"--index-url", f.index("pub", "", ""), "kodera-demo-pkg==1.0.0")
	require.NoError(t, err, out)
	require.Equal(t, sha256File(t, d.Sdist), sha256File(t, filepath.Join(dir, "Kodera_Demo-Pkg-1.0.0.tar.gz")))
}

// TestTwinePasswordDuplicateAndSkipExisting: twine with a user name and
// password; a second upload of the same file is twine's "already exists"
// error (409 with the reason, shown with --verbose), --skip-existing
// passes it, and the name stays taken after the file is deleted.
func TestTwinePasswordDuplicateAndSkipExisting(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := build(t, "dupdemo", "0.1.0", ">=3.7")
	out, err := f.twineUpload("pub", "alice", alicePassword, d.Wheel)
	require.NoError(t, err, out)

	out, err = f.twineUpload("pub", "alice", alicePassword, d.Wheel)
	require.Error(t, err)
	require.Contains(t, out, "409 Conflict")
	require.Contains(t, out, "File already exists: dupdemo-0.1.0-py3-none-any.whl")

	out, err = run(t, "", nil, twine, "upload", "--non-interactive", "--disable-progress-bar", "--skip-existing",
		"--repository-url", f.n.URL+"/api/python/pub/", "-u", "alice", "-p", alicePassword, d.Wheel)
	require.NoError(t, err, out)
	require.Contains(t, out, "Skipping dupdemo-0.1.0-py3-none-any.whl because it appears to already")

	// Deleting the file does not free its name (PyPI's rule).
	r := f.do("DELETE", "/api/v1/repositories/pub/pypi/packages/dupdemo/versions/0.1.0/files/dupdemo-0.1.0-py3-none-any.whl", nil)
	require.Equal(t, 204, r.Status, r.Body)
	require.Equal(t, 404, f.do("GET", "/api/python/pub/simple/dupdemo/", nil).Status)
	out, err = f.twineUpload("pub", "alice", alicePassword, d.Wheel)
	require.Error(t, err)
	require.Contains(t, out, "File already exists")

	// bob may read the public repository but not upload to it: 403.
	out, err = f.twineUpload("pub", "bob", bobPassword, d.Sdist)
	require.Error(t, err)
	require.Contains(t, out, "403 Forbidden")
}

// twineBadDigest runs the real twine with its hasher patched to report a
// wrong sha256, as a corrupted upload would arrive.
const twineBadDigest = `
import sys
import twine.package as p
orig = p.HashManager.hexdigest
def bad(self):
    h = orig(self)
    return p.Hexdigest(h.md5, "0" * 64, h.blake2)
p.HashManager.hexdigest = bad
from twine.__main__ import main
sys.argv = ["twine"] + sys.argv[1:]
sys.exit(main())
`

// TestTwineHashMismatch: a file whose sha256 is not the one twine sent is
// refused with 400 and the reason, and nothing is published.
func TestTwineHashMismatch(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := build(t, "hashdemo", "0.1.0", ">=3.7")
	out, err := run(t, "", nil, python, "-c", twineBadDigest, "upload", "--non-interactive", "--disable-progress-bar", "--verbose",
		"--repository-url", f.n.URL+"/api/python/pub/", "-u", "alice", "-p", f.token, d.Wheel)
	require.Error(t, err)
	require.Contains(t, out, "400 Bad Request")
	require.Contains(t, out, "does not match sha256_digest")
	require.Equal(t, 404, f.do("GET", "/api/python/pub/simple/hashdemo/", nil).Status)
}

// TestPipDownloadAndRequireHashes: pip download fetches the wheel with the
// uploaded bytes; pip install --require-hashes accepts the right hash and
// refuses a wrong one.
func TestPipDownloadAndRequireHashes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := build(t, "hashpin", "2.0.0", ">=3.7")
	out, err := f.twineUpload("pub", "alice", f.token, d.Wheel, d.Sdist)
	require.NoError(t, err, out)

	dir := t.TempDir()
	out, err = pip(t, "", "download", "--no-deps", "--only-binary", ":all:", "-d", dir, "--index-url", f.index("pub", "", ""), "hashpin==2.0.0")
	require.NoError(t, err, out)
	require.Equal(t, sha256File(t, d.Wheel), sha256File(t, filepath.Join(dir, filepath.Base(d.Wheel))))

	pipPath := venv(t)
	req := filepath.Join(t.TempDir(), "requirements.txt")
	require.NoError(t, os.WriteFile(req, []byte("hashpin==2.0.0 --hash=sha256:"+sha256File(t, d.Wheel)+"\n"), 0o600))
	out, err = pip(t, pipPath, "install", "--only-binary", ":all:", "--require-hashes", "-r", req, "--index-url", f.index("pub", "", ""))
	require.NoError(t, err, out)
	require.Contains(t, out, "Successfully installed hashpin-2.0.0")

	require.NoError(t, os.WriteFile(req, []byte("hashpin==2.0.0 --hash=sha256:"+strings.Repeat("0", 64)+"\n"), 0o600))
	out, err = pip(t, pipPath, "install", "--force-reinstall", "--only-binary", ":all:", "--require-hashes", "-r", req, "--index-url", f.index("pub", "", ""))
	require.Error(t, err)
	require.Contains(t, out, "THESE PACKAGES DO NOT MATCH THE HASHES")
}

// TestPrivateRepositoryCredentials: pip without credentials gets the Basic
// challenge from a private repository (and would from a missing one);
// with a reader's credentials in the index URL it installs; an
// authenticated caller without read gets 404.
func TestPrivateRepositoryCredentials(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := build(t, "secretpkg", "1.2.3", ">=3.7")
	out, err := f.twineUpload("priv", "alice", f.token, d.Wheel)
	require.NoError(t, err, out)

	for _, repo := range []string{"priv", "missing"} {
		r := f.do("GET", "/api/python/"+repo+"/simple/secretpkg/", nil, "Authorization", "")
		require.Equal(t, 401, r.Status, repo)
		require.Equal(t, `Basic realm="kodera", charset="UTF-8"`, r.Header.Get("WWW-Authenticate"), repo)
	}

	dir := t.TempDir()
	// Without credentials (and no prompt) pip sees nothing.
	out, err = pip(t, "", "download", "--no-deps", "-d", dir, "--index-url", f.index("priv", "", ""), "secretpkg==1.2.3")
	require.Error(t, err)
	require.Contains(t, out, "No matching distribution found for secretpkg==1.2.3")

	pipPath := venv(t)
	out, err = pip(t, pipPath, "install", "--index-url", f.index("priv", "carol", carolPassword), "secretpkg==1.2.3")
	require.NoError(t, err, out)
	require.Contains(t, out, "Successfully installed secretpkg-1.2.3")

	out, err = pip(t, "", "download", "--no-deps", "-d", dir, "--index-url", f.index("priv", "bob", bobPassword), "secretpkg==1.2.3")
	require.Error(t, err)
	require.Contains(t, out, "No matching distribution found for secretpkg==1.2.3")
	r := f.do("GET", "/api/python/priv/simple/secretpkg/", nil, "Authorization", basic("bob", bobPassword))
	require.Equal(t, 404, r.Status, "bob may not read priv: as if it did not exist")
	require.Empty(t, r.Header.Get("WWW-Authenticate"))
}

// TestPEP658MetadataPath: pip resolves dependencies from the core metadata
// file (PEP 658) instead of the wheel, and says so. pip 23.0 (Debian 12's)
// reads only PEP 658's attribute, data-dist-info-metadata, and only in
// HTML (in JSON it crashes on the old key, which is why the JSON form
// carries only PEP 714's core-metadata), so the project pages are given as
// find-links in their HTML form (?format=text/html).
func TestPEP658MetadataPath(t *testing.T) {
	t.Parallel()
	f := setup(t)
	lib := build(t, "metalib", "1.0.0", ">=3.7")
	app := build(t, "metaapp", "1.0.0", ">=3.7", "metalib>=1.0")
	out, err := f.twineUpload("pub", "alice", f.token, lib.Wheel, app.Wheel)
	require.NoError(t, err, out)

	pipPath := venv(t)
	out, err = pip(t, pipPath, "install", "--no-index", "--find-links", f.n.URL+"/api/python/pub/simple/metaapp/?format=text/html",
		"--find-links", f.n.URL+"/api/python/pub/simple/metalib/?format=text/html", "metaapp==1.0.0")
	require.NoError(t, err, out)
	require.Contains(t, out, "Obtaining dependency information for metaapp==1.0.0 from "+f.n.URL+"/api/python/pub/files/metaapp-1.0.0-py3-none-any.whl.metadata")
	require.Contains(t, out, "Successfully installed metaapp-1.0.0 metalib-1.0.0")

	r := f.do("GET", "/api/python/pub/files/metaapp-1.0.0-py3-none-any.whl.metadata", nil)
	require.Equal(t, 200, r.Status)
	require.Contains(t, r.Body, "Requires-Dist: metalib (>=1.0)")
}

// TestPipSkipsYanked: a yanked version (PEP 592, through the REST API) is
// skipped by pip unless pinned with ==, and pip shows the reason then.
func TestPipSkipsYanked(t *testing.T) {
	t.Parallel()
	f := setup(t)
	v1, v2 := build(t, "yankdemo", "1.0.0", ">=3.7"), build(t, "yankdemo", "2.0.0", ">=3.7")
	out, err := f.twineUpload("pub", "alice", f.token, v1.Wheel, v2.Wheel)
	require.NoError(t, err, out)
	r := f.do("PATCH", "/api/v1/repositories/pub/pypi/packages/yankdemo/versions/2.0.0", strings.NewReader(`{"yanked":true,"yankedReason":"bad build"}`),
		"Content-Type", "application/json")
	require.Equal(t, 200, r.Status, r.Body)

	dir := t.TempDir()
	out, err = pip(t, "", "download", "--no-deps", "-d", dir, "--index-url", f.index("pub", "", ""), "yankdemo")
	require.NoError(t, err, out)
	require.Contains(t, out, "yankdemo-1.0.0-py3-none-any.whl")
	require.NotContains(t, out, "yankdemo-2.0.0")

	out, err = pip(t, "", "download", "--no-deps", "-d", dir, "--index-url", f.index("pub", "", ""), "yankdemo==2.0.0")
	require.NoError(t, err, out)
	require.Contains(t, out, "yankdemo-2.0.0-py3-none-any.whl")
	require.Contains(t, out, "Reason for being yanked: bad build")
}

// TestTwoNodes: twine uploads to one node, pip installs from another on
// the same database and store; the second node's index and files serve
// what the first stored, and a yank made on the second shows on it at once.
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	other := apptest.Start(t, apptest.Options{DBURL: f.n.DBURL, DataDir: f.n.DataDir})
	d := build(t, "twonode", "1.0.0", ">=3.7")
	out, err := f.twineUpload("pub", "alice", f.token, d.Wheel)
	require.NoError(t, err, out)

	pipPath := venv(t)
	out, err = pip(t, pipPath, "install", "--index-url", other.URL+"/api/python/pub/simple/", "twonode==1.0.0")
	require.NoError(t, err, out)
	require.Contains(t, out, "Successfully installed twonode-1.0.0")

	req, err := http.NewRequest("PATCH", other.URL+"/api/v1/repositories/pub/pypi/packages/twonode/versions/1.0.0", strings.NewReader(`{"yanked":true}`))
	require.NoError(t, err)
	req.SetBasicAuth("alice", f.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	resp, err = http.Get(other.URL + "/api/python/pub/simple/twonode/?format=text/html")
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(page), `data-yanked=""`)
}
