package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/gc"
)

// outcome is one request of the load.
type outcome struct {
	start      time.Time
	took       time.Duration
	method     string
	path       string
	content    string // what a PUT sent
	status     int    // 0: the request failed (timeout, connection)
	retryAfter string
	err        error
}

// load is several clients uploading and downloading files through a
// node without pause, the traffic an outage falls on.
type load struct {
	t      *testing.T
	base   string
	token  string
	client *http.Client

	mu       sync.Mutex
	outcomes []outcome
	stop     chan struct{}
	wg       sync.WaitGroup
}

// startLoad runs clients until Stop, each writing its own files under
// /api/files/<repo>/c<n>/ and reading back the last it wrote.
func startLoad(t *testing.T, base, token, repo string, clients int) *load {
	l := &load{t: t, base: base, token: token, stop: make(chan struct{}),
		client: &http.Client{Timeout: 15 * time.Second}}
	for c := range clients {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			last := ""
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				path := fmt.Sprintf("/api/files/%s/c%d/%d.txt", repo, c, i)
				content := fmt.Sprintf("client %d file %d %s", c, i, strings.Repeat("k", 4<<10))
				if o := l.send(http.MethodPut, path, content); o.status == http.StatusCreated {
					last = path
				}
				if last != "" {
					l.send(http.MethodGet, last, "")
				}
				// Pace: a CI client, not a benchmark, on a shared machine.
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	return l
}

func (l *load) send(method, path, content string) outcome {
	o := outcome{start: time.Now(), method: method, path: path, content: content}
	var body io.Reader
	if method == http.MethodPut {
		body = strings.NewReader(content)
	}
	req, err := http.NewRequest(method, l.base+path, body)
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+l.token)
		var resp *http.Response
		if resp, err = l.client.Do(req); err == nil {
			o.status, o.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	o.took, o.err = time.Since(o.start), err
	l.mu.Lock()
	l.outcomes = append(l.outcomes, o)
	l.mu.Unlock()
	return o
}

// snapshot is what the clients saw so far.
func (l *load) snapshot() []outcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]outcome(nil), l.outcomes...)
}

// waitFor waits until the clients have seen status n more times: the load
// really met the outage (or the recovery) before the test moves on.
func (l *load) waitFor(t *testing.T, status, n int) {
	t.Helper()
	count := func() int {
		c := 0
		for _, o := range l.snapshot() {
			if o.status == status {
				c++
			}
		}
		return c
	}
	from := count()
	require.Eventually(t, func() bool { return count() >= from+n }, 30*time.Second, 20*time.Millisecond,
		"the clients did not see %d more %d answers", n, status)
}

// Stop ends the clients and closes their connections, so that the node's
// goroutines serving them can end.
func (l *load) Stop() []outcome {
	close(l.stop)
	l.wg.Wait()
	l.client.CloseIdleConnections()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.outcomes
}

// summary checks the rules every outage keeps and returns the figures:
// every request answered within 10 s (none hung, none failed at the
// connection), only 2xx or 503, each 503 with Retry-After; the last 503
// is at most 5 s after back (when the dependency returned).
func summarize(t *testing.T, outcomes []outcome, back time.Time) (counts map[int]int, recovered time.Duration) {
	t.Helper()
	counts = map[int]int{}
	var lastFailure time.Time
	for _, o := range outcomes {
		require.NoError(t, o.err, "%s %s hung or failed after %v", o.method, o.path, o.took)
		require.Less(t, o.took, 10*time.Second, "%s %s took too long", o.method, o.path)
		counts[o.status]++
		switch {
		case o.status == http.StatusServiceUnavailable:
			require.Equal(t, "5", o.retryAfter, "%s %s: 503 without Retry-After", o.method, o.path)
			if end := o.start.Add(o.took); end.After(lastFailure) {
				lastFailure = end
			}
		case o.status != http.StatusOK && o.status != http.StatusCreated:
			t.Fatalf("%s %s answered %d", o.method, o.path, o.status)
		}
	}
	require.NotZero(t, counts[http.StatusServiceUnavailable], "the outage was never seen: the test proves nothing")
	if lastFailure.After(back) {
		recovered = lastFailure.Sub(back)
	}
	require.LessOrEqual(t, recovered, 5*time.Second, "503s went on longer than 5 s after the dependency returned")
	return counts, recovered
}

// checkNoHalfWrites: every upload answered 201 reads back as sent; one
// refused reads back whole or not at all (404), never partly; and fsck
// finds no row whose content is missing.
func checkNoHalfWrites(t *testing.T, base, token string, outcomes []outcome, pool *pgxpool.Pool, store *blob.Store) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	refused := 0
	for _, o := range outcomes {
		if o.method != http.MethodPut {
			continue
		}
		req, err := http.NewRequest(http.MethodGet, base+o.path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case o.status == http.StatusCreated:
			require.Equal(t, http.StatusOK, resp.StatusCode, o.path)
			require.Equal(t, o.content, string(b), o.path)
		case resp.StatusCode == http.StatusNotFound:
			refused++
		default:
			require.Equal(t, http.StatusOK, resp.StatusCode, o.path)
			require.Equal(t, o.content, string(b), "%s: a refused upload left other content", o.path)
		}
	}
	rep, err := (&gc.Collector{Pool: pool, Store: store, Log: discard()}).Fsck(context.Background())
	require.NoError(t, err)
	require.Empty(t, rep.Missing, "rows whose content is missing: %s", rep)
	t.Logf("refused uploads with no row: %d; fsck: %d rows, %d objects, %d orphaned objects (leaked, not lost)", refused, rep.Rows, rep.Objects, len(rep.Orphans))
}

// goroutines reads go_goroutines from the node's /metrics.
func goroutines(t *testing.T, base string) int {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			return int(n)
		}
	}
	t.Fatal("no go_goroutines in /metrics")
	return 0
}

// settles waits for the node's goroutines to come back near baseline and
// its RSS to stay within maxGrowth of it; it logs the figures.
func settles(t *testing.T, p *apptest.Process, goroutineBase int, rssBase int64) {
	t.Helper()
	var now int
	require.Eventually(t, func() bool { now = goroutines(t, p.URL); return now <= goroutineBase+10 }, 15*time.Second, 100*time.Millisecond,
		"goroutines stay up: %d, baseline %d", now, goroutineBase)
	rss := p.Memory(t)["VmRSS"]
	t.Logf("goroutines: baseline %d, after %d; RSS: baseline %d MiB, after %d MiB", goroutineBase, now, rssBase>>20, rss>>20)
	require.Less(t, rss, rssBase+maxOutageRSSGrowth, "RSS did not come back near baseline")
}

// maxOutageRSSGrowth is what an outage under load may leave in a node's
// RSS: heap the runtime has not yet returned, not requests held forever.
const maxOutageRSSGrowth = 96 << 20

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
