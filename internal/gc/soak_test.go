package gc_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/gc"
	"github.com/kodera-packages/kodera/internal/testtool"
)

// soakDuration is how long TestSoakGCDuringPushPull pushes and pulls:
// KODERA_SOAK_DURATION (`go tool task soak` sets minutes), 20 s in CI.
func soakDuration(t *testing.T) time.Duration {
	v := os.Getenv("KODERA_SOAK_DURATION")
	if v == "" {
		return 20 * time.Second
	}
	d, err := time.ParseDuration(v)
	require.NoError(t, err, "KODERA_SOAK_DURATION")
	return d
}

// TestSoakGCDuringPushPull: crane clients push images, pull each back in
// full (crane verifies every digest), delete it, re-push the same image
// and pull it again, while collections run back to back with a 2 s grace
// period. Pass rule: zero client errors, every kept image pulls in full at
// the end, fsck finds no row without content, and the collections did
// reclaim the deleted images.
func TestSoakGCDuringPushPull(t *testing.T) {
	t.Parallel()
	t.Run("fs", func(t *testing.T) {
		t.Parallel()
		node := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_GC_INTERVAL": "0"}})
		d, err := blob.NewFS(filepath.Join(node.DataDir, "blobs"))
		require.NoError(t, err)
		soak(t, node, d)
	})
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		s3 := blobtest.StartS3(t)
		node := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_GC_INTERVAL": "0",
			"STORAGE_URL": s3.Endpoint, "STORAGE_BUCKET": s3.Bucket, "STORAGE_AK": s3.AccessKey, "STORAGE_SK": s3.SecretKey}})
		d, err := blob.NewS3(t.Context(), s3)
		require.NoError(t, err)
		soak(t, node, d)
	})
}

// soak runs the scenario against node, collecting through the driver d
// over the node's own store.
func soak(t *testing.T, node *apptest.Node, d blob.Driver) {
	crane := testtool.Path(t, "crane")
	node.Seed(t).Repo("soak", "docker", "private", apptest.AdminUser)
	host := node.Addr
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "DOCKER_CONFIG="+filepath.Join(home, ".docker"))
	craneRun := func(dir string, args ...string) (string, error) {
		cmd := exec.Command(crane, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			return string(out), fmt.Errorf("crane %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return string(out), nil
	}
	_, err := craneRun(home, "auth", "login", host, "-u", apptest.AdminUser, "-p", apptest.AdminPassword)
	require.NoError(t, err)

	pool, err := db.Open(context.Background(), node.DBURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	col := &gc.Collector{Pool: pool, Store: blob.NewStore(d), Log: slog.New(slog.DiscardHandler), Grace: 2 * time.Second}

	ctx, stop := context.WithCancel(context.Background())
	var rounds, reclaimed, reclaimedBytes, links, kept atomic.Int64
	var gcErr error
	gcDone := make(chan struct{})
	go func() {
		defer close(gcDone)
		// Paced, not synchronising: a round every 100 ms at most, so the
		// collector does not starve the clients of the shared cores.
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			rep, ran, err := col.TryCollect(ctx, gc.Options{})
			if err != nil && ctx.Err() == nil {
				gcErr = err
				return
			}
			if ran {
				rounds.Add(1)
				reclaimed.Add(int64(rep.Blobs))
				reclaimedBytes.Add(rep.BlobBytes)
				links.Add(int64(rep.Links))
				kept.Add(int64(rep.Kept))
			}
		}
	}()

	const workers = 3
	deadline := time.Now().Add(soakDuration(t))
	var pushes, pulls, deletes atomic.Int64
	var mu sync.Mutex
	var errs []error
	var keptRefs []string
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dir := t.TempDir()
			for i := 0; time.Now().Before(deadline); i++ {
				ref := fmt.Sprintf("%s/soak/w%d:i%d", host, w, i)
				content := make([]byte, 64<<10)
				_, _ = rand.Read(content)
				if err := os.WriteFile(filepath.Join(dir, "layer.tar"), tarOf(t, content), 0o644); err != nil {
					fail(err)
					return
				}
				steps := [][]string{
					{"append", "--insecure", "-f", "layer.tar", "-t", ref},
					{"pull", "--insecure", ref, "out.tar"},
				}
				if i%2 == 0 {
					// Delete, then push the very same image again: its
					// blobs are now garbage-collection candidates.
					steps = append(steps,
						[]string{"delete-by-digest", ref},
						[]string{"push", "--insecure", "out.tar", ref},
						[]string{"pull", "--insecure", ref, "again.tar"},
					)
				} else {
					steps = append(steps, []string{"delete-by-digest", ref})
				}
				for _, s := range steps {
					var err error
					switch s[0] {
					case "delete-by-digest":
						var d string
						if d, err = craneRun(dir, "digest", "--insecure", s[1]); err == nil {
							_, err = craneRun(dir, "delete", "--insecure", strings.Split(s[1], ":i")[0]+"@"+strings.TrimSpace(d))
							deletes.Add(1)
						}
					default:
						_, err = craneRun(dir, s...)
						if s[0] == "pull" {
							pulls.Add(1)
						} else {
							pushes.Add(1)
						}
					}
					if err != nil {
						fail(err)
						break
					}
				}
				if i%2 == 0 {
					mu.Lock()
					keptRefs = append(keptRefs, ref)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	stop()
	<-gcDone
	require.NoError(t, gcErr)
	require.Empty(t, errs, "client errors during the soak")

	// Every image that should exist still pulls in full after the soak.
	dir := t.TempDir()
	for _, ref := range keptRefs {
		_, err := craneRun(dir, "pull", "--insecure", ref, "final.tar")
		require.NoError(t, err)
		pulls.Add(1)
	}
	fsck, err := col.Fsck(context.Background())
	require.NoError(t, err)
	require.Empty(t, fsck.Missing, "blobs rows whose content the collection lost")
	require.Positive(t, rounds.Load())
	require.Positive(t, reclaimed.Load(), "the deleted images were reclaimed")
	t.Logf("%s %s: %d pushes, %d pulls, %d deletes, %d client errors; %d collections reclaimed %d blobs (%d bytes) and %d links, kept %d re-referenced candidates; fsck: %d rows, %d objects, %d missing, %d orphans",
		t.Name(), soakDuration(t), pushes.Load(), pulls.Load(), deletes.Load(), len(errs), rounds.Load(), reclaimed.Load(), reclaimedBytes.Load(), links.Load(), kept.Load(),
		fsck.Rows, fsck.Objects, len(fsck.Missing), len(fsck.Orphans))
}

// tarOf builds a one-file tar layer holding content.
func tarOf(t *testing.T, content []byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "data", Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}))
	_, err := tw.Write(content)
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	return buf.Bytes()
}
