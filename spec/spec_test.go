package spec_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/repository"
	"github.com/kodera-packages/kodera/spec"
)

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(spec.OpenAPI)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	return doc
}

// public operations need no credentials at all (security: [{}]).
func public(op *openapi3.Operation) bool {
	return op.Security != nil && len(*op.Security) == 1 && len((*op.Security)[0]) == 0
}

func security(doc *openapi3.T, op *openapi3.Operation) openapi3.SecurityRequirements {
	if op.Security != nil {
		return *op.Security
	}
	return doc.Security
}

func unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// TestSpecDeclaresAuthenticationAndErrors holds the rules that make SDKs
// generated from the spec (openapi-generator, openapi-typescript) honest:
// authentication is required unless an operation is public, unsafe cookie
// requests carry the CSRF header, and every error an operation can answer
// is a typed problem response.
func TestSpecDeclaresAuthenticationAndErrors(t *testing.T) {
	t.Parallel()
	doc := load(t)
	for _, req := range doc.Security {
		require.NotEmpty(t, req, "the global security must not make authentication optional")
	}
	require.Contains(t, doc.Components.SecuritySchemes, "csrfToken")
	require.Equal(t, "X-CSRF-Token", doc.Components.SecuritySchemes["csrfToken"].Value.Name)
	require.Contains(t, doc.Components.Responses["Unauthorized"].Value.Headers, "WWW-Authenticate")
	require.Contains(t, doc.Components.Responses["TooManyRequests"].Value.Headers, "Retry-After")

	var publicOps []string
	ops := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			name := fmt.Sprintf("%s %s (%s)", method, path, op.OperationID)
			require.Regexp(t, `^[a-z][A-Za-z]+$`, op.OperationID, name)
			has := func(code string) bool { return op.Responses.Value(code) != nil }
			require.True(t, has("default"), "%s: no default (500) response", name)

			if public(op) {
				publicOps = append(publicOps, op.OperationID)
			} else {
				require.True(t, has("401"), "%s needs credentials but lists no 401", name)
				require.True(t, has("429"), "%s accepts a password (Basic) but lists no 429", name)
			}
			for _, req := range security(doc, op) {
				if len(req) == 0 {
					require.False(t, unsafe(method) && !public(op), "%s: anonymous callers may not write", name)
				}
				if _, cookie := req["sessionCookie"]; cookie && unsafe(method) {
					require.Contains(t, req, "csrfToken", "%s: an unsafe session request needs X-CSRF-Token", name)
				}
			}
			if op.RequestBody != nil {
				require.True(t, has("400"), "%s takes a body but lists no 400", name)
				require.True(t, has("413"), "%s takes a body but lists no 413", name)
			}
			if len(op.Parameters) > 0 || len(item.Parameters) > 0 {
				require.True(t, has("400"), "%s takes parameters but lists no 400", name)
			}
			if strings.Contains(path, "{") {
				require.True(t, has("404"), "%s names a resource but lists no 404", name)
			}
			for code, r := range op.Responses.Map() {
				if code[0] != '4' && code != "default" {
					continue
				}
				require.NotEmpty(t, r.Ref, "%s %s: use the shared component responses", name, code)
				require.Contains(t, r.Value.Content, "application/problem+json", "%s %s", name, code)
			}
		}
	}
	sort.Strings(publicOps)
	require.Equal(t, []string{"getSystemInfo", "login", "logout"}, publicOps)
	require.Greater(t, ops, 40)
}

// TestSpecRepositoryNameIsWhatTheCodeEnforces checks the spec's pattern and
// length for repository names against repository.ValidateName.
func TestSpecRepositoryNameIsWhatTheCodeEnforces(t *testing.T) {
	t.Parallel()
	doc := load(t)
	name := doc.Components.Schemas["RepositoryCreate"].Value.Properties["name"].Value
	re := regexp.MustCompile(name.Pattern)
	require.NotNil(t, name.MaxLength)
	specOK := func(s string) bool { return re.MatchString(s) && uint64(len(s)) <= *name.MaxLength }
	for _, s := range []string{
		"a", "docker-local", "a.b", "a_b", "a__b", "a---b", "0", "x1.y2_z3__w4-v5",
		strings.Repeat("a", 64), strings.Repeat("a", 65), "", "A", "-a", "a-", "a..b", "a___b", "a._b",
		".a", "a.", "_a", "a/b", "a b", "é", "a\x00",
	} {
		require.Equal(t, repository.ValidateName(s) == nil, specOK(s), "%q", s)
	}
}
