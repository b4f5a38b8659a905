package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// The columns of the access matrix: every kind of caller the issue names,
// plus an administrator's read-only token.
const (
	anonGuestOn = iota
	anonGuestOff
	noGrant
	reader
	writer
	repoAdmin
	sysAdmin
	readToken  // the writer's token with the read scope only
	otherToken // the writer's token limited to another repository
	expiredToken
	revokedToken
	serviceToken // a service account with a write grant
	adminRead    // an administrator's read-only token
	columns
)

var columnNames = [columns]string{
	"anonymous(guest on)", "anonymous(guest off)", "user without grant", "reader", "writer", "repo admin",
	"admin", "read-scope token", "token for another repo", "expired token", "revoked token", "service token",
	"admin read-scope token",
}

const (
	ok = 200
	cr = 201
	nc = 204
	un = 401
	fb = 403
	nf = 404
)

// TestAccessMatrix asserts the exact status of every endpoint for every
// kind of caller. {fresh} in a path is a private repository created for
// that one cell with the same owner and grants as "priv" (for destructive
// requests); {new} is a name nobody has used.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	for _, u := range []string{"owner", "nogrant", "reader", "writer", "repoadmin"} {
		seed.User(u, userPassword, false)
	}
	seed.ServiceAccount("ci")
	grant := func(repo string) {
		seed.Grant(repo, "reader", false, "read")
		seed.Grant(repo, "writer", false, "write")
		seed.Grant(repo, "repoadmin", false, "admin")
		seed.Grant(repo, "ci", true, "write")
	}
	seed.Repo("priv", "files", "private", "owner")
	seed.Repo("pub", "pypi", "public", "owner")
	seed.Repo("other", "go", "private", "owner")
	grant("priv")
	grant("other")
	// One file in priv, for the package views.
	sql(t, n, `WITH b AS (INSERT INTO blobs (digest, size, storage_key) VALUES ('sha256:'||repeat('a', 64), 1, 'k') RETURNING digest)
		INSERT INTO repository_files (repository_id, path, parent, name, is_folder, blob_digest, size)
		SELECT r.id, 'f.txt', '', 'f.txt', false, b.digest, 1 FROM repositories r, b WHERE r.name = 'priv'`)

	expired := seed.Token("writer", false, nil)
	sql(t, n, "UPDATE tokens SET expires_at = now() - interval '1 second' WHERE secret_hash = sha256($1::bytea)", []byte(expired))
	revoked := seed.Token("writer", false, nil)
	sql(t, n, "DELETE FROM tokens WHERE secret_hash = sha256($1::bytea)", []byte(revoked))

	creds := [columns]cred{
		anonGuestOn:  {},
		anonGuestOff: {},
		noGrant:      bearer(seed.Token("nogrant", false, nil)),
		reader:       bearer(seed.Token("reader", false, nil)),
		writer:       basic("writer", userPassword),
		repoAdmin:    bearer(seed.Token("repoadmin", false, nil)),
		sysAdmin:     admin,
		readToken:    bearer(seed.Token("writer", false, []string{"read"})),
		otherToken:   basic("writer", seed.Token("writer", false, nil, "other")),
		expiredToken: bearer(expired),
		revokedToken: bearer(revoked),
		serviceToken: basic("ci", seed.Token("ci", true, nil)),
		adminRead:    bearer(seed.Token(apptest.AdminUser, false, []string{"read"})),
	}

	rows := []struct {
		method, path, body string
		want               [columns]int
	}{
		//                                                                       on  off  none read write radm admin rdtok other exp  rev  svc  admRO
		{"GET", "/api/v1/system/info", "", [columns]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
		{"GET", "/api/v1/repositories", "", [columns]int{ok, un, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
		{"GET", "/api/v1/repositories/priv", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
		{"GET", "/api/v1/repositories/pub", "", [columns]int{ok, un, ok, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
		{"GET", "/api/v1/repositories/nosuch", "", [columns]int{nf, un, nf, nf, nf, nf, nf, nf, nf, un, un, nf, nf}},
		{"PATCH", "/api/v1/repositories/priv", `{"description":"d"}`, [columns]int{nf, un, nf, fb, fb, ok, ok, fb, nf, un, un, fb, fb}},
		{"PATCH", "/api/v1/repositories/pub", `{"description":"d"}`, [columns]int{un, un, fb, fb, fb, fb, ok, fb, nf, un, un, fb, fb}},
		{"DELETE", "/api/v1/repositories/{fresh}", "", [columns]int{nf, un, nf, fb, fb, nc, nc, fb, nf, un, un, fb, fb}},
		{"POST", "/api/v1/repositories", `{"name":"{new}","type":"files"}`, [columns]int{un, un, cr, cr, cr, cr, cr, fb, fb, un, un, fb, fb}},
		{"GET", "/api/v1/repositories/priv/permissions", "", [columns]int{nf, un, nf, fb, fb, ok, ok, fb, nf, un, un, fb, fb}},
		{"PUT", "/api/v1/repositories/{fresh}/permissions/user:nogrant", `{"level":"read"}`, [columns]int{nf, un, nf, fb, fb, ok, ok, fb, nf, un, un, fb, fb}},
		{"DELETE", "/api/v1/repositories/{fresh}/permissions/user:reader", "", [columns]int{nf, un, nf, fb, fb, nc, nc, fb, nf, un, un, fb, fb}},
		{"GET", "/api/v1/repositories/priv/packages", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
		{"GET", "/api/v1/repositories/priv/packages/f.txt", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
		{"GET", "/api/v1/repositories/priv/packages/f.txt/versions/latest", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
		{"GET", "/api/v1/me", "", [columns]int{un, un, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
		{"PATCH", "/api/v1/me", `{"fullName":"F"}`, [columns]int{un, un, ok, ok, ok, ok, ok, fb, fb, un, un, fb, fb}},
		{"GET", "/api/v1/me/tokens", "", [columns]int{un, un, ok, ok, ok, ok, ok, fb, fb, un, un, fb, fb}},
		{"POST", "/api/v1/me/tokens", `{"name":"t"}`, [columns]int{un, un, cr, cr, cr, cr, cr, fb, fb, un, un, fb, fb}},
		{"GET", "/api/v1/admin/users", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
		{"GET", "/api/v1/admin/users/owner", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
		{"POST", "/api/v1/admin/users", `{"username":"{new}","password":"longenough"}`, [columns]int{un, un, fb, fb, fb, fb, cr, fb, fb, un, un, fb, fb}},
		{"GET", "/api/v1/admin/settings", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
		{"PUT", "/api/v1/admin/settings", `{"guestAccess":true}`, [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
		{"GET", "/api/v1/admin/service-accounts", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
		{"POST", "/api/v1/admin/service-accounts", `{"name":"{new}"}`, [columns]int{un, un, fb, fb, fb, fb, cr, fb, fb, un, un, fb, fb}},
		{"GET", "/api/v1/admin/service-accounts/ci/tokens", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
		{"GET", "/api/v1/admin/audit", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	}

	db := pool(t, n)
	// freshRepo is grant() on a new private repository, in one statement.
	freshRepo := func(name string) {
		_, err := db.Exec(context.Background(), `
			WITH r AS (INSERT INTO repositories (name, type, visibility, owner_id)
			           SELECT $1, 'files', 'private', id FROM users WHERE username = 'owner' RETURNING id)
			INSERT INTO repository_permissions (repository_id, user_id, service_account_id, level)
			SELECT r.id, u.id, NULL, g.level FROM r, users u JOIN (VALUES ('reader','read'),('writer','write'),('repoadmin','admin')) g(name, level) ON u.username = g.name
			UNION ALL
			SELECT r.id, NULL, s.id, 'write' FROM r, service_accounts s WHERE s.name = 'ci'`, name)
		require.NoError(t, err)
	}

	cell := 0
	run := func(col int) {
		for _, r := range rows {
			cell++
			path, body := r.path, r.body
			if strings.Contains(path, "{fresh}") {
				name := fmt.Sprintf("fresh-%d", cell)
				freshRepo(name)
				path = strings.ReplaceAll(path, "{fresh}", name)
			}
			body = strings.ReplaceAll(body, "{new}", fmt.Sprintf("new-%d", cell))
			got := call(t, n, creds[col], r.method, path, body)
			if got.StatusCode != r.want[col] {
				t.Errorf("%s %s as %s: got %d, want %d: %s", r.method, r.path, columnNames[col], got.StatusCode, r.want[col], got.body)
			}
		}
	}
	for col := range columns {
		if col != anonGuestOff {
			run(col)
		}
	}
	expect(t, n, admin, "PUT", "/api/v1/admin/settings", `{"guestAccess":false}`, 200)
	run(anonGuestOff)
	t.Logf("access matrix: %d endpoints x %d callers = %d cells", len(rows), columns, cell)
}
