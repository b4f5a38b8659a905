package oci_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// TestCalls is the black-box protocol table: one request each, the status,
// headers and OCI error code it must get. No row or subtest depends on
// another having run: what one changes (deletes, the audit trail) it does
// on images of its own, in the "scratch" repository.
func TestCalls(t *testing.T) {
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.User("bob", "bob-password-1234", false)
	seed.Repo("apps", "docker", "private", "alice")
	seed.Repo("pub", "docker", "public", "alice")
	seed.Repo("pkgs", "pypi", "private", "alice")
	seed.Repo("bobs", "docker", "private", "bob")
	seed.Repo("scratch", "docker", "private", "alice")
	alice := &client{t: t, base: node.URL, user: "alice", pass: "alice-password-123"}
	bob := &client{t: t, base: node.URL, user: "bob", pass: "bob-password-1234"}
	anon := &client{t: t, base: node.URL}
	wrong := &client{t: t, base: node.URL, user: "alice", pass: "wrong-password"}
	img := alice.pushImage("apps/img", "v1", []byte("0123456789"))
	alice.pushImage("apps/img", "v2", []byte("abcdefghij"))
	alice.pushImage("pub/img", "v1", []byte("public layer"))

	ociManifest := map[string]string{"Content-Type": "application/vnd.oci.image.manifest.v1+json"}
	missingBlob := `{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":2},"layers":[]}`
	huge := `{"schemaVersion":2,"annotations":{"x":"` + strings.Repeat("x", 4<<20) + `"}}`

	cases := []struct {
		name    string
		c       *client
		method  string
		path    string
		hdr     map[string]string
		body    string
		status  int
		code    string            // OCI error code, "" = none checked
		headers map[string]string // exact header values ("*" = present)
	}{
		{name: "ping anonymous", c: anon, method: "GET", path: "/v2/", status: 401, code: "UNAUTHORIZED",
			headers: map[string]string{"WWW-Authenticate": `Bearer realm="` + node.URL + `/v2/token",service="` + node.Addr + `"`}},
		{name: "ping basic", c: alice, method: "GET", path: "/v2/", status: 200, headers: map[string]string{"Docker-Distribution-API-Version": "registry/2.0"}},
		{name: "catalog anonymous", c: anon, method: "GET", path: "/v2/_catalog", status: 401, code: "UNAUTHORIZED",
			headers: map[string]string{"WWW-Authenticate": `Bearer realm="` + node.URL + `/v2/token",service="` + node.Addr + `",scope="registry:catalog:*"`}},
		{name: "catalog bad n", c: alice, method: "GET", path: "/v2/_catalog?n=abc", status: 400, code: "PAGINATION_NUMBER_INVALID"},
		{name: "catalog negative n", c: alice, method: "GET", path: "/v2/_catalog?n=-1", status: 400, code: "PAGINATION_NUMBER_INVALID"},
		{name: "tags bad n", c: alice, method: "GET", path: "/v2/apps/img/tags/list?n=x", status: 400, code: "PAGINATION_NUMBER_INVALID"},
		{name: "tags of no image", c: alice, method: "GET", path: "/v2/apps/nothing-here/tags/list", status: 404, code: "NAME_UNKNOWN"},
		{name: "ping wrong password", c: wrong, method: "GET", path: "/v2/", status: 401, code: "UNAUTHORIZED"},
		{name: "manifest by tag", c: alice, method: "GET", path: "/v2/apps/img/manifests/v1", status: 200,
			headers: map[string]string{"Content-Type": "application/vnd.oci.image.manifest.v1+json", "Docker-Content-Digest": img.Manifest, "ETag": `"` + img.Manifest + `"`}},
		{name: "manifest head by digest", c: alice, method: "HEAD", path: "/v2/apps/img/manifests/" + img.Manifest, status: 200,
			headers: map[string]string{"Docker-Content-Digest": img.Manifest, "Content-Length": "*"}},
		{name: "manifest not modified", c: alice, method: "GET", path: "/v2/apps/img/manifests/v1", hdr: map[string]string{"If-None-Match": `"` + img.Manifest + `"`}, status: 304},
		{name: "manifest unknown", c: alice, method: "GET", path: "/v2/apps/img/manifests/nope", status: 404, code: "MANIFEST_UNKNOWN"},
		{name: "blob range", c: alice, method: "GET", path: "/v2/apps/img/blobs/" + img.Layer, hdr: map[string]string{"Range": "bytes=2-5"}, status: 206,
			headers: map[string]string{"Content-Range": "bytes 2-5/10", "Content-Length": "4", "Docker-Content-Digest": img.Layer}},
		{name: "blob range unsatisfiable", c: alice, method: "GET", path: "/v2/apps/img/blobs/" + img.Layer, hdr: map[string]string{"Range": "bytes=100-"}, status: 416,
			code: "RANGE_NOT_SATISFIABLE", headers: map[string]string{"Content-Range": "bytes */10"}},
		{name: "blob zero suffix range", c: alice, method: "GET", path: "/v2/apps/img/blobs/" + img.Layer, hdr: map[string]string{"Range": "bytes=-0"}, status: 416,
			code: "RANGE_NOT_SATISFIABLE", headers: map[string]string{"Content-Range": "bytes */10"}},
		{name: "blob two ranges", c: alice, method: "GET", path: "/v2/apps/img/blobs/" + img.Layer, hdr: map[string]string{"Range": "bytes=0-1,5-6"}, status: 206,
			headers: map[string]string{"Docker-Content-Digest": img.Layer, "Content-Length": "*"}},
		{name: "blob not modified", c: alice, method: "GET", path: "/v2/apps/img/blobs/" + img.Layer, hdr: map[string]string{"If-None-Match": `"` + img.Layer + `"`}, status: 304},
		{name: "blob bad digest", c: alice, method: "GET", path: "/v2/apps/img/blobs/sha256:abc", status: 400, code: "DIGEST_INVALID"},
		{name: "blob of another name", c: alice, method: "HEAD", path: "/v2/apps/other/blobs/" + img.Layer, status: 404},
		{name: "name upper case", c: alice, method: "GET", path: "/v2/Apps/img/tags/list", status: 400, code: "NAME_INVALID"},
		{name: "name dot dot encoded", c: alice, method: "GET", path: "/v2/apps/%2e%2e/img/tags/list", status: 400, code: "NAME_INVALID"},
		{name: "name dot dot", c: alice, method: "GET", path: "/v2/apps/a..b/tags/list", status: 400, code: "NAME_INVALID"},
		{name: "name too long", c: alice, method: "GET", path: "/v2/apps/" + strings.Repeat("a", 260) + "/tags/list", status: 400, code: "NAME_INVALID"},
		{name: "name reserved", c: alice, method: "GET", path: "/v2/v2/img/tags/list", status: 404, code: "NAME_UNKNOWN"},
		{name: "repository unknown", c: alice, method: "GET", path: "/v2/nosuch/img/tags/list", status: 404, code: "NAME_UNKNOWN"},
		{name: "private repository hidden", c: bob, method: "GET", path: "/v2/apps/img/tags/list", status: 404, code: "NAME_UNKNOWN"},
		{name: "private repository anonymous", c: anon, method: "GET", path: "/v2/apps/img/tags/list", status: 401, code: "UNAUTHORIZED",
			headers: map[string]string{"WWW-Authenticate": `Bearer realm="` + node.URL + `/v2/token",service="` + node.Addr + `",scope="repository:apps/img:pull"`}},
		{name: "public repository anonymous", c: anon, method: "GET", path: "/v2/pub/img/manifests/v1", status: 200, headers: map[string]string{"Docker-Content-Digest": "*"}},
		{name: "public repository push denied", c: bob, method: "POST", path: "/v2/pub/img/blobs/uploads/", status: 403, code: "DENIED"},
		{name: "not a docker repository", c: alice, method: "GET", path: "/v2/pkgs/x/tags/list", status: 404, code: "NAME_UNKNOWN"},
		{name: "tags page", c: alice, method: "GET", path: "/v2/apps/img/tags/list?n=1", status: 200,
			headers: map[string]string{"Link": `</v2/apps/img/tags/list?last=v1&n=1>; rel="next"`}},
		{name: "manifest blob unknown", c: alice, method: "PUT", path: "/v2/apps/img/manifests/bad", hdr: ociManifest, body: missingBlob, status: 400, code: "MANIFEST_BLOB_UNKNOWN"},
		{name: "manifest bad json", c: alice, method: "PUT", path: "/v2/apps/img/manifests/bad", hdr: ociManifest, body: `{"schemaVersion":`, status: 400, code: "MANIFEST_INVALID"},
		{name: "manifest media type mismatch", c: alice, method: "PUT", path: "/v2/apps/img/manifests/bad", hdr: map[string]string{"Content-Type": "application/vnd.docker.distribution.manifest.v2+json"}, body: string(img.ManifestBytes), status: 400, code: "MANIFEST_INVALID"},
		{name: "manifest too large", c: alice, method: "PUT", path: "/v2/apps/img/manifests/bad", hdr: ociManifest, body: huge, status: 413},
		{name: "manifest digest mismatch", c: alice, method: "PUT", path: "/v2/apps/img/manifests/sha256:1111111111111111111111111111111111111111111111111111111111111111", hdr: ociManifest, body: string(img.ManifestBytes), status: 400, code: "DIGEST_INVALID"},
		{name: "manifest bad tag", c: alice, method: "PUT", path: "/v2/apps/img/manifests/-bad", hdr: ociManifest, body: string(img.ManifestBytes), status: 400, code: "TAG_INVALID"},
		{name: "upload unknown", c: alice, method: "PATCH", path: "/v2/apps/img/blobs/uploads/nope", body: "x", status: 404, code: "BLOB_UPLOAD_UNKNOWN"},
		{name: "upload start", c: alice, method: "POST", path: "/v2/apps/img/blobs/uploads/", status: 202, headers: map[string]string{"Location": "*", "Range": "0-0", "Docker-Upload-UUID": "*"}},
		{name: "monolithic wrong digest", c: alice, method: "POST", path: "/v2/apps/img/blobs/uploads/?digest=sha256:1111111111111111111111111111111111111111111111111111111111111111", body: "abc", status: 400, code: "DIGEST_INVALID"},
		{name: "mount from unreadable falls back", c: bob, method: "POST", path: "/v2/bobs/x/blobs/uploads/?mount=" + img.Layer + "&from=apps/img", status: 202},
		{name: "referrers empty", c: alice, method: "GET", path: "/v2/apps/img/referrers/" + img.Manifest, status: 200, headers: map[string]string{"Content-Type": "application/vnd.oci.image.index.v1+json"}},
		{name: "unsupported method", c: alice, method: "PATCH", path: "/v2/apps/img/manifests/v1", status: 405, code: "UNSUPPORTED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			c := *tc.c
			c.t = t
			resp := c.do(tc.method, tc.path, tc.hdr, body)
			got := readAll(resp)
			require.Equal(t, tc.status, resp.StatusCode, got)
			for k, v := range tc.headers {
				if v == "*" {
					require.NotEmpty(t, resp.Header.Get(k), k)
				} else {
					require.Equal(t, v, resp.Header.Get(k), k)
				}
			}
			if tc.code != "" && tc.method != "HEAD" {
				var env struct {
					Errors []struct{ Code, Message string }
				}
				require.NoError(t, json.Unmarshal([]byte(got), &env), got)
				require.NotEmpty(t, env.Errors, got)
				require.Equal(t, tc.code, env.Errors[0].Code, got)
			}
		})
	}

	t.Run("catalog filtered", func(t *testing.T) {
		var cat struct{ Repositories []string }
		resp := bob.do("GET", "/v2/_catalog", nil, nil)
		require.Equal(t, 200, resp.StatusCode)
		require.NoError(t, json.Unmarshal([]byte(readAll(resp)), &cat))
		require.Equal(t, []string{"pub/img"}, cat.Repositories)
		resp = alice.do("GET", "/v2/_catalog?n=1", nil, nil)
		require.NoError(t, json.Unmarshal([]byte(readAll(resp)), &cat))
		require.Equal(t, []string{"apps/img"}, cat.Repositories)
		require.Equal(t, `</v2/_catalog?last=apps%2Fimg&n=1>; rel="next"`, resp.Header.Get("Link"))
	})

	t.Run("delete tag", func(t *testing.T) {
		c := *alice
		c.t = t
		c.pushImage("scratch/gone", "v1", []byte("to be deleted"))
		resp := c.do("DELETE", "/v2/scratch/gone/manifests/v1", nil, nil)
		require.Equal(t, 202, resp.StatusCode, readAll(resp))
		resp = c.do("GET", "/v2/scratch/gone/manifests/v1", nil, nil)
		body := readAll(resp)
		require.Equal(t, 404, resp.StatusCode, body)
		require.Contains(t, body, "MANIFEST_UNKNOWN")
	})

	t.Run("audit", func(t *testing.T) {
		c := *alice
		c.t = t
		c.pushImage("scratch/audited", "v1", []byte("audited"))
		resp := c.do("DELETE", "/v2/scratch/audited/manifests/v1", nil, nil)
		require.Equal(t, 202, resp.StatusCode, readAll(resp))
		admin := &client{t: t, base: node.URL, user: apptest.AdminUser, pass: apptest.AdminPassword}
		targets := func(action string) []string {
			resp := admin.do("GET", "/api/v1/admin/audit?action="+action, nil, nil)
			body := readAll(resp)
			require.Equal(t, 200, resp.StatusCode, body)
			var page struct {
				Items []struct{ Actor, Target string }
			}
			require.NoError(t, json.Unmarshal([]byte(body), &page), body)
			var out []string
			for _, e := range page.Items {
				require.Equal(t, "alice", e.Actor)
				out = append(out, e.Target)
			}
			return out
		}
		require.Contains(t, targets("docker.push"), "scratch/audited:v1")
		require.Contains(t, targets("docker.delete"), "scratch/audited:v1")
	})

	t.Run("immutable", func(t *testing.T) {
		seed.Repo("frozen", "docker", "private", "alice")
		resp := alice.do("PATCH", "/api/v1/repositories/frozen", map[string]string{"Content-Type": "application/json"}, []byte(`{"immutable":true}`))
		require.Equal(t, 200, resp.StatusCode, readAll(resp))
		first := alice.pushImage("frozen/app", "v1", []byte("first"))
		// The same manifest again is fine; another one under the tag is not.
		resp = alice.do("PUT", "/v2/frozen/app/manifests/v1", map[string]string{"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, first.ManifestBytes)
		require.Equal(t, 201, resp.StatusCode, readAll(resp))
		second := alice.pushImage("frozen/app", "v2", []byte("second"))
		resp = alice.do("PUT", "/v2/frozen/app/manifests/v1", map[string]string{"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, second.ManifestBytes)
		body := readAll(resp)
		require.Equal(t, 403, resp.StatusCode, body)
		require.Contains(t, body, "DENIED")
		require.Contains(t, body, "immutable")
		resp = alice.do("DELETE", "/v2/frozen/app/manifests/v1", nil, nil)
		require.Equal(t, 403, resp.StatusCode)
		resp = alice.do("DELETE", "/v2/frozen/app/manifests/"+first.Manifest, nil, nil)
		require.Equal(t, 403, resp.StatusCode)
		// Nor by a push by digest that names the tag.
		resp = alice.do("PUT", "/v2/frozen/app/manifests/"+second.Manifest+"?tag=v1", map[string]string{"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, second.ManifestBytes)
		require.Equal(t, 403, resp.StatusCode, readAll(resp))
		// The REST API refuses the same deletes with 409.
		resp = alice.do("DELETE", "/api/v1/repositories/frozen/docker/images/app/tags/v1", nil, nil)
		body = readAll(resp)
		require.Equal(t, 409, resp.StatusCode, body)
		require.Contains(t, body, "immutable")
		resp = alice.do("DELETE", "/api/v1/repositories/frozen/docker/manifests/"+first.Manifest+"?image=app", nil, nil)
		require.Equal(t, 409, resp.StatusCode, readAll(resp))
		// New tags are welcome, the same digest again too.
		resp = alice.do("PUT", "/v2/frozen/app/manifests/v3", map[string]string{"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, first.ManifestBytes)
		require.Equal(t, 201, resp.StatusCode, readAll(resp))
		resp = alice.do("GET", "/v2/frozen/app/manifests/v1", nil, nil)
		require.Equal(t, first.Manifest, resp.Header.Get("Docker-Content-Digest"))
	})

	t.Run("token scopes", func(t *testing.T) {
		access := func(c *client, scope string) []any {
			resp := c.do("GET", "/v2/token?service="+node.Addr+"&scope="+scope, nil, nil)
			body := readAll(resp)
			require.Equal(t, 200, resp.StatusCode, body)
			var tok struct {
				Token     string `json:"token"`
				ExpiresIn int    `json:"expires_in"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &tok))
			require.GreaterOrEqual(t, tok.ExpiresIn, 60)
			parts := strings.Split(tok.Token, ".")
			require.Len(t, parts, 3)
			payload, err := base64.RawURLEncoding.DecodeString(parts[1])
			require.NoError(t, err)
			var claims struct{ Access []any }
			require.NoError(t, json.Unmarshal(payload, &claims))
			return claims.Access
		}
		all := access(alice, "repository:apps/img:pull,push,delete")
		require.Len(t, all, 1)
		require.Equal(t, []any{"pull", "push", "delete"}, all[0].(map[string]any)["actions"])
		require.Empty(t, access(anon, "repository:apps/img:pull"))
		require.Empty(t, access(bob, "repository:apps/img:pull"))
		pub := access(bob, "repository:pub/img:pull,push")
		require.Len(t, pub, 1)
		require.Equal(t, []any{"pull"}, pub[0].(map[string]any)["actions"])
		resp := wrong.do("GET", "/v2/token?scope=repository:apps/img:pull", nil, nil)
		require.Equal(t, 401, resp.StatusCode)

		// A read-only token limited to another repository gets nothing here.
		seed.Repo("other", "docker", "private", "alice")
		ro := seed.Token("alice", false, []string{"read"}, "other")
		limited := &client{t: t, base: node.URL, user: "alice", pass: ro}
		require.Empty(t, access(limited, "repository:apps/img:pull"))
		o := access(limited, "repository:other/x:pull,push")
		require.Equal(t, []any{"pull"}, o[0].(map[string]any)["actions"])
	})
}

// TestUploadLimit: KODERA_MAX_UPLOAD_BYTES bounds a blob however it arrives.
func TestUploadLimit(t *testing.T) {
	node := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_MAX_UPLOAD_BYTES": "1K"}})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	c := &client{t: t, base: node.URL, user: "alice", pass: seed.Token("alice", false, []string{"write"})}
	big := bytes.Repeat([]byte("x"), 1500)

	resp := c.do("POST", "/v2/apps/img/blobs/uploads/?digest="+digestOf(big), nil, big)
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, readAll(resp))

	resp = c.do("POST", "/v2/apps/img/blobs/uploads/", nil, nil)
	loc := resp.Header.Get("Location")
	resp = c.do("PATCH", loc, map[string]string{"Content-Range": "0-799"}, big[:800])
	require.Equal(t, http.StatusAccepted, resp.StatusCode, readAll(resp))
	resp = c.do("PATCH", resp.Header.Get("Location"), map[string]string{"Content-Range": "800-1499"}, big[800:])
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, readAll(resp))

	// A streamed body of unknown length is cut off at the limit.
	resp = c.do("POST", "/v2/apps/img/blobs/uploads/", nil, nil)
	req, err := http.NewRequest("PATCH", node.URL+resp.Header.Get("Location"), io.NopCloser(bytes.NewReader(big)))
	require.NoError(t, err)
	req.SetBasicAuth(c.user, c.pass)
	req.ContentLength = -1
	r2, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	r2.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, r2.StatusCode)

	small := []byte("small enough")
	c.pushBlob("apps/img", small)
}
