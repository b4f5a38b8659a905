package files

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/files"
)

var (
	errPrecondition = errors.New("the path exists (If-None-Match: *)")
	errIfMatch      = errors.New("the stored file does not match If-Match")
)

// fileJSON describes a stored file in upload responses, in the REST API's
// dialect (spec/openapi.yaml FileDetails): one set of field names for a
// file, whichever surface answers.
type fileJSON struct {
	Repository  string     `json:"repository"`
	Name        string     `json:"name"`
	Path        string     `json:"path"`
	Folder      bool       `json:"folder"`
	Size        int64      `json:"size"`
	SHA256      string     `json:"sha256,omitempty"`
	SHA1        string     `json:"sha1,omitempty"`
	MD5         string     `json:"md5,omitempty"`
	ContentType string     `json:"contentType,omitempty"`
	UploadedBy  string     `json:"uploadedBy,omitempty"`
	CreatedAt   *time.Time `json:"createdAt,omitempty"`
	ModifiedAt  time.Time  `json:"modifiedAt"`
	DownloadURL string     `json:"downloadUrl,omitempty"`
}

// entryJSON is one item of a folder listing (spec FileEntry).
type entryJSON struct {
	Name       string    `json:"name"`
	Path       string    `json:"path"`
	Folder     bool      `json:"folder"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256,omitempty"`
	ModifiedAt time.Time `json:"modifiedAt"`
}

// listJSON is a folder listing (spec FileList).
type listJSON struct {
	Repository string      `json:"repository"`
	Path       string      `json:"path"`
	Items      []entryJSON `json:"items"`
	NextCursor string      `json:"nextCursor,omitempty"`
}

func (h *handler) describe(req *request, e files.Entry) fileJSON {
	j := fileJSON{
		Repository: req.repo.Name, Path: e.Path, Name: e.Name, Folder: e.Folder, Size: e.Size, ModifiedAt: e.Modified.UTC(),
		SHA256: e.SHA256(), SHA1: e.SHA1, MD5: e.MD5, ContentType: e.ContentType, UploadedBy: e.UploadedBy,
	}
	if !e.Created.IsZero() {
		c := e.Created.UTC()
		j.CreatedAt = &c
	}
	if !e.Folder {
		j.DownloadURL = DownloadURL(h.BaseURL, req.repo.Name, e.Path)
	}
	return j
}

// overrideRefused reports ?override=false (or 0/no), or the standard
// If-None-Match: * (RFC 9110 §13.1.2): do not replace an existing file.
func overrideRefused(r *http.Request) bool {
	v := r.URL.Query().Get("override")
	return v == "false" || v == "0" || v == "no" || strings.TrimSpace(r.Header.Get("If-None-Match")) == "*"
}

// put implements PUT /api/files/{repo}/{path}: the body becomes the file at
// path, streamed to the blob store in one pass (Content-Length or chunked).
// X-Checksum-Sha256, X-Checksum-Sha1 and X-Checksum-Md5 are verified (400
// and nothing stored on a mismatch). Overwriting answers 409 in an
// immutable repository or with ?override=false or If-None-Match: *, unless
// X-Checksum-Sha256 shows the content is the same. A path ending in '/' creates a folder instead.
func (h *handler) put(w http.ResponseWriter, r *http.Request, req *request) error {
	ctx := r.Context()
	if req.path == "" {
		return domain.Errorf(domain.ErrInvalid, "a file path is required")
	}
	if req.slash {
		if hasBody(r) {
			// Creating the folder and dropping the body would lose the
			// upload silently; the client most likely forgot the name.
			return domain.Errorf(domain.ErrInvalid, "%s/ names a folder and takes no body: to upload a file, add its name after the slash", req.path)
		}
		e, err := h.Files.MakeFolder(ctx, req.repo, req.path)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, h.describe(req, e))
	}
	body, err := h.Kit.LimitBody(w, r, 0)
	if err != nil {
		return err
	}
	res, err := h.Files.Put(ctx, req.repo, req.path, body, r.ContentLength, files.PutOptions{
		Checksums: files.Checksums{
			SHA256: r.Header.Get("X-Checksum-Sha256"),
			SHA1:   r.Header.Get("X-Checksum-Sha1"),
			MD5:    r.Header.Get("X-Checksum-Md5"),
		},
		NoOverwrite: overrideRefused(r),
		ContentType: r.Header.Get("Content-Type"),
		IfMatch:     ifMatch(r),
	})
	if err != nil {
		if errors.Is(err, files.ErrExists) && strings.TrimSpace(r.Header.Get("If-None-Match")) == "*" {
			return errPrecondition
		}
		if errors.Is(err, files.ErrPrecondition) {
			return errIfMatch
		}
		return err
	}
	setFileHeaders(w.Header(), res.Entry)
	w.Header().Set("Location", DownloadURL(h.BaseURL, req.repo.Name, res.Path))
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, h.describe(req, res.Entry))
}

// hasBody reports whether r carries a body, reading at most one byte of
// one sent without a length.
func hasBody(r *http.Request) bool {
	if r.ContentLength != -1 || r.Body == nil || r.Body == http.NoBody {
		return r.ContentLength > 0
	}
	var b [1]byte
	n, _ := io.ReadFull(r.Body, b[:])
	return n > 0
}

// postMultipart implements POST /api/files/{repo}/{folder} with a
// multipart/form-data body, as the UI's upload form sends: every part with a
// file name is stored in the folder under that name (the parts are read as
// they arrive, never buffered). ?override=false applies to each file.
func (h *handler) postMultipart(w http.ResponseWriter, r *http.Request, req *request) error {
	ctx := r.Context()
	body, err := h.Kit.LimitBody(w, r, 0)
	if err != nil {
		return err
	}
	r.Body = body
	mr, err := r.MultipartReader()
	if err != nil {
		return domain.Errorf(domain.ErrInvalid, "expected a multipart/form-data body")
	}
	var stored []fileJSON
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return err
			}
			return domain.Errorf(domain.ErrInvalid, "malformed multipart body")
		}
		name := part.FileName()
		if name == "" {
			part.Close() // a plain form field
			continue
		}
		name, err = files.CleanPath(name)
		if err != nil {
			return err
		}
		if name == "" || strings.Contains(name, "/") {
			return domain.Errorf(domain.ErrInvalid, "invalid file name %q", part.FileName())
		}
		res, err := h.Files.Put(ctx, req.repo, files.Join(req.path, name), part, -1, files.PutOptions{
			NoOverwrite: overrideRefused(r),
			ContentType: part.Header.Get("Content-Type"),
		})
		part.Close()
		if err != nil {
			return err
		}
		stored = append(stored, h.describe(req, res.Entry))
	}
	if len(stored) == 0 {
		return domain.Errorf(domain.ErrInvalid, "no file in the form")
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"files": stored})
}

func setFileHeaders(hdr http.Header, e files.Entry) {
	hdr.Set("ETag", `"`+e.SHA256()+`"`)
	hdr.Set("X-Checksum-Sha256", e.SHA256())
	hdr.Set("X-Checksum-Sha1", e.SHA1)
	hdr.Set("X-Checksum-Md5", e.MD5)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	return nil
}

// ifMatch reads If-Match as the condition files.Put takes: "*", or the
// sha256 of the first entity tag (our ETags are the quoted sha256; a weak
// one never matches, RFC 9110 §13.1.1). Any other value matches nothing.
func ifMatch(r *http.Request) string {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return v
	}
	first, _, _ := strings.Cut(v, ",")
	first = strings.TrimSpace(first)
	if strings.HasPrefix(first, "W/") || len(first) < 2 {
		return "no-match"
	}
	return strings.Trim(first, `"`)
}
