package registry

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
)

// TestPackageRows: a pushed image is a package (its path) with a version
// per tag, so the REST API and search see it; deletes remove them again.
func TestPackageRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n := setup(t)
	cfg := []byte(`{"os":"linux","architecture":"amd64"}`)
	cd := DigestOf(cfg, blob.SHA256)
	_, err := svc.PutBlob(ctx, n, bytes.NewReader(cfg), int64(len(cfg)), cd)
	require.NoError(t, err)
	m := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[]}`, cd, len(cfg)))
	res, err := svc.PutManifest(ctx, n, "v1", "application/vnd.oci.image.manifest.v1+json", m, "latest")
	require.NoError(t, err)
	require.Equal(t, []string{"v1", "latest"}, res.Tags)

	versions := func() []string {
		rows, err := svc.Pool.Query(ctx, `SELECT v.version FROM versions v JOIN packages p ON p.id = v.package_id WHERE p.repository_id = $1 AND p.name = 'img' ORDER BY 1`, n.Repo.ID)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v string
			require.NoError(t, rows.Scan(&v))
			out = append(out, v)
		}
		return out
	}
	require.Equal(t, []string{"latest", "v1"}, versions())
	require.NoError(t, svc.DeleteManifest(ctx, n, "latest"))
	require.Equal(t, []string{"v1"}, versions())
	require.NoError(t, svc.DeleteManifest(ctx, n, res.Digest))
	require.Empty(t, versions())
	var pkgs int
	require.NoError(t, svc.Pool.QueryRow(ctx, `SELECT count(*) FROM packages WHERE repository_id = $1`, n.Repo.ID).Scan(&pkgs))
	require.Zero(t, pkgs)
	_, err = svc.GetManifest(ctx, n, "v1")
	require.ErrorIs(t, err, ErrManifestUnknown)
}
