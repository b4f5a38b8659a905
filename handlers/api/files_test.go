package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/db"
)

type filesAPI struct {
	t     *testing.T
	n     *apptest.Node
	token string
}

func setupFiles(t *testing.T) *filesAPI {
	t.Helper()
	n := apptest.Start(t, apptest.Options{})
	s := n.Seed(t)
	s.User("alice", "alice-password-123", false)
	s.User("bob", "bob-password-123", false)
	s.User("carol", "carol-password-123", false)
	s.Repo("tree", "files", "private", "alice")
	s.Repo("gorepo", "go", "private", "alice")
	s.Grant("tree", "carol", false, "read")
	return &filesAPI{t: t, n: n, token: s.Token("alice", false, []string{"read", "write"})}
}

// call sends a request with alice's token unless auth says otherwise ("" =
// anonymous, else a Basic user:password) and decodes a JSON answer into out.
func (f *filesAPI) call(method, path, body, authAs string, out any) int {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.n.URL+path, rd)
	require.NoError(f.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	switch authAs {
	case "alice":
		req.Header.Set("Authorization", "Bearer "+f.token)
	case "":
	default:
		user, pw, _ := strings.Cut(authAs, ":")
		req.SetBasicAuth(user, pw)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(f.t, json.Unmarshal(b, out), string(b))
	}
	if resp.StatusCode >= 400 {
		require.Equal(f.t, "application/problem+json", resp.Header.Get("Content-Type"), string(b))
	}
	return resp.StatusCode
}

func (f *filesAPI) upload(path, content string) {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPut, f.n.URL+"/api/files/tree/"+path, strings.NewReader(content))
	require.NoError(f.t, err)
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	resp.Body.Close()
	require.Equal(f.t, http.StatusCreated, resp.StatusCode)
}

type fileList struct {
	Repository string
	Path       string
	Items      []struct {
		Name, Path string
		Folder     bool
		Size       int64
		Sha256     *string
	}
	NextCursor *string
}

type fileDetails struct {
	Repository, Name, Path  string
	Folder                  bool
	Size                    int64
	Sha256, Sha1, Md5       *string
	ContentType, UploadedBy *string
	DownloadUrl             *string
}

func TestFilesAPI(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	f.upload("docs/readme.md", "# readme\n")
	f.upload("docs/guide/intro.txt", "intro")
	f.upload("docs/guide/part%201.txt", "part one")
	f.upload("top.bin", "top")
	const base = "/api/v1/repositories/tree/files"

	// The root, then a folder page by page.
	var l fileList
	require.Equal(t, 200, f.call("GET", base, "", "alice", &l))
	require.Equal(t, "tree", l.Repository)
	require.Len(t, l.Items, 2)
	require.Equal(t, "docs", l.Items[0].Name)
	require.True(t, l.Items[0].Folder)
	require.Nil(t, l.Items[0].Sha256)
	require.Equal(t, "top.bin", l.Items[1].Name)
	require.Nil(t, l.NextCursor)

	var names []string
	q := url.Values{"path": {"/docs/"}, "limit": {"1"}}
	for {
		var page fileList
		require.Equal(t, 200, f.call("GET", base+"?"+q.Encode(), "", "alice", &page))
		require.Equal(t, "docs", page.Path)
		for _, it := range page.Items {
			names = append(names, it.Path)
		}
		if page.NextCursor == nil {
			break
		}
		q.Set("cursor", *page.NextCursor)
	}
	require.Equal(t, []string{"docs/guide", "docs/readme.md"}, names)
	require.Equal(t, 400, f.call("GET", base+"?path=docs/../x", "", "alice", nil))
	require.Equal(t, 400, f.call("GET", base+"?path=top.bin", "", "alice", nil))
	require.Equal(t, 404, f.call("GET", base+"?path=nope", "", "alice", nil))
	require.Equal(t, 400, f.call("GET", base+"?cursor=@@@", "", "alice", nil))

	// Details of a file and of a folder.
	var d fileDetails
	require.Equal(t, 200, f.call("GET", base+"/details?path=docs/guide/part%201.txt", "", "alice", &d))
	require.Equal(t, "part 1.txt", d.Name)
	require.Equal(t, int64(8), d.Size)
	require.Equal(t, "/api/files/tree/docs/guide/part%201.txt", *d.DownloadUrl)
	require.Equal(t, "alice", *d.UploadedBy)
	require.Equal(t, "text/plain; charset=utf-8", *d.ContentType)
	require.Len(t, *d.Sha256, 64)
	require.Len(t, *d.Sha1, 40)
	require.Len(t, *d.Md5, 32)
	require.Equal(t, 200, f.call("GET", base+"/details?path=docs", "", "alice", &d))
	require.True(t, d.Folder)
	require.Equal(t, 404, f.call("GET", base+"/details?path=docs/none", "", "alice", nil))

	// Move a file (creating folders), a folder with its subtree, refusals.
	require.Equal(t, 200, f.call("POST", base+"/move", `{"from":"top.bin","to":"archive/2024/top.bin"}`, "alice", &d))
	require.Equal(t, "archive/2024/top.bin", d.Path)
	require.Equal(t, 200, f.call("POST", base+"/move", `{"from":"docs","to":"archive/docs"}`, "alice", &d))
	require.True(t, d.Folder)
	require.Equal(t, 200, f.call("GET", base+"/details?path=archive/docs/guide/intro.txt", "", "alice", &d))
	require.Equal(t, "archive/docs/guide", strings.TrimSuffix(d.Path, "/intro.txt"))
	require.Equal(t, 404, f.call("GET", base+"/details?path=docs/readme.md", "", "alice", nil))
	resp, err := http.Get(f.n.URL + "/api/files/tree/archive/docs/guide/intro.txt?x")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 401, resp.StatusCode)
	require.Equal(t, 409, f.call("POST", base+"/move", `{"from":"archive/docs/readme.md","to":"archive/2024/top.bin"}`, "alice", nil))
	require.Equal(t, 409, f.call("POST", base+"/move", `{"from":"archive/docs/readme.md","to":"archive/2024/top.bin/x"}`, "alice", nil))
	require.Equal(t, 400, f.call("POST", base+"/move", `{"from":"archive","to":"archive/docs/x"}`, "alice", nil))
	require.Equal(t, 400, f.call("POST", base+"/move", `{"from":"archive","to":"../x"}`, "alice", nil))
	require.Equal(t, 404, f.call("POST", base+"/move", `{"from":"missing","to":"x"}`, "alice", nil))

	// Access: outsiders see nothing, readers cannot change anything. On
	// the REST API an unreadable repository is 404 for everyone, the
	// anonymous caller included, exactly like GET /repositories/{name}.
	require.Equal(t, 404, f.call("GET", base, "", "", nil))
	require.Equal(t, 404, f.call("GET", "/api/v1/repositories/tree", "", "", nil))
	require.Equal(t, 404, f.call("GET", base, "", "bob:bob-password-123", nil))
	require.Equal(t, 404, f.call("DELETE", base+"?path=archive", "", "bob:bob-password-123", nil))
	require.Equal(t, 200, f.call("GET", base, "", "carol:carol-password-123", nil))
	require.Equal(t, 403, f.call("DELETE", base+"?path=archive", "", "carol:carol-password-123", nil))
	require.Equal(t, 403, f.call("POST", base+"/move", `{"from":"archive","to":"b"}`, "carol:carol-password-123", nil))
	require.Equal(t, 404, f.call("GET", "/api/v1/repositories/gorepo/files", "", "alice", nil))

	// Recursive delete.
	require.Equal(t, 204, f.call("DELETE", base+"?path=archive/docs", "", "alice", nil))
	require.Equal(t, 404, f.call("GET", base+"/details?path=archive/docs/guide/intro.txt", "", "alice", nil))
	require.Equal(t, 200, f.call("GET", base+"/details?path=archive/2024/top.bin", "", "alice", nil))
	require.Equal(t, 404, f.call("DELETE", base+"?path=archive/docs", "", "alice", nil))

	// Uploads, moves and deletes are audited.
	pool, err := db.Open(context.Background(), f.n.DBURL)
	require.NoError(t, err)
	defer pool.Close()
	rows, err := pool.Query(context.Background(), `SELECT action, target, actor FROM audit_events WHERE action LIKE 'files.%' ORDER BY id`)
	require.NoError(t, err)
	var got []string
	for rows.Next() {
		var a, tg, actor string
		require.NoError(t, rows.Scan(&a, &tg, &actor))
		got = append(got, a+" "+tg+" "+actor)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{
		"files.upload tree/docs/readme.md alice",
		"files.upload tree/docs/guide/intro.txt alice",
		"files.upload tree/docs/guide/part 1.txt alice",
		"files.upload tree/top.bin alice",
		"files.move tree/top.bin alice",
		"files.move tree/docs alice",
		"files.delete tree/archive/docs alice",
	}, got)
}

// TestFilesOneDialect: the raw protocol's JSON (a folder listing, an
// upload's answer) uses the REST API's field names and values for the same
// folder and file.
func TestFilesOneDialect(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	raw := func(method, path, body string) (int, map[string]any) {
		req, err := http.NewRequest(method, f.n.URL+"/api/files/tree/"+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+f.token)
		req.Header.Set("Accept", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		return res.StatusCode, out
	}
	status, put := raw("PUT", "d/a.txt", "hello")
	require.Equal(t, 201, status)
	var details map[string]any
	require.Equal(t, 200, f.call("GET", "/api/v1/repositories/tree/files/details?path=d/a.txt", "", "alice", &details))
	require.Equal(t, details, put, "an upload answers with the REST FileDetails")

	status, list := raw("GET", "d/", "")
	require.Equal(t, 200, status)
	var rest map[string]any
	require.Equal(t, 200, f.call("GET", "/api/v1/repositories/tree/files?path=d", "", "alice", &rest))
	require.Equal(t, rest, list, "a folder listing is the REST FileList")
	require.Contains(t, list, "items")
}
