package origin

import (
	"context"
	"crypto/tls"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBase(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "http://node:8080/v2/", nil)
	require.Equal(t, "http://node:8080", Base(r), "without the middleware: the connection")
	require.Equal(t, "node:8080", Host(r))
	require.False(t, Secure(r.Context()))
	r.TLS = &tls.ConnectionState{}
	require.Equal(t, "https://node:8080", Base(r))

	r = r.WithContext(With(context.Background(), "https://packages.example.com/"))
	require.Equal(t, "https://packages.example.com", Base(r), "trailing slash trimmed")
	require.Equal(t, "packages.example.com", Host(r))
	require.True(t, Secure(r.Context()))

	r = r.WithContext(With(context.Background(), "https://example.com:8443/kodera"))
	require.Equal(t, "example.com:8443", Host(r), "a base URL with a path")
}
