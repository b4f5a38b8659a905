package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/go-chi/chi/v5/middleware"
	nethttpmiddleware "github.com/oapi-codegen/nethttp-middleware"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/domain"
)

// problemFor maps a domain error to its HTTP status: the one table of the
// REST API.
func problemFor(err error) (status int, detail string) {
	var tooLarge *http.MaxBytesError
	if errors.Is(err, kit.ErrTooLarge) || errors.As(err, &tooLarge) {
		// A streamed upload (a module zip) cut by the upload limit.
		return kit.Status(err)
	}
	status, public := domain.HTTPStatus(err)
	if public {
		detail, _ = domain.PublicMessage(err)
	}
	return status, detail
}

// WriteProblem writes err as an RFC 7807 document, after the kit's
// headers (the challenge of a 401: Basic, or for the UI's requests a
// Bearer one that opens no browser dialog; Retry-After) and logging:
// internal errors are logged with the request id and answered without any
// detail.
func WriteProblem(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status, detail := problemFor(err)
	status = kit.Decorate(log, w, r, err, status, "")
	writeProblem(w, r.Context(), status, detail)
}

func writeProblem(w http.ResponseWriter, ctx context.Context, status int, detail string) {
	reqID := middleware.GetReqID(ctx)
	p := api.Problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	if detail != "" {
		p.Detail = &detail
	}
	if reqID != "" {
		p.RequestId = &reqID
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// requestError answers a request the generated code could not decode.
func (s *Server) requestError(w http.ResponseWriter, r *http.Request, err error) {
	writeProblem(w, r.Context(), http.StatusBadRequest, "malformed request: "+err.Error())
}

// responseError answers an error returned by a strict handler.
func (s *Server) responseError(w http.ResponseWriter, r *http.Request, err error) {
	WriteProblem(w, r, s.Log, err)
}

// validationError answers a request that breaks the spec.
func (s *Server) validationError(_ context.Context, err error, w http.ResponseWriter, r *http.Request, opts nethttpmiddleware.ErrorHandlerOpts) {
	status := opts.StatusCode
	if status == 0 {
		status = http.StatusBadRequest
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeProblem(w, r.Context(), http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", tooLarge.Limit))
		return
	}
	if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
		writeProblem(w, r.Context(), status, "")
		return
	}
	writeProblem(w, r.Context(), status, validationDetail(err))
}

// validationDetail says in one line what part of the request broke the
// spec, without the schema dump kin-openapi appends to its messages.
func validationDetail(err error) string {
	var reqErr *openapi3filter.RequestError
	if !errors.As(err, &reqErr) {
		return firstLine(err.Error())
	}
	where := "request body"
	if reqErr.Parameter != nil {
		where = fmt.Sprintf("parameter %q in %s", reqErr.Parameter.Name, reqErr.Parameter.In)
	}
	var schemaErr *openapi3.SchemaError
	if errors.As(reqErr.Err, &schemaErr) {
		field := strings.Join(schemaErr.JSONPointer(), "/")
		if field != "" {
			return fmt.Sprintf("%s: field %q: %s", where, field, schemaErr.Reason)
		}
		return fmt.Sprintf("%s: %s", where, schemaErr.Reason)
	}
	if reqErr.Err != nil {
		return fmt.Sprintf("%s: %s", where, firstLine(reqErr.Err.Error()))
	}
	return fmt.Sprintf("%s: %s", where, firstLine(reqErr.Reason))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
