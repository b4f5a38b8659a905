package files_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCurl uploads and downloads with the real curl: token and Basic
// password uploads, chunked upload from stdin, checksum headers, a resumed
// download (-C -), a multipart form upload and a folder delete.
func TestCurl(t *testing.T) {
	t.Parallel()
	f := setup(t)
	dir := t.TempDir()
	content := strings.Repeat("0123456789abcdef", 64<<10) // 1 MiB
	src := filepath.Join(dir, "src.bin")
	writeFile(t, src, content)

	// Token upload (curl -T sends Expect: 100-continue for a large body).
	_, err := run(t, dir, "curl", "-sSf", "-H", "Authorization: Bearer "+f.token, "-T", src, f.base+"/priv/rel/v1/app.bin")
	require.NoError(t, err)
	// Basic password upload with checksum headers.
	out, err := run(t, dir, "curl", "-sSf", "-u", "alice:"+alicePassword, "-T", src,
		"-H", "X-Checksum-Sha256: "+sum256(content), "-H", "X-Checksum-Sha1: "+sum1(content), "-H", "X-Checksum-Md5: "+sumMD5(content),
		f.base+"/priv/rel/v2/app.bin")
	require.NoError(t, err)
	require.Contains(t, out, sum256(content))
	// A bad checksum: curl -f fails on the 400, nothing is stored.
	_, err = run(t, dir, "curl", "-sSf", "-u", "alice:"+alicePassword, "-T", src, "-H", "X-Checksum-Sha1: "+sum1("x"), f.base+"/priv/rel/v3/app.bin")
	require.Error(t, err)
	require.Equal(t, http.StatusNotFound, f.do("HEAD", "/priv/rel/v3/app.bin", nil).Status)
	// Chunked upload from stdin.
	cmd := fmt.Sprintf("printf 'streamed' | curl -sSf -u alice:%s -T - %s", alicePassword, f.base+"/priv/rel/stdin.txt")
	_, err = run(t, dir, "sh", "-c", cmd)
	require.NoError(t, err)
	require.Equal(t, "streamed", f.do("GET", "/priv/rel/stdin.txt", nil).Body)

	// Download, then resume a partial download.
	got := filepath.Join(dir, "got.bin")
	_, err = run(t, dir, "curl", "-sSf", "-u", "alice:"+alicePassword, "-o", got, f.base+"/priv/rel/v1/app.bin")
	require.NoError(t, err)
	requireFile(t, got, content)
	partial := filepath.Join(dir, "partial.bin")
	writeFile(t, partial, content[:300000])
	out, err = run(t, dir, "curl", "-sSf", "-u", "alice:"+alicePassword, "-C", "-", "-o", partial, "-w", "%{http_code}", f.base+"/priv/rel/v1/app.bin")
	require.NoError(t, err)
	require.Equal(t, "206", out)
	requireFile(t, partial, content)
	// Anonymous curl on a private repository is challenged.
	out, _ = run(t, dir, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", f.base+"/priv/rel/v1/app.bin")
	require.Equal(t, "401", out)
	// HEAD shows the checksums.
	out, err = run(t, dir, "curl", "-sSfI", "-u", "alice:"+alicePassword, f.base+"/priv/rel/v1/app.bin")
	require.NoError(t, err)
	require.Contains(t, out, "X-Checksum-Sha256: "+sum256(content))
	require.Contains(t, out, "X-Checksum-Md5: "+sumMD5(content))

	// Multipart form upload of two files into a folder.
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.json")
	writeFile(t, a, "alpha")
	writeFile(t, b, `{"b":1}`)
	out, err = run(t, dir, "curl", "-sSf", "-u", "alice:"+alicePassword, "-F", "file=@"+a, "-F", "file=@"+b, "-F", "note=ignored", f.base+"/priv/forms/up")
	require.NoError(t, err)
	require.Contains(t, out, `"path":"forms/up/a.txt"`)
	require.Equal(t, "alpha", f.do("GET", "/priv/forms/up/a.txt", nil).Body)
	r := f.do("HEAD", "/priv/forms/up/b.json", nil)
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))

	// Recursive delete of a folder.
	_, err = run(t, dir, "curl", "-sSf", "-u", "alice:"+alicePassword, "-X", "DELETE", f.base+"/priv/rel")
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, f.do("GET", "/priv/rel/v2/app.bin", nil).Status)
	require.Equal(t, http.StatusOK, f.do("GET", "/priv/forms/up/a.txt", nil).Status)
}

// TestWget downloads with the real wget, which sends credentials only after
// the server's Basic challenge, and resumes a partial download with -c.
func TestWget(t *testing.T) {
	t.Parallel()
	f := setup(t)
	dir := t.TempDir()
	content := strings.Repeat("wget resumes downloads. ", 40000)
	f.put("/priv/w/file.bin", content)

	_, err := run(t, dir, "wget", "-q", "--user=alice", "--password="+alicePassword, "-O", "full.bin", f.base+"/priv/w/file.bin")
	require.NoError(t, err)
	requireFile(t, filepath.Join(dir, "full.bin"), content)

	writeFile(t, filepath.Join(dir, "file.bin"), content[:12345])
	_, err = run(t, dir, "wget", "-q", "-c", "--user=alice", "--password="+alicePassword, f.base+"/priv/w/file.bin")
	require.NoError(t, err)
	requireFile(t, filepath.Join(dir, "file.bin"), content)

	// Upload with wget (PUT, token as the Basic password).
	writeFile(t, filepath.Join(dir, "up.txt"), "from wget")
	_, err = run(t, dir, "wget", "-q", "-O", "-", "--method=PUT", "--body-file=up.txt", "--user=alice", "--password="+f.token, f.base+"/priv/w/up.txt")
	require.NoError(t, err)
	require.Equal(t, "from wget", f.do("GET", "/priv/w/up.txt", nil).Body)

	// Outsiders get a 404 whatever they send.
	_, err = run(t, dir, "wget", "-q", "--user=bob", "--password="+bobPassword, "-O", "x", f.base+"/priv/w/file.bin")
	require.Error(t, err)
	out, _ := run(t, dir, "sh", "-c", "wget -S --user=bob --password="+bobPassword+" -O x "+f.base+"/priv/w/file.bin 2>&1 | grep 'HTTP/' | tail -1")
	require.Contains(t, out, "404")
}

// TestTraversal sends every traversal variant as is (curl --path-as-is, or
// a raw request line where curl would not send it) and wants 400 for each,
// with nothing stored and nothing read outside the repository.
func TestTraversal(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.put("/pub/inside.txt", "inside")
	dir := t.TempDir()
	variants := []string{
		"..", "../priv/x", "a/../../priv/x", "a/..", ".", "./a", "a/./b", "a//b", "/a", "a/b//",
		"%2e%2e", "%2E%2E/priv/x", "%2e", ".%2e/x", "%2e./x", "a/%2e%2e/%2e%2e/priv/x", "..%2fpriv%2fx", "%2e%2e%2fpriv",
		"a%2fb", "a%2Fb", "%2f", "%2fetc%2fpasswd",
		"a%5cb", "..%5c..%5cpriv", "%5C",
		"a%00b", "%00", "a%0ab", "a%0d%0aX-Injected:%201", "a%09b", "a%7fb", "a%c2%85b",
		"%252e%252e/x", "%252e%252e%252fpriv", "a%252fb", "%255c",
		"%c0%ae%c0%ae/x", "%c0%af", "%ff", "a%zzb", "a%2",
		strings.Repeat("x", 256),
		strings.Repeat("abcdefghi/", 103) + "x",
		strings.Repeat("a/", 64) + "a",
	}
	// One curl per method, every variant a URL of it, one status line each.
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		args := []string{"-sS", "--path-as-is", "-X", m, "-w", "%{http_code}\\n", "-H", "Authorization: Bearer " + f.token}
		if m == "PUT" {
			args = append(args, "--data-binary", "x")
		}
		for _, v := range variants {
			args = append(args, "-o", "/dev/null", f.base+"/pub/"+v)
		}
		out, err := run(t, dir, "curl", args...)
		require.NoError(t, err)
		codes := strings.Fields(out)
		require.Len(t, codes, len(variants), m)
		for i, v := range variants {
			require.Equal(t, "400", codes[i], "%s %s", m, v)
		}
	}
	// Bytes curl refuses to put in a URL: a raw backslash, control
	// characters, a space. net/http or the path check refuses them.
	for _, v := range []string{`a\b`, `..\..\priv\x`, "a\x01b", "a\x7fb", "a b"} {
		require.Equal(t, 400, rawStatus(t, f.n.Addr, "GET /api/files/pub/"+v+" HTTP/1.1", f.token), "%q", v)
	}
	r := f.do("GET", "/pub/?list", nil)
	require.Contains(t, r.Body, `"items":[{"name":"inside.txt"`)
	require.NotContains(t, r.Body, `"name":"x"`)
}

// rawStatus writes a request line as given and returns the status code.
func rawStatus(t *testing.T, addr, line, token string) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = fmt.Fprintf(c, "%s\r\nHost: %s\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n", line, addr, token)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func requireFile(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, len(want), len(b))
	require.True(t, string(b) == want, "content of %s differs", path)
}
