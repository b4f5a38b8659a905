package files_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/files"
	"github.com/kodera-packages/kodera/internal/repository"
)

func setup(t *testing.T) (*files.Service, domain.Repository) {
	t.Helper()
	pool, _ := dbtest.NewPool(t)
	d, err := blob.NewFS(filepath.Join(t.TempDir(), "blobs"))
	require.NoError(t, err)
	repo, err := repository.CreateRepository(context.Background(), pool, repository.NewRepository{Name: "tree", Type: repository.TypeFiles})
	require.NoError(t, err)
	return files.New(pool, blob.NewStore(d)), repo
}

// orphans counts rows whose parent folder row is missing: what a recursive
// delete racing an upload into the folder must never leave.
func orphans(t *testing.T, s *files.Service) int {
	t.Helper()
	var n int
	require.NoError(t, s.Pool.QueryRow(context.Background(), `
		SELECT count(*) FROM repository_files f
		WHERE f.parent <> '' AND NOT EXISTS (
			SELECT 1 FROM repository_files p
			WHERE p.repository_id = f.repository_id AND p.path = f.parent AND p.is_folder)`).Scan(&n))
	return n
}

// TestDeleteRacesUpload: uploads into a folder while it is deleted
// recursively either land in a folder that exists afterwards or are
// deleted with it; no file is left without its folders.
func TestDeleteRacesUpload(t *testing.T) {
	t.Parallel()
	s, repo := setup(t)
	ctx := context.Background()
	for i := range 25 {
		var wg sync.WaitGroup
		wg.Add(4)
		go func() {
			defer wg.Done()
			// The same path every round: an overwrite racing the delete.
			_, err := s.Put(ctx, repo, "d/same.txt", strings.NewReader(fmt.Sprint("round ", i)), -1, files.PutOptions{})
			require.NoError(t, err)
		}()
		go func() {
			defer wg.Done()
			_, err := s.Put(ctx, repo, fmt.Sprintf("d/sub/deep/f%d", i), strings.NewReader(fmt.Sprint("content ", i)), -1, files.PutOptions{})
			require.NoError(t, err)
		}()
		go func() {
			defer wg.Done()
			_, err := s.Put(ctx, repo, fmt.Sprintf("d/g%d", i), strings.NewReader("x"), -1, files.PutOptions{})
			require.NoError(t, err)
		}()
		go func() {
			defer wg.Done()
			_, err := s.Delete(ctx, repo, "d")
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				require.NoError(t, err)
			}
		}()
		wg.Wait()
		require.Zero(t, orphans(t, s), "round %d", i)
	}
}

// TestMove covers renames of files and folders and their refusals.
func TestMove(t *testing.T) {
	t.Parallel()
	s, repo := setup(t)
	ctx := context.Background()
	for _, p := range []string{"a/b/c.txt", "a/b/d/e.txt", "a/x.txt", "ab/y.txt", "a-z.txt"} {
		_, err := s.Put(ctx, repo, p, strings.NewReader(p), -1, files.PutOptions{})
		require.NoError(t, err)
	}
	e, err := s.Move(ctx, repo, "a", "n/m")
	require.NoError(t, err)
	require.True(t, e.Folder)
	require.Equal(t, "m", e.Name)
	for _, p := range []string{"n/m/b/c.txt", "n/m/b/d/e.txt", "n/m/x.txt", "ab/y.txt", "a-z.txt"} {
		_, err := s.Stat(ctx, repo, p)
		require.NoError(t, err, p)
	}
	// "ab" and "a-z.txt" share the prefix "a" but are not below "a".
	page, err := s.List(ctx, repo, "n/m/b", "", 10)
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	require.Equal(t, "n/m/b/d", page.Items[0].Path)
	require.Zero(t, orphans(t, s))

	_, err = s.Move(ctx, repo, "n/m/x.txt", "ab/y.txt")
	require.ErrorIs(t, err, domain.ErrConflict)
	_, err = s.Move(ctx, repo, "n", "n/m/inside")
	require.ErrorIs(t, err, domain.ErrInvalid)
	_, err = s.Move(ctx, repo, "ab/y.txt", "a-z.txt/y.txt")
	require.ErrorIs(t, err, domain.ErrConflict)
	_, err = s.Move(ctx, repo, "nope", "x")
	require.ErrorIs(t, err, domain.ErrNotFound)
	e, err = s.Move(ctx, repo, "n/m/x.txt", "x.txt")
	require.NoError(t, err)
	require.Equal(t, "", func() string { p, _ := files.Split(e.Path); return p }())
	n, err := s.Delete(ctx, repo, "n")
	require.NoError(t, err)
	require.Equal(t, int64(6), n) // n, m, b, c.txt, d, e.txt
}

// outboxPaths lists the file paths the search outbox holds, in order.
func outboxPaths(t *testing.T, s *files.Service) []string {
	t.Helper()
	rows, err := s.Pool.Query(context.Background(), `SELECT path FROM search_outbox WHERE kind = 'file' ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		require.NoError(t, rows.Scan(&p))
		out = append(out, p)
	}
	require.NoError(t, rows.Err())
	return out
}

// TestSearchOutbox: uploads, moves and deletes record every file they
// change in the search outbox (folders are not documents; a folder's
// files are), and an unchanged re-upload records nothing.
func TestSearchOutbox(t *testing.T) {
	t.Parallel()
	s, repo := setup(t)
	ctx := context.Background()
	for _, p := range []string{"a/b/c.txt", "a/x.txt", "ab/y.txt"} {
		_, err := s.Put(ctx, repo, p, strings.NewReader(p), -1, files.PutOptions{})
		require.NoError(t, err)
	}
	require.Equal(t, []string{"a/b/c.txt", "a/x.txt", "ab/y.txt"}, outboxPaths(t, s))
	_, err := s.Put(ctx, repo, "a/x.txt", strings.NewReader("a/x.txt"), -1, files.PutOptions{})
	require.NoError(t, err)
	require.Len(t, outboxPaths(t, s), 3, "the same content again changes nothing")

	_, err = s.Pool.Exec(ctx, `DELETE FROM search_outbox`)
	require.NoError(t, err)
	_, err = s.Move(ctx, repo, "a", "n")
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"a/b/c.txt", "a/x.txt", "n/b/c.txt", "n/x.txt"}, outboxPaths(t, s))

	_, err = s.Pool.Exec(ctx, `DELETE FROM search_outbox`)
	require.NoError(t, err)
	_, err = s.Delete(ctx, repo, "n")
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"n/b/c.txt", "n/x.txt"}, outboxPaths(t, s))
}
