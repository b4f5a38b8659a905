package oci

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/registry"
)

// Code is one row of the error table of the Distribution Specification
// ("Error Codes"): the code string, its HTTP status and default message.
type Code struct {
	Code    string
	Status  int
	Message string
}

// The spec's error codes, plus the statuses this registry answers with.
var (
	CodeBlobUnknown         = Code{"BLOB_UNKNOWN", http.StatusNotFound, "blob unknown to registry"}
	CodeBlobUploadInvalid   = Code{"BLOB_UPLOAD_INVALID", http.StatusBadRequest, "blob upload invalid"}
	CodeBlobUploadUnknown   = Code{"BLOB_UPLOAD_UNKNOWN", http.StatusNotFound, "blob upload unknown to registry"}
	CodeRangeInvalid        = Code{"BLOB_UPLOAD_INVALID", http.StatusRequestedRangeNotSatisfiable, "chunk out of order"}
	CodeDigestInvalid       = Code{"DIGEST_INVALID", http.StatusBadRequest, "provided digest did not match uploaded content"}
	CodeManifestBlobUnknown = Code{"MANIFEST_BLOB_UNKNOWN", http.StatusBadRequest, "manifest references a manifest or blob unknown to registry"}
	CodeManifestInvalid     = Code{"MANIFEST_INVALID", http.StatusBadRequest, "manifest invalid"}
	CodeManifestTooLarge    = Code{"MANIFEST_INVALID", http.StatusRequestEntityTooLarge, "manifest larger than 4 MiB"}
	CodeManifestUnknown     = Code{"MANIFEST_UNKNOWN", http.StatusNotFound, "manifest unknown to registry"}
	CodeNameInvalid         = Code{"NAME_INVALID", http.StatusBadRequest, "invalid repository name"}
	CodeNameUnknown         = Code{"NAME_UNKNOWN", http.StatusNotFound, "repository name not known to registry"}
	CodeSizeInvalid         = Code{"SIZE_INVALID", http.StatusBadRequest, "provided length did not match content length"}
	CodeTagInvalid          = Code{"TAG_INVALID", http.StatusBadRequest, "manifest tag did not match URI"}
	CodeBlobTooLarge        = Code{"SIZE_INVALID", http.StatusRequestEntityTooLarge, "blob larger than the upload limit"}
	CodeUnauthorized        = Code{"UNAUTHORIZED", http.StatusUnauthorized, "authentication required"}
	CodeDenied              = Code{"DENIED", http.StatusForbidden, "requested access to the resource is denied"}
	CodeReferenced          = Code{"DENIED", http.StatusConflict, "still referenced by a stored manifest"}
	CodeUnsupported         = Code{"UNSUPPORTED", http.StatusMethodNotAllowed, "the operation is unsupported"}
	CodePaginationInvalid   = Code{"PAGINATION_NUMBER_INVALID", http.StatusBadRequest, "invalid number of results requested"}
	CodeTooManyRequests     = Code{"TOOMANYREQUESTS", http.StatusTooManyRequests, "too many requests"}
	CodeUnavailable         = Code{"UNAVAILABLE", http.StatusServiceUnavailable, "service unavailable"}
	CodeUnknown             = Code{"UNKNOWN", http.StatusInternalServerError, "unknown error"}
	CodeConflict            = Code{"DENIED", http.StatusConflict, "conflicts with the stored state"}
	// CodeRangeNotSatisfiable answers a blob GET whose Range no byte
	// satisfies (the spec has no code of its own for it).
	CodeRangeNotSatisfiable = Code{"RANGE_NOT_SATISFIABLE", http.StatusRequestedRangeNotSatisfiable, "requested range not satisfiable"}
	// CodePreconditionFailed answers a failed If-Match on a blob GET.
	CodePreconditionFailed = Code{"PRECONDITION_FAILED", http.StatusPreconditionFailed, "precondition failed"}
	// CodeClientClosed is for the logs and metrics only: the client is gone.
	CodeClientClosed = Code{"UNKNOWN", domain.StatusClientClosedRequest, "client closed the request"}
)

// Error is a protocol error ready to be written.
type Error struct {
	Code
	Detail any
	// Challenge, when set, goes out as WWW-Authenticate.
	Challenge string
	cause     error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Code.Code + ": " + e.cause.Error()
	}
	return e.Code.Code
}

func (e *Error) Unwrap() error { return e.cause }

// WithDetail returns the error with a detail object.
func (c Code) WithDetail(detail any) *Error { return &Error{Code: c, Detail: detail} }

// Err returns the code as an error wrapping cause.
func (c Code) Err(cause error) *Error { return &Error{Code: c, cause: cause} }

// serviceErrors maps service and domain errors to codes, first match wins.
var serviceErrors = []struct {
	err  error
	code Code
}{
	{registry.ErrBlobUnknown, CodeBlobUnknown},
	{registry.ErrUploadUnknown, CodeBlobUploadUnknown},
	{registry.ErrRangeInvalid, CodeRangeInvalid},
	{registry.ErrUploadInvalid, CodeBlobUploadInvalid},
	{registry.ErrDigestInvalid, CodeDigestInvalid},
	{registry.ErrSizeInvalid, CodeSizeInvalid},
	{registry.ErrManifestUnknown, CodeManifestUnknown},
	{registry.ErrManifestTooLarge, CodeManifestTooLarge},
	{registry.ErrManifestBlobUnknown, CodeManifestBlobUnknown},
	{registry.ErrManifestInvalid, CodeManifestInvalid},
	{registry.ErrTagInvalid, CodeTagInvalid},
	{registry.ErrImmutable, CodeDenied},
	{registry.ErrReferenced, CodeReferenced},
}

// statusCodes gives the code for each status domain.HTTPStatus answers a
// domain error with: the generic part of the table, shared with the REST
// API and the files protocol.
var statusCodes = map[int]Code{
	http.StatusBadRequest:                   CodeNameInvalid,
	http.StatusPreconditionFailed:           CodePreconditionFailed,
	http.StatusRequestEntityTooLarge:        CodeBlobTooLarge,
	http.StatusRequestedRangeNotSatisfiable: CodeRangeNotSatisfiable,
	http.StatusUnauthorized:                 CodeUnauthorized,
	http.StatusForbidden:                    CodeDenied,
	http.StatusNotFound:                     CodeNameUnknown,
	http.StatusConflict:                     CodeConflict,
	http.StatusTooManyRequests:              CodeTooManyRequests,
	http.StatusServiceUnavailable:           CodeUnavailable,
	domain.StatusClientClosedRequest:        CodeClientClosed,
}

// toError turns any error into a protocol error.
func toError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, kit.ErrTooLarge) {
		// Before the service errors: a body cut off by the limit may come
		// back wrapped in one of them.
		return CodeBlobTooLarge.Err(err)
	}
	for _, m := range serviceErrors {
		if errors.Is(err, m.err) {
			out := &Error{Code: m.code, cause: err}
			if m.code.Status < 500 {
				// Only the message meant for the client: never the chain
				// of internal errors behind it (those go to the log).
				if msg, ok := registry.Detail(err); ok {
					out.Detail = msg
				} else if msg, ok := domain.PublicMessage(err); ok {
					out.Detail = msg
				}
			}
			return out
		}
	}
	status, msg := kit.Status(err)
	code, ok := statusCodes[status]
	if !ok {
		code = CodeUnknown
	}
	out := &Error{Code: code, cause: err}
	if msg != "" && code.Status < 500 && status != http.StatusRequestEntityTooLarge {
		out.Detail = msg
	}
	return out
}

// writeError writes the spec's error envelope, after the kit's headers
// (the Bearer challenge, Retry-After) and logging: 5xx errors are logged
// with the request id and say nothing internal.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toError(err)
	if status := h.kit.Decorate(w, r, err, e.Status, e.Challenge); status != e.Status {
		e = &Error{Code: CodeClientClosed, cause: err}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	if r.Method == http.MethodHead {
		return
	}
	type item struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Detail  any    `json:"detail,omitempty"`
	}
	_ = json.NewEncoder(w).Encode(map[string][]item{"errors": {{Code: e.Code.Code, Message: e.Message, Detail: e.Detail}}})
}
