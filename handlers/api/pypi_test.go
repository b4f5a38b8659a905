package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// pyWheel is a hand-made wheel of project at version whose description
// tries to inject script.
func pyWheel(t *testing.T, project, version string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	dist := strings.ReplaceAll(project, "-", "_") + "-" + version + ".dist-info/"
	for name, body := range map[string]string{
		dist + "METADATA": fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: A demo\nAuthor: Ann\nLicense: MIT\n"+
			"Requires-Python: >=3.8\nRequires-Dist: requests>=2\nClassifier: Programming Language :: Python :: 3\n"+
			"Project-URL: Source, https://example.com/src\nDescription-Content-Type: text/markdown\n\n# Demo\n<script>alert(1)</script>\n", project, version),
		dist + "WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
	} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// pyForm is twine's upload form for a wheel, with the matrix's "kb"
// boundary (send sets the multipart Content-Type for it).
func pyForm(t *testing.T, project, version string) string {
	t.Helper()
	var b strings.Builder
	field := func(k, v string) {
		fmt.Fprintf(&b, "--kb\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", k, v)
	}
	field(":action", "file_upload")
	field("protocol_version", "1")
	field("name", project)
	field("version", version)
	field("filetype", "bdist_wheel")
	fmt.Fprintf(&b, "--kb\r\nContent-Disposition: form-data; name=\"content\"; filename=%q\r\nContent-Type: application/octet-stream\r\n\r\n",
		strings.ReplaceAll(project, "-", "_")+"-"+version+"-py3-none-any.whl")
	b.Write(pyWheel(t, project, version))
	b.WriteString("\r\n--kb--\r\n")
	return b.String()
}

// pushWheel uploads project==version to repo through the protocol, as the admin.
func pushWheel(t *testing.T, n *apptest.Node, repo, project, version string) {
	t.Helper()
	r := send(t, n, admin, "POST", "/api/python/"+repo+"/", pyForm(t, project, version))
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
}

// TestPypiViews: what twine uploads is listed through the pypi views
// (projects, versions highest first, details with metadata and files; the
// description is text, never HTML), yank and unyank change the simple
// index (PEP 592), deletes answer 204, and every change is in the audit
// trail as pypi.*.
func TestPypiViews(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("owner", userPassword, false)
	seed.Repo("py", "pypi", "public", "owner")
	seed.Repo("files", "files", "public", "owner")
	for _, v := range []string{"1.0", "10.0", "2.0"} {
		pushWheel(t, n, "py", "Demo_Pkg", v)
	}
	get := func(path string, v any) {
		t.Helper()
		r := send(t, n, admin, "GET", path, "")
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, v))
	}

	var pkgs struct {
		Items []struct{ Name, NormalizedName, LatestVersion string }
		Total int
	}
	get("/api/v1/repositories/py/pypi/packages?q=demo_p", &pkgs)
	require.Equal(t, 1, pkgs.Total)
	require.Equal(t, "Demo_Pkg", pkgs.Items[0].Name)
	require.Equal(t, "demo-pkg", pkgs.Items[0].NormalizedName)

	var pkg struct{ Name string }
	get("/api/v1/repositories/py/pypi/packages/demo.pkg", &pkg)
	require.Equal(t, "Demo_Pkg", pkg.Name)

	// The generic package views see the same model (the format is registered).
	var generic struct {
		Items []struct{ Name string }
		Total int
	}
	get("/api/v1/repositories/py/packages", &generic)
	require.Equal(t, 1, generic.Total)
	require.Equal(t, "Demo_Pkg", generic.Items[0].Name)

	var versions struct {
		Items []struct {
			Version string
			Yanked  bool
		}
		Total int
	}
	get("/api/v1/repositories/py/pypi/packages/demo-pkg/versions?limit=2", &versions)
	require.Equal(t, 3, versions.Total)
	require.Equal(t, "10.0", versions.Items[0].Version, "PEP 440 order, highest first")
	require.Equal(t, "2.0", versions.Items[1].Version)

	var d struct {
		Project, Version, Summary, Description, Author, License, RequiresPython string
		Dependencies, Classifiers                                               []string
		ProjectUrls                                                             []struct{ Label, URL string }
		Files                                                                   []struct{ Filename, Type, Sha256, DownloadURL string }
		Yanked                                                                  bool
		YankedReason                                                            *string
	}
	get("/api/v1/repositories/py/pypi/packages/Demo_Pkg/versions/2.0", &d)
	require.Equal(t, "A demo", d.Summary)
	require.Equal(t, "Ann", d.Author)
	require.Equal(t, "MIT", d.License)
	require.Equal(t, ">=3.8", d.RequiresPython)
	require.Equal(t, []string{"requests>=2"}, d.Dependencies)
	require.Equal(t, "Source", d.ProjectUrls[0].Label)
	require.Contains(t, d.Description, "<script>", "the description is text: the UI escapes it")
	require.Len(t, d.Files, 1)
	require.Equal(t, "bdist_wheel", d.Files[0].Type)
	require.Equal(t, "/api/python/py/files/Demo_Pkg-2.0-py3-none-any.whl", d.Files[0].DownloadURL)

	// Yank: pip is told why (PEP 592), in HTML and JSON.
	r := send(t, n, admin, "PATCH", "/api/v1/repositories/py/pypi/packages/demo-pkg/versions/2.0", `{"yanked":true,"yankedReason":"broken <build>"}`)
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &d))
	require.True(t, d.Yanked)
	require.Equal(t, "broken <build>", *d.YankedReason)
	page := send(t, n, admin, "GET", "/api/python/py/simple/demo-pkg/?format=text/html", "")
	require.Contains(t, string(page.body), `Demo_Pkg-2.0-py3-none-any.whl#sha256=`)
	require.Contains(t, string(page.body), `data-yanked="broken &lt;build&gt;"`)
	page = send(t, n, admin, "GET", "/api/python/py/simple/demo-pkg/?format=application/vnd.pypi.simple.v1%2Bjson", "")
	require.Contains(t, string(page.body), `"yanked":"broken \u003cbuild\u003e"`)
	get("/api/v1/repositories/py/pypi/packages/demo-pkg/versions", &versions)
	require.True(t, versions.Items[1].Yanked)

	r = send(t, n, admin, "PATCH", "/api/v1/repositories/py/pypi/packages/demo-pkg/versions/2.0", `{"yanked":false}`)
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	page = send(t, n, admin, "GET", "/api/python/py/simple/demo-pkg/?format=text/html", "")
	require.NotContains(t, string(page.body), "data-yanked")

	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/repositories/py/pypi/packages/nope", ""},
		{"GET", "/api/v1/repositories/py/pypi/packages/demo-pkg/versions/9.9", ""},
		{"GET", "/api/v1/repositories/py/pypi/packages/demo-pkg/versions/not-a-version", ""},
		{"GET", "/api/v1/repositories/files/pypi/packages", ""},
		{"PATCH", "/api/v1/repositories/py/pypi/packages/demo-pkg/versions/9.9", `{"yanked":true}`},
		{"DELETE", "/api/v1/repositories/py/pypi/packages/demo-pkg/versions/1.0/files/nope.whl", ""},
	} {
		r := send(t, n, admin, c.method, c.path, c.body)
		require.Equal(t, http.StatusNotFound, r.StatusCode, "%s %s: %s", c.method, c.path, r.body)
		require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	}
	r = send(t, n, admin, "PATCH", "/api/v1/repositories/py/pypi/packages/demo-pkg/versions/2.0", `{"yanked":"yes"}`)
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s", r.body)

	// Deletes: a file (its version goes with its last file), a version.
	r = send(t, n, admin, "DELETE", "/api/v1/repositories/py/pypi/packages/demo-pkg/versions/1.0/files/Demo_Pkg-1.0-py3-none-any.whl", "")
	require.Equal(t, http.StatusNoContent, r.StatusCode, "%s", r.body)
	r = send(t, n, admin, "DELETE", "/api/v1/repositories/py/pypi/packages/demo-pkg/versions/10.0", "")
	require.Equal(t, http.StatusNoContent, r.StatusCode, "%s", r.body)
	get("/api/v1/repositories/py/pypi/packages/demo-pkg/versions", &versions)
	require.Equal(t, 1, versions.Total)
	page = send(t, n, admin, "GET", "/api/python/py/simple/demo-pkg/?format=text/html", "")
	require.NotContains(t, string(page.body), "Demo_Pkg-1.0-")
	require.NotContains(t, string(page.body), "Demo_Pkg-10.0-")
	require.Equal(t, http.StatusNotFound, send(t, n, admin, "GET", "/api/python/py/files/Demo_Pkg-10.0-py3-none-any.whl", "").StatusCode)
	// A deleted file's name is never reused.
	r = send(t, n, admin, "POST", "/api/python/py/", pyForm(t, "Demo_Pkg", "10.0"))
	require.Equal(t, http.StatusConflict, r.StatusCode, "%s", r.body)

	var trail struct {
		Items []struct{ Action, Target string }
	}
	get("/api/v1/admin/audit?action=pypi.&limit=100", &trail)
	var actions []string
	for _, e := range trail.Items {
		actions = append(actions, e.Action+" "+e.Target)
	}
	for _, want := range []string{
		"pypi.upload py/Demo_Pkg-2.0-py3-none-any.whl", "pypi.yank py/demo-pkg==2.0", "pypi.unyank py/demo-pkg==2.0",
		"pypi.delete py/Demo_Pkg-1.0-py3-none-any.whl", "pypi.delete py/demo-pkg==10.0",
	} {
		require.Contains(t, actions, want)
	}
}
