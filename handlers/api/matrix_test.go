package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/spec"
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
	ac = 202
	bq = 400
	cf = 409
)

// protocolRoutes is the surface of the protocols that the spec does not
// describe: every route here must have a row in the matrix. A new protocol
// (/api/python, /api/go, /git) adds its routes here and its rows below.
var protocolRoutes = []struct{ method, pattern string }{
	{"GET", `/v2/`},
	{"GET", `/v2/token`},
	{"GET", `/v2/_catalog`},
	{"GET", `/v2/.+/tags/list`},
	{"GET", `/v2/.+/manifests/[^/]+`},
	{"HEAD", `/v2/.+/manifests/[^/]+`},
	{"PUT", `/v2/.+/manifests/[^/]+`},
	{"DELETE", `/v2/.+/manifests/[^/]+`},
	{"GET", `/v2/.+/blobs/[^/]+`},
	{"HEAD", `/v2/.+/blobs/[^/]+`},
	{"DELETE", `/v2/.+/blobs/[^/]+`},
	{"POST", `/v2/.+/blobs/uploads/`},
	{"GET", `/v2/.+/blobs/uploads/[^/]+`},
	{"PATCH", `/v2/.+/blobs/uploads/[^/]+`},
	{"PUT", `/v2/.+/blobs/uploads/[^/]+`},
	{"DELETE", `/v2/.+/blobs/uploads/[^/]+`},
	{"GET", `/v2/.+/referrers/[^/]+`},
	{"GET", `/api/go/[^/]+/.+`},
	{"HEAD", `/api/go/[^/]+/.+`},
	{"GET", `/git/[^/]+/.+\.git/info/refs`},
	{"POST", `/git/[^/]+/.+\.git/git-upload-pack`},
	{"POST", `/git/[^/]+/.+\.git/git-receive-pack`},
	{"GET", `/api/files/[^/]+/.+`},
	{"HEAD", `/api/files/[^/]+/.+`},
	{"PUT", `/api/files/[^/]+/.+`},
	{"POST", `/api/files/[^/]+/.*`},
	{"DELETE", `/api/files/[^/]+/.+`},
	{"GET", `/api/python/[^/]+/simple/.*`},
	{"GET", `/api/python/[^/]+/files/[^/]+`},
	{"GET", `/api/python/[^/]+/pypi/.+/json`},
	{"POST", `/api/python/[^/]+/`},
}

// Fixtures of the matrix: one small image (the same bytes, so the same
// digests, in every docker repository) and a file.
var (
	imgLayer    = []byte("pretend this is a tar of /hello")
	imgLoose    = []byte("a blob no manifest refers to")
	imgConfig   = []byte(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["` + digestOf(imgLayer) + `"]}}`)
	imgManifest = []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",` +
		`"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"` + digestOf(imgConfig) + `","size":` + fmt.Sprint(len(imgConfig)) + `},` +
		`"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"` + digestOf(imgLayer) + `","size":` + fmt.Sprint(len(imgLayer)) + `}]}`)
	// uploadForm is a multipart/form-data body for POST /api/files.
	uploadForm = "--kb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"up.txt\"\r\n" +
		"Content-Type: text/plain\r\n\r\nuploaded\r\n--kb--\r\n"
)

// goModuleZip is a module zip of example.com/m at version.
func goModuleZip(version string) string {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range map[string]string{"go.mod": "module example.com/m\n", "m.go": "package m\n"} {
		w, _ := zw.Create("example.com/m@" + version + "/" + name)
		_, _ = w.Write([]byte(content))
	}
	_ = zw.Close()
	return b.String()
}

func digestOf(b []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b)) }

// expand replaces the fixture names in a path or body.
// matrixLicense lifts the evaluation limit of 5 users the matrix's callers exceed.
var matrixLicense = `{"key":"` + apptest.LicenseKey("matrix", 1000, time.Now().Add(365*24*time.Hour)) + `"}`

func expand(s string) string {
	return strings.NewReplacer(
		"{manifest}", digestOf(imgManifest), "{layer}", digestOf(imgLayer), "{loose}", digestOf(imgLoose),
		"{manifestBody}", string(imgManifest), "{form}", uploadForm, "{gozip}", goModuleZip("v1.0.0"), "{gozip2}", goModuleZip("v1.1.0"),
		"{license}", matrixLicense,
	).Replace(s)
}

// TestAccessMatrix asserts the exact status of every endpoint for every
// kind of caller: every operation of spec/openapi.yaml and every protocol
// route of protocolRoutes has a row (TestAccessMatrixCoversEverything
// fails otherwise). Placeholders in a path get a resource created for that
// one cell, with the same owner and grants as "priv" (for destructive
// requests): {fresh} a files repository holding a.txt, {freshdock} a docker
// repository holding app:1.0, {freshpy} a pypi repository holding
// demo 1.0, {freshuser} an account, {freshsa} a service account; {new} is
// a name nobody has used, {pyform} twine's upload of demo 2.0.
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
	seed.Repo("dock", "docker", "private", "owner")
	seed.Repo("pubf", "files", "public", "owner")
	grant("priv")
	grant("other")
	grant("dock")
	seed.Repo("py", "pypi", "private", "owner")
	grant("py")
	pushWheel(t, n, "py", "demo", "1.0")
	putFile(t, n, "priv", "a.txt")
	putFile(t, n, "pubf", "a.txt")
	pushImage(t, n, "dock")
	uploadGoModule(t, n, "other")

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

	expect(t, n, admin, "PUT", "/api/v1/admin/license", matrixLicense, 200)
	db := pool(t, n)
	// freshRepo is grant() on a new private repository, in one statement.
	freshRepo := func(name, typ string) {
		_, err := db.Exec(context.Background(), `
			WITH r AS (INSERT INTO repositories (name, type, visibility, owner_id)
			           SELECT $1, $2, 'private', id FROM users WHERE username = 'owner' RETURNING id)
			INSERT INTO repository_permissions (repository_id, user_id, service_account_id, level)
			SELECT r.id, u.id, NULL, g.level FROM r, users u JOIN (VALUES ('reader','read'),('writer','write'),('repoadmin','admin')) g(name, level) ON u.username = g.name
			UNION ALL
			SELECT r.id, NULL, s.id, 'write' FROM r, service_accounts s WHERE s.name = 'ci'`, name, typ)
		require.NoError(t, err)
	}
	fixtures := map[string]func(name string){
		"{fresh}":     func(name string) { freshRepo(name, "files"); putFile(t, n, name, "a.txt") },
		"{freshdock}": func(name string) { freshRepo(name, "docker"); pushImage(t, n, name) },
		"{freshgo}":   func(name string) { freshRepo(name, "go"); uploadGoModule(t, n, name) },
		"{freshuser}": func(name string) { seed.User(name, userPassword, false) },
		"{freshsa}":   func(name string) { seed.ServiceAccount(name) },
		"{freshpy}":   func(name string) { freshRepo(name, "pypi"); pushWheel(t, n, name, "demo", "1.0") },
	}

	cell := 0
	run := func(col int) {
		for _, r := range matrixRows {
			cell++
			path, body := r.path, r.body
			for placeholder, create := range fixtures {
				if strings.Contains(path, placeholder) {
					name := fmt.Sprintf("fresh-%d", cell)
					create(name)
					path = strings.ReplaceAll(path, placeholder, name)
				}
			}
			body = strings.ReplaceAll(expand(body), "{new}", fmt.Sprintf("new-%d", cell))
			if body == "{pyform}" {
				body = pyForm(t, "demo", "2.0")
			}
			got := send(t, n, creds[col], r.method, expand(path), body)
			if got.StatusCode != r.want[col] {
				t.Errorf("%s %s as %s: got %d, want %d: %.300s", r.method, r.path, columnNames[col], got.StatusCode, r.want[col], got.body)
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
	t.Logf("access matrix: %d endpoints x %d callers = %d cells", len(matrixRows), columns, cell)
}

// TestAccessMatrixCoversEverything fails when an operation of the spec or a
// protocol route has no row in the matrix, or a row matches neither: no
// endpoint can be added without its access rules being tested.
func TestAccessMatrixCoversEverything(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(spec.OpenAPI)
	require.NoError(t, err)
	type route struct {
		method, name string
		re           *regexp.Regexp
	}
	var routes []route
	for path, item := range doc.Paths.Map() {
		segs := strings.Split(path, "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, "{") {
				segs[i] = `[^/]+`
			} else {
				segs[i] = regexp.QuoteMeta(seg)
			}
		}
		re := regexp.MustCompile("^" + strings.Join(segs, "/") + "$")
		for method, op := range item.Operations() {
			routes = append(routes, route{method, op.OperationID, re})
		}
	}
	require.Greater(t, len(routes), 40)
	for _, p := range protocolRoutes {
		routes = append(routes, route{p.method, p.method + " " + p.pattern, regexp.MustCompile("^" + p.pattern + "$")})
	}
	covered := map[string]bool{}
	for _, r := range matrixRows {
		path, _, _ := strings.Cut(expand(r.path), "?")
		var matched []string
		for _, rt := range routes {
			if rt.method == r.method && rt.re.MatchString(path) {
				matched = append(matched, rt.name)
			}
		}
		require.NotEmpty(t, matched, "row %s %s matches no operation of the spec and no protocol route", r.method, r.path)
		for _, m := range matched {
			covered[m] = true
		}
	}
	var missing []string
	for _, rt := range routes {
		if !covered[rt.name] {
			missing = append(missing, rt.name)
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "endpoints without a row in the access matrix (add one to matrixRows)")
}

// send is call() with the content type the body needs: JSON, an OCI
// manifest, a multipart form or bytes.
func send(t *testing.T, n *apptest.Node, c cred, method, path, body string) resp {
	t.Helper()
	req, err := http.NewRequest(method, n.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	switch {
	case strings.HasPrefix(body, `{"schemaVersion"`):
		req.Header.Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
	case strings.HasPrefix(body, "{"):
		req.Header.Set("Content-Type", "application/json")
	case strings.HasPrefix(body, "PK"):
		req.Header.Set("Content-Type", "application/zip")
	case strings.HasPrefix(body, "--kb"):
		req.Header.Set("Content-Type", "multipart/form-data; boundary=kb")
	case body != "":
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	c.apply(req)
	res, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return resp{Response: res, body: b}
}

// putFile stores a small file through the raw files protocol, as the admin.
func putFile(t *testing.T, n *apptest.Node, repo, path string) {
	t.Helper()
	r := send(t, n, admin, "PUT", "/api/files/"+repo+"/"+path, "hello")
	require.Equal(t, http.StatusCreated, r.StatusCode, "%s", r.body)
}

// uploadGoModule publishes example.com/m v1.0.0 from a zip and gives the
// module a git repository (git's push probe), as the admin.
func uploadGoModule(t *testing.T, n *apptest.Node, repo string) {
	t.Helper()
	r := send(t, n, admin, "POST", "/api/v1/repositories/"+repo+"/go/modules", goModuleZip("v1.0.0"))
	require.Equal(t, http.StatusCreated, r.StatusCode, "%s", r.body)
	r = send(t, n, admin, "POST", "/git/"+repo+"/example.com/m.git/git-receive-pack", "0000")
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
}

// pushImage pushes the matrix image as repo/app:1.0, and a blob no
// manifest refers to (deletable), as the admin.
func pushImage(t *testing.T, n *apptest.Node, repo string) {
	t.Helper()
	for _, b := range [][]byte{imgLayer, imgConfig, imgLoose} {
		r := send(t, n, admin, "POST", "/v2/"+repo+"/app/blobs/uploads/?digest="+digestOf(b), string(b))
		require.Equal(t, http.StatusCreated, r.StatusCode, "%s", r.body)
	}
	r := send(t, n, admin, "PUT", "/v2/"+repo+"/app/manifests/1.0", string(imgManifest))
	require.Equal(t, http.StatusCreated, r.StatusCode, "%s", r.body)
}

// A column order reminder for the rows:
//
//	on  off  none read write radm admin rdtok other exp  rev  svc  admRO
var matrixRows = []struct {
	method, path, body string
	want               [columns]int
}{
	//                                                                       on  off  none read write radm admin rdtok other exp  rev  svc  admRO
	{"GET", "/api/v1/system/info", "", [columns]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/api/v1/repositories", "", [columns]int{ok, un, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/api/v1/search?q=app", "", [columns]int{ok, un, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/api/v1/search?q=app&kind=package&kind=file&type=docker&repository=priv", "", [columns]int{ok, un, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/api/v1/search", "", [columns]int{bq, un, bq, bq, bq, bq, bq, bq, bq, un, un, bq, bq}},
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
	{"GET", "/api/v1/me", "", [columns]int{un, un, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"PATCH", "/api/v1/me", `{"fullName":"F"}`, [columns]int{un, un, ok, ok, ok, ok, ok, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/me/tokens", "", [columns]int{un, un, ok, ok, ok, ok, ok, fb, fb, un, un, fb, fb}},
	{"POST", "/api/v1/me/tokens", `{"name":"t"}`, [columns]int{un, un, cr, cr, cr, cr, cr, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/admin/users", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/admin/users/owner", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"POST", "/api/v1/admin/users", `{"username":"{new}","password":"longenough"}`, [columns]int{un, un, fb, fb, fb, fb, cr, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/admin/settings", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"PUT", "/api/v1/admin/settings", `{"guestAccess":true}`, [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/admin/license", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"PUT", "/api/v1/admin/license", "{license}", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/admin/ldap", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/admin/service-accounts", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"POST", "/api/v1/admin/service-accounts", `{"name":"{new}"}`, [columns]int{un, un, fb, fb, fb, fb, cr, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/admin/service-accounts/ci/tokens", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/admin/audit", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},

	// --- added: every operation of the spec ---
	{"POST", "/api/v1/auth/login", `{"username":"reader","password":"user-password-1234"}`, [columns]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok}},
	{"POST", "/api/v1/auth/logout", "", [columns]int{nc, nc, nc, nc, nc, nc, nc, nc, nc, nc, nc, nc, nc}},
	{"GET", "/api/v1/auth/session", "", [columns]int{un, un, un, un, un, un, un, un, un, un, un, un, un}},
	{"PUT", "/api/v1/me/password", `{"currentPassword":"user-password-1234","newPassword":"user-password-1234"}`, [columns]int{un, un, nc, nc, nc, nc, bq, fb, fb, un, un, fb, fb}},
	{"DELETE", "/api/v1/me/tokens/999999", "", [columns]int{un, un, nf, nf, nf, nf, nf, fb, fb, un, un, fb, fb}},
	{"PATCH", "/api/v1/admin/users/owner", `{"fullName":"O"}`, [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"DELETE", "/api/v1/admin/users/{freshuser}", "", [columns]int{un, un, fb, fb, fb, fb, nc, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/admin/service-accounts/ci", "", [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"PATCH", "/api/v1/admin/service-accounts/ci", `{"description":"d"}`, [columns]int{un, un, fb, fb, fb, fb, ok, fb, fb, un, un, fb, fb}},
	{"DELETE", "/api/v1/admin/service-accounts/{freshsa}", "", [columns]int{un, un, fb, fb, fb, fb, nc, fb, fb, un, un, fb, fb}},
	{"POST", "/api/v1/admin/service-accounts/ci/tokens", `{"name":"t"}`, [columns]int{un, un, fb, fb, fb, fb, cr, fb, fb, un, un, fb, fb}},
	{"DELETE", "/api/v1/admin/service-accounts/ci/tokens/999999", "", [columns]int{un, un, fb, fb, fb, fb, nf, fb, fb, un, un, fb, fb}},
	{"GET", "/api/v1/repositories/priv/files?path=", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/pubf/files?path=", "", [columns]int{ok, un, ok, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/pubf/files/details?path=a.txt", "", [columns]int{ok, un, ok, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/priv/files/details?path=a.txt", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"DELETE", "/api/v1/repositories/{fresh}/files?path=a.txt", "", [columns]int{nf, un, nf, fb, nc, nc, nc, fb, nf, un, un, nc, fb}},
	{"POST", "/api/v1/repositories/{fresh}/files/move", `{"from":"a.txt","to":"b.txt"}`, [columns]int{nf, un, nf, fb, ok, ok, ok, fb, nf, un, un, ok, fb}},
	{"GET", "/api/v1/repositories/priv/packages", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/priv/packages/a.txt", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/priv/packages/a.txt/versions/latest", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/dock/docker/images", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/dock/docker/images/app/tags", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"DELETE", "/api/v1/repositories/{freshdock}/docker/images/app/tags/1.0", "", [columns]int{nf, un, nf, fb, nc, nc, nc, fb, nf, un, un, nc, fb}},
	{"GET", "/api/v1/repositories/dock/docker/manifests/{manifest}?image=app", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"DELETE", "/api/v1/repositories/{freshdock}/docker/manifests/{manifest}?image=app", "", [columns]int{nf, un, nf, fb, nc, nc, nc, fb, nf, un, un, nc, fb}},
	{"GET", "/api/v1/repositories/other/go/modules", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/other/go/modules/example.com%2Fm", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/other/go/modules/example.com%2Fm/versions", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/other/go/modules/example.com%2Fm/versions/v1.0.0", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"DELETE", "/api/v1/repositories/{freshgo}/go/modules/example.com%2Fm/versions/v1.0.0", "", [columns]int{nf, un, nf, fb, nc, nc, nc, fb, nf, un, un, nc, fb}},
	{"POST", "/api/v1/repositories/{freshgo}/go/modules", "{gozip2}", [columns]int{nf, un, nf, fb, cr, cr, cr, fb, nf, un, un, cr, fb}},
	{"GET", "/api/v1/repositories/py/pypi/packages", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/py/pypi/packages/demo", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/py/pypi/packages/demo/versions", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/v1/repositories/py/pypi/packages/demo/versions/1.0", "", [columns]int{nf, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"PATCH", "/api/v1/repositories/{freshpy}/pypi/packages/demo/versions/1.0", `{"yanked":true}`, [columns]int{nf, un, nf, fb, ok, ok, ok, fb, nf, un, un, ok, fb}},
	{"DELETE", "/api/v1/repositories/{freshpy}/pypi/packages/demo/versions/1.0", "", [columns]int{nf, un, nf, fb, nc, nc, nc, fb, nf, un, un, nc, fb}},
	{"DELETE", "/api/v1/repositories/{freshpy}/pypi/packages/demo/versions/1.0/files/demo-1.0-py3-none-any.whl", "", [columns]int{nf, un, nf, fb, nc, nc, nc, fb, nf, un, un, nc, fb}},
	// --- protocol routes (protocolRoutes) ---
	{"GET", "/v2/", "", [columns]int{un, un, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/v2/token?service=kodera&scope=repository:dock/app:pull", "", [columns]int{ok, un, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/v2/_catalog", "", [columns]int{un, un, ok, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/v2/dock/app/tags/list", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/v2/dock/app/manifests/1.0", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"HEAD", "/v2/dock/app/manifests/1.0", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"PUT", "/v2/{freshdock}/app/manifests/2.0", "{manifestBody}", [columns]int{un, un, nf, fb, cr, cr, cr, fb, nf, un, un, cr, fb}},
	{"DELETE", "/v2/{freshdock}/app/manifests/{manifest}", "", [columns]int{un, un, nf, fb, ac, ac, ac, fb, nf, un, un, ac, fb}},
	{"GET", "/v2/dock/app/blobs/{layer}", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"HEAD", "/v2/dock/app/blobs/{layer}", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"DELETE", "/v2/{freshdock}/app/blobs/{loose}", "", [columns]int{un, un, nf, fb, ac, ac, ac, fb, nf, un, un, ac, fb}},
	{"POST", "/v2/{freshdock}/app/blobs/uploads/", "", [columns]int{un, un, nf, fb, ac, ac, ac, fb, nf, un, un, ac, fb}},
	{"GET", "/v2/dock/app/blobs/uploads/00000000-0000-0000-0000-000000000000", "", [columns]int{un, un, nf, fb, nf, nf, nf, fb, nf, un, un, nf, fb}},
	{"PATCH", "/v2/dock/app/blobs/uploads/00000000-0000-0000-0000-000000000000", "x", [columns]int{un, un, nf, fb, nf, nf, nf, fb, nf, un, un, nf, fb}},
	{"PUT", "/v2/dock/app/blobs/uploads/00000000-0000-0000-0000-000000000000?digest={layer}", "", [columns]int{un, un, nf, fb, nf, nf, nf, fb, nf, un, un, nf, fb}},
	{"DELETE", "/v2/dock/app/blobs/uploads/00000000-0000-0000-0000-000000000000", "", [columns]int{un, un, nf, fb, nf, nf, nf, fb, nf, un, un, nf, fb}},
	{"GET", "/v2/dock/app/referrers/{manifest}", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/go/other/example.com/m/@v/list", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"HEAD", "/api/go/other/example.com/m/@v/v1.0.0.zip", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/git/other/example.com/m.git/info/refs?service=git-upload-pack", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"GET", "/git/other/example.com/m.git/info/refs?service=git-receive-pack", "", [columns]int{un, un, nf, fb, ok, ok, ok, fb, ok, un, un, ok, fb}},
	{"POST", "/git/other/example.com/m.git/git-upload-pack", "0000", [columns]int{un, un, nf, ok, ok, ok, ok, ok, ok, un, un, ok, ok}},
	{"POST", "/git/{freshgo}/example.com/new.git/git-receive-pack", "0000", [columns]int{un, un, nf, fb, ok, ok, ok, fb, nf, un, un, ok, fb}},
	{"GET", "/api/files/priv/a.txt", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/files/pubf/a.txt", "", [columns]int{ok, un, ok, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"HEAD", "/api/files/priv/a.txt", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"PUT", "/api/files/{fresh}/new.txt", "content", [columns]int{un, un, nf, fb, cr, cr, cr, fb, nf, un, un, cr, fb}},
	{"POST", "/api/files/{fresh}/up/", "{form}", [columns]int{un, un, nf, fb, cr, cr, cr, fb, nf, un, un, cr, fb}},
	{"DELETE", "/api/files/{fresh}/a.txt", "", [columns]int{un, un, nf, fb, nc, nc, nc, fb, nf, un, un, nc, fb}},
	{"GET", "/api/python/py/simple/", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/python/py/simple/demo/", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/python/py/files/demo-1.0-py3-none-any.whl", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"GET", "/api/python/py/pypi/demo/json", "", [columns]int{un, un, nf, ok, ok, ok, ok, ok, nf, un, un, ok, ok}},
	{"POST", "/api/python/{freshpy}/", "{pyform}", [columns]int{un, un, nf, fb, ok, ok, ok, fb, nf, un, un, ok, fb}},
}
