package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/handlers/api"
)

// FuzzValidateJSON holds the REST API's body check to its contract: a
// body it accepts is one valid JSON document in valid UTF-8 holding no NUL
// in any string, exactly what the handlers' decoder then reads.
func FuzzValidateJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":"b"}`, `{}{}`, `{"a":1} x`, `[1,2]`, `"s"`, `{"a":"\u0000"}`, "{\"a\":\"\xff\"}", `{"a\u0000":1}`, ` {"a":[{"b":null}]} `, `[]]`, `1 2`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if api.ValidateJSON(body) != nil {
			return
		}
		require.True(t, utf8.Valid(body))
		require.True(t, json.Valid(body), "%q", body)
		var v any
		require.NoError(t, json.Unmarshal(body, &v))
		require.False(t, hasNUL(v), "%q", body)
		dec := json.NewDecoder(bytes.NewReader(body))
		require.NoError(t, dec.Decode(&v))
		require.False(t, dec.More(), "one document: %q", body)
	})
}

func hasNUL(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.ContainsRune(v, 0)
	case []any:
		for _, e := range v {
			if hasNUL(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if strings.ContainsRune(k, 0) || hasNUL(e) {
				return true
			}
		}
	}
	return false
}
