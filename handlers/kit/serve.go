package kit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kodera-packages/kodera/internal/blob"
)

// Content is what ServeBlob sends: stored bytes and what describes them.
type Content struct {
	// Size is the length in bytes.
	Size int64
	// ETag is the strong entity tag, quoted (for example `"<sha256>"`).
	ETag string
	// Modified is the Last-Modified time; zero leaves it out.
	Modified time.Time
	// ContentType is sent as is; "" means application/octet-stream.
	ContentType string
	// Attachment, when set, is the file name of a Content-Disposition:
	// attachment (see [Attachment]).
	Attachment string
	// Open returns the bytes [offset, offset+length). It is called before
	// any header goes out, so content the store lost is still a clean
	// error. A reader that implements io.WriterTo handing the destination
	// an *os.File (the filesystem store does) goes out with sendfile.
	Open func(ctx context.Context, offset, length int64) (io.ReadCloser, error)
	// StorageKey is the object's key in the store, for a presigned
	// redirect; "" never redirects.
	StorageKey string
	// Check, when set, runs on HEAD instead of Open: HEAD must not promise
	// content the store lost.
	Check func(ctx context.Context) error
}

// ServeBlob answers GET or HEAD of stored content, implementing RFC 9110:
// conditional requests (If-Match, If-Unmodified-Since, If-None-Match,
// If-Modified-Since, If-Range; 304 and 412), single ranges (206 with
// Content-Range) and multiple ranges (206 multipart/byteranges), 416 with
// Content-Range: bytes */<size> for a range nothing satisfies (returned as
// ErrRangeNotSatisfiable for the protocol to write; "bytes=-0" is one). A
// syntactically invalid Range, or one of another unit, is ignored (RFC
// 9110 §14.2) and the whole content served.
//
// With KODERA_STORAGE_REDIRECT on and a store that presigns (S3), a GET
// that passed the conditionals is answered with 307 to a short-lived
// presigned URL instead (HEAD is answered here); the client repeats its
// Range to the store, which supports it.
//
// The caller sets its own headers (Cache-Control, checksums, nosniff)
// before calling; ServeBlob sets ETag, Last-Modified, Content-Type,
// Content-Length, Accept-Ranges and Content-Disposition.
func (k *Kit) ServeBlob(w http.ResponseWriter, r *http.Request, c Content) error {
	hdr := w.Header()
	if c.ETag != "" {
		hdr.Set("ETag", c.ETag)
	}
	if !c.Modified.IsZero() {
		hdr.Set("Last-Modified", c.Modified.UTC().Format(http.TimeFormat))
	}
	if c.Attachment != "" {
		hdr.Set("Content-Disposition", Attachment(c.Attachment))
	}
	hdr.Set("Accept-Ranges", "bytes")
	ctype := c.ContentType
	if ctype == "" {
		ctype = "application/octet-stream"
	}

	switch precondition(r, c) {
	case http.StatusPreconditionFailed:
		return ErrPreconditionFailed
	case http.StatusNotModified:
		hdr.Del("Content-Type")
		hdr.Del("Content-Length")
		hdr.Del("Content-Disposition")
		w.WriteHeader(http.StatusNotModified)
		return nil
	}

	if r.Method == http.MethodGet && k.Redirect && c.StorageKey != "" {
		if url, ok := k.presign(r.Context(), c.StorageKey); ok {
			hdr.Set("Cache-Control", "no-store")
			for _, h := range []string{"ETag", "Last-Modified", "Accept-Ranges", "Content-Disposition"} {
				hdr.Del(h)
			}
			http.Redirect(w, r, url, http.StatusTemporaryRedirect)
			return nil
		}
	}

	var ranges []byteRange
	// An empty object has nothing to cut: it is served whole, as before
	// any range support (clients resuming a download of it expect 200).
	if rh := r.Header.Get("Range"); rh != "" && c.Size > 0 && ifRange(r, c) {
		var err error
		ranges, err = parseRanges(rh, c.Size)
		if err != nil {
			hdr.Set("Content-Range", fmt.Sprintf("bytes */%d", c.Size))
			return ErrRangeNotSatisfiable
		}
	}

	switch len(ranges) {
	case 0:
		return k.send(w, r, c, ctype, http.StatusOK, 0, c.Size)
	case 1:
		rg := ranges[0]
		hdr.Set("Content-Range", rg.contentRange(c.Size))
		return k.send(w, r, c, ctype, http.StatusPartialContent, rg.start, rg.length)
	}
	return k.sendMultipart(w, r, c, ctype, ranges)
}

// ErrPreconditionFailed is a failed If-Match or If-Unmodified-Since (412).
var ErrPreconditionFailed = errors.New("precondition failed")

// send writes one part of the content as the whole body.
func (k *Kit) send(w http.ResponseWriter, r *http.Request, c Content, ctype string, status int, offset, length int64) error {
	hdr := w.Header()
	if r.Method == http.MethodHead {
		if c.Check != nil {
			if err := c.Check(r.Context()); err != nil {
				return err
			}
		}
		hdr.Set("Content-Type", ctype)
		hdr.Set("Content-Length", strconv.FormatInt(length, 10))
		w.WriteHeader(status)
		return nil
	}
	body, err := c.Open(r.Context(), offset, length)
	if err != nil {
		return err
	}
	defer body.Close()
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Length", strconv.FormatInt(length, 10))
	w.WriteHeader(status)
	if _, err := io.Copy(w, body); err != nil && r.Context().Err() == nil {
		// The status is out; all that is left is to say so in the log.
		k.Log.WarnContext(r.Context(), "download cut short", "path", r.URL.Path, "err", err)
	}
	return nil
}

// sendMultipart writes several ranges as multipart/byteranges.
func (k *Kit) sendMultipart(w http.ResponseWriter, r *http.Request, c Content, ctype string, ranges []byteRange) error {
	// The length is known up front: the part headers as the writer will
	// write them, plus the parts.
	var n countingWriter
	mw := multipart.NewWriter(&n)
	boundary := mw.Boundary()
	var total int64
	for _, rg := range ranges {
		_, _ = mw.CreatePart(rg.partHeader(ctype, c.Size))
		total += rg.length
	}
	_ = mw.Close()
	total += int64(n)
	hdr := w.Header()
	hdr.Set("Content-Type", "multipart/byteranges; boundary="+boundary)
	hdr.Set("Content-Length", strconv.FormatInt(total, 10))
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusPartialContent)
		return nil
	}
	// The first part is opened before the status goes out, so a lost
	// object is still a clean error.
	first, err := c.Open(r.Context(), ranges[0].start, ranges[0].length)
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusPartialContent)
	mw = multipart.NewWriter(w)
	_ = mw.SetBoundary(boundary)
	err = func() error {
		for i, rg := range ranges {
			part, err := mw.CreatePart(rg.partHeader(ctype, c.Size))
			if err != nil {
				first.Close()
				return err
			}
			body := first
			if i > 0 {
				if body, err = c.Open(r.Context(), rg.start, rg.length); err != nil {
					return err
				}
			}
			_, err = io.Copy(part, body)
			body.Close()
			if err != nil {
				return err
			}
		}
		return mw.Close()
	}()
	if err != nil && r.Context().Err() == nil {
		k.Log.WarnContext(r.Context(), "download cut short", "path", r.URL.Path, "err", err)
	}
	return nil
}

// presign asks the store for a presigned URL; false when it cannot.
func (k *Kit) presign(ctx context.Context, key string) (string, bool) {
	if k.Blobs == nil {
		return "", false
	}
	ps, ok := k.Blobs.Driver().(blob.Presigner)
	if !ok {
		return "", false
	}
	url, err := ps.PresignGet(ctx, key, k.RedirectTTL)
	if err != nil {
		k.Log.WarnContext(ctx, "presigning failed; streaming instead", "key", key, "err", err)
		return "", false
	}
	return url, true
}

// byteRange is one satisfiable range.
type byteRange struct{ start, length int64 }

func (rg byteRange) contentRange(size int64) string {
	return fmt.Sprintf("bytes %d-%d/%d", rg.start, rg.start+rg.length-1, size)
}

func (rg byteRange) partHeader(ctype string, size int64) textproto.MIMEHeader {
	return textproto.MIMEHeader{"Content-Range": {rg.contentRange(size)}, "Content-Type": {ctype}}
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// maxRanges bounds the ranges of one request: more is a denial-of-service
// pattern (RFC 9110 §14.2), not a client need.
const maxRanges = 64

// errIgnore marks a Range header to ignore (invalid, or another unit).
var errIgnore = errors.New("ignore range")

// parseRanges parses a Range header (RFC 9110 §14.1.2) against size. An
// invalid header, another unit, too many ranges or ranges adding up to more
// than the content (overlap) yield no ranges: the whole content is sent.
// Ranges none of which is satisfiable, suffix "-0" included, are
// ErrRangeNotSatisfiable.
func parseRanges(h string, size int64) ([]byteRange, error) {
	rs, err := parseRangeSpecs(h, size)
	if errors.Is(err, errIgnore) {
		return nil, nil
	}
	return rs, err
}

func parseRangeSpecs(h string, size int64) ([]byteRange, error) {
	unit, set, ok := strings.Cut(h, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return nil, errIgnore
	}
	specs := strings.Split(set, ",")
	if len(specs) > maxRanges {
		return nil, errIgnore
	}
	var out []byteRange
	var sum int64
	over := false // sum would pass size; compared as size-sum so it cannot overflow
	for _, spec := range specs {
		spec = strings.TrimSpace(spec)
		if spec == "" {
			continue // RFC 9110 allows empty list elements
		}
		a, b, ok := strings.Cut(spec, "-")
		if !ok {
			return nil, errIgnore
		}
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		var rg byteRange
		if a == "" {
			n, err := parseDigits(b)
			if err != nil {
				return nil, errIgnore
			}
			if n == 0 || size == 0 {
				continue // a zero-length suffix selects nothing
			}
			rg = byteRange{max(size-n, 0), min(n, size)}
		} else {
			start, err := parseDigits(a)
			if err != nil {
				return nil, errIgnore
			}
			end := size - 1
			if b != "" {
				if end, err = parseDigits(b); err != nil {
					return nil, errIgnore
				}
				if end < start {
					// RFC 9110 would ignore it; registries answer 416, as
					// net/http does and the OCI conformance suite expects.
					return nil, ErrRangeNotSatisfiable
				}
				end = min(end, size-1)
			}
			if start >= size {
				continue
			}
			rg = byteRange{start, end - start + 1}
		}
		if rg.length > size-sum {
			over = true
		} else {
			sum += rg.length
		}
		out = append(out, rg)
	}
	if len(out) == 0 {
		return nil, ErrRangeNotSatisfiable
	}
	if over {
		return nil, errIgnore
	}
	return out, nil
}

// parseDigits parses 1*DIGIT, nothing else (no sign, no spaces).
func parseDigits(s string) (int64, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(s, 10, 64)
}

// precondition evaluates the conditional headers in RFC 9110 §13.2.2's
// order: 412, 304, or 0 to go on.
func precondition(r *http.Request, c Content) int {
	if im := r.Header.Get("If-Match"); im != "" {
		if !matchETag(im, c.ETag, true) {
			return http.StatusPreconditionFailed
		}
	} else if ius := r.Header.Get("If-Unmodified-Since"); ius != "" && !c.Modified.IsZero() {
		if t, err := http.ParseTime(ius); err == nil && c.Modified.Truncate(time.Second).After(t) {
			return http.StatusPreconditionFailed
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return 0
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if matchETag(inm, c.ETag, false) {
			return http.StatusNotModified
		}
		return 0
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !c.Modified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !c.Modified.Truncate(time.Second).After(t) {
			return http.StatusNotModified
		}
	}
	return 0
}

// ifRange reports whether a Range applies under If-Range: only when the
// validator still matches (a strong ETag, or exactly the modification
// date).
func ifRange(r *http.Request, c Content) bool {
	ir := strings.TrimSpace(r.Header.Get("If-Range"))
	if ir == "" {
		return true
	}
	if strings.HasPrefix(ir, `"`) || strings.HasPrefix(ir, "W/") {
		return c.ETag != "" && ir == c.ETag
	}
	t, err := http.ParseTime(ir)
	return err == nil && !c.Modified.IsZero() && c.Modified.Truncate(time.Second).Equal(t)
}

// matchETag compares a list of entity tags (or "*") with etag: strongly
// for If-Match, weakly for If-None-Match.
func matchETag(list, etag string, strong bool) bool {
	if strings.TrimSpace(list) == "*" {
		return etag != ""
	}
	if etag == "" {
		return false
	}
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if strong && strings.HasPrefix(t, "W/") {
			continue
		}
		if strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// Attachment returns a Content-Disposition value that makes browsers save
// the content under name: an ASCII-only quoted fallback (anything else,
// quotes, backslashes and '%' become '_') and, when the name needs it, the
// exact name as RFC 8187 UTF-8 (filename*).
func Attachment(name string) string {
	var ascii strings.Builder
	plain := true
	for _, r := range name {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' {
			ascii.WriteByte('_')
			plain = false
			continue
		}
		ascii.WriteRune(r)
	}
	v := `attachment; filename="` + ascii.String() + `"`
	if !plain && utf8.ValidString(name) {
		v += "; filename*=UTF-8''" + rfc8187(name)
	}
	return v
}

// rfc8187 percent-encodes all but RFC 8187's attr-char.
func rfc8187(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// ReadSeekerOpener adapts content read through an io.ReadSeeker (such as
// files.Content) to [Content.Open]. The section it returns hands the
// destination an *io.LimitedReader over rs itself, so a reader that
// supports sendfile (syscall.Conn) keeps it.
func ReadSeekerOpener(rs io.ReadSeeker) func(ctx context.Context, offset, length int64) (io.ReadCloser, error) {
	return func(_ context.Context, offset, length int64) (io.ReadCloser, error) {
		if _, err := rs.Seek(offset, io.SeekStart); err != nil {
			return nil, err
		}
		if p, ok := rs.(Preparer); ok {
			if err := p.Prepare(); err != nil {
				return nil, err
			}
		}
		return section{&io.LimitedReader{R: rs, N: length}}, nil
	}
}

// Preparer is a ReadSeeker that opens its source lazily (on the first
// Read); Prepare opens it at the current position, so that a missing or
// unreachable object is an error before the status goes out, not a
// truncated body after it.
type Preparer interface{ Prepare() error }

// section is part of a ReadSeeker; closing it leaves the reader open (its
// owner closes it).
type section struct{ *io.LimitedReader }

func (section) Close() error { return nil }

// WriteTo passes the limited reader on, so the destination's ReadFrom (a
// TCP connection's, through the response) sees the underlying reader.
func (s section) WriteTo(w io.Writer) (int64, error) {
	if rf, ok := w.(io.ReaderFrom); ok {
		return rf.ReadFrom(s.LimitedReader)
	}
	return io.Copy(w, s.LimitedReader)
}
