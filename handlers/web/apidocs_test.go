package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/kodera-packages/kodera/spec"
)

// TestAPIDocsServeTheSpecAsWritten compares /v3/api-docs with
// spec/openapi.yaml parsed: same document, same key order, operationIds
// as written (not oapi-codegen's PascalCase copy).
func TestAPIDocsServeTheSpecAsWritten(t *testing.T) {
	t.Parallel()
	r := chi.NewRouter()
	require.NoError(t, Mount(r))
	rec := serve(t, r, http.MethodGet, "/v3/api-docs")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))

	var served any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &served))
	var written any
	require.NoError(t, yaml.Unmarshal(spec.OpenAPI, &written))
	// YAML decodes integers as int, JSON as float64: compare through JSON.
	b, err := json.Marshal(written)
	require.NoError(t, err)
	var want any
	require.NoError(t, json.Unmarshal(b, &want))
	require.Equal(t, want, served)

	body := rec.Body.String()
	require.True(t, strings.HasPrefix(body, `{"openapi":"3.0.3","info":{`), "key order is the spec's: %.60s", body)
	require.Contains(t, body, `"operationId":"getSystemInfo"`)
	require.NotContains(t, body, `"operationId":"GetSystemInfo"`)
}

func TestSpecJSONConvertsScalarsAndRefusesWhatJSONCannotSay(t *testing.T) {
	t.Parallel()
	got, err := specJSON([]byte("b: 1\na: [true, null, 1.5, \"200\", 0x10, ~]\n\"200\": {x: y}\nc: &x {k: v}\nd: *x\n"))
	require.NoError(t, err)
	require.JSONEq(t, `{"b":1,"a":[true,null,1.5,"200",16,null],"200":{"x":"y"},"c":{"k":"v"},"d":{"k":"v"}}`, string(got))
	require.True(t, strings.HasPrefix(string(got), `{"b":1,"a":`), string(got))

	for _, bad := range []string{"a: .inf\n", "a: .nan\n", "? [1, 2]\n: x\n"} {
		_, err := specJSON([]byte(bad))
		require.Error(t, err, bad)
	}
}
