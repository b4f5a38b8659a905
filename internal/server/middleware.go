package server

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/origin"
)

// requestInfo exposes the request id in a response header and stores the
// client address for audit and rate limits, and the node's external base
// URL for links, the token realm and cookies. X-Forwarded-* headers are
// believed only from the trusted proxies (KODERA_TRUSTED_PROXIES): any
// client could forge them.
func requestInfo(trusted []netip.Prefix, baseURL string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := middleware.GetReqID(r.Context())
			w.Header().Set("X-Request-Id", id)
			ip := clientIP(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), trusted)
			ctx := auth.WithRequestInfo(r.Context(), auth.RequestInfo{ClientIP: ip, RequestID: id})
			ctx = origin.With(ctx, externalBase(r, baseURL, peerTrusted(r.RemoteAddr, trusted)))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// externalBase is the URL the client used to reach the node: the
// configured KODERA_BASE_URL when set; else the connection's scheme and
// Host, overridden by X-Forwarded-Proto and X-Forwarded-Host when the peer
// is a trusted proxy (a TLS-terminating proxy talks plain http to us, so
// without them the token realm would say http:// and the session cookie
// would lose Secure). Only the first value of each header counts: the
// outermost proxy's, which must set the header rather than append to it.
func externalBase(r *http.Request, baseURL string, trustedPeer bool) string {
	if baseURL != "" {
		return baseURL
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if trustedPeer {
		if p := strings.ToLower(firstValue(r.Header.Get("X-Forwarded-Proto"))); p == "http" || p == "https" {
			scheme = p
		}
		if h := firstValue(r.Header.Get("X-Forwarded-Host")); validHost(h) {
			host = h
		}
	}
	return scheme + "://" + host
}

func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}

// validHost accepts host[:port] and nothing else: the value ends up in
// URLs sent to clients, so no userinfo, path, spaces or control bytes.
func validHost(h string) bool {
	if h == "" || strings.ContainsAny(h, "/\\@?#% \t") {
		return false
	}
	u, err := url.Parse("http://" + h)
	return err == nil && u.Host == h && u.Path == "" && u.User == nil
}

// peerTrusted reports whether the connection comes from a trusted proxy.
func peerTrusted(remoteAddr string, trusted []netip.Prefix) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	return inPrefixes(host, trusted)
}

func inPrefixes(s string, trusted []netip.Prefix) bool {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the peer address, or, when the peer is a trusted proxy, the
// nearest address in X-Forwarded-For that is not one (read right to left,
// since each proxy appends the address it received from).
func clientIP(remoteAddr string, forwarded []string, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	isTrusted := func(s string) bool { return inPrefixes(s, trusted) }
	if !isTrusted(host) {
		return host
	}
	var hops []string
	for _, v := range forwarded {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				hops = append(hops, h)
			}
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		if !isTrusted(hops[i]) {
			if a, err := netip.ParseAddr(hops[i]); err == nil {
				return a.Unmap().String()
			}
			return host // garbage from a client: keep the proxy's own address
		}
	}
	if len(hops) > 0 {
		return hops[0]
	}
	return host
}

// accessLog logs one line per request and records its metrics.
func accessLog(log *slog.Logger, m *metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			m.inflight.Inc()
			defer func() {
				m.inflight.Dec()
				d := time.Since(start)
				route := chi.RouteContext(r.Context()).RoutePattern()
				if route == "" {
					route = "other"
				}
				status := ww.Status()
				if status == 0 {
					status = http.StatusOK
				}
				method := metricMethod(r.Method)
				m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
				m.duration.WithLabelValues(method, route).Observe(d.Seconds())
				m.bytesOut.Add(float64(ww.BytesWritten()))
				level := slog.LevelInfo
				if status >= 500 {
					level = slog.LevelError
				}
				log.LogAttrs(r.Context(), level, "request",
					slog.String("request_id", middleware.GetReqID(r.Context())),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Int("bytes", ww.BytesWritten()),
					slog.Duration("duration", d),
					slog.String("remote", r.RemoteAddr),
				)
			}()
			next.ServeHTTP(ww, r)
		})
	}
}

// recoverer turns a panic into a logged 500 carrying only the request id.
func recoverer(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					id := middleware.GetReqID(r.Context())
					log.ErrorContext(r.Context(), "panic", "request_id", id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
					w.Header().Set("Content-Type", "application/problem+json")
					w.WriteHeader(http.StatusInternalServerError)
					fmt.Fprintf(w, `{"type":"about:blank","title":"Internal Server Error","status":500,"requestId":%q}`+"\n", id)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
	bytesOut prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kodera_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kodera_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kodera_http_requests_in_flight", Help: "HTTP requests being served.",
		}),
		bytesOut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kodera_http_response_bytes_total", Help: "Bytes written in HTTP responses.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inflight, m.bytesOut)
	return m
}

// metricMethod keeps the method label bounded: any client can send a
// made-up method, and each would otherwise create new series.
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}
