package kit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// TestDecorate: the headers and logging every protocol's errors share.
func TestDecorate(t *testing.T) {
	t.Parallel()
	unauth := domain.Errorf(domain.ErrUnauthenticated, "who are you")
	for _, tc := range []struct {
		name      string
		err       error
		status    int
		challenge string
		hdr       []string
		want      int
		wantHdr   map[string]string
		log       string
	}{
		{name: "basic challenge", err: unauth, status: 401, want: 401, wantHdr: map[string]string{"WWW-Authenticate": BasicChallenge}},
		{name: "ui by header", err: unauth, status: 401, hdr: []string{"X-Requested-With", "XMLHttpRequest"}, want: 401,
			wantHdr: map[string]string{"WWW-Authenticate": `Bearer realm="kodera"`}},
		{name: "ui by cookie", err: unauth, status: 401, hdr: []string{"Cookie", auth.SessionCookie + "=s"}, want: 401,
			wantHdr: map[string]string{"WWW-Authenticate": `Bearer realm="kodera"`}},
		{name: "protocol challenge", err: unauth, status: 401, challenge: `Bearer realm="x"`, want: 401,
			wantHdr: map[string]string{"WWW-Authenticate": `Bearer realm="x"`}},
		{name: "rate limited", err: domain.Errorf(domain.ErrTooManyRequests, "slow down"), status: 429, want: 429,
			wantHdr: map[string]string{"Retry-After": "60"}},
		{name: "internal", err: errors.New("db exploded"), status: 500, want: 500, log: "level=ERROR"},
		{name: "unavailable", err: domain.Errorf(domain.ErrUnavailable, "database down"), status: 503, want: 503,
			wantHdr: map[string]string{"Retry-After": "5"}, log: "level=ERROR"},
		{name: "client gone", err: fmt.Errorf("read: %w", context.Canceled), status: 500, want: 499},
		{name: "content headers dropped", err: domain.ErrNotFound, status: 404, want: 404,
			wantHdr: map[string]string{"ETag": "", "Content-Length": "", "Content-Range": "", "Cache-Control": ""}},
		{name: "416 keeps its range", err: ErrRangeNotSatisfiable, status: 416, want: 416, wantHdr: map[string]string{"Content-Range": "bytes */5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			k := New(Deps{Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			r = r.WithContext(context.WithValue(r.Context(), middleware.RequestIDKey, "req-1"))
			for i := 0; i < len(tc.hdr); i += 2 {
				r.Header.Set(tc.hdr[i], tc.hdr[i+1])
			}
			w := httptest.NewRecorder()
			for _, h := range []string{"ETag", "Content-Length", "Cache-Control"} {
				w.Header().Set(h, "x")
			}
			w.Header().Set("Content-Range", "bytes */5")
			require.Equal(t, tc.want, k.Decorate(w, r, tc.err, tc.status, tc.challenge))
			for h, v := range tc.wantHdr {
				require.Equal(t, v, w.Header().Get(h), h)
			}
			if tc.log != "" {
				require.Contains(t, logs.String(), tc.log)
				require.Contains(t, logs.String(), "request_id=req-1")
			} else {
				require.NotContains(t, logs.String(), "level=ERROR")
			}
		})
	}
}

// TestLimitBody: the one upload limit, declared and streamed.
func TestLimitBody(t *testing.T) {
	t.Parallel()
	k := New(Deps{MaxUploadBytes: 10})
	r := httptest.NewRequest(http.MethodPut, "/x", bytes.NewReader(make([]byte, 11)))
	_, err := k.LimitBody(httptest.NewRecorder(), r, 0)
	require.ErrorIs(t, err, ErrTooLarge)
	r = httptest.NewRequest(http.MethodPut, "/x", bytes.NewReader(make([]byte, 6)))
	_, err = k.LimitBody(httptest.NewRecorder(), r, 5)
	require.ErrorIs(t, err, ErrTooLarge, "the offset already counts")
	r = httptest.NewRequest(http.MethodPut, "/x", bytes.NewReader(make([]byte, 11)))
	r.ContentLength = -1
	body, err := k.LimitBody(httptest.NewRecorder(), r, 0)
	require.NoError(t, err)
	_, err = bytes.NewBuffer(nil).ReadFrom(body)
	status, _ := Status(err)
	require.Equal(t, http.StatusRequestEntityTooLarge, status)
	// No limit configured.
	r = httptest.NewRequest(http.MethodPut, "/x", bytes.NewReader(make([]byte, 11)))
	body, err = New(Deps{}).LimitBody(httptest.NewRecorder(), r, 0)
	require.NoError(t, err)
	n, err := bytes.NewBuffer(nil).ReadFrom(body)
	require.NoError(t, err)
	require.Equal(t, int64(11), n)
}
