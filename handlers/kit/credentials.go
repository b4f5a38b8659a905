package kit

import (
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kodera-packages/kodera/internal/auth"
)

// tokenCacheTTL is how long a verified API token is believed without
// asking the database again.
//
// Why it is safe: a token is a random 256-bit secret, so the cache key (the
// sha256 of the whole Authorization value) cannot be guessed, and only a
// successful verification is remembered; a failure always goes to the
// database (and the login limits). What it costs: revoking or expiring a
// token, or disabling its account, takes effect on each node up to this
// long later. Two seconds is invisible to people and keeps a client's
// burst of requests (a pip install, a CI job's downloads) at one
// verification per node.
const tokenCacheTTL = 2 * time.Second

// tokenCacheMax bounds the cache; when full it starts over.
const tokenCacheMax = 4096

// tokenCache remembers principals that API tokens verified to.
type tokenCache struct {
	mu sync.Mutex
	m  map[[32]byte]cachedPrincipal
}

type cachedPrincipal struct {
	p       auth.Principal
	expires time.Time
}

// cacheableToken returns the Authorization value when it carries a Kodera
// API token (Bearer, or as the Basic password): those are what the cache
// may hold. Passwords are never cached here.
func cacheableToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if v, ok := strings.CutPrefix(h, "Bearer "); ok {
		return h, auth.IsToken(strings.TrimSpace(v))
	}
	if _, secret, ok := r.BasicAuth(); ok {
		return h, auth.IsToken(secret)
	}
	return "", false
}

func (c *tokenCache) get(key [32]byte, now time.Time) (auth.Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || now.After(e.expires) {
		return auth.Principal{}, false
	}
	if e.p.Token != nil && e.p.Token.ExpiresAt != nil && !e.p.Token.ExpiresAt.After(now) {
		return auth.Principal{}, false
	}
	return e.p, true
}

func (c *tokenCache) put(key [32]byte, p auth.Principal, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= tokenCacheMax {
		c.m = make(map[[32]byte]cachedPrincipal)
	}
	c.m[key] = cachedPrincipal{p: p, expires: now.Add(tokenCacheTTL)}
}

// authenticate is Authenticator.Authenticate with API token verifications
// remembered for tokenCacheTTL.
func (k *Kit) authenticate(r *http.Request) (auth.Principal, error) {
	h, ok := cacheableToken(r)
	if !ok {
		return k.Authn.Authenticate(r)
	}
	key := sha256.Sum256([]byte(h))
	now := k.now()
	if p, ok := k.tokens.get(key, now); ok {
		return p, nil
	}
	p, err := k.Authn.Authenticate(r)
	if err == nil {
		k.tokens.put(key, p, now)
	}
	return p, err
}
