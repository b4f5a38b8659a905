package kit

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
)

// presigningDriver is a store that only presigns (as S3 does).
type presigningDriver struct {
	blob.Driver
	ttl time.Duration
}

func (d *presigningDriver) PresignGet(_ context.Context, key string, ttl time.Duration) (string, error) {
	d.ttl = ttl
	return "https://s3.example.com/bucket/" + key + "?X-Amz-Signature=sig", nil
}

// TestServeBlobRedirect: with KODERA_STORAGE_REDIRECT a GET goes to the
// presigned URL (short-lived, never cached); HEAD, a store that cannot
// presign, content without a key and the default (off) all stream.
func TestServeBlobRedirect(t *testing.T) {
	t.Parallel()
	d := &presigningDriver{}
	log := slog.New(slog.DiscardHandler)
	on := New(Deps{Log: log, Blobs: blob.NewStore(d), Redirect: true})
	c := testContent()
	c.StorageKey = "objects/abc"

	do := func(k *Kit, c Content, method string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		require.NoError(t, k.ServeBlob(w, httptest.NewRequest(method, "/x", nil), c))
		return w
	}
	w := do(on, c, http.MethodGet)
	require.Equal(t, http.StatusTemporaryRedirect, w.Code)
	require.Equal(t, "https://s3.example.com/bucket/objects/abc?X-Amz-Signature=sig", w.Header().Get("Location"))
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	require.Equal(t, time.Minute, d.ttl)

	require.Equal(t, http.StatusOK, do(on, c, http.MethodHead).Code)
	noKey := testContent()
	require.Equal(t, http.StatusOK, do(on, noKey, http.MethodGet).Code)
	off := New(Deps{Log: log, Blobs: blob.NewStore(d)})
	require.Equal(t, http.StatusOK, do(off, c, http.MethodGet).Code)
	fs := New(Deps{Log: log, Blobs: blob.NewStore(plainDriver{}), Redirect: true})
	w = do(fs, c, http.MethodGet)
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, blobData, w.Body.String())
}

// plainDriver cannot presign (as the filesystem store).
type plainDriver struct{ blob.Driver }
