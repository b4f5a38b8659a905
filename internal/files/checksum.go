package files

import (
	"crypto/md5"  //nolint:gosec // A published checksum, never an identity.
	"crypto/sha1" //nolint:gosec // As above.
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"strings"

	"github.com/kodera-packages/kodera/internal/domain"
)

// Checksums are the digests a client claims for an upload, lowercase hex;
// "" claims nothing.
type Checksums struct {
	SHA256, SHA1, MD5 string
}

// normalize lowercases and checks the claimed digests' form.
func (c *Checksums) normalize() error {
	for _, f := range []struct {
		name string
		v    *string
		n    int
	}{{"sha256", &c.SHA256, 64}, {"sha1", &c.SHA1, 40}, {"md5", &c.MD5, 32}} {
		*f.v = strings.ToLower(strings.TrimSpace(*f.v))
		if *f.v == "" {
			continue
		}
		if _, err := hex.DecodeString(*f.v); err != nil || len(*f.v) != f.n {
			return domain.Errorf(domain.ErrInvalid, "%s checksum must be %d hex digits", f.name, f.n)
		}
	}
	return nil
}

// sumReader computes the SHA-1 and MD5 of everything read through it (the
// blob store computes the SHA-256) and, on reaching the end, fails the read
// instead of returning io.EOF if they differ from the claimed ones. The
// store then discards what it wrote, so a bad upload leaves nothing behind.
type sumReader struct {
	r         io.Reader
	sha1, md5 hash.Hash
	w         io.Writer
	want      Checksums
	done      bool
	err       error
}

func newSumReader(r io.Reader, want Checksums) *sumReader {
	s := &sumReader{r: r, sha1: sha1.New(), md5: md5.New(), want: want} //nolint:gosec // See the import.
	s.w = io.MultiWriter(s.sha1, s.md5)
	return s
}

func (s *sumReader) Read(p []byte) (int, error) {
	if s.done {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	if n > 0 {
		s.w.Write(p[:n]) // hash writes never fail
	}
	if errors.Is(err, io.EOF) {
		s.done, s.err = true, io.EOF
		switch {
		case s.want.SHA1 != "" && s.want.SHA1 != s.SHA1():
			s.err = domain.Errorf(domain.ErrInvalid, "checksum mismatch: X-Checksum-Sha1 is %s, content has %s", s.want.SHA1, s.SHA1())
		case s.want.MD5 != "" && s.want.MD5 != s.MD5():
			s.err = domain.Errorf(domain.ErrInvalid, "checksum mismatch: X-Checksum-Md5 is %s, content has %s", s.want.MD5, s.MD5())
		}
		return n, s.err
	}
	return n, err
}

// SHA1 returns the SHA-1 of what was read, in hex.
func (s *sumReader) SHA1() string { return hex.EncodeToString(s.sha1.Sum(nil)) }

// MD5 returns the MD5 of what was read, in hex.
func (s *sumReader) MD5() string { return hex.EncodeToString(s.md5.Sum(nil)) }
