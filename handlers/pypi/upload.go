package pypi

import (
	"errors"
	"io"
	"net/http"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/pypi"
)

// Bounds on the form fields around the file: the description can be long
// (it is the project's README), nothing else is.
const (
	maxFieldBytes = 8 << 20
	maxFormBytes  = 16 << 20
)

// upload implements the legacy upload API (POST /api/python/{repo}/ with
// ":action=file_upload", what twine and uv send): a multipart/form-data
// body whose "content" part is the file, streamed into the blob store as
// it arrives; the fields before it are checked first, so a duplicate or a
// bad name is refused before the file is read. Answers 200 "OK", or a plain
// text 400 (bad form, name, version, file name, digest or archive), 403,
// 409 (the file name exists, or existed) or 413.
func (h *handler) upload(w http.ResponseWriter, r *http.Request, req *request) error {
	ctx := r.Context()
	body, err := h.Kit.LimitBody(w, r, 0)
	if err != nil {
		return err
	}
	if limit := h.MaxUploadBytes; limit > 0 && r.ContentLength > limit+maxFormBytes {
		// Refused before anything is read; the file part itself is
		// bounded exactly below (the form around it has its own bound).
		return kit.ErrTooLarge
	}
	r.Body = body
	mr, err := r.MultipartReader()
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "expected a multipart/form-data body (the upload API twine speaks)")
	}
	form := pypi.Form{}
	var in *pypi.Ingested
	formBytes := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return malformed(err)
		}
		name := part.FormName()
		switch {
		case name == "content":
			if in != nil {
				return domain.Errorf(domain.ErrInvalid, "the form has more than one content field")
			}
			if err := h.PyPI.Precheck(ctx, req.repo, form, part.FileName()); err != nil {
				return err
			}
			var content io.Reader = part
			if h.MaxUploadBytes > 0 {
				content = &limitedReader{r: part, left: h.MaxUploadBytes, limit: h.MaxUploadBytes}
			}
			got, err := h.PyPI.Ingest(ctx, form, part.FileName(), content)
			if err != nil {
				return malformed(err)
			}
			in = &got
		case part.FileName() != "":
			// A detached signature (gpg_signature, attestations): not kept,
			// PyPI itself ignores them now.
			if _, err := io.Copy(io.Discard, io.LimitReader(part, maxFieldBytes)); err != nil {
				return malformed(err)
			}
		default:
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return malformed(err)
			}
			formBytes += len(b)
			if len(b) > maxFieldBytes || formBytes > maxFormBytes {
				return domain.Errorf(domain.ErrInvalid, "form field %q is too large", name)
			}
			form[name] = append(form[name], string(b))
		}
		part.Close()
	}
	if a := form.Get(":action"); a != "" && a != "file_upload" {
		return domain.Errorf(domain.ErrInvalid, "unsupported :action %q: only file_upload", a)
	}
	if in == nil {
		return domain.Errorf(domain.ErrInvalid, "the form has no content field (the file to upload)")
	}
	if _, err := h.PyPI.Publish(ctx, req.repo, form, *in); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("OK\n"))
	return nil
}

// malformed passes the upload limit's error and domain errors through and
// calls anything else a malformed body.
func malformed(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) || errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrConflict) {
		return err
	}
	if _, ok := domain.PublicMessage(err); ok {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || isMultipart(err) {
		return domain.Errorf(domain.ErrInvalid, "malformed multipart body")
	}
	return err
}

func isMultipart(err error) bool {
	s := err.Error()
	return len(s) >= 10 && s[:10] == "multipart:"
}

// limitedReader fails with *http.MaxBytesError (413 in the kit's table)
// once more than limit bytes were read.
type limitedReader struct {
	r           io.Reader
	left, limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, &http.MaxBytesError{Limit: l.limit}
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, &http.MaxBytesError{Limit: l.limit}
	}
	return n, err
}
