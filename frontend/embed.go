// Package frontend embeds the built web UI (frontend/dist, produced by
// `go tool task ui`). A checkout built without npm embeds only a placeholder
// and the server says how to build the UI.
package frontend

import "embed"

// Dist is the built single-page app.
//
//go:embed all:dist
var Dist embed.FS
