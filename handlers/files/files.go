// Package files implements the raw files protocol of repositories of type
// files at /api/files/{repo}/{path}, made for curl and wget:
//
//   - PUT stores a file (streamed; X-Checksum-Sha256/-Sha1/-Md5 verified,
//     Artifactory's header names), or with a trailing slash a folder;
//   - GET and HEAD serve it with RFC 9110 ranges and conditional requests
//     (ETag is the quoted sha256), or list a folder as JSON or HTML;
//   - DELETE removes a file or a folder with everything below it;
//   - POST with multipart/form-data stores several files into a folder.
//
// The repository lookup, downloads, the upload limit and the error headers
// come from handlers/kit. Errors are plain text, or {"errors":[{"status":..,"message":..}]} for
// clients that accept JSON (errors.go).
package files

import (
	"net/http"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/files"
)

// Prefix is where the protocol is mounted.
const Prefix = "/api/files/"

// Deps is what the protocol handler needs.
type Deps struct {
	Files *files.Service
	// Kit resolves repositories, serves content, bounds uploads
	// (KODERA_MAX_UPLOAD_BYTES) and decorates errors.
	Kit *kit.Kit
	// BaseURL is the node's external URL without a trailing slash, or ""
	// to answer with path-only URLs.
	BaseURL string
}

type handler struct {
	Deps
}

// New returns the handler of everything under [Prefix].
func New(d Deps) http.Handler {
	return &handler{Deps: d}
}

// DownloadURL is where a file of a repository is served: base (the node's
// external URL, or "" for a path-only URL) plus the escaped path.
func DownloadURL(base, repo, path string) string {
	return base + Prefix + repo + "/" + files.EscapePath(path)
}
