package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

type tagItem struct {
	Name, Digest, MediaType string
	Size                    int64
	Platforms               []string
}

func tagNames(items []tagItem) string {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.Name
	}
	return strings.Join(names, " ")
}

// TestDockerTagListing: the tag listing pages, filters by prefix and sorts
// in SQL, with natural name order and newest-pushed first by default.
func TestDockerTagListing(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	alice := basic("alice", "alice-password-123")
	const user, pass = "alice", "alice-password-123"
	v2 := n.URL + "/v2/apps/web"

	// A Docker-format image (what docker and crane push by default).
	push := func(b []byte) string {
		d := dockerDigest(b)
		require.Equal(t, 201, dockerCall(t, "POST", v2+"/blobs/uploads/?digest="+d, user, pass, "application/octet-stream", b, nil))
		return d
	}
	cfg := []byte(`{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}`)
	layer := []byte("layer")
	cfgD, layerD := push(cfg), push(layer)
	manifest := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"` +
		cfgD + `","size":` + itoa(int64(len(cfg))) + `},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"` + layerD + `","size":` + itoa(int64(len(layer))) + `}]}`)
	manD := dockerDigest(manifest)
	require.Equal(t, 201, dockerCall(t, "PUT", v2+"/manifests/latest", user, pass, "application/vnd.docker.distribution.manifest.v2+json", manifest, nil))
	// build-1 (pushed a minute ago) ... build-12 (twelve minutes ago).
	sql(t, n, `INSERT INTO oci_tags (repository_id, image, tag, manifest_id, updated_at)
		SELECT m.repository_id, m.image, 'build-' || i, m.id, now() - i * interval '1 minute'
		FROM oci_manifests m, generate_series(1, 12) i WHERE m.digest = $1`, manD)

	list := func(query string) listPage[tagItem] {
		t.Helper()
		var p listPage[tagItem]
		expect(t, n, alice, "GET", "/api/v1/repositories/apps/docker/images/web/tags"+query, "", 200).json(t, &p)
		return p
	}
	p := list("")
	require.Equal(t, int64(13), p.Total)
	require.Equal(t, 50, p.Limit)
	require.Equal(t, "latest build-1 build-2 build-3 build-4 build-5 build-6 build-7 build-8 build-9 build-10 build-11 build-12", tagNames(p.Items))
	latest := p.Items[0]
	require.Equal(t, manD, latest.Digest)
	require.Equal(t, "application/vnd.docker.distribution.manifest.v2+json", latest.MediaType)
	require.Equal(t, int64(len(manifest)+len(cfg)+len(layer)), latest.Size)
	require.Equal(t, []string{"linux/amd64"}, latest.Platforms, "recorded from the Docker-format config at push")

	require.Equal(t, "build-12 build-11 build-10 build-9 build-8 build-7 build-6 build-5 build-4 build-3 build-2 build-1 latest", tagNames(list("?sort=pushed").Items))
	require.Equal(t, "build-1 build-2 build-3 build-4 build-5 build-6 build-7 build-8 build-9 build-10 build-11 build-12 latest", tagNames(list("?sort=name").Items),
		"natural order: build-2 before build-10")
	require.Equal(t, "latest build-12 build-11 build-10 build-9 build-8 build-7 build-6 build-5 build-4 build-3 build-2 build-1", tagNames(list("?sort=-name").Items))

	p = list("?sort=name&limit=3&offset=8")
	require.Equal(t, "build-9 build-10 build-11", tagNames(p.Items))
	require.Equal(t, int64(13), p.Total)
	require.Equal(t, 3, p.Limit)
	require.Equal(t, 8, p.Offset)

	p = list("?q=build-1")
	require.Equal(t, int64(4), p.Total, "a prefix, not a substring")
	require.Equal(t, "build-1 build-10 build-11 build-12", tagNames(p.Items))
	p = list("?q=uild")
	require.Zero(t, p.Total)
	require.Empty(t, p.Items)
	p = list("?q=build-&sort=name&offset=11")
	require.Equal(t, int64(12), p.Total)
	require.Equal(t, "build-12", tagNames(p.Items))

	base := "/api/v1/repositories/apps/docker/images/web/tags"
	for _, q := range []string{"?limit=0", "?limit=501", "?offset=-1", "?sort=size", "?sort=+name"} {
		r := call(t, n, alice, "GET", base+q, "")
		require.NotEmpty(t, problemDetail(t, r, 400), q)
	}
	expect(t, n, alice, "GET", base+"?limit=500", "", 200)
	expect(t, n, alice, "GET", "/api/v1/repositories/apps/docker/images/nothing/tags", "", 404)
	expect(t, n, cred{}, "GET", base, "", 404) // a private repository is absent to strangers
}
