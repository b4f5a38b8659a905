package blob_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
)

// Known digests of "hello", "world" and "".
const (
	helloSHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	helloSHA512 = "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"
	helloSHA1   = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
	helloMD5    = "5d41402abc4b2a76b9719d911017c592"
	worldSHA256 = "486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7"
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// runStoreSuite runs the Store against a driver; the Store must keep its
// promises (verify, leave nothing on failure, dedup where it can) on every
// backend.
func runStoreSuite(t *testing.T, newDriver func(t *testing.T) blob.Driver) {
	t.Run("Store", func(t *testing.T) {
		t.Parallel()
		for _, tc := range storeTests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				d := newDriver(t)
				tc.fn(t, d, blob.NewStore(d))
			})
		}
	})
}

var storeTests = []struct {
	name string
	fn   func(t *testing.T, d blob.Driver, s *blob.Store)
}{
	{"Ingest", testIngest},
	{"IngestExpectSHA512", testIngestExpectSHA512},
	{"DigestMismatchLeavesNothing", testDigestMismatch},
	{"SizeMismatchLeavesNothing", testSizeMismatch},
	{"FailedReadLeavesNothing", testIngestFailedRead},
	{"InvalidOptions", testIngestInvalidOptions},
	{"Empty", testIngestEmpty},
	{"Large", testIngestLarge},
	{"Concurrent", testIngestConcurrent},
	{"SweepTemp", testSweepTemp},
}

// testSweepTemp: objects under tmp/ last written before the cutoff go,
// those written since stay, and nothing outside tmp/ is touched.
func testSweepTemp(t *testing.T, d blob.Driver, s *blob.Store) {
	ctx := t.Context()
	put(t, d, "tmp/left-by-a-crash", "x")
	put(t, d, blob.ContentKey("sha256:"+helloSHA256), "hello")
	put(t, d, "objects/kept", "y")
	info, err := d.Stat(ctx, "tmp/left-by-a-crash")
	require.NoError(t, err)

	n, err := s.SweepTemp(ctx, info.ModTime)
	require.NoError(t, err)
	require.Zero(t, n, "an object written at the cutoff is live")
	require.Len(t, list(t, d, ""), 3)

	n, err = s.SweepTemp(ctx, info.ModTime.Add(time.Second))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.ElementsMatch(t, []string{blob.ContentKey("sha256:" + helloSHA256), "objects/kept"}, list(t, d, ""))
}

func testIngest(t *testing.T, d blob.Driver, s *blob.Store) {
	ctx := t.Context()
	require.Same(t, d, s.Driver())
	for _, size := range []int64{5, -1} {
		obj, err := s.Ingest(ctx, strings.NewReader("hello"), size, blob.IngestOptions{
			Expect:     "sha256:" + helloSHA256,
			ExpectSize: 5,
			Extra:      []blob.Algorithm{blob.SHA1, blob.MD5, blob.SHA512, blob.SHA256},
		})
		require.NoError(t, err)
		require.Equal(t, "sha256:"+helloSHA256, obj.Digest)
		require.EqualValues(t, 5, obj.Size)
		require.Equal(t, map[blob.Algorithm]string{
			blob.SHA256: helloSHA256,
			blob.SHA512: helloSHA512,
			blob.SHA1:   helloSHA1,
			blob.MD5:    helloMD5,
		}, obj.Sums)
		requireLayout(t, d, obj)

		rc, err := s.Open(ctx, obj.Key, 1, 3)
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		require.Equal(t, "ell", string(b))

		// Nothing but the object is left: no temporary files.
		require.Equal(t, []string{obj.Key}, list(t, d, ""))
		require.NoError(t, s.Delete(ctx, obj.Key))
		require.Empty(t, list(t, d, ""))
	}
}

func testIngestExpectSHA512(t *testing.T, d blob.Driver, s *blob.Store) {
	obj, err := s.Ingest(t.Context(), strings.NewReader("hello"), -1, blob.IngestOptions{
		Expect:     "sha512:" + helloSHA512,
		ExpectSize: -1,
	})
	require.NoError(t, err)
	require.Equal(t, "sha256:"+helloSHA256, obj.Digest, "objects are addressed by sha256 whatever was checked")
	require.Equal(t, helloSHA512, obj.Sums[blob.SHA512])

	_, err = s.Ingest(t.Context(), strings.NewReader("hellO"), -1, blob.IngestOptions{
		Expect:     "sha512:" + helloSHA512,
		ExpectSize: -1,
	})
	require.ErrorIs(t, err, blob.ErrDigestMismatch)
	require.Equal(t, []string{obj.Key}, list(t, d, ""))
}

func testDigestMismatch(t *testing.T, d blob.Driver, s *blob.Store) {
	for _, size := range []int64{5, -1} {
		_, err := s.Ingest(t.Context(), strings.NewReader("hello"), size, blob.IngestOptions{
			Expect:     "sha256:" + worldSHA256,
			ExpectSize: -1,
		})
		require.ErrorIs(t, err, blob.ErrDigestMismatch)
		require.Empty(t, list(t, d, ""), "nothing stored, not even under tmp/")
		_, err = d.Stat(t.Context(), blob.ContentKey("sha256:"+helloSHA256))
		require.ErrorIs(t, err, fs.ErrNotExist)
	}
}

func testSizeMismatch(t *testing.T, d blob.Driver, s *blob.Store) {
	for _, tc := range []struct {
		name       string
		size       int64
		expectSize int64
	}{
		{"body longer than claimed", -1, 4},
		{"body shorter than claimed", -1, 6},
		{"body longer than declared", 3, -1},
		{"body shorter than declared", 10, -1},
		{"declared and claimed differ", 5, 6},
		{"claimed empty", -1, 0},
	} {
		_, err := s.Ingest(t.Context(), strings.NewReader("hello"), tc.size, blob.IngestOptions{
			ExpectSize: tc.expectSize,
		})
		require.ErrorIs(t, err, blob.ErrSizeMismatch, tc.name)
		require.Empty(t, list(t, d, ""), tc.name)
	}

	// The same, past a multipart boundary.
	const n = 20 << 20
	_, err := s.Ingest(t.Context(), io.LimitReader(newGen(4), n+1), -1, blob.IngestOptions{ExpectSize: n})
	require.ErrorIs(t, err, blob.ErrSizeMismatch)
	_, err = s.Ingest(t.Context(), io.LimitReader(newGen(4), n-1), -1, blob.IngestOptions{ExpectSize: n})
	require.ErrorIs(t, err, blob.ErrSizeMismatch)
	require.Empty(t, list(t, d, ""))
}

func testIngestFailedRead(t *testing.T, d blob.Driver, s *blob.Store) {
	boom := errors.New("boom")
	for _, n := range []int64{1000, 17 << 20} {
		r := io.MultiReader(io.LimitReader(newGen(5), n), errReader{boom})
		_, err := s.Ingest(t.Context(), r, -1, blob.IngestOptions{ExpectSize: -1})
		require.Error(t, err)
		require.Empty(t, list(t, d, ""))
	}
}

func testIngestInvalidOptions(t *testing.T, d blob.Driver, s *blob.Store) {
	for _, opt := range []blob.IngestOptions{
		{Expect: "sha256:" + strings.ToUpper(helloSHA256), ExpectSize: -1},
		{Expect: "md5:" + helloMD5, ExpectSize: -1},
		{Expect: helloSHA256, ExpectSize: -1},
		{Extra: []blob.Algorithm{"crc32"}, ExpectSize: -1},
	} {
		_, err := s.Ingest(t.Context(), strings.NewReader("hello"), -1, opt)
		require.ErrorIs(t, err, blob.ErrInvalidDigest, "%+v", opt)
	}
	require.Empty(t, list(t, d, ""))
}

func testIngestEmpty(t *testing.T, d blob.Driver, s *blob.Store) {
	for _, size := range []int64{0, -1} {
		obj, err := s.Ingest(t.Context(), strings.NewReader(""), size, blob.IngestOptions{
			Expect:     "sha256:" + emptySHA256,
			ExpectSize: 0,
		})
		require.NoError(t, err)
		require.Equal(t, "sha256:"+emptySHA256, obj.Digest)
		require.Zero(t, obj.Size)
		requireLayout(t, d, obj)
		require.Empty(t, read(t, d, obj.Key, 0, -1))
		info, err := d.Stat(t.Context(), obj.Key)
		require.NoError(t, err)
		require.Zero(t, info.Size)
	}
}

// testIngestLarge streams 64 MiB of generated data, never holding it in
// memory, and checks the digest against a second generation of it.
func testIngestLarge(t *testing.T, d blob.Driver, s *blob.Store) {
	const n = 64 << 20
	want := sha256.New()
	_, err := io.Copy(want, io.LimitReader(newGen(6), n))
	require.NoError(t, err)
	wantDigest := "sha256:" + hex.EncodeToString(want.Sum(nil))

	obj, err := s.Ingest(t.Context(), io.LimitReader(newGen(6), n), -1, blob.IngestOptions{
		Expect:     wantDigest,
		ExpectSize: -1,
	})
	require.NoError(t, err)
	require.Equal(t, wantDigest, obj.Digest)
	require.EqualValues(t, n, obj.Size)
	requireLayout(t, d, obj)

	// Read it back whole, and a range straddling a part boundary.
	requireSameContent(t, io.LimitReader(newGen(6), n), open(t, d, obj.Key, 0, -1))
	const off, length = 16<<20 - 1000, 5000
	g := newGen(6)
	_, err = io.CopyN(io.Discard, g, off)
	require.NoError(t, err)
	requireSameContent(t, io.LimitReader(g, length), open(t, d, obj.Key, off, length))
}

func testIngestConcurrent(t *testing.T, d blob.Driver, s *blob.Store) {
	const workers = 6
	content := bytes.Repeat([]byte("same content "), 20000)
	objs := make([]blob.Object, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			objs[i], errs[i] = s.Ingest(t.Context(), bytes.NewReader(content), int64(len(content)), blob.IngestOptions{ExpectSize: -1})
		})
	}
	wg.Wait()

	keys := map[string]bool{}
	for i := range workers {
		require.NoError(t, errs[i])
		require.Equal(t, objs[0].Digest, objs[i].Digest)
		require.Equal(t, content, readBytes(t, d, objs[i].Key))
		keys[objs[i].Key] = true
	}
	if _, ok := d.(blob.Mover); ok {
		// Identical content is stored once, and no temporary file is left.
		require.Len(t, keys, 1)
		require.Equal(t, []string{blob.ContentKey(objs[0].Digest)}, list(t, d, ""))
	} else {
		// Without rename every upload keeps its own object; the caller's
		// blobs row picks one.
		require.Len(t, keys, workers)
		require.Len(t, list(t, d, ""), workers)
	}
}

// requireLayout checks that obj landed where the Store promises for d.
func requireLayout(t *testing.T, d blob.Driver, obj blob.Object) {
	t.Helper()
	if _, ok := d.(blob.Mover); ok {
		require.Equal(t, blob.ContentKey(obj.Digest), obj.Key)
	} else {
		require.True(t, strings.HasPrefix(obj.Key, blob.ObjectPrefix), obj.Key)
	}
	info, err := d.Stat(t.Context(), obj.Key)
	require.NoError(t, err)
	require.Equal(t, obj.Size, info.Size)
}

// newGen returns an endless deterministic stream of pseudo-random bytes,
// so large tests can regenerate their data instead of keeping it.
func newGen(seed byte) io.Reader {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// requireSameContent compares two streams chunk by chunk, in constant
// memory.
func requireSameContent(t *testing.T, want, got io.Reader) {
	t.Helper()
	wb, gb := make([]byte, 1<<20), make([]byte, 1<<20)
	var off int64
	for {
		wn, werr := io.ReadFull(want, wb)
		gn, gerr := io.ReadFull(got, gb)
		require.Equal(t, wn, gn, "length differs after %d bytes", off)
		require.True(t, bytes.Equal(wb[:wn], gb[:gn]), "content differs in the %d bytes after offset %d", wn, off)
		off += int64(wn)
		if werr != nil || gerr != nil {
			// Equal lengths so far: both must have ended here.
			require.True(t, errors.Is(werr, io.EOF) || errors.Is(werr, io.ErrUnexpectedEOF), "want stream: %v", werr)
			require.True(t, errors.Is(gerr, io.EOF) || errors.Is(gerr, io.ErrUnexpectedEOF), "got stream: %v", gerr)
			return
		}
	}
}
