package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	gendb "github.com/kodera-packages/kodera/gen/db"
)

// hashGate bounds the Argon2id work running at once. Each check holds
// argonMemory (19 MiB) and a core for tens of milliseconds, so without a
// bound a burst of Basic requests exhausts memory and starves every other
// request. About one check per core runs; a short queue waits behind them
// for at most wait; anything beyond is refused at once with a short
// Retry-After, as failing fast costs the server nothing.
type hashGate struct {
	slots   chan struct{}
	queued  atomic.Int64
	maxWait int64
	wait    time.Duration
}

func newHashGate(slots, queue int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, max(1, slots)), maxWait: int64(queue), wait: wait}
}

// errHashBusy refuses a password check the gate has no room for.
var errHashBusy = &RateLimitError{RetryAfter: time.Second, Busy: true}

// run calls f holding a slot, or returns errHashBusy (or ctx's error)
// without calling it.
func (g *hashGate) run(ctx context.Context, f func()) error {
	select {
	case g.slots <- struct{}{}:
	default:
		if g.queued.Add(1) > g.maxWait {
			g.queued.Add(-1)
			return errHashBusy
		}
		t := time.NewTimer(g.wait)
		select {
		case g.slots <- struct{}{}:
			t.Stop()
			g.queued.Add(-1)
		case <-t.C:
			g.queued.Add(-1)
			return errHashBusy
		case <-ctx.Done():
			t.Stop()
			g.queued.Add(-1)
			return ctx.Err()
		}
	}
	defer func() { <-g.slots }()
	f()
	return nil
}

// passwordGate is the process's one bound on Argon2id work: checks at
// login and hashing of new passwords share it.
var passwordGate = newHashGate(runtime.GOMAXPROCS(0), 4*runtime.GOMAXPROCS(0), 2*time.Second)

// keyedMutex serialises password checks of one account on this node, so a
// client sending the right password on many connections at once pays one
// check (the others then find it remembered) instead of running into the
// login budget with checks still in flight.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	ch   chan struct{}
	refs int
}

// lock takes key's lock, or returns ctx's error.
func (k *keyedMutex) lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedEntry{}
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{ch: make(chan struct{}, 1)}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	release := func() {
		k.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
	select {
	case e.ch <- struct{}{}:
		return func() { <-e.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}

// RememberFor is how long a verified Basic password is remembered: pip,
// twine, git, go and curl send it on every request, and each Argon2id check
// costs tens of milliseconds of a core and 19 MiB.
const RememberFor = 60 * time.Second

// maxRemembered bounds the remembered verifications.
const maxRemembered = 10000

// verifiedCache remembers successful password checks for RememberFor under
// an HMAC of the credentials with a key that never leaves the process, so
// neither the password nor anything to test guesses against is kept. An
// entry only counts while the account row loaded for the request (the load
// every check does anyway) still has the same id, credential version and
// password hash and is enabled: a password change, reset or disabling on
// any node ends it at once.
type verifiedCache struct {
	key []byte
	mu  sync.Mutex
	m   map[[32]byte]verifiedEntry
	now func() time.Time
}

type verifiedEntry struct {
	userID  int64
	version int64
	hash    [32]byte // SHA-256 of the stored password hash checked against
	expires time.Time
}

func newVerifiedCache() *verifiedCache {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &verifiedCache{key: key, m: map[[32]byte]verifiedEntry{}, now: time.Now}
}

// cacheKey is the HMAC of username and password, length-prefixed so that
// no two pairs share an input.
func (c *verifiedCache) cacheKey(username, password string) [32]byte {
	m := hmac.New(sha256.New, c.key)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(username)))
	m.Write(n[:])
	m.Write([]byte(username))
	m.Write([]byte(password))
	var out [32]byte
	copy(out[:], m.Sum(nil))
	return out
}

// checkedAgainst is what a verification of u was checked against: its
// password hash, or for a directory account the directory itself (which
// keeps the password; disabling the account, as the directory sync does
// for a user gone from the directory, still ends the entry at once).
func checkedAgainst(u gendb.User) (string, bool) {
	switch {
	case u.PasswordHash != nil:
		return *u.PasswordHash, true
	case u.Source == "ldap":
		return "ldap", true
	}
	return "", false
}

// hit reports whether key was verified against u as it is now.
func (c *verifiedCache) hit(key [32]byte, u gendb.User) bool {
	against, ok := checkedAgainst(u)
	if u.Disabled || !ok {
		return false
	}
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	return ok && c.now().Before(e.expires) && e.userID == u.ID && e.version == u.CredentialVersion &&
		e.hash == sha256.Sum256([]byte(against))
}

// put remembers that key verified against u.
func (c *verifiedCache) put(key [32]byte, u gendb.User) {
	against, ok := checkedAgainst(u)
	if !ok {
		return
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxRemembered {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxRemembered {
			clear(c.m) // a flood of distinct logins: start over
		}
	}
	c.m[key] = verifiedEntry{userID: u.ID, version: u.CredentialVersion, hash: sha256.Sum256([]byte(against)), expires: now.Add(RememberFor)}
}

// ValidCredential reports whether a user name or password can be checked
// at all: text that Postgres cannot store (NUL, invalid UTF-8) is refused
// as a failed authentication instead of failing the query.
func ValidCredential(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return false
		}
	}
	return true
}

// AuditName is a user name as the audit trail can store it: text Postgres
// refuses (NUL, invalid UTF-8) has those parts replaced by U+FFFD.
func AuditName(s string) string {
	if ValidCredential(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
