package jsoncheck

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestDocument(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		body string
		want error
	}{
		{`{}`, nil},
		{" {\"a\":[1,{\"b\":null}],\"c\":\"caf\u00e9 \ufffd\"}\n", nil},
		{`"s"`, nil},
		{`12`, nil},
		{`"\\u0000"`, nil},      // a backslash and "u0000", not a NUL
		{`{"a":"\ud800"}`, nil}, // a lone surrogate decodes to U+FFFD
		{`{}{}`, ErrTrailing},
		{`{"a":1} {"b":2}`, ErrTrailing},
		{`[] x`, ErrTrailing},
		{`1 2`, ErrTrailing},
		{`{"a":"x\u0000y"}`, ErrNUL},
		{`{"a\u0000":1}`, ErrNUL},
		{`[["\u0000"]]`, ErrNUL},
		{"{\"a\":\"\xff\"}", ErrUTF8},
		{"{\"a\":\"\xc3\"}", ErrUTF8},
		{`{"a":}`, ErrSyntax},
		{`[]]`, ErrTrailing},
		{``, ErrSyntax},
	} {
		err := Document([]byte(tt.body))
		if tt.want == nil {
			require.NoError(t, err, tt.body)
		} else {
			require.ErrorIs(t, err, tt.want, tt.body)
		}
	}
}

// FuzzDocument holds Document to its contract: a body it accepts is one
// valid JSON document in valid UTF-8 holding no NUL in any string, exactly
// what a decoder then reads.
func FuzzDocument(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":"b"}`, `{}{}`, `{"a":1} x`, `[1,2]`, `"s"`, `{"a":"\u0000"}`, "{\"a\":\"\xff\"}", `{"a\u0000":1}`, ` {"a":[{"b":null}]} `, `[]]`, `1 2`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if Document(body) != nil {
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
