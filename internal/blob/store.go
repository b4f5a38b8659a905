package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// Key prefixes the Store writes under. Garbage collection lists them to find
// objects no blobs row points at.
const (
	// TempPrefix holds uploads in progress on drivers that can rename; what
	// is left there is always garbage once older than the longest upload.
	TempPrefix = "tmp/"
	// ObjectPrefix holds finished uploads on drivers that cannot rename,
	// and the first chunk of a resumable OCI upload on them (which becomes
	// the blob as is when it is the only one): an object here without a
	// blobs row is garbage only once older than the upload TTL.
	ObjectPrefix = "objects/"
	// ContentPrefix holds finished uploads at their content address.
	ContentPrefix = "blobs/"
)

// cleanupTimeout bounds the deletes that undo a failed upload. They run even
// when the upload's context was cancelled, since a cancelled request is the
// commonest reason to clean up.
const cleanupTimeout = 30 * time.Second

// Store is the content-addressed layer over a [Driver]: it verifies content
// as it stores it and reports where the content landed. It keeps no state of
// its own, so any number of Stores (on any number of nodes) may share one
// backend.
type Store struct {
	d Driver
}

// NewStore returns a Store writing through d.
func NewStore(d Driver) *Store {
	return &Store{d: d}
}

// Driver returns the backend, for callers that need more than Store offers
// (Stat, List for garbage collection, an optional Presigner).
func (s *Store) Driver() Driver {
	return s.d
}

// IngestOptions says what Ingest should check and compute.
type IngestOptions struct {
	// Expect is the digest the client claimed, "sha256:<hex>" (or
	// "sha512:<hex>"), or "" to accept any content.
	Expect string
	// ExpectSize is the length the client claimed, or -1 if unknown. Note
	// that the zero value claims an empty body.
	ExpectSize int64
	// Extra lists algorithms to compute besides sha256, such as the SHA1 and
	// MD5 a Maven client asks for, in the same single pass.
	Extra []Algorithm
}

// Object describes content Ingest has stored and verified.
type Object struct {
	// Key is where the content is stored: its content address on drivers
	// that can rename, objects/<random id> on those that cannot. The caller
	// records it next to the digest.
	Key string
	// Digest is "sha256:<hex>".
	Digest string
	// Size is the content's length in bytes.
	Size int64
	// Sums holds the lowercase hex digest of every algorithm computed:
	// sha256, the Extra ones, and the one in Expect.
	Sums map[Algorithm]string
}

// Ingest stores the content of r, reading it once and hashing it as it goes,
// and returns where it landed. size is the length r declares (such as a
// Content-Length), or -1; a declared length that the body does not match is
// an error, as is a mismatch with opt.ExpectSize or opt.Expect. A failed
// Ingest leaves nothing stored: what was written is deleted.
//
// On a driver that is a [Mover] the content is written to tmp/<id> and
// renamed to [ContentKey] of its digest; if that already exists the copy is
// dropped, so identical content is stored once. Otherwise it is written to
// objects/<id> and stays there, since copying it to its content address
// would cost a second full write; concurrent uploads of the same content
// then yield distinct keys, and the caller keeps one and deletes the rest.
func (s *Store) Ingest(ctx context.Context, r io.Reader, size int64, opt IngestOptions) (Object, error) {
	var want Digest
	if opt.Expect != "" {
		d, err := ParseDigest(opt.Expect)
		if err != nil {
			return Object{}, fmt.Errorf("blob: ingest: %w", err)
		}
		want = d
	}

	declared := max(size, -1)
	if opt.ExpectSize >= 0 {
		if declared >= 0 && declared != opt.ExpectSize {
			return Object{}, fmt.Errorf("blob: ingest: body declares %d bytes, client claims %d: %w", declared, opt.ExpectSize, ErrSizeMismatch)
		}
		declared = opt.ExpectSize
	}

	hashes := map[Algorithm]hash.Hash{SHA256: SHA256.newHash()}
	// Not append(opt.Extra, ...): that could write into the caller's array.
	for _, a := range slices.Concat(opt.Extra, []Algorithm{want.Algorithm}) {
		if a == "" || hashes[a] != nil {
			continue
		}
		h := a.newHash()
		if h == nil {
			return Object{}, fmt.Errorf("blob: ingest: %w: unsupported algorithm %q", ErrInvalidDigest, a)
		}
		hashes[a] = h
	}
	ws := make([]io.Writer, 0, len(hashes))
	for _, h := range hashes {
		ws = append(ws, h)
	}
	src := &hashReader{r: r, w: io.MultiWriter(ws...)}

	mover, canMove := s.d.(Mover)
	key := ObjectPrefix + newID()
	if canMove {
		key = TempPrefix + newID()
	}

	// Passing the declared length lets the driver pick its cheapest upload
	// (a single PUT on S3) and makes it fail on a short body.
	if err := s.d.Put(ctx, key, src, declared); err != nil {
		s.discard(ctx, key)
		if declared >= 0 && src.eof && src.n < declared {
			return Object{}, fmt.Errorf("blob: ingest: body ended after %d of %d bytes: %w", src.n, declared, ErrSizeMismatch)
		}
		return Object{}, fmt.Errorf("blob: ingest: %w", err)
	}
	if declared >= 0 && !src.eof {
		// The driver stopped at the declared length; a body that goes on
		// is not the content the client described.
		var b [1]byte
		n, err := io.ReadFull(r, b[:])
		switch {
		case n > 0:
			s.discard(ctx, key)
			return Object{}, fmt.Errorf("blob: ingest: body longer than %d bytes: %w", declared, ErrSizeMismatch)
		case err != nil && !errors.Is(err, io.EOF):
			s.discard(ctx, key)
			return Object{}, fmt.Errorf("blob: ingest: %w", err)
		}
	}

	obj := Object{Size: src.n, Sums: make(map[Algorithm]string, len(hashes))}
	for a, h := range hashes {
		obj.Sums[a] = hex.EncodeToString(h.Sum(nil))
	}
	obj.Digest = string(SHA256) + ":" + obj.Sums[SHA256]
	if want.Algorithm != "" && obj.Sums[want.Algorithm] != want.Hex {
		// On S3 the object was briefly complete under its random key, but
		// no one else knows that key, so deleting it now is enough.
		s.discard(ctx, key)
		return Object{}, fmt.Errorf("blob: ingest: got %s:%s, want %s: %w", want.Algorithm, obj.Sums[want.Algorithm], want, ErrDigestMismatch)
	}

	if !canMove {
		obj.Key = key
		return obj, nil
	}
	committed, err := s.commit(ctx, mover, key, obj.Digest)
	if err != nil {
		return Object{}, fmt.Errorf("blob: ingest: %w", err)
	}
	obj.Key = committed
	return obj, nil
}

// Commit makes the verified object at key the stored content of digest
// ("sha256:<hex>") and returns the key the content now lives at. On a
// [Mover] the object is renamed to [ContentKey] of digest, unless content
// is already there: then that content stays untouched and the object at
// key is deleted, so committed content is never replaced. On other drivers
// the object stays at key. A failed Commit deletes the object at key.
func (s *Store) Commit(ctx context.Context, key, digest string) (string, error) {
	mover, ok := s.d.(Mover)
	if !ok {
		return key, nil
	}
	return s.commit(ctx, mover, key, digest)
}

func (s *Store) commit(ctx context.Context, mover Mover, key, digest string) (string, error) {
	dst := ContentKey(digest)
	err := mover.Move(ctx, key, dst)
	switch {
	case err == nil:
		return dst, nil
	case errors.Is(err, fs.ErrExist):
		// Identical content is already there. Dropping our copy rather than
		// renaming over it leaves readers of that file undisturbed, even on
		// network filesystems where a replaced file can go stale under
		// another node's open handle.
		s.discard(ctx, key)
		return dst, nil
	}
	s.discard(ctx, key)
	return "", err
}

// SweepTemp removes what unfinished writes left behind when their process
// died: objects under [TempPrefix] last written before idleSince, and the
// driver's own unfinished writes idle since then (see [TempSweeper]). Any
// node may run it at any time: a live write is never idle that long, and
// an object stays under tmp/ only for the moment between its write and
// its rename. It returns how many it removed.
func (s *Store) SweepTemp(ctx context.Context, idleSince time.Time) (int, error) {
	removed := 0
	var errs []error
	if ts, ok := s.d.(TempSweeper); ok {
		// A failure here (say, a bucket policy that forbids listing
		// multipart uploads) does not stop the sweep of tmp/.
		n, err := ts.SweepTemp(ctx, idleSince)
		removed += n
		errs = append(errs, err)
	}
	var stale []string
	err := s.d.List(ctx, TempPrefix, func(info Info) error {
		if info.ModTime.Before(idleSince) {
			stale = append(stale, info.Key)
		}
		return nil
	})
	if err != nil {
		return removed, errors.Join(append(errs, fmt.Errorf("blob: sweep: %w", err))...)
	}
	for _, key := range stale {
		if err := s.d.Delete(ctx, key); err != nil {
			return removed, errors.Join(append(errs, fmt.Errorf("blob: sweep: %w", err))...)
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

// Open reads the object at key; see [Driver.Open].
func (s *Store) Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	return s.d.Open(ctx, key, offset, length)
}

// Delete removes the object at key; see [Driver.Delete].
func (s *Store) Delete(ctx context.Context, key string) error {
	return s.d.Delete(ctx, key)
}

// discard deletes what a failed Ingest wrote. Its error is dropped: the
// Ingest already failed for a better reason, and anything left under tmp/
// or objects/ without a blobs row is garbage collection's to find.
func (s *Store) discard(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_ = s.d.Delete(ctx, key)
}

// newID returns a random key segment: 130 bits, lowercase, so that upload
// keys never collide across nodes and read the same on case-insensitive
// filesystems.
func newID() string {
	return strings.ToLower(rand.Text())
}

// hashReader feeds everything read through it to w and remembers how much
// was read and whether r reached its end.
type hashReader struct {
	r   io.Reader
	w   io.Writer
	n   int64
	eof bool
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if n > 0 {
		h.w.Write(p[:n]) // hash.Hash writes never fail
		h.n += int64(n)
	}
	if errors.Is(err, io.EOF) {
		h.eof = true
	}
	return n, err
}
