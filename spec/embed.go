// Package spec embeds the REST API's OpenAPI document exactly as written, so
// that /v3/api-docs serves the source of truth rather than the copy
// oapi-codegen embeds (which renames every operationId to PascalCase).
package spec

import _ "embed"

// OpenAPI is spec/openapi.yaml, byte for byte.
//
//go:embed openapi.yaml
var OpenAPI []byte
