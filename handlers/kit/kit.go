// Package kit is what every protocol handler under handlers/ shares: the
// steps between "a request arrived" and "the format's own code runs", and
// the ones after it failed or produced content. A protocol handler (OCI at
// /v2, raw files at /api/files, and next PyPI, GOPROXY, git) does this:
//
//  1. Authenticate the request ([Kit.Caller], or its own credentials such as
//     the registry's JWTs, then the same principal type).
//  2. Resolve the repository the URL names with [Kit.Resolve]: the
//     repository type the protocol serves and the action the method needs.
//     The kit applies the one rule: a protocol endpoint challenges an
//     anonymous caller with 401 when it may not read the repository (or may
//     read but not do the action), a known caller gets 404 for a repository
//     it may not read (exactly as for a missing one) and 403 for one it may
//     read but not change; a repository of another type is 404. The REST
//     API uses [Kit.ResolveREST]: there an unreadable repository is 404 for
//     everyone, anonymous included.
//  3. Bound uploads with [Kit.LimitBody] (KODERA_MAX_UPLOAD_BYTES, one limit
//     for every protocol) and stream the body to a service in one pass.
//  4. Serve stored content with [Kit.ServeBlob]: Range (single and multiple),
//     ETag, If-None-Match, If-Modified-Since, If-Range, Content-Disposition,
//     sendfile on the filesystem store and, with KODERA_STORAGE_REDIRECT, a
//     redirect to a short-lived presigned URL of the S3 store.
//  5. On any error, map it to a status with the protocol's own table (falling
//     back to [Status]), call [Kit.Decorate] for the headers and logging every
//     protocol shares (WWW-Authenticate, Retry-After, 499 for a client that
//     went away, 5xx logged with the request id), then write only the body
//     in the protocol's own format.
//
// The kit is on every protocol request's hot path, so it is measured
// (scripts/bench/files.sh) and counted (TestHotPathRoundTrips): resolution
// is one database round trip (repository, the caller's grant and the
// guest-access setting in one query), anonymous callers need nothing else,
// and a repeated caller needs none at all: an API token's verification
// and, for reads, a repository lookup are remembered for two seconds per
// node (writes and the REST API never use the lookup cache).
//
// Everything a format adds beyond that (its URL grammar, its metadata, its
// error body) stays in its own package.
package kit

import (
	"log/slog"
	"time"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/blob"
)

// Deps is what the kit needs; it is built once per node (internal/server).
type Deps struct {
	Authn *auth.Authenticator
	Authz *auth.Authorizer
	Log   *slog.Logger
	// Blobs is the object store, asked for presigned URLs when Redirect is on.
	Blobs *blob.Store
	// MaxUploadBytes bounds one uploaded file or blob
	// (KODERA_MAX_UPLOAD_BYTES); 0 means no limit.
	MaxUploadBytes int64
	// Redirect sends downloads to a presigned URL of the object store when
	// the store can make one (KODERA_STORAGE_REDIRECT).
	Redirect bool
	// RedirectTTL is how long a presigned URL stays valid; 0 means a minute.
	RedirectTTL time.Duration
}

// Kit is the shared protocol machinery; see the package documentation.
type Kit struct {
	Deps
	tokens  tokenCache
	lookups lookupCache
	now     func() time.Time // the token cache's clock; tests move it
}

// New returns a kit over d.
func New(d Deps) *Kit {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.RedirectTTL <= 0 {
		d.RedirectTTL = time.Minute
	}
	return &Kit{Deps: d, now: time.Now}
}
