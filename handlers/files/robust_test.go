package files_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
	"github.com/kodera-packages/kodera/internal/dbtest"
)

// TestUploadLimit: KODERA_MAX_UPLOAD_BYTES refuses a declared length at
// once and a chunked body once it passes the limit, storing nothing.
func TestUploadLimit(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_MAX_UPLOAD_BYTES": "1K"}})
	s := n.Seed(t)
	s.User("alice", alicePassword, false)
	s.Repo("priv", "files", "private", "alice")
	f := &fixture{t: t, n: n, base: n.URL + "/api/files", token: s.Token("alice", false, []string{"write"})}

	before := f.storedObjects()
	r := f.do("PUT", "/priv/big", strings.NewReader(strings.Repeat("x", 1025)))
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status, r.Body)
	// A reader of unknown length makes the client send it chunked.
	r = f.do("PUT", "/priv/big", struct{ *strings.Reader }{strings.NewReader(strings.Repeat("x", 4096))})
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status, r.Body)
	require.Equal(t, before, f.storedObjects())
	f.put("/priv/small", strings.Repeat("x", 1024))
}

// TestAbortedUpload: a client that goes away mid-body leaves no file and
// no object behind.
func TestAbortedUpload(t *testing.T) {
	t.Parallel()
	f := setup(t)
	before := f.storedObjects()
	c, err := net.Dial("tcp", f.n.Addr)
	require.NoError(t, err)
	_, err = fmt.Fprintf(c, "PUT /api/files/priv/cut.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000000\r\n\r\n%s", f.token, strings.Repeat("y", 300000))
	require.NoError(t, err)
	// Hang up only once the server is writing the upload (its temporary
	// object exists), so the abort lands mid-body.
	require.Eventually(t, func() bool { return f.storedObjects() > before }, 10*time.Second, 10*time.Millisecond)
	c.Close()
	require.Eventually(t, func() bool { return f.storedObjects() == before }, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, http.StatusNotFound, f.do("HEAD", "/priv/cut.bin", nil).Status)
}

// TestConcurrentOverwrites: parallel uploads to one path all succeed and
// the path ends up holding exactly one of them, whole.
func TestConcurrentOverwrites(t *testing.T) {
	t.Parallel()
	f := setup(t)
	const n = 8
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("PUT", f.base+"/priv/same/file.txt", strings.NewReader(strings.Repeat(fmt.Sprint(i), 100000)))
			req.Header.Set("Authorization", "Bearer "+f.token)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				statuses[i] = resp.StatusCode
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		require.Contains(t, []int{200, 201}, s)
		if s == 201 {
			created++
		}
	}
	require.Equal(t, 1, created)
	body := f.do("GET", "/priv/same/file.txt", nil).Body
	require.Len(t, body, 100000)
	require.Equal(t, strings.Repeat(body[:1], 100000), body)
}

// TestTwoNodes: a file uploaded through one node is served (whole, by
// ranges, resumed by curl), listed and deleted through another sharing the
// database and the store, once on the filesystem store and once on S3
// (where downloads stream from the driver instead of using sendfile).
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	stores := map[string]func(t *testing.T) map[string]string{
		"fs": func(*testing.T) map[string]string { return nil },
		"s3": func(t *testing.T) map[string]string {
			cfg := blobtest.StartS3(t)
			return map[string]string{"STORAGE_URL": cfg.Endpoint, "STORAGE_BUCKET": cfg.Bucket, "STORAGE_AK": cfg.AccessKey, "STORAGE_SK": cfg.SecretKey}
		},
	}
	for name, store := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := store(t)
			dbURL, dir := dbtest.New(t), t.TempDir()
			one := apptest.Start(t, apptest.Options{DBURL: dbURL, DataDir: dir, Env: env})
			two := apptest.Start(t, apptest.Options{DBURL: dbURL, DataDir: dir, Env: env})
			s := one.Seed(t)
			s.User("alice", alicePassword, false)
			s.Repo("priv", "files", "private", "alice")
			token := s.Token("alice", false, []string{"write"})
			f := &fixture{t: t, n: one, base: one.URL + "/api/files", token: token}
			g := &fixture{t: t, n: two, base: two.URL + "/api/files", token: token}

			content := strings.Repeat("0123456789", 100000)
			f.put("/priv/shared/a.txt", content)
			require.Equal(t, content, g.do("GET", "/priv/shared/a.txt", nil).Body)
			r := g.do("GET", "/priv/shared/a.txt", nil, "Range", "bytes=999990-")
			require.Equal(t, http.StatusPartialContent, r.Status)
			require.Equal(t, "0123456789", r.Body)
			r = g.do("GET", "/priv/shared/a.txt", nil, "Range", "bytes=1-2,13-14")
			require.Equal(t, http.StatusPartialContent, r.Status)
			require.Contains(t, r.Header.Get("Content-Type"), "multipart/byteranges")
			require.Contains(t, r.Body, "\r\n12\r\n")
			require.Contains(t, r.Body, "\r\n34\r\n")

			dl := t.TempDir()
			writeFile(t, filepath.Join(dl, "a.txt"), content[:444444])
			_, err := run(t, dl, "curl", "-sSf", "-H", "Authorization: Bearer "+token, "-C", "-", "-o", "a.txt", g.base+"/priv/shared/a.txt")
			require.NoError(t, err)
			requireFile(t, filepath.Join(dl, "a.txt"), content)

			require.Contains(t, g.do("GET", "/priv/shared?list", nil).Body, `"name":"a.txt"`)
			require.Equal(t, http.StatusNoContent, g.do("DELETE", "/priv/shared", nil).Status)
			require.Equal(t, http.StatusNotFound, f.do("GET", "/priv/shared/a.txt", nil).Status)
		})
	}
}

// TestSessionUpload is the UI's multipart upload with the session cookie:
// accepted with the session's X-CSRF-Token, refused (403) without it, as a
// cross-site form would send it.
func TestSessionUpload(t *testing.T) {
	t.Parallel()
	f := setup(t)
	resp, err := http.Post(f.n.URL+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"alice","password":"`+alicePassword+`"}`))
	require.NoError(t, err)
	var sess struct{ CsrfToken string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&sess))
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == "kodera_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	require.NotEmpty(t, cookie)
	require.NotEmpty(t, sess.CsrfToken)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, err := mw.CreateFormFile("file", "ui.txt")
	require.NoError(t, err)
	_, _ = w.Write([]byte("from the browser"))
	require.NoError(t, mw.Close())
	post := func(hdr ...string) response {
		return f.do("POST", "/priv/ui", bytes.NewReader(body.Bytes()),
			append([]string{"Authorization", "", "Cookie", cookie, "Content-Type", mw.FormDataContentType()}, hdr...)...)
	}
	r := post()
	require.Equal(t, http.StatusForbidden, r.Status, r.Body)
	r = post("X-CSRF-Token", "wrong")
	require.Equal(t, http.StatusForbidden, r.Status, r.Body)
	r = post("X-CSRF-Token", sess.CsrfToken)
	require.Equal(t, http.StatusCreated, r.Status, r.Body)
	r = f.do("GET", "/priv/ui/ui.txt", nil, "Authorization", "", "Cookie", cookie)
	require.Equal(t, "from the browser", r.Body)
}
