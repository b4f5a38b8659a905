package auth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
)

const testPassword = "the-right-password"

// newTestAuthenticator is an Authenticator on a fresh database with one
// user per name, each with testPassword.
func newTestAuthenticator(t *testing.T, users ...string) (*Authenticator, *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	pool, err := db.Open(ctx, dbtest.New(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	hash, err := HashPassword(testPassword)
	require.NoError(t, err)
	for _, u := range users {
		_, err := gendb.New(pool).CreateUser(ctx, gendb.CreateUserParams{Username: u, PasswordHash: &hash, Source: "local", IsAdmin: u == "admin"})
		require.NoError(t, err)
	}
	a := NewAuthenticator(pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// A gate of this test's own, so parallel tests do not share slots.
	a.gate = newHashGate(2, 8, 2*time.Second)
	return a, pool
}

func from(ip string) context.Context {
	return WithRequestInfo(context.Background(), RequestInfo{ClientIP: ip})
}

func countFailures(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM login_failures").Scan(&n))
	return n
}

// TestConcurrentGuessesStayWithinBudget: 31 wrong passwords sent at once
// for one account run at most PerAccount checks; the rest are refused before
// hashing, and the right password sent after them is refused too (the
// review saw every guess checked and the right one, sent with them,
// accepted). The right one is not raced with the guesses: a success frees
// its address's budget, so whether it lands first or last would change
// how many guesses may follow it.
func TestConcurrentGuessesStayWithinBudget(t *testing.T) {
	t.Parallel()
	a, pool := newTestAuthenticator(t, "alice")
	var wg sync.WaitGroup
	var badN, limitedN atomic.Int64
	start := make(chan struct{})
	for range 31 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := a.Password(from("10.0.0.1"), "alice", "wrong-password")
			switch {
			case errors.Is(err, domain.ErrTooManyRequests):
				limitedN.Add(1)
			case errors.Is(err, domain.ErrUnauthenticated):
				badN.Add(1)
			default:
				t.Errorf("unexpected answer: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	hashed, _ := a.PasswordChecks()
	t.Logf("31 concurrent guesses: %d wrong, %d refused; %d hashed", badN.Load(), limitedN.Load(), hashed)
	require.LessOrEqual(t, hashed, int64(a.limits.PerAccount))
	require.LessOrEqual(t, badN.Load(), int64(a.limits.PerAccount))
	require.Equal(t, int64(31), badN.Load()+limitedN.Load())
	require.LessOrEqual(t, countFailures(t, pool), a.limits.PerAccount)
	if badN.Load() < int64(a.limits.PerAccount) {
		// A guess that waited too long for a hashing slot was refused
		// unchecked (an overloaded machine): the budget is not used up.
		t.Logf("only %d guesses checked: not testing the lockout", badN.Load())
		return
	}
	_, err := a.Password(from("10.0.0.1"), "alice", testPassword)
	require.ErrorIs(t, err, domain.ErrTooManyRequests, "the right password from the guessing address waits out the lockout")
	after, _ := a.PasswordChecks()
	require.Equal(t, hashed, after, "refused without hashing")
}

// TestConcurrentMadeUpNamesStayWithinClientBudget: 100 checks at once with
// made-up user names from one address hash at most PerClient times and
// never run more Argon2id checks at once than the gate has slots.
func TestConcurrentMadeUpNamesStayWithinClientBudget(t *testing.T) {
	t.Parallel()
	a, pool := newTestAuthenticator(t)
	var wg sync.WaitGroup
	var limitedN atomic.Int64
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := a.Password(from("10.0.0.2"), "nobody-"+string(rune('a'+i%26))+string(rune('a'+i/26)), "guess")
			if errors.Is(err, domain.ErrTooManyRequests) {
				limitedN.Add(1)
				return
			}
			if !errors.Is(err, domain.ErrUnauthenticated) {
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	hashed, _ := a.PasswordChecks()
	t.Logf("100 made-up names: %d hashed, %d refused, %d failures recorded", hashed, limitedN.Load(), countFailures(t, pool))
	require.LessOrEqual(t, hashed, int64(a.limits.PerClient))
	require.Equal(t, int64(100)-hashed, limitedN.Load())
	// Refused checks leave nothing behind: only real failures count.
	require.Equal(t, int(hashed), countFailures(t, pool))
}

// TestHashGate: at most slots run at once, at most queue wait, the rest are
// refused at once with a Retry-After.
func TestHashGate(t *testing.T) {
	t.Parallel()
	g := newHashGate(2, 3, 5*time.Second)
	release := make(chan struct{})
	var running, peak atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- g.run(context.Background(), func() {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				<-release
				running.Add(-1)
			})
		}()
	}
	// 15 of the 20 are refused without waiting for the 5 held ones.
	refused := 0
	for refused < 15 {
		err := <-errs
		require.ErrorIs(t, err, domain.ErrTooManyRequests)
		secs, ok := RetryAfter(err)
		require.True(t, ok)
		require.Equal(t, 1, secs)
		refused++
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, int64(2), peak.Load())
}

// TestLockoutIsPerAddress: five failures from one address lock the account
// there only; the administrator at another address still logs in, and a
// success there does not open the attacker's address.
func TestLockoutIsPerAddress(t *testing.T) {
	t.Parallel()
	a, _ := newTestAuthenticator(t, "admin")
	for range 5 {
		_, err := a.Password(from("203.0.113.9"), "admin", "guess")
		require.ErrorIs(t, err, domain.ErrUnauthenticated)
	}
	_, err := a.Password(from("203.0.113.9"), "admin", testPassword)
	require.ErrorIs(t, err, domain.ErrTooManyRequests)
	p, err := a.Password(from("192.0.2.1"), "admin", testPassword)
	require.NoError(t, err)
	require.True(t, p.Admin)
	_, err = a.Password(from("203.0.113.9"), "admin", testPassword+"!")
	require.ErrorIs(t, err, domain.ErrTooManyRequests)

	// The account-wide cap still stops guessing spread over addresses.
	a.limits.PerAccountTotal = 7
	_, err = a.Password(from("198.51.100.1"), "admin", "guess")
	require.ErrorIs(t, err, domain.ErrUnauthenticated)
	_, err = a.Password(from("198.51.100.2"), "admin", "guess")
	require.ErrorIs(t, err, domain.ErrUnauthenticated)
	_, err = a.Password(from("198.51.100.3"), "admin", "guess")
	require.ErrorIs(t, err, domain.ErrTooManyRequests)
}

// TestRememberedVerification: a verified password is answered without
// hashing for the same credentials, never for others, and not after a
// password change or a disable made on any node (another Authenticator on
// the same database stands for the other node).
func TestRememberedVerification(t *testing.T) {
	t.Parallel()
	a, pool := newTestAuthenticator(t, "alice", "bob")
	other := NewAuthenticator(pool, a.log)
	ctx := from("10.0.0.3")
	_, err := a.Password(ctx, "alice", testPassword)
	require.NoError(t, err)
	p, err := a.Password(ctx, "alice", testPassword)
	require.NoError(t, err)
	require.Equal(t, "alice", p.Name)
	hashed, remembered := a.PasswordChecks()
	require.Equal(t, int64(1), hashed)
	require.Equal(t, int64(1), remembered)

	// Another password, another user: hashed again, never remembered.
	_, err = a.Password(ctx, "alice", testPassword+"x")
	require.ErrorIs(t, err, domain.ErrUnauthenticated)
	_, err = a.Password(ctx, "bob", testPassword)
	require.NoError(t, err)
	hashed, remembered = a.PasswordChecks()
	require.Equal(t, int64(3), hashed)
	require.Equal(t, int64(1), remembered)

	// A password change on the other node ends it at once.
	q := gendb.New(pool)
	alice, err := q.GetUserByUsername(context.Background(), "alice")
	require.NoError(t, err)
	newHash, err := HashPassword("a-new-password")
	require.NoError(t, err)
	_, err = q.UpdateUser(context.Background(), gendb.UpdateUserParams{ID: alice.ID, PasswordHash: &newHash})
	require.NoError(t, err)
	_, err = a.Password(ctx, "alice", testPassword)
	require.ErrorIs(t, err, domain.ErrUnauthenticated)
	_, err = a.Password(ctx, "alice", "a-new-password")
	require.NoError(t, err)
	_, err = other.Password(ctx, "alice", "a-new-password")
	require.NoError(t, err)

	// So does disabling the account.
	disabled := true
	_, err = q.UpdateUser(context.Background(), gendb.UpdateUserParams{ID: alice.ID, Disabled: &disabled})
	require.NoError(t, err)
	_, err = a.Password(ctx, "alice", "a-new-password")
	require.ErrorIs(t, err, domain.ErrUnauthenticated)

	// And an entry expires.
	_, err = a.Password(ctx, "bob", testPassword)
	require.NoError(t, err)
	_, remembered = a.PasswordChecks()
	a.verified.now = func() time.Time { return time.Now().Add(RememberFor + time.Second) }
	_, err = a.Password(ctx, "bob", testPassword)
	require.NoError(t, err)
	_, after := a.PasswordChecks()
	require.Equal(t, remembered, after)
}

// TestRememberedVerificationSkipsNoCheckOfConcurrentCallers: the right
// password on many connections at once costs one check, and none is
// refused by the login budget.
func TestRememberedVerificationConcurrent(t *testing.T) {
	t.Parallel()
	a, _ := newTestAuthenticator(t, "alice")
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := a.Password(from("10.0.0.4"), "alice", testPassword)
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	hashed, remembered := a.PasswordChecks()
	require.Equal(t, int64(1), hashed)
	require.Equal(t, int64(19), remembered)
}

// TestRevalidateAfterPasswordChange: a principal carrying the credential
// version it authenticated with (as a registry token does) is refused once
// the password changes, while a token-derived one is not concerned.
func TestRevalidateAfterPasswordChange(t *testing.T) {
	t.Parallel()
	a, pool := newTestAuthenticator(t, "alice")
	ctx := from("10.0.0.5")
	p, err := a.Password(ctx, "alice", testPassword)
	require.NoError(t, err)
	require.NotZero(t, p.CredentialVersion)
	_, err = a.Revalidate(ctx, p)
	require.NoError(t, err)

	q := gendb.New(pool)
	// Changing anything but the password keeps it.
	name := "Alice"
	_, err = q.UpdateUser(ctx, gendb.UpdateUserParams{ID: p.ID, FullName: &name})
	require.NoError(t, err)
	_, err = a.Revalidate(ctx, p)
	require.NoError(t, err)

	newHash, err := HashPassword("a-new-password")
	require.NoError(t, err)
	_, err = q.UpdateUser(ctx, gendb.UpdateUserParams{ID: p.ID, PasswordHash: &newHash})
	require.NoError(t, err)
	_, err = a.Revalidate(ctx, p)
	require.ErrorIs(t, err, domain.ErrUnauthenticated)

	fresh, err := a.Password(ctx, "alice", "a-new-password")
	require.NoError(t, err)
	_, err = a.Revalidate(ctx, fresh)
	require.NoError(t, err)
}

// TestCredentialsPostgresCannotStore: NUL bytes and invalid UTF-8 in a user
// name or password are a failed authentication, not a database error, and
// are neither hashed nor counted.
func TestCredentialsPostgresCannotStore(t *testing.T) {
	t.Parallel()
	a, pool := newTestAuthenticator(t, "alice")
	for _, c := range []struct{ user, pass string }{
		{"al\x00ice", testPassword},
		{"alice\xff", testPassword},
		{"alice", "pass\x00word"},
		{"alice", "pass\xc3word"},
	} {
		_, err := a.Password(from("10.0.0.6"), c.user, c.pass)
		require.ErrorIs(t, err, domain.ErrUnauthenticated, "%q:%q", c.user, c.pass)
		_, err = a.Basic(from("10.0.0.6"), c.user, c.pass)
		require.ErrorIs(t, err, domain.ErrUnauthenticated, "%q:%q", c.user, c.pass)
	}
	hashed, _ := a.PasswordChecks()
	require.Zero(t, hashed)
	require.Zero(t, countFailures(t, pool))
	// The failed Basic logins are audited under a name Postgres can store.
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM audit_events WHERE action = 'login' AND NOT success").Scan(&n))
	require.Equal(t, 4, n)
}

func TestNormalizeScopes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, want []string
	}{
		{nil, []string{"read", "write", "admin"}},
		{[]string{"read"}, []string{"read"}},
		{[]string{"write"}, []string{"read", "write"}},
		{[]string{"read", "write"}, []string{"read", "write"}},
		{[]string{"admin"}, []string{"read", "write", "admin"}},
		{[]string{" Admin ", "read"}, []string{"read", "write", "admin"}},
	} {
		got, err := NormalizeScopes(tt.in)
		require.NoError(t, err, "%v", tt.in)
		require.Equal(t, tt.want, got, "%v", tt.in)
	}
	_, err := NormalizeScopes([]string{"delete"})
	require.ErrorIs(t, err, domain.ErrInvalid)
}
