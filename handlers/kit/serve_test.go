package kit

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const blobData = "0123456789abcdefghij" // 20 bytes

var blobModified = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func testContent() Content {
	return Content{
		Size: int64(len(blobData)), ETag: `"abc"`, Modified: blobModified, ContentType: "text/plain", Attachment: "a.txt",
		Open: func(_ context.Context, offset, length int64) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(blobData[offset : offset+length])), nil
		},
	}
}

func serve(t *testing.T, c Content, method string, hdr ...string) (*httptest.ResponseRecorder, error) {
	t.Helper()
	r := httptest.NewRequest(method, "/x", nil)
	for i := 0; i < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	err := New(Deps{Log: slog.New(slog.DiscardHandler)}).ServeBlob(w, r, c)
	return w, err
}

// TestServeBlobRanges: RFC 9110 ranges, including the cases the old code
// paths got wrong: "bytes=-0" is 416 (it was a 206 with an empty body on
// /api/files), and an unsatisfiable range is ErrRangeNotSatisfiable (OCI
// answered it as an upload error).
func TestServeBlobRanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, rng    string
		status       int
		body, cRange string
		err          error
	}{
		{name: "none", rng: "", status: 200, body: blobData},
		{name: "first bytes", rng: "bytes=0-3", status: 206, body: "0123", cRange: "bytes 0-3/20"},
		{name: "open end", rng: "bytes=15-", status: 206, body: "fghij", cRange: "bytes 15-19/20"},
		{name: "end past size", rng: "bytes=18-100", status: 206, body: "ij", cRange: "bytes 18-19/20"},
		{name: "suffix", rng: "bytes=-3", status: 206, body: "hij", cRange: "bytes 17-19/20"},
		{name: "suffix over size", rng: "bytes=-50", status: 206, body: blobData, cRange: "bytes 0-19/20"},
		{name: "spaces and case", rng: "Bytes = 1-2", status: 206, body: "12", cRange: "bytes 1-2/20"},
		{name: "zero suffix", rng: "bytes=-0", err: ErrRangeNotSatisfiable, cRange: "bytes */20"},
		{name: "start past end", rng: "bytes=20-", err: ErrRangeNotSatisfiable, cRange: "bytes */20"},
		{name: "all unsatisfiable", rng: "bytes=30-40,-0", err: ErrRangeNotSatisfiable, cRange: "bytes */20"},
		{name: "one satisfiable of two", rng: "bytes=30-40,2-3", status: 206, body: "23", cRange: "bytes 2-3/20"},
		{name: "garbage ignored", rng: "bytes=abc", status: 200, body: blobData},
		{name: "reversed", rng: "bytes=5-2", err: ErrRangeNotSatisfiable, cRange: "bytes */20"},
		{name: "sign ignored", rng: "bytes=+1-2", status: 200, body: blobData},
		{name: "other unit ignored", rng: "items=0-1", status: 200, body: blobData},
		{name: "overlap over size ignored", rng: "bytes=0-15,5-19", status: 200, body: blobData},
		{name: "too many ranges ignored", rng: "bytes=" + strings.Repeat("0-0,", maxRanges) + "1-1", status: 200, body: blobData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := serve(t, testContent(), http.MethodGet, "Range", tc.rng)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				require.Equal(t, tc.cRange, w.Header().Get("Content-Range"))
				require.False(t, w.Flushed)
				require.Empty(t, w.Body.String())
				status, _ := Status(err)
				require.Equal(t, http.StatusRequestedRangeNotSatisfiable, status)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.status, w.Code)
			require.Equal(t, tc.body, w.Body.String())
			require.Equal(t, tc.cRange, w.Header().Get("Content-Range"))
			require.Equal(t, "bytes", w.Header().Get("Accept-Ranges"))
		})
	}
}

// TestServeBlobEmpty: an empty object is served whole whatever the Range.
func TestServeBlobEmpty(t *testing.T) {
	t.Parallel()
	c := testContent()
	c.Size = 0
	w, err := serve(t, c, http.MethodGet, "Range", "bytes=0-")
	require.NoError(t, err)
	require.Equal(t, 200, w.Code)
	require.Equal(t, "0", w.Header().Get("Content-Length"))
}

// TestServeBlobMultipart: several ranges are a multipart/byteranges body
// whose declared length is exact.
func TestServeBlobMultipart(t *testing.T) {
	t.Parallel()
	w, err := serve(t, testContent(), http.MethodGet, "Range", "bytes=0-1, 10-12,-2")
	require.NoError(t, err)
	require.Equal(t, http.StatusPartialContent, w.Code)
	require.Equal(t, strconv.Itoa(w.Body.Len()), w.Header().Get("Content-Length"))
	mt, params, err := mime.ParseMediaType(w.Header().Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/byteranges", mt)
	mr := multipart.NewReader(w.Body, params["boundary"])
	var got []string
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		require.Equal(t, "text/plain", p.Header.Get("Content-Type"))
		got = append(got, p.Header.Get("Content-Range")+" "+string(b))
	}
	require.Equal(t, []string{"bytes 0-1/20 01", "bytes 10-12/20 abc", "bytes 18-19/20 ij"}, got)

	// HEAD declares the same length without a body.
	h, err := serve(t, testContent(), http.MethodHead, "Range", "bytes=0-1, 10-12,-2")
	require.NoError(t, err)
	require.Equal(t, w.Header().Get("Content-Length"), h.Header().Get("Content-Length"))
	require.Zero(t, h.Body.Len())
}

// TestServeBlobConditional: RFC 9110 §13 preconditions, in their order.
func TestServeBlobConditional(t *testing.T) {
	t.Parallel()
	later := blobModified.Add(time.Hour).Format(http.TimeFormat)
	earlier := blobModified.Add(-time.Hour).Format(http.TimeFormat)
	for _, tc := range []struct {
		name   string
		hdr    []string
		status int
		err    error
	}{
		{name: "if-none-match", hdr: []string{"If-None-Match", `"abc"`}, status: 304},
		{name: "if-none-match list weak", hdr: []string{"If-None-Match", `"x", W/"abc"`}, status: 304},
		{name: "if-none-match star", hdr: []string{"If-None-Match", `*`}, status: 304},
		{name: "if-none-match other", hdr: []string{"If-None-Match", `"x"`}, status: 200},
		{name: "if-none-match wins over if-modified-since", hdr: []string{"If-None-Match", `"x"`, "If-Modified-Since", later}, status: 200},
		{name: "if-modified-since later", hdr: []string{"If-Modified-Since", later}, status: 304},
		{name: "if-modified-since same", hdr: []string{"If-Modified-Since", blobModified.Format(http.TimeFormat)}, status: 304},
		{name: "if-modified-since earlier", hdr: []string{"If-Modified-Since", earlier}, status: 200},
		{name: "if-match", hdr: []string{"If-Match", `"abc"`}, status: 200},
		{name: "if-match weak never", hdr: []string{"If-Match", `W/"abc"`}, err: ErrPreconditionFailed},
		{name: "if-match other", hdr: []string{"If-Match", `"x"`}, err: ErrPreconditionFailed},
		{name: "if-unmodified-since earlier", hdr: []string{"If-Unmodified-Since", earlier}, err: ErrPreconditionFailed},
		{name: "if-range etag", hdr: []string{"Range", "bytes=0-1", "If-Range", `"abc"`}, status: 206},
		{name: "if-range stale etag", hdr: []string{"Range", "bytes=0-1", "If-Range", `"x"`}, status: 200},
		{name: "if-range date", hdr: []string{"Range", "bytes=0-1", "If-Range", blobModified.Format(http.TimeFormat)}, status: 206},
		{name: "if-range other date", hdr: []string{"Range", "bytes=0-1", "If-Range", earlier}, status: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := serve(t, testContent(), http.MethodGet, tc.hdr...)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				status, _ := Status(err)
				require.Equal(t, http.StatusPreconditionFailed, status)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.status, w.Code)
			if tc.status == 304 {
				require.Empty(t, w.Body.String())
				require.Equal(t, `"abc"`, w.Header().Get("ETag"))
			}
		})
	}
}

// TestServeBlobHeaders: the describing headers, HEAD without a body, and
// HEAD's store check.
func TestServeBlobHeaders(t *testing.T) {
	t.Parallel()
	w, err := serve(t, testContent(), http.MethodGet)
	require.NoError(t, err)
	h := w.Header()
	require.Equal(t, `"abc"`, h.Get("ETag"))
	require.Equal(t, blobModified.Format(http.TimeFormat), h.Get("Last-Modified"))
	require.Equal(t, "text/plain", h.Get("Content-Type"))
	require.Equal(t, "20", h.Get("Content-Length"))
	require.Equal(t, `attachment; filename="a.txt"`, h.Get("Content-Disposition"))

	w, err = serve(t, testContent(), http.MethodHead)
	require.NoError(t, err)
	require.Equal(t, "20", w.Header().Get("Content-Length"))
	require.Zero(t, w.Body.Len())

	lost := errors.New("lost")
	c := testContent()
	c.Check = func(context.Context) error { return lost }
	_, err = serve(t, c, http.MethodHead)
	require.ErrorIs(t, err, lost)
	c.Open = func(context.Context, int64, int64) (io.ReadCloser, error) { return nil, lost }
	w, err = serve(t, c, http.MethodGet)
	require.ErrorIs(t, err, lost)
	require.False(t, w.Flushed, "nothing written before a failed open")
}

// recordingWriter is a destination with ReadFrom, as a TCP connection is.
type recordingWriter struct {
	bytes.Buffer
	from io.Reader
}

func (w *recordingWriter) ReadFrom(r io.Reader) (int64, error) {
	w.from = r
	return w.Buffer.ReadFrom(r)
}

// TestReadSeekerOpenerKeepsSendfile: the section handed to the response
// passes an *io.LimitedReader over the original reader to ReadFrom, which
// is what lets the kernel send a local file (net's sendfile looks through
// exactly that shape).
func TestReadSeekerOpenerKeepsSendfile(t *testing.T) {
	t.Parallel()
	rs := strings.NewReader(blobData)
	rc, err := ReadSeekerOpener(rs)(context.Background(), 5, 4)
	require.NoError(t, err)
	var w recordingWriter
	n, err := io.Copy(&w, rc)
	require.NoError(t, err)
	require.Equal(t, int64(4), n)
	require.Equal(t, "5678", w.String())
	lr, ok := w.from.(*io.LimitedReader)
	require.True(t, ok, "ReadFrom got %T", w.from)
	require.Same(t, rs, lr.R)
}

// TestAttachment: the ASCII fallback and the RFC 8187 name.
func TestAttachment(t *testing.T) {
	t.Parallel()
	require.Equal(t, `attachment; filename="a b.txt"`, Attachment("a b.txt"))
	require.Equal(t, `attachment; filename="caf_ _x_.bin"; filename*=UTF-8''caf%C3%A9%20%22x%22.bin`, Attachment(`café "x".bin`))
	require.Equal(t, `attachment; filename="100_"; filename*=UTF-8''100%25`, Attachment("100%"))
}
