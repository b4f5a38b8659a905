package blob_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
)

// Each driver runs the same suites; only the constructor differs.

func TestFS(t *testing.T) {
	t.Parallel()
	newFS := func(t *testing.T) blob.Driver {
		t.Helper()
		d, err := blob.NewFS(t.TempDir())
		require.NoError(t, err)
		return d
	}
	runDriverSuite(t, newFS)
	runStoreSuite(t, newFS)
	t.Run("Mover", func(t *testing.T) { t.Parallel(); testMover(t, newFS(t)) })
}

func TestS3(t *testing.T) {
	t.Parallel()
	// One server for the whole run, a fresh bucket per test: starting a
	// server is cheap, but a bucket is cheaper.
	cfg := blobtest.StartS3(t)
	var n atomic.Int64
	newS3 := func(t *testing.T) blob.Driver {
		t.Helper()
		c := cfg
		c.Bucket = fmt.Sprintf("%s-%d", cfg.Bucket, n.Add(1))
		d, err := blob.NewS3(t.Context(), c)
		require.NoError(t, err)
		return d
	}
	runDriverSuite(t, newS3)
	runStoreSuite(t, newS3)
	t.Run("Presigner", func(t *testing.T) { t.Parallel(); testPresigner(t, newS3(t)) })
}
