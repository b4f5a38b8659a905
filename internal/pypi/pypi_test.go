package pypi

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/repository"
)

func setup(t *testing.T) (*Service, domain.Repository) {
	t.Helper()
	pool, _ := dbtest.NewPool(t)
	fs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	repo, err := repository.CreateRepository(context.Background(), pool, repository.NewRepository{Name: "py", Type: repository.TypePyPI})
	require.NoError(t, err)
	return New(pool, blob.NewStore(fs)), repo
}

func metadataFile(name, version, summary string) string {
	return fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nRequires-Python: >=3.9\nRequires-Dist: attrs\n\nLong text.\n", name, version, summary)
}

func wheelOf(t *testing.T, dist, version, tag, meta string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		dist + "/__init__.py":                           "",
		dist + "-" + version + ".dist-info/METADATA":    meta,
		dist + "-" + version + ".dist-info/WHEEL":       "Wheel-Version: 1.0\nTag: " + tag + "\n",
		dist + "-" + version + ".dist-info/RECORD":      "",
		dist + "-" + version + ".dist-info/LICENSE.txt": strings.Repeat("x", 10_000),
	} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func sdistOf(t *testing.T, stem, meta string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range map[string]string{stem + "/setup.py": "", stem + "/PKG-INFO": meta} {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}))
		_, err := io.WriteString(tw, body)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	return buf.Bytes()
}

func upload(ctx context.Context, s *Service, repo domain.Repository, form Form, filename string, content []byte) (Published, error) {
	if err := s.Precheck(ctx, repo, form, filename); err != nil {
		return Published{}, err
	}
	in, err := s.Ingest(ctx, form, filename, bytes.NewReader(content))
	if err != nil {
		return Published{}, err
	}
	return s.Publish(ctx, repo, form, in)
}

func form(name, version string) Form {
	return Form{"name": {name}, "version": {version}}
}

// TestReleaseCollectsFiles: the wheel creates the version with its
// metadata; the legacy-named sdist (PKG-INFO read from the stored tar.gz)
// attaches to it; the generic package service sees one version with both
// files; the index lists both with their metadata files.
func TestReleaseCollectsFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, repo := setup(t)
	meta := metadataFile("Demo_Pkg", "1.0", "from the wheel")
	_, err := upload(ctx, s, repo, form("Demo_Pkg", "1.0"), "Demo_Pkg-1.0-py3-none-any.whl", wheelOf(t, "Demo_Pkg", "1.0", "py3-none-any", meta))
	require.NoError(t, err)
	p, err := upload(ctx, s, repo, form("Demo_Pkg", "1.0.0"), "Demo-Pkg-1.0.0.tar.gz",
		sdistOf(t, "Demo-Pkg-1.0.0", metadataFile("Demo-Pkg", "1.0.0", "from the sdist")))
	require.NoError(t, err)
	require.Equal(t, "1.0", p.Version, "1.0.0 is PEP 440's 1.0: the sdist joins the release as first spelled")
	rel, err := s.Release(ctx, repo, "demo-pkg", "1.0.0")
	require.NoError(t, err)
	require.Len(t, rel.Files, 2)

	_, v, files, err := packages.NewService(s.pool).GetVersion(ctx, repo, "demo.pkg", "1.0")
	require.NoError(t, err)
	require.Len(t, files, 2)
	m, err := packages.DecodeMetadata[packages.PyPIMetadata](v)
	require.NoError(t, err)
	require.Equal(t, "from the wheel", m.Summary, "later files do not rewrite the release's metadata")

	page, err := s.ProjectFiles(ctx, repo, "DEMO-pkg")
	require.NoError(t, err)
	require.Equal(t, "Demo_Pkg", page.Name)
	require.Equal(t, []string{"1.0"}, page.Versions)
	require.Len(t, page.Files, 2)
	for _, f := range page.Files {
		require.NotEmpty(t, f.MetadataSHA256, f.Filename)
		require.Equal(t, ">=3.9", f.RequiresPython)
	}
	b, err := s.FileBlob(ctx, repo, "Demo_Pkg-1.0-py3-none-any.whl"+MetadataSuffix)
	require.NoError(t, err)
	rc, err := s.Open(ctx, b, 0, -1)
	require.NoError(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	require.Equal(t, meta, string(got))
}

// TestUploadRefusals: what Publish refuses, each as ErrInvalid or
// ErrConflict, and that a refused upload leaves no version behind.
func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, repo := setup(t)
	good := wheelOf(t, "demo", "1.0", "py3-none-any", metadataFile("demo", "1.0", "s"))
	_, err := upload(ctx, s, repo, form("demo", "1.0"), "demo-1.0-py3-none-any.whl", good)
	require.NoError(t, err)

	cases := []struct {
		name     string
		form     Form
		filename string
		content  []byte
		kind     error
		msg      string
	}{
		{"metadata of another project", form("demo", "2.0"), "demo-2.0-py3-none-any.whl",
			wheelOf(t, "demo", "2.0", "py3-none-any", metadataFile("other", "2.0", "s")), domain.ErrInvalid, "names project"},
		{"metadata of another version", form("demo", "2.0"), "demo-2.0-py3-none-any.whl",
			wheelOf(t, "demo", "2.0", "py3-none-any", metadataFile("demo", "2.1", "s")), domain.ErrInvalid, "says version"},
		{"sdist without PKG-INFO", form("demo", "2.0"), "demo-2.0.tar.gz", sdistOf(t, "demo-2.0", "")[:20], domain.ErrInvalid, "invalid distribution"},
		{"md5", Form{"name": {"demo"}, "version": {"2.0"}, "md5_digest": {strings.Repeat("0", 32)}}, "demo-2.0-py3-none-any.whl",
			wheelOf(t, "demo", "2.0", "py3-none-any", metadataFile("demo", "2.0", "s")), domain.ErrInvalid, "md5"},
		{"duplicate", form("demo", "1.0"), "demo-1.0-py3-none-any.whl", good, domain.ErrConflict, "File already exists"},
	}
	for _, c := range cases {
		_, err := upload(ctx, s, repo, c.form, c.filename, c.content)
		require.ErrorIs(t, err, c.kind, c.name)
		require.ErrorContains(t, err, c.msg, c.name)
	}
	vs, total, err := s.Versions(ctx, repo, "demo", 50, 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), total)
	require.Equal(t, "1.0", vs[0].Version.Version)

	// Deleted, the file name stays taken; the version went with its file.
	require.NoError(t, s.DeleteFile(ctx, repo, "demo", "1.0", "demo-1.0-py3-none-any.whl"))
	_, err = s.Package(ctx, repo, "demo")
	require.ErrorIs(t, err, domain.ErrNotFound)
	_, err = upload(ctx, s, repo, form("demo", "1.0"), "demo-1.0-py3-none-any.whl", good)
	require.ErrorIs(t, err, ErrFileExists)
}

// TestConcurrentFilesOfNewRelease: the wheels of a new release uploaded
// at once (a CI matrix) all land on one version.
func TestConcurrentFilesOfNewRelease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, repo := setup(t)
	tags := []string{"cp310-cp310-linux_x86_64", "cp311-cp311-linux_x86_64", "cp312-cp312-linux_x86_64", "cp310-cp310-win_amd64",
		"cp311-cp311-win_amd64", "cp312-cp312-win_amd64", "py3-none-any", "cp39-abi3-macosx_11_0_arm64"}
	var wg sync.WaitGroup
	errs := make([]error, len(tags))
	for i, tag := range tags {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = upload(ctx, s, repo, form("fast", "3.0"), "fast-3.0-"+tag+".whl", wheelOf(t, "fast", "3.0", tag, metadataFile("fast", "3.0", "s")))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, tags[i])
	}
	vs, total, err := s.Versions(ctx, repo, "fast", 50, 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), total)
	require.Equal(t, int64(len(tags)), vs[0].FileCount)
	serial, err := s.Serial(ctx, repo)
	require.NoError(t, err)
	require.Equal(t, int64(len(tags)), serial, "each upload moved the index serial once")
}

// TestStoreReaderAt: random and sequential reads of a stored object give
// its bytes, and reads past the end say io.EOF.
func TestStoreReaderAt(t *testing.T) {
	t.Parallel()
	fs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	store := blob.NewStore(fs)
	data := make([]byte, 100_000)
	_, _ = rand.NewChaCha8([32]byte{1}).Read(data)
	obj, err := store.Ingest(context.Background(), bytes.NewReader(data), int64(len(data)), blob.IngestOptions{ExpectSize: -1})
	require.NoError(t, err)
	r := &storeReaderAt{ctx: context.Background(), store: store, key: obj.Key, size: obj.Size}
	defer r.Close()
	for _, c := range []struct{ off, n int }{{0, 10}, {10, 5000}, {5010, 3}, {99_990, 10}, {50_000, 1}, {50_001, 20_000}} {
		p := make([]byte, c.n)
		n, err := r.ReadAt(p, int64(c.off))
		require.NoError(t, err)
		require.Equal(t, c.n, n)
		require.Equal(t, data[c.off:c.off+c.n], p)
	}
	p := make([]byte, 20)
	n, err := r.ReadAt(p, 99_990)
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, 10, n)
	require.Equal(t, data[99_990:], p[:n])
	_, err = r.ReadAt(p, 100_000)
	require.ErrorIs(t, err, io.EOF)
}
