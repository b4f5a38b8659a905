package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// LoginLimits bound password checks, counted in Postgres so every node
// sees the same failures. They apply to every password check: the login
// endpoint and HTTP Basic with a password on any endpoint. A check counts
// as a failure from the moment it starts (a reservation, withdrawn when the
// password turns out right), so checks running at once cannot overrun a
// budget.
//
// The account budget counts per account and client address: an anonymous
// caller who fails five times locks that account out for its own address
// only, never the administrator at the desk. PerAccountTotal caps guesses
// at one account spread over many addresses.
type LoginLimits struct {
	Window          time.Duration // failures older than this no longer count
	PerAccount      int           // failures per username and client address within Window
	PerAccountTotal int           // failures per username from all addresses within Window
	PerClient       int           // failures per client address within Window
}

// DefaultLoginLimits: five wrong passwords lock an account name for the
// address they came from for up to 15 minutes; twenty lock a client address
// (several accounts guessed from one place); a hundred from everywhere lock
// the account name.
var DefaultLoginLimits = LoginLimits{Window: 15 * time.Minute, PerAccount: 5, PerAccountTotal: 100, PerClient: 20}

// RateLimitError is a refused login; RetryAfter says when to try again.
type RateLimitError struct {
	RetryAfter time.Duration
	// Busy: refused because too many password checks run at once, not
	// because of failures.
	Busy bool
}

func (e *RateLimitError) Error() string { return e.domainError().Error() }

// Unwrap makes errors.Is(err, domain.ErrTooManyRequests) hold and carries
// the caller-facing message.
func (e *RateLimitError) Unwrap() error { return e.domainError() }

// RetryAfterSeconds is the Retry-After header value (at least 1).
func (e *RateLimitError) RetryAfterSeconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

func (e *RateLimitError) domainError() error {
	if e.Busy {
		return domain.Errorf(domain.ErrTooManyRequests, "too many password checks in progress; retry in %d seconds (a token avoids them)", e.RetryAfterSeconds())
	}
	return domain.Errorf(domain.ErrTooManyRequests, "too many failed logins; retry in %d seconds", e.RetryAfterSeconds())
}

// loginKey is how failures are counted per account: case-insensitively, so
// "Admin" and "admin" share one budget.
func loginKey(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// ClearLoginFailures lifts an account's lockout, as an admin setting a new
// password expects; the per-address budget is left as it is.
func ClearLoginFailures(ctx context.Context, q *gendb.Queries, username string) error {
	return q.DeleteLoginFailuresByUsername(ctx, loginKey(username))
}

// Advisory lock classes of the login budgets (LockLoginBudget).
const (
	lockClassAccount = 4242101
	lockClassClient  = 4242102
)

// loginReservation is a password check counted as a failure before it runs.
type loginReservation struct {
	id          int64
	user, ip    string
	hadFailures bool // the account had failures from this address on record (cleared after a success)
}

// reserveLoginCheck refuses a password check while the account (from this
// address, or from everywhere) or the client address is over its budget,
// and otherwise records the check as a failure before it runs, all under
// advisory locks on the account and the address, so that concurrent checks
// on any node see each other. The account lock is always taken first, so
// two reservations never wait on each other in a cycle.
func (a *Authenticator) reserveLoginCheck(ctx context.Context, user, ip string) (loginReservation, error) {
	l := a.limits
	res := loginReservation{user: user, ip: ip}
	// One reservation per address at a time on this node: waiters then
	// queue here rather than on the advisory lock, each holding one of the
	// pool's few connections that every other request needs too.
	unlock, err := a.clients.lock(ctx, ip)
	if err != nil {
		return res, err
	}
	defer unlock()
	err = db.WithTx(ctx, a.pool, func(q *gendb.Queries) error {
		since := time.Now().Add(-l.Window)
		if err := q.LockLoginBudget(ctx, gendb.LockLoginBudgetParams{Class: lockClassAccount, Key: user}); err != nil {
			return err
		}
		if err := q.LockLoginBudget(ctx, gendb.LockLoginBudgetParams{Class: lockClassClient, Key: ip}); err != nil {
			return err
		}
		pair, err := q.CountLoginFailuresByUsernameAndClientIP(ctx, gendb.CountLoginFailuresByUsernameAndClientIPParams{Username: user, ClientIp: ip, Since: since})
		if err != nil {
			return err
		}
		res.hadFailures = pair.Failures > 0
		if pair.Failures >= int64(l.PerAccount) {
			return &RateLimitError{RetryAfter: time.Until(pair.Oldest.Add(l.Window))}
		}
		acct, err := q.CountLoginFailuresByUsername(ctx, gendb.CountLoginFailuresByUsernameParams{Username: user, Since: since})
		if err != nil {
			return err
		}
		if acct.Failures >= int64(l.PerAccountTotal) {
			return &RateLimitError{RetryAfter: time.Until(acct.Oldest.Add(l.Window))}
		}
		if ip != "" {
			cl, err := q.CountLoginFailuresByClientIP(ctx, gendb.CountLoginFailuresByClientIPParams{ClientIp: ip, Since: since})
			if err != nil {
				return err
			}
			if cl.Failures >= int64(l.PerClient) {
				return &RateLimitError{RetryAfter: time.Until(cl.Oldest.Add(l.Window))}
			}
		}
		res.id, err = q.InsertLoginFailure(ctx, gendb.InsertLoginFailureParams{Username: user, ClientIp: ip})
		return err
	})
	var rl *RateLimitError
	if err != nil && !errors.As(err, &rl) {
		err = fmt.Errorf("login limit: %w", err)
	}
	return res, err
}

// withdrawReservation forgets a reserved check that succeeded or never ran
// and, after a success, the account's earlier failures from the same
// address (those from elsewhere may be someone else guessing). It runs even
// when the request is gone: a reservation left behind would count as a
// failure.
func (a *Authenticator) withdrawReservation(ctx context.Context, res loginReservation, succeeded bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	q := gendb.New(a.pool)
	if err := q.DeleteLoginFailure(ctx, res.id); err != nil {
		a.log.WarnContext(ctx, "withdrawing a login reservation failed", "err", err)
	}
	if succeeded && res.hadFailures {
		if err := q.DeleteLoginFailuresByUsernameAndClientIP(ctx, gendb.DeleteLoginFailuresByUsernameAndClientIPParams{Username: res.user, ClientIp: res.ip}); err != nil {
			a.log.WarnContext(ctx, "clearing login failures failed", "err", err)
		}
	}
}

// pruneLoginFailures drops failures too old to matter; a failed check
// carries it, as the reservation already recorded the failure itself.
func (a *Authenticator) pruneLoginFailures(ctx context.Context) {
	if err := gendb.New(a.pool).PruneLoginFailures(ctx, time.Now().Add(-2*a.limits.Window)); err != nil {
		a.log.WarnContext(ctx, "pruning login failures failed", "err", err)
	}
}

// RetryAfter reports the Retry-After seconds of a refusal anywhere in
// err's chain (a refused login, a request over the node's rate limit:
// anything with a RetryAfterSeconds method), for protocol handlers writing
// their own 429s.
func RetryAfter(err error) (seconds int, ok bool) {
	var rl interface{ RetryAfterSeconds() int }
	if errors.As(err, &rl) {
		return rl.RetryAfterSeconds(), true
	}
	return 0, false
}
