package gc_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gc"
	"github.com/kodera-packages/kodera/internal/pypi"
	"github.com/kodera-packages/kodera/internal/repository"
)

// wheel builds a minimal wheel of project at version whose METADATA is
// meta: the core metadata file PEP 658 serves beside it.
func wheel(t *testing.T, project, version, meta string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		project + "/__init__.py":                        "",
		project + "-" + version + ".dist-info/METADATA": meta,
		project + "-" + version + ".dist-info/WHEEL":    "Wheel-Version: 1.0\nTag: py3-none-any\n",
		project + "-" + version + ".dist-info/RECORD":   "",
	} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return project + "-" + version + "-py3-none-any.whl", buf.Bytes()
}

func publishWheel(t *testing.T, s *pypi.Service, repo domain.Repository, project, version string) (string, error) {
	t.Helper()
	ctx := context.Background()
	name, content := wheel(t, project, version, "Metadata-Version: 2.1\nName: "+project+"\nVersion: "+version+"\nSummary: gc\n")
	form := pypi.Form{"name": {project}, "version": {version}, "filetype": {"bdist_wheel"}}
	if err := s.Precheck(ctx, repo, form, name); err != nil {
		return name, err
	}
	in, err := s.Ingest(ctx, form, name, bytes.NewReader(content))
	require.NoError(t, err)
	_, err = s.Publish(ctx, repo, form, in)
	return name, err
}

// metadataDigest is the PEP 658 blob a published file names.
func metadataDigest(t *testing.T, s *pypi.Service, repo domain.Repository, file string) string {
	t.Helper()
	b, err := s.FileBlob(context.Background(), repo, file+pypi.MetadataSuffix)
	require.NoError(t, err)
	return b.Digest
}

// TestCollectPyPIMetadata: the core-metadata blobs of a deleted file, a
// deleted release and a deleted repository are reclaimed (before, the
// pypi_files rows kept them forever); a live file keeps its own; the
// deleted file's name stays taken (PyPI never reuses one); the same
// wheel uploaded again elsewhere stores its metadata afresh and serves it.
func TestCollectPyPIMetadata(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t, drivers["fs"](t))
	s := pypi.New(e.pool, e.store)
	repo, err := repository.CreateRepository(ctx, e.pool, repository.NewRepository{Name: "py", Type: repository.TypePyPI})
	require.NoError(t, err)
	gone, err := repository.CreateRepository(ctx, e.pool, repository.NewRepository{Name: "py-gone", Type: repository.TypePyPI})
	require.NoError(t, err)

	fileGone, err := publishWheel(t, s, repo, "alpha", "1.0")
	require.NoError(t, err)
	releaseGone, err := publishWheel(t, s, repo, "beta", "2.0")
	require.NoError(t, err)
	live, err := publishWheel(t, s, repo, "beta", "2.1")
	require.NoError(t, err)
	inRepo, err := publishWheel(t, s, gone, "gamma", "3.0")
	require.NoError(t, err)
	mdFile, mdRelease := metadataDigest(t, s, repo, fileGone), metadataDigest(t, s, repo, releaseGone)
	mdLive, mdRepo := metadataDigest(t, s, repo, live), metadataDigest(t, s, gone, inRepo)
	for _, d := range []string{mdFile, mdRelease, mdLive, mdRepo} {
		require.True(t, e.stored(t, d))
	}

	require.NoError(t, s.DeleteFile(ctx, repo, "alpha", "1.0", fileGone))
	require.NoError(t, s.DeleteRelease(ctx, repo, "beta", "2.0"))
	require.NoError(t, repository.DeleteRepository(ctx, e.pool, gone))

	e.age(t)
	dry, err := e.gc.Collect(ctx, gc.Options{DryRun: true})
	require.NoError(t, err)
	require.Equal(t, 2, dry.PyPIMetadata, "the deleted file and release")
	require.True(t, e.stored(t, mdFile), "a dry run changes nothing")

	rep, err := e.gc.Collect(ctx, gc.Options{})
	require.NoError(t, err)
	require.Equal(t, 2, rep.PyPIMetadata)
	for _, d := range []string{mdFile, mdRelease, mdRepo} {
		require.False(t, e.stored(t, d), "metadata blob %s of a deleted file kept", d)
	}
	require.True(t, e.stored(t, mdLive), "a live file's metadata collected")
	b, err := s.FileBlob(ctx, repo, live+pypi.MetadataSuffix)
	require.NoError(t, err)
	rc, err := s.Open(ctx, b, 0, -1)
	require.NoError(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	require.Contains(t, string(got), "Version: 2.1")

	again, err := e.gc.Collect(ctx, gc.Options{})
	require.NoError(t, err)
	require.Zero(t, again.PyPIMetadata+again.Blobs, "a second collection finds nothing more")

	_, err = publishWheel(t, s, repo, "alpha", "1.0")
	require.ErrorIs(t, err, pypi.ErrFileExists, "a deleted file's name stays taken")

	other, err := repository.CreateRepository(ctx, e.pool, repository.NewRepository{Name: "py-other", Type: repository.TypePyPI})
	require.NoError(t, err)
	reup, err := publishWheel(t, s, other, "alpha", "1.0")
	require.NoError(t, err, "the same wheel uploaded again after its blobs were collected")
	require.Equal(t, mdFile, metadataDigest(t, s, other, reup))
	require.True(t, e.stored(t, mdFile), "the metadata blob is stored afresh")
}
