package pypi_test

import (
	"archive/zip"
	"bytes"
	"crypto/md5" //nolint:gosec // The upload API's md5_digest field.
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// wheel writes a minimal wheel of name and version by hand (the zip a
// build backend writes, with {dist}.dist-info/METADATA and WHEEL).
func wheel(t testing.TB, name, version, requiresPython string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	dist := strings.ReplaceAll(name, "-", "_") + "-" + version + ".dist-info/"
	for _, e := range []struct{ name, body string }{
		{strings.ReplaceAll(name, "-", "_") + "/__init__.py", "X = 1\n"},
		{dist + "METADATA", fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: hand-made\nRequires-Python: %s\n\nA description.\n", name, version, requiresPython)},
		{dist + "WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
		{dist + "RECORD", ""},
	} {
		w, err := zw.Create(e.name)
		require.NoError(t, err)
		_, err = io.WriteString(w, e.body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func wheelName(name, version string) string {
	return strings.ReplaceAll(name, "-", "_") + "-" + version + "-py3-none-any.whl"
}

// uploadForm is twine's multipart body: fields, then the file last.
func uploadForm(t testing.TB, fields map[string]string, filename string, content []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range []string{":action", "protocol_version", "name", "version", "filetype", "pyversion", "metadata_version",
		"sha256_digest", "md5_digest", "blake2_256_digest", "summary", "requires_python"} {
		if v, ok := fields[k]; ok {
			require.NoError(t, mw.WriteField(k, v))
		}
	}
	if filename != "" {
		w, err := mw.CreateFormFile("content", filename)
		require.NoError(t, err)
		_, err = w.Write(content)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), buf.Bytes()
}

// twineFields are the fields twine sends for a wheel of name and version.
func twineFields(name, version string, content []byte) map[string]string {
	sum := sha256.Sum256(content)
	m := md5.Sum(content) //nolint:gosec // See the import.
	return map[string]string{
		":action": "file_upload", "protocol_version": "1", "name": name, "version": version,
		"filetype": "bdist_wheel", "pyversion": "py3", "metadata_version": "2.1",
		"sha256_digest": hex.EncodeToString(sum[:]), "md5_digest": hex.EncodeToString(m[:]),
	}
}

func with(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<none>" {
			delete(out, kv[i])
			continue
		}
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestCalls is the protocol's black-box table: method, URL, credentials,
// headers and body against the status, headers and body wanted. Every bad
// input is a plain-text 4xx that says why, never a 500.
func TestCalls(t *testing.T) {
	t.Parallel()
	f := setup(t)
	good := wheel(t, "Call_Demo", "1.0", ">=3.8,<4")
	ct, body := uploadForm(t, twineFields("Call_Demo", "1.0", good), wheelName("Call_Demo", "1.0"), good)
	r := f.do("POST", "/api/python/pub/", bytes.NewReader(body), "Content-Type", ct)
	require.Equal(t, 200, r.Status, r.Body)
	wheelSHA := sha256.Sum256(good)
	etag := `"` + hex.EncodeToString(wheelSHA[:]) + `"`

	v2 := wheel(t, "Call_Demo", "2.0", "")
	fields2 := twineFields("Call_Demo", "2.0", v2)
	upload := func(fields map[string]string, filename string, content []byte) (string, string) {
		ct, b := uploadForm(t, fields, filename, content)
		return ct, string(b)
	}

	alice := basic("alice", alicePassword)
	bob := basic("bob", bobPassword)
	type call struct {
		name          string
		method, path  string
		auth          string // "" anonymous, else an Authorization value
		hdr           []string
		body          string
		ctype         string
		status        int
		wantHdr       []string // name, substring
		wantBody      string
		wantBodyNotIn string
	}
	bad := func(name string, fields map[string]string, filename string, content []byte, status int, want string) call {
		ct, b := upload(fields, filename, content)
		return call{name: name, method: "POST", path: "/api/python/pub/", auth: alice, ctype: ct, body: b, status: status,
			wantHdr: []string{"Content-Type", "text/plain"}, wantBody: want}
	}
	calls := []call{
		{name: "root html", method: "GET", path: "/api/python/pub/simple/", status: 200,
			wantHdr: []string{"Content-Type", "text/html", "Vary", "Accept"}, wantBody: `<a href="call-demo/">Call_Demo</a>`},
		{name: "root json by accept", method: "GET", path: "/api/python/pub/simple/", hdr: []string{"Accept", "application/vnd.pypi.simple.v1+json"}, status: 200,
			wantHdr: []string{"Content-Type", "application/vnd.pypi.simple.v1+json"}, wantBody: `"projects":[{"name":"Call_Demo"}]`},
		{name: "root json by format", method: "GET", path: "/api/python/pub/simple/?format=application/vnd.pypi.simple.latest%2Bjson", status: 200,
			wantHdr: []string{"Content-Type", "application/vnd.pypi.simple.v1+json"}, wantBody: `"api-version":"1.1"`},
		{name: "q-values pick json", method: "GET", path: "/api/python/pub/simple/call-demo/",
			hdr: []string{"Accept", "text/html;q=0.5, application/vnd.pypi.simple.v1+json;q=0.9"}, status: 200,
			wantHdr: []string{"Content-Type", "application/vnd.pypi.simple.v1+json"}, wantBody: `"core-metadata":{"sha256":`},
		{name: "q=0 refuses json", method: "GET", path: "/api/python/pub/simple/call-demo/",
			hdr: []string{"Accept", "application/vnd.pypi.simple.v1+json;q=0, */*;q=0.1"}, status: 200,
			wantHdr: []string{"Content-Type", "text/html"}},
		{name: "curl's accept", method: "GET", path: "/api/python/pub/simple/", hdr: []string{"Accept", "*/*"}, status: 200,
			wantHdr: []string{"Content-Type", "text/html; charset=utf-8"}},
		{name: "html by name", method: "GET", path: "/api/python/pub/simple/", hdr: []string{"Accept", "application/vnd.pypi.simple.v1+html"}, status: 200,
			wantHdr: []string{"Content-Type", "application/vnd.pypi.simple.v1+html"}},
		{name: "pip's accept", method: "GET", path: "/api/python/pub/simple/call-demo/",
			hdr: []string{"Accept", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"}, status: 200,
			wantHdr: []string{"Content-Type", "application/vnd.pypi.simple.v1+json"}, wantBody: `"versions":["1.0"]`, wantBodyNotIn: "dist-info-metadata"},
		{name: "not acceptable", method: "GET", path: "/api/python/pub/simple/", hdr: []string{"Accept", "application/xml"}, status: 406,
			wantHdr: []string{"Content-Type", "text/plain"}, wantBody: "not acceptable"},
		{name: "bad format", method: "GET", path: "/api/python/pub/simple/?format=json", status: 406},
		{name: "project html", method: "GET", path: "/api/python/pub/simple/call-demo/", status: 200,
			wantHdr:  []string{"Content-Type", "text/html"},
			wantBody: `<a href="../../files/Call_Demo-1.0-py3-none-any.whl#sha256=` + hex.EncodeToString(wheelSHA[:]) + `" data-requires-python="&gt;=3.8,&lt;4" data-dist-info-metadata="sha256=`},
		{name: "project html has PEP 714 and repository version", method: "GET", path: "/api/python/pub/simple/call-demo/", status: 200,
			wantBody: `<meta name="pypi:repository-version" content="1.1">`},
		{name: "serial and etag", method: "GET", path: "/api/python/pub/simple/call-demo/", status: 200,
			wantHdr: []string{"X-PyPI-Last-Serial", "1", "ETag", `"`}},
		{name: "gzip for pip", method: "GET", path: "/api/python/pub/simple/call-demo/", hdr: []string{"Accept-Encoding", "gzip, deflate"}, status: 200,
			wantHdr: []string{"Content-Encoding", "gzip", "Vary", "Accept"}, wantBody: "\x1f\x8b"},
		{name: "root without slash", method: "GET", path: "/api/python/pub/simple", status: 301, wantHdr: []string{"Location", "/api/python/pub/simple/"}},
		{name: "non-normalized name", method: "GET", path: "/api/python/pub/simple/Call.Demo/?format=text/html", status: 301,
			wantHdr: []string{"Location", "/api/python/pub/simple/call-demo/?format=text/html"}},
		{name: "project without slash", method: "GET", path: "/api/python/pub/simple/call-demo", status: 301, wantHdr: []string{"Location", "/api/python/pub/simple/call-demo/"}},
		{name: "unknown project", method: "GET", path: "/api/python/pub/simple/nope/", status: 404, wantHdr: []string{"Content-Type", "text/plain"}, wantBody: `project "nope" not found`},
		{name: "repo root", method: "GET", path: "/api/python/pub/", status: 301, wantHdr: []string{"Location", "/api/python/pub/simple/"}},
		{name: "deeper path", method: "GET", path: "/api/python/pub/simple/call-demo/x/", status: 404},
		{name: "no repository", method: "GET", path: "/api/python/", status: 404},
		{name: "files repository", method: "GET", path: "/api/python/raw/simple/", status: 404, wantBody: "not a pypi repository"},
		{name: "file", method: "GET", path: "/api/python/pub/files/Call_Demo-1.0-py3-none-any.whl", status: 200,
			wantHdr: []string{"Content-Type", "application/zip", "ETag", etag, "Content-Length", fmt.Sprint(len(good)), "Accept-Ranges", "bytes"}},
		{name: "file range", method: "GET", path: "/api/python/pub/files/Call_Demo-1.0-py3-none-any.whl", hdr: []string{"Range", "bytes=0-3"}, status: 206,
			wantHdr: []string{"Content-Range", fmt.Sprintf("bytes 0-3/%d", len(good))}, wantBody: "PK\x03\x04"},
		{name: "file not modified", method: "GET", path: "/api/python/pub/files/Call_Demo-1.0-py3-none-any.whl", hdr: []string{"If-None-Match", etag}, status: 304},
		{name: "file head", method: "HEAD", path: "/api/python/pub/files/Call_Demo-1.0-py3-none-any.whl", status: 200, wantHdr: []string{"Content-Length", fmt.Sprint(len(good))}},
		{name: "metadata file", method: "GET", path: "/api/python/pub/files/Call_Demo-1.0-py3-none-any.whl.metadata", status: 200,
			wantHdr: []string{"Content-Type", "text/plain"}, wantBody: "Requires-Python: >=3.8,<4"},
		{name: "missing file", method: "GET", path: "/api/python/pub/files/nope-1.0.tar.gz", status: 404},
		{name: "warehouse project", method: "GET", path: "/api/python/pub/pypi/Call_Demo/json", status: 200,
			wantHdr: []string{"Content-Type", "application/json"}, wantBody: `"requires_python":"\u003e=3.8,\u003c4"`},
		{name: "warehouse version", method: "GET", path: "/api/python/pub/pypi/call-demo/1.0/json", status: 200, wantBody: `"version":"1.0"`},
		{name: "warehouse missing version", method: "GET", path: "/api/python/pub/pypi/call-demo/9.9/json", status: 404},
		{name: "warehouse bad version", method: "GET", path: "/api/python/pub/pypi/call-demo/not..a..version/json", status: 404},

		{name: "anonymous private", method: "GET", path: "/api/python/priv/simple/", status: 401, wantHdr: []string{"WWW-Authenticate", "Basic"}},
		{name: "anonymous missing", method: "GET", path: "/api/python/missing/simple/", status: 401, wantHdr: []string{"WWW-Authenticate", "Basic"}},
		{name: "no grant private", method: "GET", path: "/api/python/priv/simple/", auth: bob, status: 404},
		{name: "reader private", method: "GET", path: "/api/python/priv/simple/", auth: basic("carol", carolPassword), status: 200},
		{name: "wrong password", method: "GET", path: "/api/python/pub/simple/", auth: basic("alice", "nope"), status: 401},

		{name: "put", method: "PUT", path: "/api/python/pub/", auth: alice, status: 405, wantHdr: []string{"Allow", "POST"}},
		{name: "delete simple", method: "DELETE", path: "/api/python/pub/simple/", auth: alice, status: 405},
		{name: "anonymous upload", method: "POST", path: "/api/python/pub/", ctype: "multipart/form-data; boundary=x", body: "--x--\r\n", status: 401,
			wantHdr: []string{"WWW-Authenticate", "Basic"}},
		{name: "reader upload", method: "POST", path: "/api/python/pub/", auth: bob, ctype: "multipart/form-data; boundary=x", body: "--x--\r\n", status: 403},
		{name: "not multipart", method: "POST", path: "/api/python/pub/", auth: alice, ctype: "application/json", body: "{}", status: 400, wantBody: "multipart/form-data"},
		{name: "truncated multipart", method: "POST", path: "/api/python/pub/", auth: alice, ctype: "multipart/form-data; boundary=x",
			body: "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nabc", status: 400, wantBody: "malformed multipart"},
		bad("no content", fields2, "", nil, 400, "no content field"),
		bad("no name", with(fields2, "name", "<none>"), wheelName("Call_Demo", "2.0"), v2, 400, "needs a name and a version"),
		bad("bad name", with(fields2, "name", "-bad-"), wheelName("Call_Demo", "2.0"), v2, 400, "invalid project name"),
		bad("bad version", with(fields2, "version", "two"), wheelName("Call_Demo", "2.0"), v2, 400, "not a PEP 440 version"),
		bad("file of another project", with(fields2, "name", "other"), wheelName("Call_Demo", "2.0"), v2, 400, "does not belong to project"),
		bad("file of another version", with(fields2, "version", "3.0"), wheelName("Call_Demo", "2.0"), v2, 400, "is for version 2.0"),
		bad("not a distribution name", fields2, "Call_Demo-2.0.exe", v2, 400, "neither a wheel"),
		bad("bad wheel name", fields2, "Call_Demo-2.0.whl", v2, 400, "invalid wheel file name"),
		bad("sha256 mismatch", with(fields2, "sha256_digest", strings.Repeat("a", 64)), wheelName("Call_Demo", "2.0"), v2, 400, "does not match sha256_digest"),
		bad("malformed sha256", with(fields2, "sha256_digest", "xyz"), wheelName("Call_Demo", "2.0"), v2, 400, "not a sha256"),
		bad("md5 mismatch", with(fields2, "md5_digest", strings.Repeat("0", 32)), wheelName("Call_Demo", "2.0"), v2, 400, "does not match md5_digest"),
		bad("blake2 mismatch", with(fields2, "blake2_256_digest", strings.Repeat("0", 64)), wheelName("Call_Demo", "2.0"), v2, 400, "does not match blake2_256_digest"),
		bad("egg", with(fields2, "filetype", "bdist_egg"), wheelName("Call_Demo", "2.0"), v2, 400, "unsupported filetype"),
		bad("filetype disagrees", with(fields2, "filetype", "sdist"), wheelName("Call_Demo", "2.0"), v2, 400, "does not match the file"),
		bad("not a zip", with(fields2, "sha256_digest", "<none>", "md5_digest", "<none>"), wheelName("Call_Demo", "2.0"), []byte("not a zip"), 400, "not a valid zip"),
		bad("wheel without metadata", with(fields2, "sha256_digest", "<none>", "md5_digest", "<none>"), wheelName("Call_Demo", "2.0"), emptyZip(t), 400, "no metadata file"),
		bad("metadata of another version", with(fields2, "sha256_digest", "<none>", "md5_digest", "<none>"), wheelName("Call_Demo", "2.0"), wheel(t, "Call_Demo", "2.1", ""), 400, "no metadata file"),
		bad("bad action", with(fields2, ":action", "submit"), wheelName("Call_Demo", "2.0"), v2, 400, "unsupported :action"),
		bad("duplicate", twineFields("Call_Demo", "1.0", good), wheelName("Call_Demo", "1.0"), good, 409, "File already exists: Call_Demo-1.0-py3-none-any.whl"),
	}
	for _, c := range calls {
		hdr := append([]string{"Authorization", c.auth}, c.hdr...)
		if c.ctype != "" {
			hdr = append(hdr, "Content-Type", c.ctype)
		}
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		r := f.do(c.method, c.path, body, hdr...)
		require.Equal(t, c.status, r.Status, "%s: %s %s: %s", c.name, c.method, c.path, r.Body)
		for i := 0; i+1 < len(c.wantHdr); i += 2 {
			require.Contains(t, r.Header.Get(c.wantHdr[i]), c.wantHdr[i+1], "%s: header %s", c.name, c.wantHdr[i])
		}
		if c.wantBody != "" {
			require.Contains(t, r.Body, c.wantBody, c.name)
		}
		if c.wantBodyNotIn != "" {
			require.NotContains(t, r.Body, c.wantBodyNotIn, c.name)
		}
	}

	// A page revalidates by its ETag (the index serial) until a change.
	page := f.do("GET", "/api/python/pub/simple/call-demo/", nil, "Accept", "application/vnd.pypi.simple.v1+json")
	pageTag := page.Header.Get("ETag")
	require.Equal(t, 304, f.do("GET", "/api/python/pub/simple/call-demo/", nil, "Accept", "application/vnd.pypi.simple.v1+json", "If-None-Match", pageTag).Status)
	require.NotEqual(t, pageTag, f.do("GET", "/api/python/pub/simple/call-demo/", nil).Header.Get("ETag"), "HTML and JSON have their own tags")

	// The second release uploaded cleanly after all those refusals, and
	// the cached page of the project is not served any more.
	ct, b := uploadForm(t, fields2, wheelName("Call_Demo", "2.0"), v2)
	r = f.do("POST", "/api/python/pub/", bytes.NewReader(b), "Content-Type", ct)
	require.Equal(t, 200, r.Status, r.Body)
	r = f.do("GET", "/api/python/pub/simple/call-demo/", nil, "Accept", "application/vnd.pypi.simple.v1+json")
	require.Contains(t, r.Body, `"versions":["1.0","2.0"]`)
	require.Equal(t, 200, f.do("GET", "/api/python/pub/simple/call-demo/", nil, "Accept", "application/vnd.pypi.simple.v1+json", "If-None-Match", pageTag).Status)
}

func emptyZip(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("call_demo/__init__.py")
	require.NoError(t, err)
	_, _ = w.Write([]byte("x"))
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestUploadLimit: a file over KODERA_MAX_UPLOAD_BYTES, or over
// KODERA_PYPI_MAX_UPLOAD_BYTES (streamed, without a length), is a
// plain-text 413, and a file under both passes.
func TestUploadLimit(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{{"KODERA_MAX_UPLOAD_BYTES": "4K"}, {"KODERA_PYPI_MAX_UPLOAD_BYTES": "4K"}} {
		uploadLimit(t, env)
	}
}

func uploadLimit(t *testing.T, env map[string]string) {
	n := apptest.Start(t, apptest.Options{Env: env})
	s := n.Seed(t)
	s.User("alice", alicePassword, false)
	s.Repo("pub", "pypi", "public", "alice")
	small := wheel(t, "small", "1.0", "")
	require.Less(t, len(small), 2000)
	ct, b := uploadForm(t, twineFields("small", "1.0", small), wheelName("small", "1.0"), small)
	req, err := http.NewRequest("POST", n.URL+"/api/python/pub/", bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ct)
	req.SetBasicAuth("alice", alicePassword)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%v", env)

	big := append(wheel(t, "big", "1.0", ""), bytes.Repeat([]byte{0}, 8192)...)
	ct, b = uploadForm(t, twineFields("big", "1.0", big), wheelName("big", "1.0"), big)
	// No length: the limit holds while the body streams.
	req, err = http.NewRequest("POST", n.URL+"/api/python/pub/", io.MultiReader(bytes.NewReader(b)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ct)
	req.SetBasicAuth("alice", alicePassword)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "%v: %s", env, msg)
	require.Contains(t, string(msg), "exceeds the size limit")
	require.Contains(t, resp.Header.Get("Content-Type"), "text/plain")
}
