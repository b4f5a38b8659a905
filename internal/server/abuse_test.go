package server_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSlowHeadersCutOff: a client trickling its request headers a byte at
// a time (slowloris) is disconnected once KODERA_READ_HEADER_TIMEOUT has
// passed, however steadily it sends; a normal request on the same node is
// served.
func TestSlowHeadersCutOff(t *testing.T) {
	t.Parallel()
	n, _ := node(t, map[string]string{"KODERA_READ_HEADER_TIMEOUT": "500ms"})
	conn, err := net.Dial("tcp", n.Addr)
	require.NoError(t, err)
	defer conn.Close()
	start := time.Now()
	req := "GET /api/files/pub/ HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 200)
	cut := false
	for i := 0; i < len(req); i++ {
		if _, err := conn.Write([]byte{req[i]}); err != nil {
			cut = true
			break
		}
		if time.Since(start) > 10*time.Second {
			break
		}
		// A trickle: steady bytes, no complete header ever.
		time.Sleep(50 * time.Millisecond)
		if i%4 == 0 {
			_ = conn.SetReadDeadline(time.Now().Add(time.Millisecond))
			var b [512]byte
			if _, err := conn.Read(b[:]); err != nil && !isTimeout(err) {
				cut = true // EOF or reset: the server hung up
				break
			}
		}
	}
	took := time.Since(start)
	require.True(t, cut, "a slowloris client was never cut off (%v)", took)
	require.Less(t, took, 5*time.Second, "cut off too late")
	t.Logf("slow client cut off after %v", took.Round(time.Millisecond))
	require.Equal(t, http.StatusOK, send(t, "GET", n.URL+"/healthz", nil).status)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestHeaderSizeLimit: headers over KODERA_MAX_HEADER_BYTES get 431
// Request Header Fields Too Large, and a request under it passes.
func TestHeaderSizeLimit(t *testing.T) {
	t.Parallel()
	n, _ := node(t, map[string]string{"KODERA_MAX_HEADER_BYTES": "8K"})
	big := send(t, "GET", n.URL+"/healthz", nil, "X-Big", strings.Repeat("b", 64<<10))
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, big.status)
	ok := send(t, "GET", n.URL+"/healthz", nil, "X-Small", strings.Repeat("s", 2<<10))
	require.Equal(t, http.StatusOK, ok.status)
}

// TestRateLimits: over its budget, a client address gets 429 with
// Retry-After in each protocol's own error format (the OCI error envelope
// with TOOMANYREQUESTS on /v2, RFC 7807 problem JSON on the REST API,
// plain text for pip, go and files); health endpoints stay exempt. A
// credential has a budget of its own wherever it comes from, and another
// credential is not charged for it.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	t.Run("address", func(t *testing.T) {
		t.Parallel()
		// One token per 100 s: after the burst, every request is over.
		n, _ := node(t, map[string]string{"KODERA_RATE_LIMIT_ADDRESS": "0.01", "KODERA_RATE_LIMIT_BURST": "2"})
		for range 2 {
			require.Equal(t, http.StatusOK, send(t, "GET", n.URL+"/api/files/pub/", nil).status)
		}
		oci := send(t, "GET", n.URL+"/v2/", nil)
		require.Equal(t, http.StatusTooManyRequests, oci.status, oci.body)
		require.Equal(t, "application/json", oci.header.Get("Content-Type"))
		var env struct {
			Errors []struct{ Code, Message string }
		}
		require.NoError(t, json.Unmarshal([]byte(oci.body), &env), oci.body)
		require.Equal(t, "TOOMANYREQUESTS", env.Errors[0].Code)
		requireRetryAfter(t, oci.header, 90, 100)

		rest := send(t, "GET", n.URL+"/api/v1/repositories", nil)
		require.Equal(t, http.StatusTooManyRequests, rest.status, rest.body)
		require.Equal(t, "application/problem+json", rest.header.Get("Content-Type"))
		var problem struct {
			Status int
			Detail string
		}
		require.NoError(t, json.Unmarshal([]byte(rest.body), &problem), rest.body)
		require.Equal(t, http.StatusTooManyRequests, problem.Status)
		require.Contains(t, problem.Detail, "too many requests")
		requireRetryAfter(t, rest.header, 90, 100)

		for _, path := range []string{"/api/python/pub/simple/", "/api/go/pub/example.com/m/@v/list", "/api/files/pub/a.txt"} {
			text := send(t, "GET", n.URL+path, nil)
			require.Equal(t, http.StatusTooManyRequests, text.status, path)
			require.True(t, strings.HasPrefix(text.header.Get("Content-Type"), "text/plain"), path)
			require.Contains(t, text.body, "too many requests", path)
			requireRetryAfter(t, text.header, 90, 100)
		}
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			require.Equal(t, http.StatusOK, send(t, "GET", n.URL+path, nil).status, path)
		}
	})
	t.Run("credential", func(t *testing.T) {
		t.Parallel()
		n, s := node(t, map[string]string{"KODERA_RATE_LIMIT_CREDENTIAL": "0.01", "KODERA_RATE_LIMIT_BURST": "3"})
		alice := s.Token("alice", false, []string{"read", "write"})
		s.User("bob", "bob-password-123", false)
		bob := s.Token("bob", false, []string{"read"})
		for range 3 {
			require.Equal(t, http.StatusOK, send(t, "GET", n.URL+"/api/v1/repositories", nil, "Authorization", "Bearer "+alice).status)
		}
		over := send(t, "GET", n.URL+"/api/v1/repositories", nil, "Authorization", "Bearer "+alice)
		require.Equal(t, http.StatusTooManyRequests, over.status, over.body)
		requireRetryAfter(t, over.header, 90, 100)
		// The same token as a Basic password is another credential string,
		// but bob, and anonymous callers, are not charged for alice.
		require.Equal(t, http.StatusOK, send(t, "GET", n.URL+"/api/v1/repositories", nil, "Authorization", "Bearer "+bob).status)
		require.Equal(t, http.StatusOK, send(t, "GET", n.URL+"/api/files/pub/", nil).status)
	})
}

func requireRetryAfter(t *testing.T, h http.Header, lo, hi int) {
	t.Helper()
	v := h.Get("Retry-After")
	var secs int
	_, err := fmt.Sscan(v, &secs)
	require.NoError(t, err, "Retry-After %q", v)
	require.GreaterOrEqual(t, secs, lo)
	require.LessOrEqual(t, secs, hi)
}
