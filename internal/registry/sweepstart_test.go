package registry_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// TestStartSweepsCrashLeftovers: a node starting on a data dir where a
// crashed node left unfinished writes (a temporary file, a tmp/ object,
// the staging file of an upload whose session is gone), all idle for two
// hours, removes them; a fresh temporary file (a write another node may
// still be doing) stays.
func TestStartSweepsCrashLeftovers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := filepath.Join(dir, "blobs")
	old := time.Now().Add(-2 * time.Hour)
	write := func(rel string, mtime time.Time) string {
		p := filepath.Join(root, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
		require.NoError(t, os.WriteFile(p, make([]byte, 1<<20), 0o600))
		require.NoError(t, os.Chtimes(p, mtime, mtime))
		return p
	}
	stale := []string{write(".tmp/put-123", old), write("tmp/abc", old), write("uploads/deadsession", old)}
	fresh := write(".tmp/put-456", time.Now())

	apptest.Start(t, apptest.Options{DataDir: dir})
	require.Eventually(t, func() bool {
		for _, p := range stale {
			if _, err := os.Stat(p); err == nil {
				return false
			}
		}
		return true
	}, 30*time.Second, 50*time.Millisecond, "leftovers were not swept at start")
	require.FileExists(t, fresh)
}
