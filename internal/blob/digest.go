package blob

import (
	"crypto/md5"  //nolint:gosec // Needed for legacy checksums (npm, Maven), never for identity.
	"crypto/sha1" //nolint:gosec // As above.
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"strings"
)

// Algorithm names a hash function, spelled as in digest strings.
type Algorithm string

// The algorithms the Store can compute. SHA256 identifies content; the
// others exist because package formats publish them (sha512 in npm
// integrity strings, sha1 and md5 in Maven and older formats).
const (
	SHA256 Algorithm = "sha256"
	SHA512 Algorithm = "sha512"
	SHA1   Algorithm = "sha1"
	MD5    Algorithm = "md5"
)

// newHash returns a fresh hash for a, or nil if a is not supported.
func (a Algorithm) newHash() hash.Hash {
	switch a {
	case SHA256:
		return sha256.New()
	case SHA512:
		return sha512.New()
	case SHA1:
		return sha1.New() //nolint:gosec // See the import.
	case MD5:
		return md5.New() //nolint:gosec // See the import.
	}
	return nil
}

// hexLen is the length of a's digest in hex, or 0 if a may not appear in a
// digest string. Only the SHA-2 algorithms may: a sha1 or md5 "digest" could
// be forged, so nothing should be addressed by one.
func (a Algorithm) hexLen() int {
	switch a {
	case SHA256:
		return sha256.Size * 2
	case SHA512:
		return sha512.Size * 2
	}
	return 0
}

// Digest is a parsed "<algorithm>:<hex>" content digest, as used by OCI and
// as stored in the blobs table.
type Digest struct {
	Algorithm Algorithm
	// Hex is the digest in lowercase hex.
	Hex string
}

// String returns the digest as "<algorithm>:<hex>".
func (d Digest) String() string {
	return string(d.Algorithm) + ":" + d.Hex
}

// ParseDigest parses "sha256:<64 lowercase hex>" or "sha512:<128 lowercase
// hex>". It rejects uppercase hex rather than folding it, because digests
// are compared and stored as strings: two spellings of one digest would be
// two rows. Errors wrap ErrInvalidDigest.
func ParseDigest(s string) (Digest, error) {
	alg, hexs, ok := strings.Cut(s, ":")
	if !ok {
		return Digest{}, fmt.Errorf("%w: %q has no algorithm", ErrInvalidDigest, s)
	}
	a := Algorithm(alg)
	n := a.hexLen()
	if n == 0 {
		return Digest{}, fmt.Errorf("%w: unsupported algorithm %q", ErrInvalidDigest, alg)
	}
	if len(hexs) != n {
		return Digest{}, fmt.Errorf("%w: %s digest must have %d hex digits, got %d", ErrInvalidDigest, alg, n, len(hexs))
	}
	for i := 0; i < len(hexs); i++ {
		if c := hexs[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return Digest{}, fmt.Errorf("%w: %q is not lowercase hex", ErrInvalidDigest, s)
		}
	}
	return Digest{Algorithm: a, Hex: hexs}, nil
}

// ContentKey returns the filesystem content address of a digest,
// "blobs/<algorithm>/<first 2 hex>/<hex>". The two-digit shard keeps
// directories to a few thousand entries per million blobs. For a malformed
// digest it returns "", which every driver rejects as ErrInvalidKey, so a
// bad digest can never address an object.
func ContentKey(digest string) string {
	d, err := ParseDigest(digest)
	if err != nil {
		return ""
	}
	return "blobs/" + string(d.Algorithm) + "/" + d.Hex[:2] + "/" + d.Hex
}
