package packages

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/domain"
)

// byLength orders versions by length, then lexically: enough to prove that
// listings follow a format's order rather than push time.
type byLength struct{}

func (byLength) CompareVersions(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func TestSortVersions(t *testing.T) {
	t.Parallel()
	vs := []Version{{Version: "10"}, {Version: "9"}, {Version: "100"}, {Version: "11"}}
	sortVersions(byLength{}, vs)
	var got []string
	for _, v := range vs {
		got = append(got, v.Version)
	}
	require.Equal(t, []string{"100", "11", "10", "9"}, got)
}

func TestDockerNames(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"app", "team/app", "a.b/c-d"} {
		n, err := Docker{}.NormalizeName(ok)
		require.NoError(t, err)
		require.Equal(t, ok, n)
	}
	for _, bad := range []string{"", "App", "a//b", "/a", "a/", "a b"} {
		_, err := Docker{}.NormalizeName(bad)
		require.ErrorIs(t, err, domain.ErrInvalid, bad)
	}
	require.NoError(t, Docker{}.ValidateVersion("v1.0"))
	require.NoError(t, Docker{}.ValidateVersion("sha256:"+strings.Repeat("a", 64)))
	require.ErrorIs(t, Docker{}.ValidateVersion("-x"), domain.ErrInvalid)
	require.Equal(t, "", ImageOf("r", ImagePackage("r", "")))
	require.Equal(t, "a/b", ImageOf("r", ImagePackage("r", "a/b")))
}

func TestFilesNames(t *testing.T) {
	t.Parallel()
	n, err := Files{}.NormalizeName("/Docs/A.txt")
	require.NoError(t, err)
	require.Equal(t, "Docs/A.txt", n, "paths keep their case")
	for _, bad := range []string{"", "/", "dir/", "a\x00b", "\xff", strings.Repeat("a", 1025)} {
		_, err := Files{}.NormalizeName(bad)
		require.ErrorIs(t, err, domain.ErrInvalid, bad)
	}
	require.NoError(t, Files{}.ValidateVersion(FilesVersion))
	require.ErrorIs(t, Files{}.ValidateVersion("1.0"), domain.ErrInvalid)
}

// TestConnect: the connect texts fill in the server, repository and user,
// and tell clients about plain HTTP.
func TestConnect(t *testing.T) {
	t.Parallel()
	c := ConnectInfo{BaseURL: "http://k.example:8080", Host: "k.example:8080", Repository: "apps", User: "alice"}
	steps := Docker{}.Connect(c)
	require.Equal(t, "docker login k.example:8080 -u alice", steps[0].Snippet)
	require.Contains(t, steps[1].Snippet, "docker push k.example:8080/apps/my-image:1.0")
	require.NotContains(t, steps[3].Snippet, "--plain-http")
	c.Insecure, c.User = true, ""
	steps = Docker{}.Connect(c)
	require.Equal(t, "docker login k.example:8080 -u <username>", steps[0].Snippet)
	require.Contains(t, steps[3].Snippet, "helm push my-chart-0.1.0.tgz oci://k.example:8080/apps --plain-http")
	require.Equal(t, `{ "insecure-registries": ["k.example:8080"] }`, steps[len(steps)-1].Snippet)
	require.Equal(t, "curl -u <username>:<token> -O http://k.example:8080/api/files/apps/path/file.tar.gz", Files{}.Connect(c)[1].Snippet)
	goSteps := Go{}.Connect(c)
	require.Contains(t, goSteps[0].Snippet, "git remote add kodera http://k.example:8080/git/apps/example.com/mymod.git")
	require.Equal(t, "machine k.example login <username> password <token>\nmachine k.example:8080 login <username> password <token>", goSteps[1].Snippet)
	require.Contains(t, goSteps[2].Snippet, "export GOPROXY=http://k.example:8080/api/go/apps,")
}

func TestGoNames(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"example.com/lib":    "example.com/lib",
		"github.com/Foo/Bar": "github.com/!foo/!bar",
		"example.com/lib/v2": "example.com/lib/v2",
	} {
		n, err := Go{}.NormalizeName(name)
		require.NoError(t, err, name)
		require.Equal(t, want, n)
	}
	for _, bad := range []string{"", "lib", "example.com/../x", "example.com/a//b", "/example.com", "example.com/a b", "-x.com/a"} {
		_, err := Go{}.NormalizeName(bad)
		require.ErrorIs(t, err, domain.ErrInvalid, bad)
	}
	for _, ok := range []string{"v1.0.0", "v0.1.0-pre.1", "v2.0.0+incompatible"} {
		require.NoError(t, Go{}.ValidateVersion(ok), ok)
	}
	for _, bad := range []string{"1.0.0", "v1.0", "v1", "v1.0.0+build", "latest"} {
		require.ErrorIs(t, Go{}.ValidateVersion(bad), domain.ErrInvalid, bad)
	}
	require.Equal(t, 1, Go{}.CompareVersions("v1.10.0", "v1.9.0"))
	require.Equal(t, -1, Go{}.CompareVersions("v1.0.0-rc.1", "v1.0.0"))
	require.Equal(t, "/api/go/r/github.com/!foo/bar/@v/v1.0.0.zip", Go{}.DownloadPath("r", "github.com/Foo/bar", "v1.0.0", File{}))
}

func TestPyPINames(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Foo_Bar": "foo-bar", "foo.bar": "foo-bar", "FOO--__..bar": "foo-bar", "a": "a", "Kodera_Demo-Pkg": "kodera-demo-pkg", "x1.0": "x1-0",
	} {
		got, err := PyPI{}.NormalizeName(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "-a", "a-", "a b", "a/b", "ü", strings.Repeat("a", 201)} {
		_, err := PyPI{}.NormalizeName(bad)
		require.ErrorIs(t, err, domain.ErrInvalid, bad)
	}
	for _, ok := range []string{"1.0", "1.0.0rc1", "1!2.0", "1.0.post1.dev2", "1.0+local.7", "v1.0"} {
		require.NoError(t, PyPI{}.ValidateVersion(ok), ok)
	}
	for _, bad := range []string{"", "one", "1.0-", "1..0"} {
		require.ErrorIs(t, PyPI{}.ValidateVersion(bad), domain.ErrInvalid, bad)
	}
	vs := []Version{{Version: "1.0"}, {Version: "1.0rc1"}, {Version: "10.0"}, {Version: "2.0"}, {Version: "1.0.post1"}, {Version: "1!0.1"}}
	sortVersions(PyPI{}, vs)
	var got []string
	for _, v := range vs {
		got = append(got, v.Version)
	}
	require.Equal(t, []string{"1!0.1", "10.0", "2.0", "1.0.post1", "1.0", "1.0rc1"}, got, "PEP 440 order, highest first")
	require.Equal(t, "/api/python/r/files/a-1.0.tar.gz", PyPI{}.DownloadPath("r", "a", "1.0", File{Name: "a-1.0.tar.gz"}))
	c := ConnectInfo{BaseURL: "http://k.example:8080", Host: "k.example:8080", Repository: "py", Insecure: true}
	require.Equal(t, "pip install --index-url http://k.example:8080/api/python/py/simple/ --trusted-host k.example my-package", PyPI{}.Connect(c)[0].Snippet)
}
