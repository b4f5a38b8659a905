package kit

import (
	"context"
	"sync"
	"time"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// lookupCacheTTL is how long a protocol endpoint believes a repository
// lookup (the row and the caller's level on it) without asking again.
//
// Why it is safe: it serves reads only (downloads, listings), and only
// delays by this long, on each node, a change an administrator makes by
// hand (a grant revoked, visibility switched, guest access turned off).
// Writes always ask the database, so a repository's settings (immutable)
// never lag behind for an upload or a delete. Content is never cached: a
// deleted repository or file is gone at once, because the content lookup
// that follows asks the database. The REST API never uses it, so what an
// administrator reads back is always current.
const lookupCacheTTL = 2 * time.Second

const lookupCacheMax = 4096

type lookupKey struct {
	kind  auth.Kind
	id    int64
	token int64 // the API token's ID: its scopes narrow the level
	name  string
}

type lookupEntry struct {
	repo    domain.Repository
	level   int
	expires time.Time
}

// lookupCache remembers Authorizer.Lookup answers for lookupCacheTTL.
type lookupCache struct {
	mu sync.Mutex
	m  map[lookupKey]lookupEntry
}

// lookup is Authorizer.Lookup through the cache.
func (k *Kit) lookup(ctx context.Context, p auth.Principal, name string) (domain.Repository, int, error) {
	key := lookupKey{kind: p.Kind, id: p.ID, name: name}
	if p.Token != nil {
		key.token = p.Token.ID
	}
	now := k.now()
	c := &k.lookups
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.repo, e.level, nil
	}
	repo, level, err := k.Authz.Lookup(ctx, p, name)
	if err != nil {
		return repo, level, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= lookupCacheMax {
		c.m = make(map[lookupKey]lookupEntry)
	}
	c.m[key] = lookupEntry{repo: repo, level: level, expires: now.Add(lookupCacheTTL)}
	c.mu.Unlock()
	return repo, level, nil
}
