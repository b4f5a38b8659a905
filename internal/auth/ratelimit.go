package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// LoginLimits bound failed password checks, counted in Postgres so every
// node sees the same failures. They apply to every password check: the
// login endpoint and HTTP Basic with a password on any endpoint.
type LoginLimits struct {
	Window     time.Duration // failures older than this no longer count
	PerAccount int           // failures per username within Window
	PerClient  int           // failures per client address within Window
}

// DefaultLoginLimits: five wrong passwords lock an account name for up to
// 15 minutes; twenty lock a client address (several accounts guessed from
// one place).
var DefaultLoginLimits = LoginLimits{Window: 15 * time.Minute, PerAccount: 5, PerClient: 20}

// RateLimitError is a refused login; RetryAfter says when to try again.
type RateLimitError struct {
	RetryAfter time.Duration
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

// checkLoginLimit refuses a password check while the account or the client
// address is over its budget. It reports whether the account has failures
// on record (to clear them after a success).
func (a *Authenticator) checkLoginLimit(ctx context.Context, q *gendb.Queries, user, ip string) (bool, error) {
	l := a.limits
	since := time.Now().Add(-l.Window)
	acct, err := q.CountLoginFailuresByUsername(ctx, gendb.CountLoginFailuresByUsernameParams{Username: user, Since: since})
	if err != nil {
		return false, fmt.Errorf("login limit: %w", err)
	}
	if acct.Failures >= int64(l.PerAccount) {
		return true, &RateLimitError{RetryAfter: time.Until(acct.Oldest.Add(l.Window))}
	}
	if ip != "" {
		cl, err := q.CountLoginFailuresByClientIP(ctx, gendb.CountLoginFailuresByClientIPParams{ClientIp: ip, Since: since})
		if err != nil {
			return false, fmt.Errorf("login limit: %w", err)
		}
		if cl.Failures >= int64(l.PerClient) {
			return acct.Failures > 0, &RateLimitError{RetryAfter: time.Until(cl.Oldest.Add(l.Window))}
		}
	}
	return acct.Failures > 0, nil
}

// recordLoginFailure counts one failure and prunes those too old to matter.
func (a *Authenticator) recordLoginFailure(ctx context.Context, q *gendb.Queries, user, ip string) {
	if err := q.InsertLoginFailure(ctx, gendb.InsertLoginFailureParams{Username: user, ClientIp: ip}); err != nil {
		a.log.WarnContext(ctx, "recording a login failure failed", "err", err)
	}
	if err := q.PruneLoginFailures(ctx, time.Now().Add(-2*a.limits.Window)); err != nil {
		a.log.WarnContext(ctx, "pruning login failures failed", "err", err)
	}
}

// RetryAfter reports the Retry-After seconds of a refused login anywhere
// in err's chain, for protocol handlers writing their own 429s.
func RetryAfter(err error) (seconds int, ok bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfterSeconds(), true
	}
	return 0, false
}
