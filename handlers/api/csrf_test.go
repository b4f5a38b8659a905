package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/spec"
)

// TestSpecCSRFIsEnforced holds the spec to its word: every operation that
// pairs the session cookie with the csrfToken scheme refuses a session
// request without X-CSRF-Token (403, before anything else), and every
// other operation taking the session cookie does not ask for it.
func TestSpecCSRFIsEnforced(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(spec.OpenAPI)
	require.NoError(t, err)
	n := apptest.Start(t, apptest.Options{})
	s := login(t, n, apptest.AdminUser, apptest.AdminPassword)
	noCSRF := session(s.cookie, "")

	checked, refused := 0, 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			reqs := doc.Security
			if op.Security != nil {
				reqs = *op.Security
			}
			cookie, csrf := false, false
			for _, req := range reqs {
				if _, ok := req["sessionCookie"]; ok {
					cookie = true
					_, csrf = req["csrfToken"]
				}
			}
			if !cookie {
				continue
			}
			// Any value will do for path parameters: the CSRF check comes
			// first. Resources are named so that nothing real is touched.
			url := path
			for _, p := range []string{"{name}", "{username}", "{principal}", "{image}", "{tag}", "{digest}"} {
				url = strings.ReplaceAll(url, p, "csrf-probe")
			}
			url = strings.ReplaceAll(url, "{id}", "999999")
			body := ""
			if op.RequestBody != nil {
				body = "{}"
			}
			got := call(t, n, noCSRF, method, url, body)
			name := method + " " + path
			if csrf {
				require.Equal(t, http.StatusForbidden, got.StatusCode, "%s without X-CSRF-Token: %s", name, got.body)
				require.Contains(t, string(got.body), "X-CSRF-Token", name)
				refused++
			} else {
				require.False(t, got.StatusCode == http.StatusForbidden && strings.Contains(string(got.body), "X-CSRF-Token"),
					"%s asks for X-CSRF-Token but the spec does not say so: %s", name, got.body)
			}
			checked++
		}
	}
	require.GreaterOrEqual(t, checked, 40)
	require.GreaterOrEqual(t, refused, 20)
}
