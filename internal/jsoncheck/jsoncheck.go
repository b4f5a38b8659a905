// Package jsoncheck checks that a JSON body is text the services can
// store: encoding/json decodes the first value and ignores what follows,
// silently turns invalid UTF-8 into U+FFFD, and lets `\u0000` through,
// which PostgreSQL refuses in text and jsonb (SQLSTATE 22021, 22P05).
// Checked where a body arrives, each refusal is a clear 400 in the
// protocol's own format instead of a half-accepted request or a 500.
package jsoncheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Errors Document returns, wrapped with detail.
var (
	ErrUTF8     = errors.New("invalid UTF-8")
	ErrSyntax   = errors.New("invalid JSON")
	ErrNUL      = errors.New(`a string holds a NUL character (\u0000)`)
	ErrTrailing = errors.New("data after the JSON document")
)

// Document checks that body is exactly one JSON value (surrounding white
// space allowed), in valid UTF-8, with no NUL character in any string or
// object key.
func Document(body []byte) error {
	if !utf8.Valid(body) {
		return ErrUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrSyntax, err)
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if strings.ContainsRune(v, 0) {
				return ErrNUL
			}
		}
		if depth == 0 {
			break
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrTrailing
	}
	return nil
}
