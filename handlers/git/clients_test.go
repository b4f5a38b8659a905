package git_test

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

var libFiles = map[string]string{
	"go.mod":    "module example.com/lib\n\ngo 1.21\n",
	"lib.go":    "package lib\n\n// Hello greets.\nfunc Hello() string { return \"hello from lib\" }\n",
	"README.md": "# lib\n",
	// A nested module and a vendor directory are not part of the zip.
	"tools/go.mod":  "module example.com/lib/tools\n\ngo 1.21\n",
	"tools/tool.go": "package tools\n\n// Name names the tool.\nconst Name = \"tool\"\n",
}

// h1 computes a module's h1: hash the way the go command's own tooling
// does: zip.CreateFromDir over the files in a directory, then HashZip.
func h1(t *testing.T, mod, version string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	zf := filepath.Join(t.TempDir(), "m.zip")
	out, err := os.Create(zf)
	require.NoError(t, err)
	require.NoError(t, modzip.CreateFromDir(out, module.Version{Path: mod, Version: version}, dir))
	require.NoError(t, out.Close())
	sum, err := dirhash.HashZip(zf, dirhash.Hash1)
	require.NoError(t, err)
	return sum
}

// TestPushThenGoGet: modules published by `git push` of semver tags are
// fetched by the real go command through the GOPROXY: a dependency between
// two modules of the repository, a nested module tagged <dir>/vX.Y.Z, a
// v2 module on the major branch, `go list -m -versions`, `go mod download
// -json` with the h1: hash an independent zip.CreateFromDir+HashZip
// computes, and `git clone` of what was pushed.
func TestPushThenGoGet(t *testing.T) {
	t.Parallel()
	f := setup(t)

	lib := f.newRepo(libFiles)
	f.git(lib, "remote", "add", "origin", f.remote("gomods", "example.com/lib"))
	f.git(lib, "tag", "v1.0.0")
	f.git(lib, "tag", "-a", "-m", "tools", "tools/v0.1.0")
	f.git(lib, "push", "-q", "origin", "main", "v1.0.0", "tools/v0.1.0")
	f.commit(lib, "second", map[string]string{"lib.go": "package lib\n\n// Hello greets.\nfunc Hello() string { return \"hello again\" }\n"})
	f.git(lib, "tag", "v1.1.0")
	f.git(lib, "push", "-q", "origin", "main", "v1.1.0")
	// v2 on the same branch: go.mod gets the /v2 suffix.
	f.commit(lib, "v2", map[string]string{"go.mod": "module example.com/lib/v2\n\ngo 1.21\n"})
	f.git(lib, "tag", "v2.0.0")
	f.git(lib, "push", "-q", "origin", "main", "v2.0.0")

	app := f.newRepo(map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.21\n\nrequire example.com/lib v1.0.0\n",
		"app.go": "package app\n\nimport \"example.com/lib\"\n\n// Greeting is lib's.\nfunc Greeting() string { return lib.Hello() }\n",
	})
	f.git(app, "remote", "add", "origin", f.remote("gomods", "example.com/app"))
	f.git(app, "tag", "v0.1.0")
	f.git(app, "push", "-q", "origin", "main", "v0.1.0")

	// A consumer in a fresh module.
	proxy := f.proxy("gomods")
	use := t.TempDir()
	writeFiles(t, use, map[string]string{
		"go.mod":  "module consumer\n\ngo 1.21\n",
		"main.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/app\"\n\t\"example.com/lib/tools\"\n\tlibv2 \"example.com/lib/v2\"\n)\n\nfunc main() { fmt.Println(app.Greeting(), tools.Name, libv2.Hello()) }\n",
	})
	f.goCmd(use, proxy, "get", "example.com/app@v0.1.0", "example.com/lib/tools@v0.1.0", "example.com/lib/v2@v2.0.0")
	require.Equal(t, "hello from lib tool hello again\n", f.goCmd(use, proxy, "run", "."))

	out := f.goCmd(use, proxy, "list", "-m", "-versions", "example.com/lib")
	require.Equal(t, "example.com/lib v1.0.0 v1.1.0\n", out)
	out = f.goCmd(use, proxy, "list", "-m", "-versions", "example.com/lib/tools")
	require.Equal(t, "example.com/lib/tools v0.1.0\n", out)

	var dl struct{ Path, Version, Sum, GoModSum, Zip string }
	require.NoError(t, json.Unmarshal([]byte(f.goCmd(use, proxy, "mod", "download", "-json", "example.com/lib@v1.0.0")), &dl))
	require.Equal(t, h1(t, "example.com/lib", "v1.0.0", libFiles), dl.Sum)
	require.NotContains(t, listZip(t, dl.Zip), "example.com/lib@v1.0.0/tools/go.mod", "the nested module stays out")
	tools := map[string]string{"go.mod": libFiles["tools/go.mod"], "tool.go": libFiles["tools/tool.go"]}
	require.NoError(t, json.Unmarshal([]byte(f.goCmd(use, proxy, "mod", "download", "-json", "example.com/lib/tools@v0.1.0")), &dl))
	require.Equal(t, h1(t, "example.com/lib/tools", "v0.1.0", tools), dl.Sum)

	// git clone gets what was pushed, tags included.
	clone := filepath.Join(t.TempDir(), "c")
	f.git(t.TempDir(), "clone", "-q", f.remote("gomods", "example.com/lib"), clone)
	got, err := os.ReadFile(filepath.Join(clone, "go.mod"))
	require.NoError(t, err)
	require.Equal(t, "module example.com/lib/v2\n\ngo 1.21\n", string(got))
	require.Equal(t, "tools/v0.1.0\nv1.0.0\nv1.1.0\nv2.0.0\n", f.git(clone, "tag", "--list"))
	// A protocol v2 client falls back to v0; a shallow clone gets one commit.
	v2 := filepath.Join(t.TempDir(), "v2")
	f.git(t.TempDir(), "-c", "protocol.version=2", "clone", "-q", "--depth", "1", f.remote("gomods", "example.com/lib"), v2)
	require.Equal(t, "1\n", f.git(v2, "rev-list", "--count", "HEAD"))
	require.Equal(t, strings.TrimSpace(f.git(lib, "rev-parse", "HEAD")), strings.TrimSpace(f.git(v2, "rev-parse", "HEAD")))
}

// listZip lists the names in a zip the go command downloaded.
func listZip(t *testing.T, path string) []string {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	r, err := os.Open(path)
	require.NoError(t, err)
	defer r.Close()
	zr, err := zipReader(r, fi.Size())
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}

// TestRefusedPushes: git prints the server's reason for each refused ref
// and the refs stay as they were.
func TestRefusedPushes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	dir := f.newRepo(map[string]string{"go.mod": "module example.com/other\n\ngo 1.21\n", "a.go": "package a\n"})
	f.git(dir, "remote", "add", "origin", f.remote("gomods", "example.com/bad"))
	f.git(dir, "tag", "v1.0.0")
	out, err := f.run(dir, nil, "git", "push", "origin", "main", "v1.0.0")
	require.Error(t, err)
	require.Contains(t, out, "! [remote rejected] v1.0.0 -> v1.0.0 (tag v1.0.0: go.mod says module example.com/other, but this repository serves example.com/bad)")

	// Fix the module line: v1.0.0 is published. Then move the tag.
	f.commit(dir, "fix", map[string]string{"go.mod": "module example.com/bad\n\ngo 1.21\n"})
	f.git(dir, "tag", "-f", "v1.0.0")
	f.git(dir, "push", "-q", "origin", "main", "v1.0.0")
	f.commit(dir, "change", map[string]string{"a.go": "package a\n\n// X moved.\nconst X = 1\n"})
	f.git(dir, "tag", "-f", "v1.0.0")
	out, err = f.run(dir, nil, "git", "push", "--force", "origin", "v1.0.0")
	require.Error(t, err)
	require.Contains(t, out, "! [remote rejected] v1.0.0 -> v1.0.0 (tags are immutable")

	// Not a canonical version; not a valid module zip (a file name the zip format forbids).
	f.git(dir, "tag", "v1.1")
	out, err = f.run(dir, nil, "git", "push", "origin", "v1.1")
	require.Error(t, err)
	require.Contains(t, out, "! [remote rejected] v1.1 -> v1.1 (tag v1.1: v1.1 is not a canonical semantic version")
	f.commit(dir, "bad file", map[string]string{"con.go": "package a\n"})
	f.git(dir, "tag", "v1.2.0")
	out, err = f.run(dir, nil, "git", "push", "origin", "v1.2.0")
	require.Error(t, err)
	require.Contains(t, out, "! [remote rejected] v1.2.0 -> v1.2.0 (not a valid module zip: con.go: ")

	// v1.0.0 is still the first commit's content; only it is listed.
	status, _, body := get(t, "GET", f.proxy("gomods")+"/example.com/bad/@v/list", "", "")
	require.Equal(t, 200, status)
	require.Equal(t, "v1.0.0\n", body)
	use := t.TempDir()
	writeFiles(t, use, map[string]string{"go.mod": "module consumer\n\ngo 1.21\n"})
	var dl struct{ Sum string }
	require.NoError(t, json.Unmarshal([]byte(f.goCmd(use, f.proxy("gomods"), "mod", "download", "-json", "example.com/bad@v1.0.0")), &dl))
	require.Equal(t, h1(t, "example.com/bad", "v1.0.0", map[string]string{"go.mod": "module example.com/bad\n\ngo 1.21\n", "a.go": "package a\n"}), dl.Sum)

	// Deleting the tag (the delete action, which write includes) keeps the
	// version; pushing it again on the same tree is accepted, on another
	// tree refused.
	f.git(dir, "tag", "-d", "v1.0.0")
	f.git(dir, "push", "-q", "origin", ":refs/tags/v1.0.0")
	_, _, body = get(t, "GET", f.proxy("gomods")+"/example.com/bad/@v/list", "", "")
	require.Equal(t, "v1.0.0\n", body)
	f.git(dir, "tag", "v1.0.0", "HEAD~2")
	f.git(dir, "push", "-q", "origin", "v1.0.0")
	f.git(dir, "tag", "-f", "v1.0.0", "HEAD~1")
	f.git(dir, "push", "-q", "origin", ":refs/tags/v1.0.0")
	out, err = f.run(dir, nil, "git", "push", "origin", "v1.0.0")
	require.Error(t, err)
	require.Contains(t, out, "! [remote rejected] v1.0.0 -> v1.0.0 (example.com/bad@v1.0.0 is already published with other content")

	// bob may read the public repository but not push to it.
	bobRemote := strings.Replace(f.remote("gomods", "example.com/bad"), "alice:"+f.token, "bob:"+f.bob, 1)
	out, err = f.run(dir, nil, "git", "push", bobRemote, "main")
	require.Error(t, err)
	require.Contains(t, out, "403")
}

// TestPrivateRepository: a private repository asks anonymous git and go
// for credentials (401 + Basic, whether the module exists or not); git
// pushes with a token, and the go command authenticates from a .netrc
// whose machine is host:port, over https (the go command sends .netrc and
// GOAUTH credentials only there, and refuses credentials in an http
// GOPROXY URL).
func TestPrivateRepository(t *testing.T) {
	t.Parallel()
	f := setup(t)
	files := map[string]string{"go.mod": "module example.com/secret\n\ngo 1.21\n", "s.go": "package secret\n\n// V is secret.\nconst V = 42\n"}
	dir := f.newRepo(files)
	f.git(dir, "tag", "v1.0.0")
	anon := f.n.URL + "/git/priv/example.com/secret.git"
	out, err := f.run(dir, nil, "git", "push", anon, "main", "v1.0.0")
	require.Error(t, err)
	require.Contains(t, out, "could not read Username", "git was challenged and asked for a user name")
	f.git(dir, "push", "-q", f.remote("priv", "example.com/secret"), "main", "v1.0.0")

	for _, u := range []string{f.proxy("priv") + "/example.com/secret/@v/list", f.proxy("priv") + "/example.com/none/@v/list", anon + "/info/refs?service=git-upload-pack"} {
		status, hdr, _ := get(t, "GET", u, "", "")
		require.Equal(t, 401, status, u)
		require.Contains(t, hdr.Get("WWW-Authenticate"), "Basic", u)
	}
	status, _, _ := get(t, "GET", f.proxy("priv")+"/example.com/secret/@v/list", "bob", f.bob)
	require.Equal(t, 404, status, "no grant: as if absent")

	// go over https with a .netrc for host:port.
	base, cert := f.tlsFront()
	hostPort := strings.TrimPrefix(base, "https://")
	require.NoError(t, os.WriteFile(filepath.Join(f.home, ".netrc"), []byte("machine "+hostPort+" login alice password "+f.token+"\n"), 0o600))
	use := t.TempDir()
	writeFiles(t, use, map[string]string{"go.mod": "module consumer\n\ngo 1.21\n"})
	out = f.must(use, []string{"GOPROXY=" + base + "/api/go/priv", "SSL_CERT_FILE=" + cert}, "go", "list", "-m", "-versions", "example.com/secret")
	require.Equal(t, "example.com/secret v1.0.0\n", out)
	var dl struct{ Sum string }
	require.NoError(t, json.Unmarshal([]byte(f.must(use, []string{"GOPROXY=" + base + "/api/go/priv", "SSL_CERT_FILE=" + cert}, "go", "mod", "download", "-json", "example.com/secret@v1.0.0")), &dl))
	require.Equal(t, h1(t, "example.com/secret", "v1.0.0", files), dl.Sum)

	// Without the .netrc the go command is refused.
	require.NoError(t, os.Remove(filepath.Join(f.home, ".netrc")))
	out, err = f.run(use, []string{"GOPROXY=" + base + "/api/go/priv", "SSL_CERT_FILE=" + cert, "GOMODCACHE=" + t.TempDir()}, "go", "mod", "download", "example.com/secret@v1.0.0")
	require.Error(t, err)
	require.Contains(t, out, "401 Unauthorized")
}

// TestBranchPseudoVersion: `go get mod@main` resolves the branch to a
// pseudo-version built on the last tag, which the proxy then serves
// (.mod, .zip) and leaves out of @v/list.
func TestBranchPseudoVersion(t *testing.T) {
	t.Parallel()
	f := setup(t)
	files := map[string]string{"go.mod": "module example.com/br\n\ngo 1.21\n", "br.go": "package br\n\n// V is the version.\nconst V = \"tagged\"\n"}
	dir := f.newRepo(files)
	f.git(dir, "remote", "add", "origin", f.remote("gomods", "example.com/br"))
	f.git(dir, "tag", "v1.0.0")
	f.commit(dir, "untagged", map[string]string{"br.go": "package br\n\n// V is the version.\nconst V = \"main\"\n"})
	f.git(dir, "push", "-q", "origin", "main", "v1.0.0")
	head := strings.TrimSpace(f.git(dir, "rev-parse", "HEAD"))

	use := t.TempDir()
	writeFiles(t, use, map[string]string{
		"go.mod":  "module consumer\n\ngo 1.21\n",
		"main.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/br\"\n)\n\nfunc main() { fmt.Println(br.V) }\n",
	})
	proxy := f.proxy("gomods")
	f.goCmd(use, proxy, "get", "example.com/br@main")
	gomod, err := os.ReadFile(filepath.Join(use, "go.mod"))
	require.NoError(t, err)
	require.Regexp(t, `example.com/br v1\.0\.1-0\.\d{14}-`+head[:12], string(gomod))
	require.Equal(t, "main\n", f.goCmd(use, proxy, "run", "."))
	require.Equal(t, "example.com/br v1.0.0\n", f.goCmd(use, proxy, "list", "-m", "-versions", "example.com/br"))

	status, _, body := get(t, "GET", proxy+"/example.com/br/@v/nosuch.info", "", "")
	require.Equal(t, 404, status)
	require.Contains(t, body, `no branch "nosuch"`)

	// A module without any tag: `go get mod` takes the default branch.
	untagged := f.newRepo(map[string]string{"go.mod": "module example.com/notag\n\ngo 1.21\n", "n.go": "package notag\n"})
	f.git(untagged, "push", "-q", f.remote("gomods", "example.com/notag"), "main")
	f.goCmd(use, proxy, "get", "example.com/notag")
	gomod, err = os.ReadFile(filepath.Join(use, "go.mod"))
	require.NoError(t, err)
	require.Regexp(t, `example.com/notag v0\.0\.0-\d{14}-`+strings.TrimSpace(f.git(untagged, "rev-parse", "HEAD"))[:12], string(gomod))
	require.Equal(t, "example.com/notag\n", f.goCmd(use, proxy, "list", "-m", "-versions", "example.com/notag"))
}

// TestTwoNodes: a module pushed to one node is cloned, listed and fetched
// through another that shares only the database and the object store.
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	other := apptest.Start(t, apptest.Options{DBURL: f.n.DBURL, DataDir: f.n.DataDir})
	files := map[string]string{"go.mod": "module example.com/two\n\ngo 1.21\n", "two.go": "package two\n"}
	dir := f.newRepo(files)
	f.git(dir, "tag", "v1.0.0")
	f.git(dir, "push", "-q", f.remote("gomods", "example.com/two"), "main", "v1.0.0")

	clone := filepath.Join(t.TempDir(), "c")
	f.git(t.TempDir(), "clone", "-q", other.URL+"/git/gomods/example.com/two.git", clone)
	require.Equal(t, "v1.0.0\n", f.git(clone, "tag", "--list"))
	use := t.TempDir()
	writeFiles(t, use, map[string]string{"go.mod": "module consumer\n\ngo 1.21\n"})
	var dl struct{ Sum string }
	require.NoError(t, json.Unmarshal([]byte(f.goCmd(use, other.URL+"/api/go/gomods", "mod", "download", "-json", "example.com/two@v1.0.0")), &dl))
	require.Equal(t, h1(t, "example.com/two", "v1.0.0", files), dl.Sum)
}

// TestPushLimit: a push larger than KODERA_MAX_UPLOAD_BYTES is refused and
// stores nothing.
func TestPushLimit(t *testing.T) {
	t.Parallel()
	f := setup(t)
	small := apptest.Start(t, apptest.Options{DBURL: f.n.DBURL, DataDir: f.n.DataDir, Env: map[string]string{"KODERA_MAX_UPLOAD_BYTES": "65536"}})
	big := make([]byte, 256<<10)
	_, err := rand.Read(big)
	require.NoError(t, err)
	dir := f.newRepo(map[string]string{"go.mod": "module example.com/big\n", "blob.bin": string(big)})
	f.git(dir, "tag", "v1.0.0")
	remote := strings.Replace(f.remote("gomods", "example.com/big"), strings.TrimPrefix(f.n.URL, "http://"), strings.TrimPrefix(small.URL, "http://"), 1)
	out, err := f.run(dir, nil, "git", "push", remote, "main", "v1.0.0")
	require.Error(t, err, out)
	require.Contains(t, out, "pack exceeds the limit of 65536 bytes")
	status, _, _ := get(t, "GET", small.URL+"/api/go/gomods/example.com/big/@v/list", "", "")
	require.Equal(t, 404, status, "nothing was published")
}
