package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

type pkgPage struct {
	Items []struct {
		Name, NormalizedName, LatestVersion string
		VersionCount, Size                  int64
	}
	Total         int64
	Limit, Offset int
}

type pkgVersions struct {
	Package struct {
		Name         string
		VersionCount int64
	}
	Items []struct {
		Version   string
		Metadata  map[string]any
		FileCount int64
		Size      int64
	}
	Total         int64
	Limit, Offset int
}

type pkgVersion struct {
	Repository, Package, Type, Version, CreatedBy string
	Metadata                                      map[string]any
	Size, FileCount                               int64
	Files                                         []struct {
		Name, Digest, ContentType, DownloadUrl string
		Size                                   int64
	}
}

// TestPackageViewsDocker: an image pushed through /v2/ is listed by the
// generic views: the image is a package, each tag a version whose files are
// the manifest's blobs, each linked to where the registry serves it.
func TestPackageViewsDocker(t *testing.T) {
	t.Parallel()
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.User("bob", "bob-password-1234", false)
	seed.Repo("apps", "docker", "private", "alice")
	seed.Repo("py", "pypi", "private", "alice")
	const user, pass = "alice", "alice-password-123"
	v2 := node.URL + "/v2/apps/team/web"
	push := func(b []byte) string {
		d := dockerDigest(b)
		require.Equal(t, 201, dockerCall(t, "POST", v2+"/blobs/uploads/?digest="+d, user, pass, "application/octet-stream", b, nil))
		return d
	}
	layer, cfg := []byte("layer-bytes"), []byte(`{"architecture":"amd64","os":"linux"}`)
	cfgD, layerD := push(cfg), push(layer)
	manifest := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"` + cfgD + `","size":` + itoa(int64(len(cfg))) + `},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"` + layerD + `","size":` + itoa(int64(len(layer))) + `}]}`)
	for _, tag := range []string{"v1", "v2"} {
		require.Equal(t, 201, dockerCall(t, "PUT", v2+"/manifests/"+tag, user, pass, "application/vnd.oci.image.manifest.v1+json", manifest, nil))
	}
	api := node.URL + "/api/v1/repositories/apps/packages"

	var page pkgPage
	require.Equal(t, 200, dockerCall(t, "GET", api+"?q=WEB", user, pass, "", nil, &page))
	require.Equal(t, int64(1), page.Total)
	require.Equal(t, 50, page.Limit)
	require.Equal(t, "team/web", page.Items[0].Name)
	require.Equal(t, int64(2), page.Items[0].VersionCount)
	require.Equal(t, int64(2*(len(cfg)+len(layer))), page.Items[0].Size)
	require.Equal(t, "v2", page.Items[0].LatestVersion)
	require.Equal(t, 200, dockerCall(t, "GET", api+"?q=nothing", user, pass, "", nil, &page))
	require.Zero(t, page.Total)
	require.Empty(t, page.Items)

	pkg := api + "/" + url.PathEscape("team/web")
	var vs pkgVersions
	require.Equal(t, 200, dockerCall(t, "GET", pkg+"?limit=1", user, pass, "", nil, &vs))
	require.Equal(t, "team/web", vs.Package.Name)
	require.Equal(t, int64(2), vs.Total)
	require.Len(t, vs.Items, 1)
	require.Equal(t, "v2", vs.Items[0].Version, "newest first")
	require.Equal(t, dockerDigest(manifest), vs.Items[0].Metadata["digest"])
	require.Equal(t, 200, dockerCall(t, "GET", pkg+"?limit=1&offset=1", user, pass, "", nil, &vs))
	require.Equal(t, "v1", vs.Items[0].Version)

	var v pkgVersion
	require.Equal(t, 200, dockerCall(t, "GET", pkg+"/versions/v1", user, pass, "", nil, &v))
	require.Equal(t, "apps", v.Repository)
	require.Equal(t, "docker", v.Type)
	require.Equal(t, "alice", v.CreatedBy)
	require.Equal(t, int64(2), v.FileCount)
	require.Len(t, v.Files, 2)
	byName := map[string]string{}
	for _, f := range v.Files {
		byName[f.Name] = f.ContentType
		require.Equal(t, "/v2/apps/team/web/blobs/"+f.Name, f.DownloadUrl)
		require.Equal(t, 200, dockerCall(t, "GET", node.URL+f.DownloadUrl, user, pass, "", nil, nil), "the link serves the blob")
	}
	require.Equal(t, map[string]string{cfgD: "application/vnd.oci.image.config.v1+json", layerD: "application/vnd.oci.image.layer.v1.tar+gzip"}, byName)

	// Misses and refusals are problem documents.
	for _, c := range []struct {
		path, user, pass string
		want             int
	}{
		{pkg + "/versions/v9", user, pass, 404},
		{api + "/nosuch", user, pass, 404},
		{api + "/" + url.PathEscape("Team/Web"), user, pass, 400},
		{api, "bob", "bob-password-1234", 404},
		{api, "", "", 404},
		{api + "?limit=0", user, pass, 400},
		{api + "?q=%00", user, pass, 400},
		{api + "?q=%ff", user, pass, 400},
		{pkg + "/versions/v%00", user, pass, 400},
		{api + "/a%00b", user, pass, 400},
		{api + "?offset=-1", user, pass, 400},
		{node.URL + "/api/v1/repositories/nosuch/packages", user, pass, 404},
	} {
		req, err := http.NewRequest("GET", c.path, nil)
		require.NoError(t, err)
		if c.user != "" {
			req.SetBasicAuth(c.user, c.pass)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, c.want, res.StatusCode, c.path)
		require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"), c.path)
	}
}

// TestPackageViewsFiles: a files repository keeps its tree, and the
// generic views list its files as packages of one version, "latest".
func TestPackageViewsFiles(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	req, err := http.NewRequest("PUT", f.n.URL+"/api/files/tree/docs/read%20me.txt", strings.NewReader("hello"))
	require.NoError(t, err)
	req.SetBasicAuth("alice", "alice-password-123")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 201, res.StatusCode)

	var page pkgPage
	require.Equal(t, 200, f.call("GET", "/api/v1/repositories/tree/packages", "", "alice", &page))
	require.Equal(t, int64(1), page.Total)
	require.Equal(t, "docs/read me.txt", page.Items[0].Name)
	require.Equal(t, "latest", page.Items[0].LatestVersion)
	require.Equal(t, int64(5), page.Items[0].Size)
	var v pkgVersion
	require.Equal(t, 200, f.call("GET", "/api/v1/repositories/tree/packages/"+url.PathEscape("docs/read me.txt")+"/versions/latest", "", "alice", &v))
	require.Equal(t, "files", v.Type)
	require.Len(t, v.Files, 1)
	require.Equal(t, "/api/files/tree/docs/read%20me.txt", v.Files[0].DownloadUrl)
	require.Equal(t, int64(5), v.Files[0].Size)
	require.Equal(t, 404, f.call("GET", "/api/v1/repositories/tree/packages/docs", "", "alice", nil), "a folder is no package")
	require.Equal(t, 200, f.call("GET", "/api/v1/repositories/tree/packages", "", "carol:carol-password-123", &page), "a reader sees it")
	require.Equal(t, 404, f.call("GET", "/api/v1/repositories/tree/packages", "", "bob:bob-password-123", nil))
}
