package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// TestListingSort: the listings take sort the same way (key, "-" for
// descending, name by default) and refuse a value they do not offer with a
// 400 problem.
func TestListingSort(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("zoe", "zoe-password-1234", false)
	seed.User("bob", "bob-password-1234", false)
	for _, r := range []struct{ name, typ string }{{"beta", "pypi"}, {"alpha", "go"}, {"gamma", "docker"}} {
		seed.Repo(r.name, r.typ, "public", "bob")
	}
	// Updated: alpha oldest, beta newest.
	sql(t, n, `UPDATE repositories SET updated_at = now() - CASE name WHEN 'alpha' THEN interval '2 days' WHEN 'gamma' THEN interval '1 day' ELSE interval '0' END`)
	for _, repo := range []string{"beta", "alpha"} {
		sql(t, n, `INSERT INTO packages (repository_id, name, normalized_name, updated_at)
			SELECT r.id, p, p, now() - i * interval '1 hour' FROM repositories r, unnest(ARRAY['p-b', 'p-a', 'p-c']) WITH ORDINALITY AS x(p, i)
			WHERE r.name = $1`, repo)
	}
	v2 := n.URL + "/v2/gamma/"
	for _, img := range []string{"web", "api"} {
		b := []byte(`{"architecture":"amd64","os":"linux"}`)
		d := dockerDigest(b)
		require.Equal(t, 201, dockerCall(t, "POST", v2+img+"/blobs/uploads/?digest="+d, "bob", "bob-password-1234", "application/octet-stream", b, nil))
		m := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"` + d + `","size":` + itoa(int64(len(b))) + `},"layers":[]}`)
		require.Equal(t, 201, dockerCall(t, "PUT", v2+img+"/manifests/v1", "bob", "bob-password-1234", "application/vnd.oci.image.manifest.v1+json", m, nil))
	}
	sql(t, n, `UPDATE oci_manifests SET created_at = now() - interval '1 day' WHERE image = 'web'`)

	names := func(path, field string) string {
		t.Helper()
		var p listPage[map[string]any]
		expect(t, n, admin, "GET", path, "", 200).json(t, &p)
		out := make([]string, len(p.Items))
		for i, it := range p.Items {
			out[i], _ = it[field].(string)
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct{ path, field, want string }{
		{"/api/v1/repositories", "name", "alpha beta gamma"},
		{"/api/v1/repositories?sort=name", "name", "alpha beta gamma"},
		{"/api/v1/repositories?sort=-name", "name", "gamma beta alpha"},
		{"/api/v1/repositories?sort=updated", "name", "alpha gamma beta"},
		{"/api/v1/repositories?sort=-updated", "name", "beta gamma alpha"},
		{"/api/v1/admin/users", "username", "admin bob zoe"},
		{"/api/v1/admin/users?sort=-name", "username", "zoe bob admin"},
		{"/api/v1/repositories/gamma/docker/images", "name", "api web"},
		{"/api/v1/repositories/gamma/docker/images?sort=-name", "name", "web api"},
		{"/api/v1/repositories/gamma/docker/images?sort=updated", "name", "web api"},
		{"/api/v1/repositories/gamma/docker/images?sort=-updated", "name", "api web"},
		{"/api/v1/repositories/beta/pypi/packages", "name", "p-a p-b p-c"},
		{"/api/v1/repositories/beta/pypi/packages?sort=-name", "name", "p-c p-b p-a"},
		{"/api/v1/repositories/beta/pypi/packages?sort=-updated", "name", "p-b p-a p-c"},
		{"/api/v1/repositories/alpha/go/modules?sort=updated", "path", "p-c p-a p-b"},
		{"/api/v1/repositories/alpha/go/modules?sort=-name&limit=2", "path", "p-c p-b"},
	} {
		require.Equal(t, c.want, names(c.path, c.field), c.path)
	}
	for _, path := range []string{
		"/api/v1/repositories?sort=size", "/api/v1/admin/users?sort=updated", "/api/v1/repositories/gamma/docker/images?sort=pushed",
		"/api/v1/repositories/beta/pypi/packages?sort=NAME", "/api/v1/repositories/alpha/go/modules?sort=", "/api/v1/repositories/gamma/docker/images/web/tags?sort=updated",
	} {
		require.Contains(t, problemDetail(t, call(t, n, admin, "GET", path, ""), 400), "sort", path)
	}
}
