package kit

import (
	"io"
	"net/http"
)

// LimitBody bounds what a request body may add to an object that already
// holds offset bytes (0 for a whole upload, a resumable upload's offset for
// its next chunk) under KODERA_MAX_UPLOAD_BYTES: a declared length over the
// limit is ErrTooLarge before anything is read, and a body that grows past
// it while streaming fails with *http.MaxBytesError. Both are 413 in
// [Status]. It is the one upload limit of every protocol.
func (k *Kit) LimitBody(w http.ResponseWriter, r *http.Request, offset int64) (io.ReadCloser, error) {
	if k.MaxUploadBytes <= 0 {
		return r.Body, nil
	}
	remaining := max(k.MaxUploadBytes-offset, 0)
	if r.ContentLength > remaining {
		return nil, ErrTooLarge
	}
	return http.MaxBytesReader(w, r.Body, remaining), nil
}
