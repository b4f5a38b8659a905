package blob_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
)

// The conformance suite: every Driver must pass it unchanged, so code above
// the driver can rely on one behaviour whatever the backend. newDriver must
// return a fresh, empty driver for each call.

func runDriverSuite(t *testing.T, newDriver func(t *testing.T) blob.Driver) {
	t.Run("Driver", func(t *testing.T) {
		t.Parallel()
		for _, tc := range driverTests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(t, newDriver(t))
			})
		}
	})
}

var driverTests = []struct {
	name string
	fn   func(t *testing.T, d blob.Driver)
}{
	{"PutOpenStatDelete", testPutOpenStatDelete},
	{"PutSize", testPutSize},
	{"Ranges", testRanges},
	{"Missing", testMissing},
	{"InvalidKeys", testInvalidKeys},
	{"List", testList},
	{"OverwriteIsAtomic", testOverwriteIsAtomic},
	{"FailedPutLeavesNothing", testFailedPutLeavesNothing},
	{"Ping", testPing},
}

// The extension interfaces are tested on the drivers that implement them
// (drivers_test.go): testMover on fs, testPresigner on S3.

func testPutOpenStatDelete(t *testing.T, d blob.Driver) {
	ctx := t.Context()
	put(t, d, "a/b/c.txt", "hello")
	require.Equal(t, "hello", read(t, d, "a/b/c.txt", 0, -1))

	info, err := d.Stat(ctx, "a/b/c.txt")
	require.NoError(t, err)
	require.Equal(t, "a/b/c.txt", info.Key)
	require.EqualValues(t, 5, info.Size)
	require.WithinDuration(t, time.Now(), info.ModTime, 5*time.Minute)

	// Overwrite, with an unknown size this time.
	require.NoError(t, d.Put(ctx, "a/b/c.txt", strings.NewReader("goodbye"), -1))
	require.Equal(t, "goodbye", read(t, d, "a/b/c.txt", 0, -1))
	info, err = d.Stat(ctx, "a/b/c.txt")
	require.NoError(t, err)
	require.EqualValues(t, 7, info.Size)

	require.NoError(t, d.Delete(ctx, "a/b/c.txt"))
	_, err = d.Stat(ctx, "a/b/c.txt")
	require.ErrorIs(t, err, fs.ErrNotExist)
	_, err = d.Open(ctx, "a/b/c.txt", 0, -1)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.NoError(t, d.Delete(ctx, "a/b/c.txt"), "deleting twice")

	// The empty object is an object.
	put(t, d, "empty", "")
	info, err = d.Stat(ctx, "empty")
	require.NoError(t, err)
	require.Zero(t, info.Size)
	require.Empty(t, read(t, d, "empty", 0, -1))
}

func testPutSize(t *testing.T, d blob.Driver) {
	ctx := t.Context()
	// A declared size is the object's size: Put stops there...
	require.NoError(t, d.Put(ctx, "k", strings.NewReader("hello world"), 5))
	require.Equal(t, "hello", read(t, d, "k", 0, -1))

	// ...and fails if the body ends sooner, leaving the old object.
	err := d.Put(ctx, "k", strings.NewReader("hi"), 5)
	require.Error(t, err)
	require.Equal(t, "hello", read(t, d, "k", 0, -1))

	// Unknown size and a part-size-crossing body, read to EOF.
	const n = 17 << 20
	require.NoError(t, d.Put(ctx, "big", io.LimitReader(newGen(1), n), -1))
	info, err := d.Stat(ctx, "big")
	require.NoError(t, err)
	require.EqualValues(t, n, info.Size)
	requireSameContent(t, io.LimitReader(newGen(1), n), open(t, d, "big", 0, -1))
}

func testRanges(t *testing.T, d blob.Driver) {
	ctx := t.Context()
	put(t, d, "digits", "0123456789")
	put(t, d, "empty", "")
	for _, tc := range []struct {
		key         string
		off, length int64
		want        string
		err         error
	}{
		{"digits", 0, -1, "0123456789", nil},
		{"digits", 3, -1, "3456789", nil},
		{"digits", 3, 4, "3456", nil},
		{"digits", 0, 1, "0", nil},
		{"digits", 9, 1, "9", nil},
		{"digits", 8, 5, "89", nil}, // cut short at the end
		{"digits", 0, 100, "0123456789", nil},
		{"digits", 0, 0, "", nil},
		{"digits", 5, 0, "", nil},
		{"digits", 10, -1, "", nil}, // at the end: empty, not an error
		{"digits", 10, 5, "", nil},
		{"digits", 10, 0, "", nil},
		{"digits", 11, -1, "", blob.ErrRange},
		{"digits", 11, 1, "", blob.ErrRange},
		{"digits", 11, 0, "", blob.ErrRange},
		{"digits", 1 << 40, -1, "", blob.ErrRange},
		{"digits", -1, -1, "", blob.ErrRange},
		{"empty", 0, -1, "", nil},
		{"empty", 0, 10, "", nil},
		{"empty", 0, 0, "", nil},
		{"empty", 1, -1, "", blob.ErrRange},
		{"missing", 0, -1, "", fs.ErrNotExist},
		{"missing", 3, 4, "", fs.ErrNotExist},
		{"missing", 0, 0, "", fs.ErrNotExist},
	} {
		rc, err := d.Open(ctx, tc.key, tc.off, tc.length)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, "Open(%s, %d, %d)", tc.key, tc.off, tc.length)
			continue
		}
		require.NoError(t, err, "Open(%s, %d, %d)", tc.key, tc.off, tc.length)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		require.Equal(t, tc.want, string(b), "Open(%s, %d, %d)", tc.key, tc.off, tc.length)
	}
}

func testMissing(t *testing.T, d blob.Driver) {
	ctx := t.Context()
	_, err := d.Stat(ctx, "no/such/key")
	require.ErrorIs(t, err, fs.ErrNotExist)
	_, err = d.Open(ctx, "no/such/key", 0, -1)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.NoError(t, d.Delete(ctx, "no/such/key"))
	require.Empty(t, list(t, d, "no/"))

	// A key's leading path is not an object, and deleting it touches
	// nothing below.
	put(t, d, "dir/file", "x")
	_, err = d.Stat(ctx, "dir")
	require.ErrorIs(t, err, fs.ErrNotExist)
	_, err = d.Open(ctx, "dir", 0, -1)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.NoError(t, d.Delete(ctx, "dir"))
	require.Equal(t, "x", read(t, d, "dir/file", 0, -1))
}

func testInvalidKeys(t *testing.T, d blob.Driver) {
	ctx := t.Context()
	mover, _ := d.(blob.Mover)
	for _, key := range invalidKeys {
		err := d.Put(ctx, key, strings.NewReader("x"), 1)
		require.ErrorIs(t, err, blob.ErrInvalidKey, "Put(%q)", key)
		_, err = d.Open(ctx, key, 0, -1)
		require.ErrorIs(t, err, blob.ErrInvalidKey, "Open(%q)", key)
		_, err = d.Stat(ctx, key)
		require.ErrorIs(t, err, blob.ErrInvalidKey, "Stat(%q)", key)
		require.ErrorIs(t, d.Delete(ctx, key), blob.ErrInvalidKey, "Delete(%q)", key)
		if mover != nil {
			require.ErrorIs(t, mover.Move(ctx, key, "ok"), blob.ErrInvalidKey, "Move(%q, ok)", key)
			require.ErrorIs(t, mover.Move(ctx, "ok", key), blob.ErrInvalidKey, "Move(ok, %q)", key)
		}
		if p, ok := d.(blob.Presigner); ok {
			_, err := p.PresignGet(ctx, key, time.Minute)
			require.ErrorIs(t, err, blob.ErrInvalidKey, "PresignGet(%q)", key)
		}
	}
	for _, prefix := range []string{"/", "/a", "../", "a/../", "a//", "a\\b", "a\x00", ".tmp/"} {
		err := d.List(ctx, prefix, func(blob.Info) error { return nil })
		require.ErrorIs(t, err, blob.ErrInvalidKey, "List(%q)", prefix)
	}
	require.Empty(t, list(t, d, ""), "nothing was written")
}

// invalidKeys is shared with the key validation unit test.
var invalidKeys = []string{
	"",
	"/abs",
	"/",
	"a/",
	"a//b",
	"..",
	"../x",
	"a/../b",
	"a/..",
	".",
	"a/./b",
	".hidden",
	"a/.tmp/b",
	"a\\b",
	"a\x00b",
	"a\nb",
	strings.Repeat("k", 1025),
}

func testList(t *testing.T, d blob.Driver) {
	ctx := t.Context()
	for _, k := range []string{"a/1", "a/2", "a/b/3", "ab/4", "a-b", "c"} {
		put(t, d, k, k)
	}
	require.Equal(t, []string{"a-b", "a/1", "a/2", "a/b/3", "ab/4", "c"}, list(t, d, ""))
	require.Equal(t, []string{"a/1", "a/2", "a/b/3"}, list(t, d, "a/"))
	require.Equal(t, []string{"a-b", "a/1", "a/2", "a/b/3", "ab/4"}, list(t, d, "a"))
	require.Equal(t, []string{"a/b/3"}, list(t, d, "a/b"))
	require.Equal(t, []string{"c"}, list(t, d, "c"))
	require.Empty(t, list(t, d, "zzz"))
	require.Empty(t, list(t, d, "zzz/"))

	var infos []blob.Info
	require.NoError(t, d.List(ctx, "a/b/", func(i blob.Info) error {
		infos = append(infos, i)
		return nil
	}))
	require.Len(t, infos, 1)
	require.Equal(t, "a/b/3", infos[0].Key)
	require.EqualValues(t, len("a/b/3"), infos[0].Size)
	require.WithinDuration(t, time.Now(), infos[0].ModTime, 5*time.Minute)

	// fn's error stops the walk and comes back as is.
	stop := errors.New("stop")
	calls := 0
	err := d.List(ctx, "", func(blob.Info) error {
		calls++
		return stop
	})
	require.ErrorIs(t, err, stop)
	require.Equal(t, 1, calls)
}

func testOverwriteIsAtomic(t *testing.T, d blob.Driver) {
	ctx := t.Context()
	const size = 1 << 20
	versions := [][]byte{bytes.Repeat([]byte{'a'}, size), bytes.Repeat([]byte{'b'}, size)}
	putBytes := func(i int) {
		require.NoError(t, d.Put(ctx, "k", bytes.NewReader(versions[i%2]), size))
	}
	// whole checks that b is one whole version; it returns an error rather
	// than failing because the racing readers run outside the test goroutine.
	whole := func(b []byte) error {
		if len(b) != size || (b[0] != 'a' && b[0] != 'b') || bytes.Count(b, b[:1]) != size {
			return fmt.Errorf("read %d bytes mixing versions (%d of the first byte %q)", len(b), bytes.Count(b, b[:min(1, len(b))]), b[:min(1, len(b))])
		}
		return nil
	}
	readAll := func() ([]byte, error) {
		rc, err := d.Open(ctx, "k", 0, -1)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}

	// A reader opened before an overwrite keeps one version throughout.
	putBytes(0)
	rc := open(t, d, "k", 0, -1)
	first := make([]byte, 1)
	_, err := io.ReadFull(rc, first)
	require.NoError(t, err)
	putBytes(1)
	rest, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.NoError(t, whole(append(first, rest...)))
	require.NoError(t, whole(readBytes(t, d, "k")))

	// Readers racing a writer never see a part of a write.
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				b, err := readAll()
				if err == nil {
					err = whole(b)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range 10 {
		putBytes(i)
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func testFailedPutLeavesNothing(t *testing.T, d blob.Driver) {
	ctx := t.Context()
	put(t, d, "old", "old content")
	boom := errors.New("boom")

	for _, tc := range []struct {
		name      string
		failAfter int64 // bytes read before the reader fails
		size      int64
	}{
		{"small/known", 1000, 5000},
		{"small/unknown", 1000, -1},
		{"multipart/known", 17 << 20, 40 << 20},
		{"multipart/unknown", 17 << 20, -1},
	} {
		for _, key := range []string{"old", "new"} {
			r := io.MultiReader(io.LimitReader(newGen(2), tc.failAfter), errReader{boom})
			err := d.Put(ctx, key, r, tc.size)
			require.Error(t, err, "%s: Put(%s)", tc.name, key)
		}
		require.Equal(t, "old content", read(t, d, "old", 0, -1), tc.name)
		_, err := d.Stat(ctx, "new")
		require.ErrorIs(t, err, fs.ErrNotExist, tc.name)
	}

	// A body that ends early against its declared size fails the same way.
	require.Error(t, d.Put(ctx, "new", io.LimitReader(newGen(3), 17<<20), 20<<20))
	_, err := d.Stat(ctx, "new")
	require.ErrorIs(t, err, fs.ErrNotExist)

	// So does a cancelled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	require.Error(t, d.Put(cctx, "new", strings.NewReader("x"), 1))
	_, err = d.Stat(ctx, "new")
	require.ErrorIs(t, err, fs.ErrNotExist)

	require.Equal(t, []string{"old"}, list(t, d, ""))
}

func testPing(t *testing.T, d blob.Driver) {
	require.NoError(t, d.Ping(t.Context()))
}

func testMover(t *testing.T, d blob.Driver) {
	m, ok := d.(blob.Mover)
	require.True(t, ok, "driver does not implement Mover")
	ctx := t.Context()
	put(t, d, "tmp/x", "moved")
	require.NoError(t, m.Move(ctx, "tmp/x", "deep/new/dir/y"))
	require.Equal(t, "moved", read(t, d, "deep/new/dir/y", 0, -1))
	_, err := d.Stat(ctx, "tmp/x")
	require.ErrorIs(t, err, fs.ErrNotExist)

	// Moving onto an object never replaces it: both stay as they were.
	put(t, d, "tmp/z", "newer")
	require.ErrorIs(t, m.Move(ctx, "tmp/z", "deep/new/dir/y"), fs.ErrExist)
	require.Equal(t, "moved", read(t, d, "deep/new/dir/y", 0, -1))
	require.Equal(t, "newer", read(t, d, "tmp/z", 0, -1))
	require.NoError(t, d.Delete(ctx, "tmp/z"))

	require.ErrorIs(t, m.Move(ctx, "tmp/missing", "other"), fs.ErrNotExist)
	require.Equal(t, []string{"deep/new/dir/y"}, list(t, d, ""))
}

func testPresigner(t *testing.T, d blob.Driver) {
	p, ok := d.(blob.Presigner)
	require.True(t, ok, "driver does not implement Presigner")
	put(t, d, "signed/obj", "presigned content")
	u, err := p.PresignGet(t.Context(), "signed/obj", time.Minute)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	require.Equal(t, "presigned content", string(b))
}

// Helpers.

func put(t *testing.T, d blob.Driver, key, content string) {
	t.Helper()
	require.NoError(t, d.Put(t.Context(), key, strings.NewReader(content), int64(len(content))))
}

func open(t *testing.T, d blob.Driver, key string, off, n int64) io.ReadCloser {
	t.Helper()
	rc, err := d.Open(t.Context(), key, off, n)
	require.NoError(t, err)
	t.Cleanup(func() { rc.Close() })
	return rc
}

func read(t *testing.T, d blob.Driver, key string, off, n int64) string {
	t.Helper()
	rc, err := d.Open(t.Context(), key, off, n)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return string(b)
}

func readBytes(t *testing.T, d blob.Driver, key string) []byte {
	t.Helper()
	rc, err := d.Open(t.Context(), key, 0, -1)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return b
}

// list returns the keys under prefix, sorted: drivers promise no order.
func list(t *testing.T, d blob.Driver, prefix string) []string {
	t.Helper()
	keys := []string{}
	require.NoError(t, d.List(t.Context(), prefix, func(i blob.Info) error {
		keys = append(keys, i.Key)
		return nil
	}))
	slices.Sort(keys)
	return keys
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
