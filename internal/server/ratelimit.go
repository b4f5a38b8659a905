package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/config"
	"github.com/kodera-packages/kodera/internal/domain"
)

// rateLimit answers 429 with Retry-After, in the protocol's own error
// format, to a client address or a credential over its budget
// (config.RateLimit). Health and metrics endpoints are exempt: load
// balancers and Prometheus poll them from a few addresses.
//
// Credentials are keyed by a hash of what the request presents, before
// authentication: counting a request must not cost a password check, and
// a stranger sending someone's user name with a wrong password spends his
// own budget, not theirs.
func rateLimit(log *slog.Logger, c config.RateLimit) func(http.Handler) http.Handler {
	byAddress := newBuckets(c.PerAddress, c.Burst)
	byCredential := newBuckets(c.PerCredential, c.Burst)
	return func(next http.Handler) http.Handler {
		if byAddress == nil && byCredential == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/healthz", "/readyz", "/metrics":
				next.ServeHTTP(w, r)
				return
			}
			now := time.Now()
			if wait := byAddress.take(auth.RequestInfoFrom(r.Context()).ClientIP, now); wait > 0 {
				tooMany(w, r, log, wait, "this address")
				return
			}
			if key := credentialKey(r); key != "" {
				if wait := byCredential.take(key, now); wait > 0 {
					tooMany(w, r, log, wait, "this credential")
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// credentialKey identifies what r authenticates with, or "" for an
// anonymous request.
func credentialKey(r *http.Request) string {
	cred := r.Header.Get("Authorization")
	if cred == "" {
		if c, err := r.Cookie(auth.SessionCookie); err == nil {
			cred = "session " + c.Value
		}
	}
	if cred == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(cred))
	return hex.EncodeToString(sum[:16])
}

// overLimit is the refusal: Retry-After comes from it (kit.Decorate reads
// RetryAfterSeconds through auth.RetryAfter).
type overLimit struct{ after time.Duration }

func (e overLimit) RetryAfterSeconds() int { return max(1, int(math.Ceil(e.after.Seconds()))) }

func (e overLimit) Error() string { return e.Unwrap().Error() }

func (e overLimit) Unwrap() error {
	return domain.Errorf(domain.ErrTooManyRequests, "too many requests; retry in %d seconds", e.RetryAfterSeconds())
}

func tooMany(w http.ResponseWriter, r *http.Request, log *slog.Logger, wait time.Duration, who string) {
	e := overLimit{after: wait}
	w.Header().Set("Retry-After", fmt.Sprint(e.RetryAfterSeconds()))
	writeEdgeError(w, r, log, edgeError{status: http.StatusTooManyRequests, ociCode: "TOOMANYREQUESTS",
		msg: fmt.Sprintf("too many requests from %s; retry in %d seconds", who, e.RetryAfterSeconds()), err: e})
}

// buckets are token buckets by key: each holds up to burst tokens,
// refilled at rate a second; a request takes one.
type buckets struct {
	rate  float64
	burst float64

	mu   sync.Mutex
	m    map[string]*bucket
	seen int // takes since the last prune
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxKeys bounds the memory of a node under a flood of distinct keys:
// past it, full buckets (idle keys) are dropped.
const maxKeys = 100_000

// newBuckets is nil (no limit) for a zero rate; burst 0 is ten seconds'
// worth of the rate.
func newBuckets(rate float64, burst int) *buckets {
	if rate <= 0 {
		return nil
	}
	b := float64(burst)
	if burst == 0 {
		b = math.Max(1, math.Ceil(rate*10))
	}
	return &buckets{rate: rate, burst: b, m: map[string]*bucket{}}
}

// take spends one token of key's bucket; when it has none it spends
// nothing and returns how long until one is there.
func (b *buckets) take(key string, now time.Time) time.Duration {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	k, ok := b.m[key]
	if !ok {
		if b.seen++; len(b.m) >= maxKeys || b.seen >= maxKeys {
			b.prune(now)
		}
		k = &bucket{tokens: b.burst, at: now}
		b.m[key] = k
	}
	k.tokens = math.Min(b.burst, k.tokens+now.Sub(k.at).Seconds()*b.rate)
	k.at = now
	if k.tokens >= 1 {
		k.tokens--
		return 0
	}
	return time.Duration((1 - k.tokens) / b.rate * float64(time.Second))
}

// prune drops the buckets that have refilled: forgetting them changes
// nothing, a new one starts full.
func (b *buckets) prune(now time.Time) {
	b.seen = 0
	for key, k := range b.m {
		if k.tokens+now.Sub(k.at).Seconds()*b.rate >= b.burst {
			delete(b.m, key)
		}
	}
}
