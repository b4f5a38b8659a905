package files_test

import (
	"context"
	"crypto/md5"  //nolint:gosec // Checksums under test.
	"crypto/sha1" //nolint:gosec // As above.
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/db"
)

func sum256(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
func sum1(s string) string   { h := sha1.Sum([]byte(s)); return hex.EncodeToString(h[:]) } //nolint:gosec
func sumMD5(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }  //nolint:gosec

// TestCalls drives the protocol request by request: each call runs against
// the state the previous ones left.
func TestCalls(t *testing.T) {
	t.Parallel()
	f := setup(t)
	const hello = "hello, files\n"
	const other = "other content\n"
	bob := "Basic " + basic("bob", bobPassword)
	carol := "Basic " + basic("carol", carolPassword)
	alicePw := "Basic " + basic("alice", alicePassword)

	calls := []struct {
		name       string
		method     string
		path       string
		body       string
		hdr        []string
		want       int
		wantHeader map[string]string
		wantBody   string // substring
	}{
		{name: "upload", method: "PUT", path: "/priv/dir/sub/hello.txt", body: hello, want: 201,
			wantHeader: map[string]string{"ETag": `"` + sum256(hello) + `"`, "X-Checksum-Sha1": sum1(hello), "Location": "/api/files/priv/dir/sub/hello.txt"},
			wantBody:   `"sha256":"` + sum256(hello) + `"`},
		{name: "get", method: "GET", path: "/priv/dir/sub/hello.txt", want: 200, wantBody: hello,
			wantHeader: map[string]string{
				"Content-Type": "text/plain; charset=utf-8", "Content-Length": "13",
				"Content-Disposition": `attachment; filename="hello.txt"`, "X-Content-Type-Options": "nosniff",
				"ETag": `"` + sum256(hello) + `"`, "Accept-Ranges": "bytes", "Cache-Control": "private, no-cache",
			}},
		{name: "head has checksums", method: "HEAD", path: "/priv/dir/sub/hello.txt", want: 200,
			wantHeader: map[string]string{
				"Content-Length": "13", "X-Checksum-Sha256": sum256(hello), "X-Checksum-Sha1": sum1(hello),
				"X-Checksum-Md5": sumMD5(hello), "ETag": `"` + sum256(hello) + `"`,
			}},
		{name: "range", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"Range", "bytes=7-"}, want: 206,
			wantBody: "files\n", wantHeader: map[string]string{"Content-Range": "bytes 7-12/13"}},
		{name: "suffix range", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"Range", "bytes=-3"}, want: 206, wantBody: "es\n"},
		{name: "range not satisfiable", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"Range", "bytes=100-"}, want: 416},
		{name: "zero suffix range", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"Range", "bytes=-0"}, want: 416,
			wantHeader: map[string]string{"Content-Range": "bytes */13"}, wantBody: "range not satisfiable"},
		{name: "two ranges", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"Range", "bytes=0-1, 7-8"}, want: 206,
			wantBody: "Content-Range: bytes 7-8/13"},
		{name: "if-none-match", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"If-None-Match", `"` + sum256(hello) + `"`}, want: 304},
		{name: "if-none-match other", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"If-None-Match", `"abc"`}, want: 200},
		{name: "if-modified-since", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"If-Modified-Since", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}, want: 304},
		{name: "if-modified-since old", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"If-Modified-Since", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)}, want: 200},
		{name: "if-range stale", method: "GET", path: "/priv/dir/sub/hello.txt", hdr: []string{"Range", "bytes=7-", "If-Range", `"abc"`}, want: 200, wantBody: hello},

		{name: "checksums good", method: "PUT", path: "/priv/sums.txt", body: hello, want: 201,
			hdr: []string{"X-Checksum-Sha256", strings.ToUpper(sum256(hello)), "X-Checksum-Sha1", sum1(hello), "X-Checksum-Md5", sumMD5(hello)}},
		{name: "sha256 bad", method: "PUT", path: "/priv/bad.txt", body: hello, want: 400, hdr: []string{"X-Checksum-Sha256", sum256(other)}, wantBody: "checksum mismatch"},
		{name: "sha1 bad", method: "PUT", path: "/priv/bad.txt", body: hello, want: 400, hdr: []string{"X-Checksum-Sha1", sum1(other)}, wantBody: "Sha1"},
		{name: "md5 bad", method: "PUT", path: "/priv/bad.txt", body: hello, want: 400, hdr: []string{"X-Checksum-Md5", sumMD5(other)}, wantBody: "Md5"},
		{name: "checksum malformed", method: "PUT", path: "/priv/bad.txt", body: hello, want: 400, hdr: []string{"X-Checksum-Sha256", "xyz"}},
		{name: "nothing stored on bad", method: "GET", path: "/priv/bad.txt", want: 404},

		{name: "overwrite", method: "PUT", path: "/priv/dir/sub/hello.txt", body: other, want: 200},
		{name: "overwritten", method: "GET", path: "/priv/dir/sub/hello.txt", want: 200, wantBody: other},
		{name: "override=false refuses", method: "PUT", path: "/priv/dir/sub/hello.txt?override=false", body: hello, want: 409},
		{name: "override=false same content ok", method: "PUT", path: "/priv/dir/sub/hello.txt?override=false", body: other, hdr: []string{"X-Checksum-Sha256", sum256(other)}, want: 200},
		{name: "if-none-match * refuses", method: "PUT", path: "/priv/dir/sub/hello.txt", body: hello, hdr: []string{"If-None-Match", "*"}, want: 412},
		{name: "if-none-match * on folder", method: "PUT", path: "/priv/dir/sub", body: hello, hdr: []string{"If-None-Match", "*"}, want: 412},
		{name: "if-none-match * below a file", method: "PUT", path: "/priv/dir/sub/hello.txt/x", body: hello, hdr: []string{"If-None-Match", "*"}, want: 409},
		{name: "override=false new path ok", method: "PUT", path: "/priv/new.txt?override=false", body: hello, want: 201},
		{name: "file over folder", method: "PUT", path: "/priv/dir/sub", body: hello, want: 409},
		{name: "folder over file", method: "PUT", path: "/priv/dir/sub/hello.txt/x", body: hello, want: 409},
		{name: "mkdir over file", method: "PUT", path: "/priv/new.txt/", want: 409},
		{name: "mkdir", method: "PUT", path: "/priv/empty/", want: 201},
		{name: "file with slash", method: "GET", path: "/priv/new.txt/", want: 404},

		{name: "json listing", method: "GET", path: "/priv/dir/sub", hdr: []string{"Accept", "application/json"}, want: 200,
			wantHeader: map[string]string{"Content-Type": "application/json"}, wantBody: `"items":[{"name":"hello.txt","path":"dir/sub/hello.txt","folder":false,"size":14,`},
		{name: "list param", method: "GET", path: "/priv/?list", want: 200,
			wantBody: `"items":[{"name":"dir","path":"dir","folder":true,"size":0,`},
		{name: "html listing", method: "GET", path: "/priv/dir/", want: 200,
			wantHeader: map[string]string{"Content-Type": "text/html; charset=utf-8"}, wantBody: `<a href="/api/files/priv/dir/sub/">sub/</a>`},

		{name: "empty file", method: "PUT", path: "/priv/empty.txt", want: 201, wantHeader: map[string]string{"X-Checksum-Sha256": sum256("")}},
		{name: "empty file get", method: "GET", path: "/priv/empty.txt", want: 200, wantHeader: map[string]string{"Content-Length": "0"}},
		{name: "empty file range", method: "GET", path: "/priv/empty.txt", hdr: []string{"Range", "bytes=0-"}, want: 200}, // nothing to cut: the whole (empty) file
		{name: "html is an attachment", method: "PUT", path: "/pub/x.html", body: "<script>alert(1)</script>", want: 201},
		{name: "html served safely", method: "GET", path: "/pub/x.html", hdr: []string{"Authorization", ""}, want: 200,
			wantHeader: map[string]string{"Content-Type": "text/html; charset=utf-8", "Content-Disposition": `attachment; filename="x.html"`,
				"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}},
		{name: "unicode name", method: "PUT", path: "/pub/caf%C3%A9%20%22x%22.bin", body: hello, want: 201},
		{name: "unicode disposition", method: "GET", path: "/pub/caf%C3%A9%20%22x%22.bin", want: 200,
			wantHeader: map[string]string{"Content-Disposition": `attachment; filename="caf_ _x_.bin"; filename*=UTF-8''caf%C3%A9%20%22x%22.bin`}},

		{name: "anonymous private", method: "GET", path: "/priv/new.txt", hdr: []string{"Authorization", ""}, want: 401,
			wantHeader: map[string]string{"WWW-Authenticate": `Basic realm="kodera", charset="UTF-8"`}},
		{name: "anonymous from the UI", method: "GET", path: "/priv/new.txt", hdr: []string{"Authorization", "", "X-Requested-With", "XMLHttpRequest"}, want: 401,
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="kodera"`}},
		{name: "anonymous missing private repo", method: "GET", path: "/nope/x", hdr: []string{"Authorization", ""}, want: 401},
		{name: "outsider private", method: "GET", path: "/priv/new.txt", hdr: []string{"Authorization", bob}, want: 404},
		{name: "outsider private put", method: "PUT", path: "/priv/bob.txt", body: hello, hdr: []string{"Authorization", bob}, want: 404},
		{name: "outsider private delete", method: "DELETE", path: "/priv/new.txt", hdr: []string{"Authorization", bob}, want: 404},
		{name: "outsider missing repo", method: "GET", path: "/nope/x", hdr: []string{"Authorization", bob}, want: 404},
		{name: "wrong password", method: "GET", path: "/pub/x.html", hdr: []string{"Authorization", "Basic " + basic("alice", "wrong")}, want: 401},
		{name: "reader may read", method: "GET", path: "/priv/new.txt", hdr: []string{"Authorization", carol}, want: 200},
		{name: "reader may not write", method: "PUT", path: "/priv/carol.txt", body: hello, hdr: []string{"Authorization", carol}, want: 403},
		{name: "reader may not delete", method: "DELETE", path: "/priv/new.txt", hdr: []string{"Authorization", carol}, want: 403},
		{name: "anonymous public read", method: "GET", path: "/pub/x.html", hdr: []string{"Authorization", ""}, want: 200},
		{name: "anonymous public write", method: "PUT", path: "/pub/anon.txt", body: hello, hdr: []string{"Authorization", ""}, want: 401},
		{name: "outsider public write", method: "PUT", path: "/pub/bob.txt", body: hello, hdr: []string{"Authorization", bob}, want: 403},
		{name: "password upload", method: "PUT", path: "/priv/pw.txt", body: hello, hdr: []string{"Authorization", alicePw}, want: 201},
		{name: "other repo type", method: "GET", path: "/pyrepo/x", want: 404},
		{name: "no repo", method: "GET", path: "/", want: 404},
		{name: "root put", method: "PUT", path: "/priv/", body: hello, want: 400},
		{name: "method", method: "PATCH", path: "/priv/new.txt", want: 405, wantHeader: map[string]string{"Allow": "GET, HEAD, PUT, POST, DELETE"}},
		{name: "json error", method: "GET", path: "/priv/missing", hdr: []string{"Accept", "application/json"}, want: 404, wantBody: `{"errors":[{"status":404,"message":"missing: no such file or folder"`},

		{name: "delete file", method: "DELETE", path: "/priv/new.txt", want: 204},
		{name: "deleted file", method: "GET", path: "/priv/new.txt", want: 404},
		{name: "delete missing", method: "DELETE", path: "/priv/new.txt", want: 404},
		{name: "delete folder", method: "DELETE", path: "/priv/dir", want: 204},
		{name: "deleted subtree", method: "GET", path: "/priv/dir/sub/hello.txt", want: 404},
		{name: "deleted folder", method: "GET", path: "/priv/dir/", want: 404},
		{name: "delete root", method: "DELETE", path: "/priv/", want: 400},
		{name: "path reusable as file", method: "PUT", path: "/priv/dir", body: hello, want: 201},
	}
	for _, c := range calls {
		r := f.do(c.method, c.path, strings.NewReader(c.body), c.hdr...)
		require.Equal(t, c.want, r.Status, "%s: %s", c.name, r.Body)
		for k, v := range c.wantHeader {
			require.Equal(t, v, r.Header.Get(k), "%s: header %s", c.name, k)
		}
		if c.wantBody != "" {
			require.Contains(t, r.Body, c.wantBody, c.name)
		}
	}
}

func basic(user, pw string) string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, pw)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// TestImmutable: an immutable repository refuses to replace a file (409),
// accepts an identical re-upload, and still accepts new paths.
func TestImmutable(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.put("/priv/a.bin", "one")
	f.put("/priv/d/x.txt", "x")
	f.sql(`UPDATE repositories SET immutable = true WHERE name = 'priv'`)
	r := f.do("PUT", "/priv/a.bin", strings.NewReader("two"))
	require.Equal(t, http.StatusConflict, r.Status, r.Body)
	require.Contains(t, r.Body, "immutable")
	// The same content is an idempotent retry, with or without a checksum
	// header; other content of the same length is refused once read, of
	// another length before the body is read.
	r = f.do("PUT", "/priv/a.bin", strings.NewReader("one"))
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	r = f.do("PUT", "/priv/a.bin", strings.NewReader("one"), "X-Checksum-Sha256", sum256("one"))
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	r = f.do("PUT", "/priv/a.bin", strings.NewReader("owe"))
	require.Equal(t, http.StatusConflict, r.Status, r.Body)
	r = f.do("PUT", "/priv/a.bin", strings.NewReader("three"), "X-Checksum-Sha256", sum256("three"))
	require.Equal(t, http.StatusConflict, r.Status, r.Body)
	r = f.do("GET", "/priv/a.bin", nil)
	require.Equal(t, "one", r.Body)
	f.put("/priv/b.bin", "two")
	// Deleting or moving would let the path take other content.
	r = f.do("DELETE", "/priv/a.bin", nil)
	require.Equal(t, http.StatusConflict, r.Status, r.Body)
	r = f.do("DELETE", "/priv/d", nil)
	require.Equal(t, http.StatusConflict, r.Status, r.Body)
	require.Equal(t, "one", f.do("GET", "/priv/a.bin", nil).Body)
}

// TestIfMatch: a PUT with If-Match replaces the file only while it still
// has the named content (optimistic locking); a mismatch changes nothing.
func TestIfMatch(t *testing.T) {
	t.Parallel()
	f := setup(t)
	etag := `"` + sum256("v1") + `"`
	r := f.do("PUT", "/priv/c.txt", strings.NewReader("v1"), "If-Match", "*")
	require.Equal(t, http.StatusPreconditionFailed, r.Status, "If-Match: * needs an existing file")
	f.put("/priv/c.txt", "v1")
	r = f.do("PUT", "/priv/c.txt", strings.NewReader("v2"), "If-Match", `"`+sum256("other")+`"`)
	require.Equal(t, http.StatusPreconditionFailed, r.Status, r.Body)
	r = f.do("PUT", "/priv/c.txt", strings.NewReader("v2"), "If-Match", "W/"+etag)
	require.Equal(t, http.StatusPreconditionFailed, r.Status, "weak tags never match")
	require.Equal(t, "v1", f.do("GET", "/priv/c.txt", nil).Body)
	r = f.do("PUT", "/priv/c.txt", strings.NewReader("v2"), "If-Match", etag)
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	require.Equal(t, "v2", f.do("GET", "/priv/c.txt", nil).Body)
	r = f.do("PUT", "/priv/d.txt", strings.NewReader("v1"), "If-Match", etag)
	require.Equal(t, http.StatusPreconditionFailed, r.Status, "no file, no match")
}

// TestNothingStoredOnBadChecksum: a refused upload leaves no object behind.
func TestNothingStoredOnBadChecksum(t *testing.T) {
	t.Parallel()
	f := setup(t)
	before := f.storedObjects()
	for _, h := range []string{"X-Checksum-Sha256", "X-Checksum-Sha1", "X-Checksum-Md5"} {
		bad := strings.Repeat("0", map[string]int{"X-Checksum-Sha256": 64, "X-Checksum-Sha1": 40, "X-Checksum-Md5": 32}[h])
		r := f.do("PUT", "/priv/bad-"+h, strings.NewReader("content "+h), h, bad)
		require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
	}
	require.Equal(t, before, f.storedObjects())
	r := f.do("GET", "/priv/?list", nil)
	require.Contains(t, r.Body, `"items":[]`)
}

// TestListingPages walks a folder listing page by page.
func TestListingPages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, p := range []string{"d/b.txt", "d/a.txt", "d/z/x", "d/c.txt", "d/y/x"} {
		f.put("/priv/"+p, p)
	}
	var names []string
	next := "/api/files/priv/d?list&limit=2"
	for next != "" {
		r := f.do("GET", strings.TrimPrefix(next, "/api/files"), nil)
		require.Equal(t, 200, r.Status, r.Body)
		var page struct {
			Items []struct {
				Name   string
				Folder bool
			}
			NextCursor string
		}
		require.NoError(t, json.Unmarshal([]byte(r.Body), &page))
		require.LessOrEqual(t, len(page.Items), 2)
		for _, c := range page.Items {
			names = append(names, c.Name)
		}
		next = ""
		if link := r.Header.Get("Link"); link != "" {
			require.NotEmpty(t, page.NextCursor, "the link and the cursor agree")
			next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
			require.Contains(t, next, url.Values{"cursor": {page.NextCursor}}.Encode())
		} else {
			require.Empty(t, page.NextCursor)
		}
	}
	require.Equal(t, []string{"y", "z", "a.txt", "b.txt", "c.txt"}, names)
}

func TestAttachment(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"a.txt":          `attachment; filename="a.txt"`,
		`a"b\c.txt`:      `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`,
		"résumé.pdf":     `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
		"x\r\nSet-C: 1":  `attachment; filename="x__Set-C: 1"; filename*=UTF-8''x%0D%0ASet-C%3A%201`,
		"100%.txt":       `attachment; filename="100_.txt"; filename*=UTF-8''100%25.txt`,
		"semi;colon.txt": `attachment; filename="semi;colon.txt"`,
	} {
		require.Equal(t, want, kit.Attachment(name), name)
	}
}

// TestFailedLoginAudited: a wrong Basic password on the files protocol is
// a failed login in the audit trail, naming the protocol.
func TestFailedLoginAudited(t *testing.T) {
	f := setup(t)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:wrong-password"))
	r := f.do("GET", "/priv/", nil, "Authorization", basic)
	require.Equal(t, http.StatusUnauthorized, r.Status)
	pool, err := db.Open(context.Background(), f.n.DBURL)
	require.NoError(t, err)
	defer pool.Close()
	var via string
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT details->>'via' FROM audit_events WHERE action = 'login' AND NOT success AND target = 'alice'`).Scan(&via))
	require.Equal(t, "files", via)
}
