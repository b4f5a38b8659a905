package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
)

// TestManifestPushRacesBlobDelete pushes a manifest while deleting the
// blob it references, many times over: whichever commits first wins, and
// no stored manifest ever references a blob its name no longer links.
func TestManifestPushRacesBlobDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n := setup(t)
	const rounds = 60
	pushed, deleted := 0, 0
	for i := range rounds {
		cfg := []byte(fmt.Sprintf(`{"round":%d}`, i))
		cd := DigestOf(cfg, blob.SHA256)
		_, err := svc.PutBlob(ctx, n, bytes.NewReader(cfg), int64(len(cfg)), cd)
		require.NoError(t, err)
		m := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[]}`, cd, len(cfg)))

		var wg sync.WaitGroup
		start := make(chan struct{})
		var putErr, delErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, putErr = svc.PutManifest(ctx, n, fmt.Sprintf("t%d", i), "application/vnd.oci.image.manifest.v1+json", m)
		}()
		go func() {
			defer wg.Done()
			<-start
			delErr = svc.DeleteBlob(ctx, n, cd)
		}()
		close(start)
		wg.Wait()

		switch {
		case putErr == nil:
			pushed++
			require.ErrorIs(t, delErr, ErrReferenced, "round %d: the manifest was stored, so the delete must be refused", i)
		case errors.Is(putErr, ErrManifestBlobUnknown):
			deleted++
			require.NoError(t, delErr, "round %d", i)
		default:
			t.Fatalf("round %d: push: %v, delete: %v", i, putErr, delErr)
		}
	}
	var dangling int
	require.NoError(t, svc.Pool.QueryRow(ctx, `
		SELECT count(*) FROM oci_manifest_refs r JOIN oci_manifests m ON m.id = r.manifest_id
		WHERE r.kind = 'blob' AND NOT EXISTS (
			SELECT 1 FROM oci_blob_links l
			WHERE l.repository_id = m.repository_id AND l.image = m.image AND l.digest = r.digest)`).Scan(&dangling))
	require.Zero(t, dangling, "manifests referencing an unlinked blob")
	t.Logf("%d rounds: %d pushes won, %d deletes won", rounds, pushed, deleted)
}

// TestIndexPushRacesManifestDelete: the same race one level up, an index
// push against the delete of its child manifest.
func TestIndexPushRacesManifestDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n := setup(t)
	cfg := []byte(`{}`)
	cd := DigestOf(cfg, blob.SHA256)
	_, err := svc.PutBlob(ctx, n, bytes.NewReader(cfg), int64(len(cfg)), cd)
	require.NoError(t, err)
	const rounds = 40
	for i := range rounds {
		child := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[],"annotations":{"round":"%d"}}`, cd, len(cfg), i))
		res, err := svc.PutManifest(ctx, n, DigestOf(child, blob.SHA256), "application/vnd.oci.image.manifest.v1+json", child)
		require.NoError(t, err)
		index := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":%q,"size":%d}]}`, res.Digest, len(child)))

		var wg sync.WaitGroup
		start := make(chan struct{})
		var putErr, delErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, putErr = svc.PutManifest(ctx, n, fmt.Sprintf("i%d", i), "application/vnd.oci.image.index.v1+json", index)
		}()
		go func() {
			defer wg.Done()
			<-start
			delErr = svc.DeleteManifest(ctx, n, res.Digest)
		}()
		close(start)
		wg.Wait()
		switch {
		case putErr == nil:
			require.ErrorIs(t, delErr, ErrReferenced, "round %d", i)
		case errors.Is(putErr, ErrManifestBlobUnknown):
			require.NoError(t, delErr, "round %d", i)
		default:
			t.Fatalf("round %d: push: %v, delete: %v", i, putErr, delErr)
		}
	}
	var dangling int
	require.NoError(t, svc.Pool.QueryRow(ctx, `
		SELECT count(*) FROM oci_manifest_refs r JOIN oci_manifests m ON m.id = r.manifest_id
		WHERE r.kind = 'manifest' AND NOT EXISTS (
			SELECT 1 FROM oci_manifests c
			WHERE c.repository_id = m.repository_id AND c.image = m.image AND c.digest = r.digest)`).Scan(&dangling))
	require.Zero(t, dangling, "indexes referencing a deleted manifest")
}
