//go:build linux

package auth_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// maxLoginRSSGrowth is what a burst of password checks may add to the
// server's peak RSS (the review measured 1.3 GB for 100 at once).
const maxLoginRSSGrowth = 128 << 20

// TestPasswordFloodMemoryAndBudgets runs kodera as its own process and
// sends it, from one address (X-Forwarded-For through a trusted proxy),
// 100 Basic logins at once with made-up user names while a token client
// keeps working, then 30 wrong passwords and the right one at once for one
// account from another address. The server's peak RSS (VmHWM, reset
// before) may grow by at most 128 MiB; at most PerClient (20) of the 100
// and PerAccount (5) of the 31 are checked (401 or 200), the rest are 429
// with Retry-After; every token request succeeds. Finally an anonymous
// caller's five failures at the login endpoint do not lock the
// administrator out at another address.
func TestPasswordFloodMemoryAndBudgets(t *testing.T) {
	t.Parallel()
	srv := apptest.StartProcess(t, apptest.ProcessOptions{Env: []string{"KODERA_TRUSTED_PROXIES=127.0.0.1"}})
	seed := (&apptest.Node{DBURL: srv.DBURL}).Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.User("bob", "bob-password-123", false)
	token := seed.Token("alice", false, []string{"read"})

	do := func(method, path, user, pass, from, bearer, body string) (int, http.Header, time.Duration) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, srv.URL+path, rd)
		if err != nil {
			t.Errorf("request: %v", err)
			return 0, nil, 0
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		if from != "" {
			req.Header.Set("X-Forwarded-For", from)
		}
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil { // called from goroutines: no FailNow here
			t.Errorf("%s %s: %v", method, path, err)
			return 0, nil, time.Since(start)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header, time.Since(start)
	}
	// Warm up: one password check (not alice's: hers would be remembered
	// and pass without a check), one token request.
	code, _, _ := do("GET", "/api/v1/me", "bob", "bob-password-123", "192.0.2.10", "", "")
	require.Equal(t, http.StatusOK, code)
	code, _, _ = do("GET", "/api/v1/me", "", "", "", token, "")
	require.Equal(t, http.StatusOK, code)

	before := srv.Memory(t)
	if !srv.ResetPeak() {
		t.Logf("cannot reset VmHWM: measuring against the start-up peak")
	}

	// The token client runs through the whole burst.
	stop := make(chan struct{})
	var tokenTimes []time.Duration
	var tokenCodes []int
	tokenDone := make(chan struct{})
	go func() {
		defer close(tokenDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			code, _, d := do("GET", "/api/v1/me", "", "", "", token, "")
			tokenCodes = append(tokenCodes, code)
			tokenTimes = append(tokenTimes, d)
		}
	}()

	burst := func(n int, user func(i int) string, pass func(i int) string, from string) map[int]int {
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				code, hdr, _ := do("GET", "/api/v1/me", user(i), pass(i), from, "", "")
				if code == http.StatusTooManyRequests && hdr.Get("Retry-After") == "" {
					t.Errorf("429 without Retry-After")
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		return codes
	}
	started := time.Now()
	made := burst(100, func(i int) string { return fmt.Sprintf("nobody-%03d", i) }, func(int) string { return "guess-guess" }, "198.51.100.7")
	madeTook := time.Since(started)
	// Wrong guesses only: a success would free its address's budget, and
	// whether it landed first or last would change what may follow it.
	guesses := burst(31, func(int) string { return "alice" }, func(i int) string { return fmt.Sprintf("wrong-%d", i) }, "198.51.100.8")
	close(stop)
	<-tokenDone
	after := srv.Memory(t)

	growth := after["VmHWM"] - before["VmRSS"]
	slices.Sort(tokenTimes)
	t.Logf("100 made-up names in %v: %v; 31 guesses for one account: %v", madeTook.Round(time.Millisecond), made, guesses)
	t.Logf("server VmRSS before %d MiB, after %d MiB, peak %d MiB: growth %.1f MiB", before["VmRSS"]>>20, after["VmRSS"]>>20, after["VmHWM"]>>20, float64(growth)/(1<<20))
	require.NotEmpty(t, tokenTimes)
	t.Logf("%d token requests meanwhile: median %v, max %v", len(tokenTimes), tokenTimes[len(tokenTimes)/2], tokenTimes[len(tokenTimes)-1])

	require.LessOrEqual(t, growth, int64(maxLoginRSSGrowth), "server RSS grew by %d MiB", growth>>20)
	require.LessOrEqual(t, made[http.StatusUnauthorized], 20, "%v", made)
	require.Equal(t, 100, made[http.StatusUnauthorized]+made[http.StatusTooManyRequests], "%v", made)
	require.LessOrEqual(t, guesses[http.StatusUnauthorized], 5, "%v", guesses)
	require.Equal(t, 31, guesses[http.StatusUnauthorized]+guesses[http.StatusTooManyRequests], "%v", guesses)
	if guesses[http.StatusUnauthorized] == 5 {
		code, _, _ := do("GET", "/api/v1/me", "alice", "alice-password-123", "198.51.100.8", "", "")
		require.Equal(t, http.StatusTooManyRequests, code, "the right password after the guesses, from their address")
	}
	for _, c := range tokenCodes {
		require.Equal(t, http.StatusOK, c)
	}
	require.Less(t, tokenTimes[len(tokenTimes)-1], 2*time.Second, "a token request waited behind password checks")

	// Five failures at the login endpoint from one address lock the
	// administrator out there only.
	login := func(pass, from string) int {
		code, _, _ := do("POST", "/api/v1/auth/login", "", "", from, "", fmt.Sprintf(`{"username":%q,"password":%q}`, apptest.AdminUser, pass))
		return code
	}
	for range 5 {
		require.Equal(t, http.StatusUnauthorized, login("not-the-password", "203.0.113.66"))
	}
	require.Equal(t, http.StatusTooManyRequests, login(apptest.AdminPassword, "203.0.113.66"))
	require.Equal(t, http.StatusOK, login(apptest.AdminPassword, "192.0.2.20"))
}
