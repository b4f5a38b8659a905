// Package migrations embeds the schema so every node applies the same one at
// start (goose, under its Postgres lock) and sqlc reads it to type queries.
package migrations

import "embed"

// FS holds the numbered goose SQL files.
//
//go:embed *.sql
var FS embed.FS
