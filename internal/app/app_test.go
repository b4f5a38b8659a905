package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app"
	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
	"github.com/kodera-packages/kodera/internal/dbtest"
)

func get(t *testing.T, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestServerEndpoints(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})

	resp, body := get(t, n.URL+"/healthz")
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "ok\n", body)
	require.NotEmpty(t, resp.Header.Get("X-Request-Id"))

	resp, _ = get(t, n.URL+"/readyz")
	require.Equal(t, 200, resp.StatusCode)
	// The image's HEALTHCHECK: `kodera healthcheck` on the node's own port,
	// here given as the unspecified address a container listens on.
	_, port, err := net.SplitHostPort(n.Addr)
	require.NoError(t, err)
	probe := map[string]string{"KODERA_LISTEN": ":" + port}
	require.NoError(t, app.Run(context.Background(), []string{"kodera", "healthcheck"}, func(k string) string { return probe[k] }, io.Discard, app.Options{}))

	resp, body = get(t, n.URL+"/api/v1/system/info")
	require.Equal(t, 200, resp.StatusCode)
	var info struct {
		Version     string `json:"version"`
		GuestAccess bool   `json:"guestAccess"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &info))
	require.True(t, info.GuestAccess)

	resp, body = get(t, n.URL+"/v3/api-docs")
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var spec map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &spec))
	require.Equal(t, "3.0.3", spec["openapi"])
	require.Contains(t, spec["paths"], "/api/v1/system/info")

	resp, body = get(t, n.URL+"/swagger-ui.html")
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, body, `url: "/v3/api-docs"`)
	for _, asset := range regexp.MustCompile(`(?:src|href)="(/swagger-ui/[^"]+)"`).FindAllStringSubmatch(body, -1) {
		resp, b := get(t, n.URL+asset[1])
		require.Equal(t, 200, resp.StatusCode, asset[1])
		require.NotEmpty(t, b)
	}

	// Client-side routes load the UI (or the page saying how to build it).
	resp, body = get(t, n.URL+"/repositories/some/deep/link")
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Contains(t, body, "<title>Kodera Packages</title>")

	// Metrics count requests by route.
	resp, body = get(t, n.URL+"/metrics")
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, body, `kodera_http_requests_total{code="200",method="GET",route="/healthz"}`)
	require.Contains(t, body, "go_goroutines")
}

func TestAPIErrorsAreProblemJSON(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})

	resp, body := get(t, n.URL+"/api/v1/no/such/endpoint")
	require.Equal(t, 404, resp.StatusCode)
	require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	var p map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &p))
	require.Equal(t, float64(404), p["status"])
	require.Equal(t, resp.Header.Get("X-Request-Id"), p["requestId"])

	// Wrong credentials are refused, never treated as Guest.
	for _, h := range [][]string{
		{"Authorization", "Bearer " + auth.TokenPrefix + "not-a-real-token"},
		{"Authorization", "Basic " + basic("admin", "wrong-password")},
		{"Authorization", "Basic " + basic("nobody", "whatever-pass")},
		{"Authorization", "Negotiate abc"},
		{"Cookie", auth.SessionCookie + "=forged"},
	} {
		resp, body := get(t, n.URL+"/api/v1/system/info", h...)
		require.Equal(t, 401, resp.StatusCode, h)
		require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
		require.NotContains(t, body, "sql")
	}
	resp, _ = get(t, n.URL+"/api/v1/system/info", "Authorization", "Basic "+basic(apptest.AdminUser, apptest.AdminPassword))
	require.Equal(t, 200, resp.StatusCode)

	// A request that breaks the spec gets one line saying where, not a schema dump.
	req, err := http.NewRequest(http.MethodPost, n.URL+"/api/v1/repositories", strings.NewReader(`{"name":"ok","type":"nope"}`))
	require.NoError(t, err)
	req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 400, resp.StatusCode)
	var prob struct{ Detail string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&prob))
	require.True(t, strings.HasPrefix(prob.Detail, `request body: field "type": value is not one of the allowed values`), prob.Detail)
	require.NotContains(t, prob.Detail, "\n")

	// Bodies are bounded before anything reads them, even unauthenticated.
	big := `{"username":"` + strings.Repeat("a", 2<<20) + `","password":"x"}`
	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader(big)
		if chunked {
			body = io.MultiReader(strings.NewReader(big)) // no length: sent chunked
		}
		req, err := http.NewRequest(http.MethodPost, n.URL+"/api/v1/auth/login", body)
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "chunked=%v", chunked)
	}

	// A known path with the wrong method is a 405 naming the right ones.
	req, err = http.NewRequest(http.MethodPut, n.URL+"/api/v1/repositories", nil)
	require.NoError(t, err)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Equal(t, "GET, POST", resp.Header.Get("Allow"))
}

func TestS3Storage(t *testing.T) {
	t.Parallel()
	s3 := blobtest.StartS3(t)
	n := apptest.Start(t, apptest.Options{Env: map[string]string{
		"STORAGE_URL": s3.Endpoint, "STORAGE_BUCKET": s3.Bucket, "STORAGE_AK": s3.AccessKey, "STORAGE_SK": s3.SecretKey,
	}})
	resp, _ := get(t, n.URL+"/readyz")
	require.Equal(t, 200, resp.StatusCode)
}

func TestConfigErrorStopsWithOneLine(t *testing.T) {
	t.Parallel()
	err := app.Run(context.Background(), []string{"kodera"}, func(k string) string {
		return map[string]string{"DB_PORT": "not-a-port"}[k]
	}, io.Discard, app.Options{})
	require.Error(t, err)
	require.Contains(t, err.Error(), "DB_PORT")
	require.NotContains(t, err.Error(), "\n")
}

func TestVersionAndUnknownCommand(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, app.Run(context.Background(), []string{"kodera", "version"}, func(string) string { return "" }, &out, app.Options{}))
	require.True(t, strings.HasPrefix(out.String(), "kodera "))
	require.Error(t, app.Run(context.Background(), []string{"kodera", "frobnicate"}, func(string) string { return "" }, &out, app.Options{}))
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(dbtest.New(t))
	require.NoError(t, err)
	env := map[string]string{"DB_HOST": u.Hostname(), "DB_PORT": u.Port(), "DB_DATABASE": strings.TrimPrefix(u.Path, "/"), "DB_USERNAME": "postgres"}
	var out bytes.Buffer
	require.NoError(t, app.Run(context.Background(), []string{"kodera", "migrate"}, func(k string) string { return env[k] }, &out, app.Options{}))
	require.Contains(t, out.String(), "migrations applied")
}

// A node whose database is down stays alive and not ready, retrying,
// instead of crash-looping.
func TestNotReadyWithoutDatabase(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	logs := &lockedBuffer{}
	env := map[string]string{"DB_PORT": "1", "KODERA_LISTEN": "127.0.0.1:0", "KODERA_DATA_DIR": t.TempDir()}
	go func() {
		done <- app.Run(ctx, []string{"kodera"}, func(k string) string { return env[k] }, logs,
			app.Options{Listening: func(a string) { addr <- a }})
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("exited: %v", err)
	}
	resp, _ := get(t, base+"/healthz")
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = get(t, base+"/readyz")
	require.Equal(t, 503, resp.StatusCode)
	// Retrying: a second failed attempt is logged while the node lives on,
	// alive and still not ready.
	const retry = "database not reachable, retrying"
	var exited error
	require.Eventually(t, func() bool {
		select {
		case err := <-done:
			exited = fmt.Errorf("exited while the database was down: %v", err)
			return true
		default:
		}
		return strings.Count(logs.String(), retry) >= 2
	}, 10*time.Second, 20*time.Millisecond, "no retry logged: %s", logs)
	require.NoError(t, exited)
	resp, _ = get(t, base+"/healthz")
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = get(t, base+"/readyz")
	require.Equal(t, 503, resp.StatusCode)
	probe := map[string]string{"KODERA_LISTEN": strings.TrimPrefix(base, "http://")}
	err := app.Run(context.Background(), []string{"kodera", "healthcheck"}, func(k string) string { return probe[k] }, io.Discard, app.Options{})
	require.ErrorContains(t, err, "503", "a live but not-ready node fails its healthcheck")
	// Requests that need the database are 503 with Retry-After, in each
	// surface's own format: problem JSON on the REST API, OCI JSON on /v2.
	for _, u := range []string{"/api/v1/repositories", "/v2/", "/api/files/r/x"} {
		req, err := http.NewRequest(http.MethodGet, base+u, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer kp_"+strings.Repeat("a", 43))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, u)
		require.Equal(t, "5", resp.Header.Get("Retry-After"), u)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
}

// With no admin credentials configured the first start creates "admin"
// with a random password, printed once, that works.
func TestGeneratedAdminPassword(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_ADMIN_USERNAME": "", "KODERA_ADMIN_PASSWORD": ""}})
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(n.Logs())
	require.NotNil(t, m, n.Logs())
	resp, _ := get(t, n.URL+"/api/v1/system/info", "Authorization", "Basic "+basic("admin", m[1]))
	require.Equal(t, 200, resp.StatusCode)
}

func basic(u, p string) string {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(u, p)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// SIGTERM (context cancel) drains in-flight requests: a response being read
// when shutdown begins still arrives whole.
func TestGracefulShutdownDrains(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(dbtest.New(t))
	require.NoError(t, err)
	env := map[string]string{
		"DB_HOST": u.Hostname(), "DB_PORT": u.Port(), "DB_DATABASE": strings.TrimPrefix(u.Path, "/"), "DB_USERNAME": "postgres",
		"KODERA_LISTEN": "127.0.0.1:0", "KODERA_DATA_DIR": t.TempDir(), "KODERA_ADMIN_USERNAME": "admin", "KODERA_ADMIN_PASSWORD": "password123",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, []string{"kodera"}, func(k string) string { return env[k] }, io.Discard,
			app.Options{Listening: func(a string) { addr <- a }})
	}()
	base := "http://" + <-addr
	_, want := get(t, base+"/swagger-ui/swagger-ui-bundle.js")

	resp, err := http.Get(base + "/swagger-ui/swagger-ui-bundle.js")
	require.NoError(t, err)
	first := make([]byte, 1024)
	_, err = io.ReadFull(resp.Body, first)
	require.NoError(t, err)
	cancel()
	// Shutdown has begun once the listener refuses new connections; the
	// response in flight must still arrive whole after that.
	addrOnly := strings.TrimPrefix(base, "http://")
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", addrOnly, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 10*time.Second, 10*time.Millisecond, "the listener stayed open after cancel")
	rest, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, want, string(first)+string(rest))
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
	_, err = http.Get(base + "/healthz")
	require.Error(t, err, "no longer listening")
}

// lockedBuffer is a bytes.Buffer the node writes its logs to while the
// test reads them.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// kodera reindex rebuilds the search index from the tables: what the
// tables hold appears, what they no longer hold goes, without any outbox.
func TestReindexCommand(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.New(t)
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	env := map[string]string{"DB_HOST": u.Hostname(), "DB_PORT": u.Port(), "DB_DATABASE": strings.TrimPrefix(u.Path, "/"), "DB_USERNAME": "postgres"}
	reindex := func() {
		var out bytes.Buffer
		require.NoError(t, app.Run(context.Background(), []string{"kodera", "reindex"}, func(k string) string { return env[k] }, &out, app.Options{}))
		require.Contains(t, out.String(), "search index rebuilt")
	}
	reindex() // migrates an empty database and indexes nothing
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `INSERT INTO repositories (name, type, visibility) VALUES ('kept', 'files', 'public'), ('dropped', 'files', 'public')`)
	require.NoError(t, err)
	names := func() []string {
		rows, err := conn.Query(ctx, `SELECT name FROM search_documents WHERE kind = 'repository' ORDER BY name`)
		require.NoError(t, err)
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return out
	}
	require.Empty(t, names())
	reindex()
	require.Equal(t, []string{"dropped", "kept"}, names())
	_, err = conn.Exec(ctx, `DELETE FROM repositories WHERE name = 'dropped'`)
	require.NoError(t, err)
	reindex()
	require.Equal(t, []string{"kept"}, names())
}
