package oci

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/domain"
)

// TestClientClosed: a request the client abandoned is a 499, not a 500,
// and is not logged as an error, whether the error says so or only the
// request's context does.
func TestClientClosed(t *testing.T) {
	for name, err := range map[string]error{
		"canceled error":   fmt.Errorf("registry: stat: %w", context.Canceled),
		"canceled context": fmt.Errorf("read tcp: connection reset by peer"),
	} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			h := &Handler{log: log, kit: kit.New(kit.Deps{Log: log})}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			r := httptest.NewRequest(http.MethodGet, "/v2/apps/img/blobs/sha256:00", nil).WithContext(ctx)
			w := httptest.NewRecorder()
			h.writeError(w, r, err)
			require.Equal(t, domain.StatusClientClosedRequest, w.Code)
			require.NotContains(t, logs.String(), "level=ERROR")
		})
	}
	// A conflict from a domain error is a 409, not a 500.
	r := httptest.NewRequest(http.MethodGet, "/v2/", nil)
	w := httptest.NewRecorder()
	(&Handler{kit: kit.New(kit.Deps{Log: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))})}).writeError(w, r, domain.Errorf(domain.ErrConflict, "busy"))
	require.Equal(t, http.StatusConflict, w.Code)
	require.Contains(t, w.Body.String(), "busy")
}
