package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// TestTokenScopeMatrix is the access matrix for tokens limited to one
// repository whose owner (or a holder of the admin grant) could administer
// it: with the write scope they publish and delete content only; only the
// admin scope changes settings, visibility and grants or deletes the
// repository. Each cell gets a fresh repository ({repo}) and a fresh token
// limited to it, so no cell sees another's changes.
func TestTokenScopeMatrix(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	for _, u := range []string{"owner", "repoadmin", "reader", "nogrant"} {
		seed.User(u, userPassword, false)
	}
	type column struct {
		name, user string
		scopes     []string
	}
	cols := []column{
		{"owner write token", "owner", []string{"read", "write"}},
		{"owner admin token", "owner", []string{"admin"}},
		{"repo admin write token", "repoadmin", []string{"write"}},
		{"repo admin admin token", "repoadmin", []string{"read", "write", "admin"}},
	}
	rows := []struct {
		method, path, body string
		want               [4]int // per column, in the order of cols
	}{
		//                                                                                  own-w own-a adm-w adm-a
		{"GET", "/api/v1/repositories/{repo}", "", [4]int{ok, ok, ok, ok}},
		{"PUT", "/api/files/{repo}/a.txt", "content", [4]int{cr, cr, cr, cr}},
		{"DELETE", "/api/files/{repo}/seeded.txt", "", [4]int{nc, nc, nc, nc}},
		{"PATCH", "/api/v1/repositories/{repo}", `{"description":"d"}`, [4]int{fb, ok, fb, ok}},
		{"PATCH", "/api/v1/repositories/{repo}", `{"visibility":"public"}`, [4]int{fb, ok, fb, ok}},
		{"GET", "/api/v1/repositories/{repo}/permissions", "", [4]int{fb, ok, fb, ok}},
		{"PUT", "/api/v1/repositories/{repo}/permissions/user:nogrant", `{"level":"admin"}`, [4]int{fb, ok, fb, ok}},
		{"DELETE", "/api/v1/repositories/{repo}/permissions/user:reader", "", [4]int{fb, nc, fb, nc}},
		{"DELETE", "/api/v1/repositories/{repo}", "", [4]int{fb, nc, fb, nc}},
		// A repository limit keeps account and instance work out of reach
		// whatever the scope.
		{"POST", "/api/v1/repositories", `{"name":"{new}","type":"files"}`, [4]int{fb, fb, fb, fb}},
		{"POST", "/api/v1/me/tokens", `{"name":"t"}`, [4]int{fb, fb, fb, fb}},
	}
	cell := 0
	for ci, col := range cols {
		for _, r := range rows {
			cell++
			repo := fmt.Sprintf("scoped-%d", cell)
			seed.Repo(repo, "files", "private", "owner")
			seed.Grant(repo, "repoadmin", false, "admin")
			seed.Grant(repo, "reader", false, "read")
			tok := bearer(seed.Token(col.user, false, col.scopes, repo))
			expect(t, n, admin, "PUT", "/api/files/"+repo+"/seeded.txt", "seed", cr)
			path := strings.ReplaceAll(r.path, "{repo}", repo)
			body := strings.ReplaceAll(r.body, "{new}", fmt.Sprintf("new-%d", cell))
			got := call(t, n, tok, r.method, path, body)
			if got.StatusCode != r.want[ci] {
				t.Errorf("%s %s as %s: got %d, want %d: %s", r.method, r.path, col.name, got.StatusCode, r.want[ci], got.body)
			}
		}
	}
	// The admin scope reaches no further than the token's owner: a reader's
	// admin-scope token still only reads.
	seed.Repo("readonly", "files", "private", "owner")
	seed.Grant("readonly", "reader", false, "read")
	tok := bearer(seed.Token("reader", false, []string{"admin"}, "readonly"))
	expect(t, n, tok, "PATCH", "/api/v1/repositories/readonly", `{"description":"d"}`, fb)
	expect(t, n, tok, "PUT", "/api/files/readonly/a.txt", "x", fb)
	t.Logf("token scope matrix: %d endpoints x %d tokens = %d cells", len(rows), len(cols), cell)
}
