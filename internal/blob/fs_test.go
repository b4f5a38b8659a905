package blob_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
)

// Behaviour specific to the filesystem driver, beyond the shared suite.

func TestFSLayout(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "not", "yet")
	d, err := blob.NewFS(root)
	require.NoError(t, err)

	// Objects sit at their key's path, so operators can find them.
	put(t, d, "blobs/sha256/2c/x", "hello")
	b, err := os.ReadFile(filepath.Join(root, "blobs", "sha256", "2c", "x"))
	require.NoError(t, err)
	require.Equal(t, "hello", string(b))

	// Things in the root that are not keys are not listed.
	require.NoError(t, os.WriteFile(filepath.Join(root, ".DS_Store"), nil, 0o600))
	require.NoError(t, os.Symlink("blobs/sha256/2c/x", filepath.Join(root, "link")))
	require.Equal(t, []string{"blobs/sha256/2c/x"}, list(t, d, ""))
}

func TestFSTempFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	d, err := blob.NewFS(root)
	require.NoError(t, err)
	tmp := filepath.Join(root, ".tmp")

	// A failed Put removes its temporary file.
	r := io.MultiReader(strings.NewReader("partial"), errReader{errors.New("boom")})
	require.Error(t, d.Put(t.Context(), "k", r, -1))
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	require.Empty(t, entries)

	// Losing the temporary directory does not break Put.
	require.NoError(t, os.RemoveAll(tmp))
	put(t, d, "k", "v")

	// A crash's leftovers are swept once old enough, fresh ones kept.
	old, fresh := filepath.Join(tmp, "put-old"), filepath.Join(tmp, "put-fresh")
	require.NoError(t, os.WriteFile(old, []byte("x"), 0o600))
	require.NoError(t, os.WriteFile(fresh, []byte("x"), 0o600))
	long := time.Now().Add(-48 * time.Hour)
	require.NoError(t, os.Chtimes(old, long, long))
	n, err := d.SweepTemp(t.Context(), time.Now().Add(-24*time.Hour))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoFileExists(t, old)
	require.FileExists(t, fresh)
	require.Equal(t, "v", read(t, d, "k", 0, -1))
}
