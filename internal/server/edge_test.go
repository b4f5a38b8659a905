package server

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/origin"
)

func TestCrossSiteReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		host    string
		base    string // external base URL stored by requestInfo
		site    string // Sec-Fetch-Site
		orig    string // Origin
		refused bool
	}{
		{name: "curl, docker, twine, git: no browser headers", host: "reg:8080"},
		{name: "same-origin fetch", host: "reg:8080", site: "same-origin", orig: "http://reg:8080"},
		{name: "typed URL", host: "reg:8080", site: "none"},
		{name: "Sec-Fetch-Site wins over a foreign Origin", host: "reg:8080", site: "same-origin", orig: "http://proxy-renamed:5173"},
		{name: "cross-site form", host: "reg:8080", site: "cross-site", orig: "https://evil.example", refused: true},
		{name: "same-site sibling", host: "packages.example.com", site: "same-site", orig: "https://wiki.example.com", refused: true},
		{name: "unknown Sec-Fetch-Site value", host: "reg:8080", site: "bogus", refused: true},
		{name: "old browser, foreign Origin", host: "reg:8080", orig: "https://evil.example", refused: true},
		{name: "old browser, own Origin", host: "reg:8080", orig: "http://reg:8080"},
		{name: "old browser, Origin host case differs", host: "REG:8080", orig: "http://reg:8080"},
		{name: "opaque Origin", host: "reg:8080", orig: "null", refused: true},
		{name: "Origin of the configured external URL behind a proxy", host: "10.0.0.5:8080", base: "https://packages.example.com", orig: "https://packages.example.com"},
		{name: "same host, other port", host: "reg:8080", orig: "http://reg:9090", refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "http://"+tt.host+"/api/v1/repositories", nil)
			r.Host = tt.host
			if tt.base != "" {
				r = r.WithContext(origin.With(r.Context(), tt.base))
			}
			if tt.site != "" {
				r.Header.Set("Sec-Fetch-Site", tt.site)
			}
			if tt.orig != "" {
				r.Header.Set("Origin", tt.orig)
			}
			reason := crossSiteReason(r)
			if tt.refused {
				require.NotEmpty(t, reason)
			} else {
				require.Empty(t, reason)
			}
		})
	}
}

func TestExternalBase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		base        string
		trusted     bool
		tls         bool
		proto, host string
		want        string
	}{
		{name: "plain", want: "http://node:8080"},
		{name: "direct TLS", tls: true, want: "https://node:8080"},
		{name: "configured base URL wins", base: "https://packages.example.com", trusted: true, proto: "http", host: "x", want: "https://packages.example.com"},
		{name: "trusted TLS-terminating proxy", trusted: true, proto: "https", host: "packages.example.com", want: "https://packages.example.com"},
		{name: "trusted proxy, first value counts", trusted: true, proto: "https, http", host: "packages.example.com, node:8080", want: "https://packages.example.com"},
		{name: "trusted proxy, proto case", trusted: true, proto: "HTTPS", want: "https://node:8080"},
		{name: "untrusted peer ignored", proto: "https", host: "evil.example", want: "http://node:8080"},
		{name: "garbage proto ignored", trusted: true, proto: "javascript", want: "http://node:8080"},
		{name: "host with a path ignored", trusted: true, host: "evil.example/x", want: "http://node:8080"},
		{name: "host with userinfo ignored", trusted: true, host: "a@evil.example", want: "http://node:8080"},
		{name: "host with a space ignored", trusted: true, host: "a b", want: "http://node:8080"},
		{name: "host with a port", trusted: true, host: "packages.example.com:8443", proto: "https", want: "https://packages.example.com:8443"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "http://node:8080/v2/", nil)
		if tt.tls {
			r = httptest.NewRequest(http.MethodGet, "https://node:8080/v2/", nil)
		}
		if tt.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tt.proto)
		}
		if tt.host != "" {
			r.Header.Set("X-Forwarded-Host", tt.host)
		}
		require.Equal(t, tt.want, externalBase(r, tt.base, tt.trusted), tt.name)
	}
}

func TestRequestInfoStoresTheExternalBase(t *testing.T) {
	t.Parallel()
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	var got string
	var secure bool
	h := requestInfo(lb, "")(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got, secure = origin.Base(r), origin.Secure(r.Context())
	}))
	for _, tt := range []struct {
		remote, want string
		secure       bool
	}{
		{"10.1.2.3:5000", "https://packages.example.com", true},
		{"203.0.113.9:5000", "http://node:8080", false},
	} {
		r := httptest.NewRequest(http.MethodGet, "http://node:8080/", nil)
		r.RemoteAddr = tt.remote
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Host", "packages.example.com")
		h.ServeHTTP(httptest.NewRecorder(), r)
		require.Equal(t, tt.want, got, tt.remote)
		require.Equal(t, tt.secure, secure, tt.remote)
	}
}

func TestBadIndex(t *testing.T) {
	t.Parallel()
	require.Equal(t, -1, badIndex("/api/files/pub/été.txt"))
	require.Equal(t, -1, badIndex("replacement \uFFFD is valid"))
	require.Equal(t, 3, badIndex("abc\x00"))
	require.Equal(t, 1, badIndex("a\xffb"))
	require.Equal(t, 2, badIndex("ab\xc3"), "truncated sequence")
}

func TestOCICodes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ path, bad, want string }{
		{"/v2/re\x00po/img/manifests/latest", "\x00", "NAME_INVALID"},
		{"/v2/repo/img/manifests/la\x00test", "\x00", "TAG_INVALID"},
		{"/v2/repo/img/blobs/sha256:\xff", "\xff", "DIGEST_INVALID"},
		{"/v2/repo/img/blobs/uploads/\x00id", "\x00", "BLOB_UPLOAD_INVALID"},
		{"/v2/repo/img/referrers/\x00", "\x00", "DIGEST_INVALID"},
		{"/v2/repo/im\x00g/tags/list", "\x00", "NAME_INVALID"},
		{"/v2/repo/manifests/x\x00/manifests/latest", "\x00", "NAME_INVALID"},
	} {
		require.Equal(t, tt.want, ociPathCode(tt.path, strings.Index(tt.path, tt.bad)), tt.path)
	}
	require.Equal(t, "DIGEST_INVALID", ociQueryCode("digest"))
	require.Equal(t, "PAGINATION_NUMBER_INVALID", ociQueryCode("n"))
	require.Equal(t, "UNSUPPORTED", ociQueryCode("artifactType"))
}

// FuzzEdgeInput drives the edge checks with arbitrary paths and queries:
// whatever arrives, a request is either passed on with a path and query
// that hold neither NUL nor invalid UTF-8, or refused with a 400 in the
// format of its surface; nothing panics.
func FuzzEdgeInput(f *testing.F) {
	for _, s := range []string{"/api/v1/repositories", "/v2/a/b/manifests/x", "/api/files/r/%00", "/v2/a/blobs/%ff", "/x?q=%00", "/?a=%e2%82"} {
		f.Add(s)
	}
	h := validInput(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if badIndex(r.URL.Path) >= 0 {
			panic("bad path passed the edge")
		}
		for k, vs := range r.URL.Query() {
			if badIndex(k) >= 0 {
				panic("bad query name passed the edge")
			}
			for _, v := range vs {
				if badIndex(v) >= 0 {
					panic("bad query value passed the edge")
				}
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	f.Fuzz(func(t *testing.T, target string) {
		r, err := http.ReadRequest(bufioReader("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"))
		if err != nil || r.URL.Path == "" || r.URL.Path[0] != '/' {
			return
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code == http.StatusNoContent {
			return
		}
		require.Equal(t, http.StatusBadRequest, w.Code)
		body, _ := io.ReadAll(w.Body)
		switch {
		case strings.HasPrefix(r.URL.Path, "/v2/"):
			require.Contains(t, string(body), `"errors"`)
		case strings.HasPrefix(r.URL.Path, "/api/v1/"):
			require.Equal(t, "application/problem+json", w.Header().Get("Content-Type"))
		default:
			require.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
		}
	})
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }
