package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

const userPassword = "user-password-1234"

// listPage is the one shape of every paged listing.
type listPage[T any] struct {
	Items         []T
	Total         int64
	Limit, Offset int
}

// cred is one way of authenticating a request; the zero value is anonymous.
type cred struct {
	bearer     string
	user, pass string
	cookie     string
	csrf       string
}

func bearer(tok string) cred           { return cred{bearer: tok} }
func basic(user, secret string) cred   { return cred{user: user, pass: secret} }
func session(cookie, csrf string) cred { return cred{cookie: cookie, csrf: csrf} }

func (c cred) apply(r *http.Request) {
	switch {
	case c.bearer != "":
		r.Header.Set("Authorization", "Bearer "+c.bearer)
	case c.user != "":
		r.SetBasicAuth(c.user, c.pass)
	}
	if c.cookie != "" {
		r.AddCookie(&http.Cookie{Name: "kodera_session", Value: c.cookie})
	}
	if c.csrf != "" {
		r.Header.Set("X-CSRF-Token", c.csrf)
	}
}

// resp is a finished response with its body read.
type resp struct {
	*http.Response
	body []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), "body: %s", r.body)
}

// call sends one request to node n; body is JSON text or "".
func call(t *testing.T, n *apptest.Node, c cred, method, path, body string) resp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, n.URL+path, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	c.apply(req)
	res, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return resp{Response: res, body: b}
}

// expect sends a request and requires its status.
func expect(t *testing.T, n *apptest.Node, c cred, method, path, body string, status int) resp {
	t.Helper()
	r := call(t, n, c, method, path, body)
	require.Equal(t, status, r.StatusCode, "%s %s: %s", method, path, r.body)
	return r
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// login logs in through the API and returns the session credentials.
func login(t *testing.T, n *apptest.Node, user, password string) cred {
	t.Helper()
	r := expect(t, n, cred{}, "POST", "/api/v1/auth/login", mustJSON(map[string]string{"username": user, "password": password}), 200)
	var s struct{ CsrfToken string }
	r.json(t, &s)
	for _, c := range r.Cookies() {
		if c.Name == "kodera_session" {
			return session(c.Value, s.CsrfToken)
		}
	}
	t.Fatalf("login set no session cookie: %v", r.Header)
	return cred{}
}

var admin = basic(apptest.AdminUser, apptest.AdminPassword)

// sql runs statements against a node's database.
func sql(t *testing.T, n *apptest.Node, query string, args ...any) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, n.DBURL)
	require.NoError(t, err)
	defer c.Close(ctx)
	_, err = c.Exec(ctx, query, args...)
	require.NoError(t, err)
}

// pool opens a pool on a node's database for the test's duration.
func pool(t *testing.T, n *apptest.Node) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(context.Background(), n.DBURL)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

// queryRow scans one row from a node's database.
func queryRow(t *testing.T, n *apptest.Node, query string, args []any, dest ...any) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, n.DBURL)
	require.NoError(t, err)
	defer c.Close(ctx)
	require.NoError(t, c.QueryRow(ctx, query, args...).Scan(dest...))
}

// withoutRequestID drops the one field that differs between two otherwise
// identical problem documents.
func withoutRequestID(t *testing.T, body []byte) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), "%s", body)
	delete(m, "requestId")
	out, _ := json.Marshal(m)
	return string(bytes.TrimSpace(out))
}
