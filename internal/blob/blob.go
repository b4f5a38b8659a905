package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Sentinel errors. Drivers and the Store wrap them with %w, so test with
// errors.Is. A missing key is not among them: it is fs.ErrNotExist, the
// standard library's own, so code that already handles os errors needs no
// second case.
var (
	// ErrInvalidKey reports a key or list prefix that is not a clean relative
	// '/'-separated path (see [ValidateKey]). It is a programming or input
	// error, never a storage failure.
	ErrInvalidKey = errors.New("blob: invalid key")

	// ErrRange reports a read that starts beyond the end of an object. A read
	// starting exactly at the end is not an error; it reads nothing.
	ErrRange = errors.New("blob: offset beyond end of object")

	// ErrDigestMismatch reports content whose digest differs from the one the
	// client claimed. Nothing of it stays stored.
	ErrDigestMismatch = errors.New("blob: digest mismatch")

	// ErrSizeMismatch reports content whose length differs from the one the
	// client declared. Nothing of it stays stored.
	ErrSizeMismatch = errors.New("blob: size mismatch")

	// ErrInvalidDigest reports a digest string that is not
	// "<algorithm>:<lowercase hex>" of a supported algorithm. Callers map it
	// to a client error, unlike ErrDigestMismatch which is about content.
	ErrInvalidDigest = errors.New("blob: invalid digest")
)

// Info describes a stored object.
type Info struct {
	// Key is the object's key, relative to the driver's root or bucket.
	Key string
	// Size is the object's length in bytes.
	Size int64
	// ModTime is when the object was last written, as the backend reports it.
	// Garbage collection uses it for its grace period.
	ModTime time.Time
}

// Driver is a backend that stores objects under keys. It is deliberately
// small so that a new backend is cheap to add and easy to prove: every
// implementation must pass the same conformance suite.
//
// Keys are '/'-separated relative paths checked by [ValidateKey]; a driver
// rejects any other key with ErrInvalidKey before touching storage. A key
// must not also be the leading path of another key ("a" and "a/b"), which a
// filesystem cannot hold; the Store's layouts never do that. A missing key
// is reported as an error satisfying errors.Is(err, fs.ErrNotExist).
type Driver interface {
	// Put stores the content of r under key, replacing any object there.
	// It is atomic: the key shows the old object or the whole new one, never
	// a part, and a Put that fails (including when r fails) leaves the key as
	// it was. A reader that opened the old object keeps reading the old
	// bytes.
	//
	// If size >= 0, Put stores exactly size bytes and fails if r ends sooner;
	// it does not read past them. If size is -1 it reads r to EOF. Either way
	// memory use is bounded, whatever the length.
	Put(ctx context.Context, key string, r io.Reader, size int64) error

	// Open reads length bytes of the object at key from offset; a negative
	// length reads to the end, and a range past the end is cut short. An
	// offset beyond the object's size fails with ErrRange; an offset equal to
	// it reads nothing.
	Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error)

	// Stat describes the object at key.
	Stat(ctx context.Context, key string) (Info, error)

	// Delete removes the object at key. Deleting a missing key succeeds, so
	// cleanup paths and garbage collection can retry freely.
	Delete(ctx context.Context, key string) error

	// List calls fn for every object whose key starts with prefix (a plain
	// string prefix, "" for all), in no particular order. It stops at, and
	// returns, the first error fn returns. Objects written or deleted during
	// the walk may or may not be seen.
	List(ctx context.Context, prefix string, fn func(Info) error) error

	// Ping reports whether the backend is reachable and usable, for the
	// readiness probe.
	Ping(ctx context.Context) error
}

// Mover is implemented by drivers that can rename an object atomically and
// cheaply. The Store uses it to commit a verified upload to its content
// address without copying it.
type Mover interface {
	// Move renames the object at from to to. It never replaces an object:
	// if to exists, both objects stay as they are and Move fails with an
	// error satisfying fs.ErrExist, so that committed content is never
	// swapped under a reader (on a shared filesystem a replaced file can
	// go stale under another node's open handle). A missing from fails
	// with an error satisfying fs.ErrNotExist.
	Move(ctx context.Context, from, to string) error
}

// TempSweeper is implemented by drivers that keep unfinished writes of
// their own out of List's sight (the filesystem's temporary files, S3's
// incomplete multipart uploads). A process killed mid-write leaves them
// behind, so they are swept by age.
type TempSweeper interface {
	// SweepTemp removes unfinished writes nothing was written to since
	// idleSince and returns how many it removed.
	SweepTemp(ctx context.Context, idleSince time.Time) (int, error)
}

// Appender is implemented by drivers that can extend an object in place
// (the filesystem). Unlike Put, WriteAt is not atomic: readers may see a
// partial object, so it is only for staging keys that one writer at a time
// owns, such as the chunks of a resumable upload.
type Appender interface {
	// WriteAt writes r (size bytes, or to EOF when size < 0) at offset of
	// the object at key, creating it when offset is 0, dropping anything
	// beyond offset first, and syncs it. It returns the bytes written. An
	// object shorter than offset is an error.
	WriteAt(ctx context.Context, key string, offset int64, r io.Reader, size int64) (int64, error)
}

// Presigner is implemented by drivers whose objects clients can fetch
// directly, so that downloads can be redirected instead of proxied.
type Presigner interface {
	// PresignGet returns a URL from which anyone holding it can GET the
	// object at key until ttl has passed. It does not check that the key
	// exists.
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
}

// maxKeyLen is S3's limit on a key's length in bytes; the filesystem driver
// applies it too, so a key valid on one backend is valid on every backend.
const maxKeyLen = 1024

// ValidateKey reports whether key is a valid object key, returning an error
// wrapping ErrInvalidKey if not.
//
// A key is one or more '/'-separated segments, each non-empty and not
// starting with '.', and contains no backslash, NUL or other control byte.
// That rules out "..", absolute paths and anything a filesystem could read
// as something other than a plain relative path, so a key can never escape
// a driver's root. Segments starting with '.' are reserved for the drivers'
// own bookkeeping (the filesystem driver keeps its unfinished writes in
// ".tmp"), which is harmless because keys are chosen by Kodera, not users.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	if len(key) > maxKeyLen {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, maxKeyLen)
	}
	return validatePath(key, false)
}

// validatePrefix checks a List prefix: like a key, except that it may be
// empty and its last segment may be empty or partial ("a/", "blobs/sha2").
func validatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if len(prefix) > maxKeyLen {
		return fmt.Errorf("%w: prefix longer than %d bytes", ErrInvalidKey, maxKeyLen)
	}
	return validatePath(prefix, true)
}

func validatePath(p string, prefix bool) error {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return fmt.Errorf("%w: %q contains a control byte or backslash", ErrInvalidKey, p)
		}
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		last := i == len(segs)-1
		switch {
		case s == "" && prefix && last:
			// "a/" as a prefix means everything under a.
		case s == "":
			return fmt.Errorf("%w: %q has an empty segment", ErrInvalidKey, p)
		case s[0] == '.':
			return fmt.Errorf("%w: %q has a segment starting with '.'", ErrInvalidKey, p)
		}
	}
	return nil
}

// exactReader yields exactly n bytes of r: it stops there, and fails if r
// ends sooner. The failure wraps io.ErrUnexpectedEOF rather than being it,
// because some readers up the stack (minio-go's part reader) take a bare
// io.ErrUnexpectedEOF as a normal short final part and retry the upload.
type exactReader struct {
	r io.Reader
	n int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= int64(n)
	if errors.Is(err, io.EOF) && e.n > 0 {
		err = fmt.Errorf("body ended %d bytes short of its declared size: %w", e.n, io.ErrUnexpectedEOF)
	}
	return n, err
}
