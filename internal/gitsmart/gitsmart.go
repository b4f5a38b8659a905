// Package gitsmart is the git smart-HTTP protocol engine (protocol v0/v1,
// gitprotocol-http(5), gitprotocol-pack(5)) over any go-git storer: the ref
// advertisement, upload-pack (clone, fetch) and receive-pack (push). It has
// no router or handler dependency; handlers/git wraps it in a few lines.
//
// go-git v5 has no HTTP server and its transport/server falls short as a
// server (it never reads have/done, so fetches from clones ahead by more
// than a few commits break; its receive-pack is not atomic, ignores the
// client's old value and stores objects before any check). This package
// keeps go-git's formats (pkt-lines, packp messages, packfile codec,
// side-band muxer) and writes the two conversations itself:
//
//   - upload-pack reads wants, then haves, answering ACK/NAK as git does for
//     multi_ack_detailed, multi_ack or neither; it serves only objects
//     reachable from advertised refs, packs what the wants reach minus what
//     the common haves reach, multiplexed over side-band-64k when asked;
//     a `--depth N` fetch gets shallow lines and a truncated history.
//   - receive-pack reads commands and the packfile into an in-memory holding
//     area bounded by Options.MaxPushBytes, checks that every new value and
//     everything it reaches exists, refuses moving or deleting nothing that
//     is not there and moving a tag that exists (tags are immutable), calls
//     the caller's Validator per ref, and then applies every accepted update
//     in ONE transaction, each as a compare-and-swap on the value the client
//     read (Applier, implemented by gitstore.Storer). It answers a full
//     report-status with one-line reasons, through side-band when asked.
//
// Refusals are per ref, as git's own receive-pack does by default: a push of
// two refs where the Validator refuses one moves the other and reports
// `! [remote rejected] ref (reason)` for the refused one. A client asking for
// `git push --atomic` gets all-or-nothing: one refusal or lost race refuses
// every ref.
//
// Protocol v2 clients (`-c protocol.version=2`, the Git-Protocol header) get
// the v0 answer, which they accept as a fallback.
//
// # Wiring (handlers/git, next session)
//
// The route `/git/{repo}/{module path}.git/{info/refs|git-upload-pack|
// git-receive-pack}` is a catch-all with explicit suffix parsing (STYLE 11).
// The handler resolves the repository and caller with the protocol kit:
// reading (info/refs?service=git-upload-pack, git-upload-pack) needs read
// access, and pushing (info/refs?service=git-receive-pack, git-receive-pack)
// needs write access, asked before the advertisement so git prompts for
// credentials (401 with a Basic challenge). It finds the module's git
// repository with gitstore.GetByModulePath, opens it with gitstore.Open and
// then:
//
//	GET  info/refs?service=S: Content-Type AdvertisementContentType(S), Cache-Control: no-cache, AdvertiseRefs(ctx, w, st, S, opts)
//	POST git-upload-pack:     Content-Type ResultContentType(UploadPackService), UploadPack(ctx, st, RequestBody(r), w, opts)
//	POST git-receive-pack:    Content-Type ResultContentType(ReceivePackService), applied, err := ReceivePack(ctx, st, RequestBody(r), w, validate, opts)
//
// An error wrapping domain.ErrInvalid is a malformed request: a plain-text
// 400 when nothing was written yet (the handler wraps w to know), else only
// logged, as is any other error (a store failure: a 500 when possible).
// Refused pushes are not errors: git reads them from the report-status.
// The Git-Protocol header (v2) needs nothing: the v0 answer is the fallback.
//
// The Validator is where the Go format plugs in: for a ref deletion it asks
// the decision function for the delete action; for a tag refs/tags/vX.Y.Z it
// checks the semantic version against the module path (major version
// suffix, golang.org/x/mod/module.Check), reads go.mod at the tagged commit
// through Update.Objects and refuses a module path that differs. ReceivePack
// returns the updates it applied; the handler publishes the tags among them
// as module versions through the generic package service (idempotently: a
// version can always be re-derived from its immutable tag, so a node dying
// between the ref update and the publication is repaired by a later
// reconciliation of tags against versions).
package gitsmart

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"

	"github.com/kodera-packages/kodera/internal/domain"
)

// Service is a git service name as in `info/refs?service=`.
type Service string

// The two services of smart HTTP.
const (
	UploadPackService  Service = "git-upload-pack"
	ReceivePackService Service = "git-receive-pack"
)

// ParseService returns the Service named s, or an error wrapping
// domain.ErrInvalid (a dumb-HTTP client sends no service at all).
func ParseService(s string) (Service, error) {
	switch Service(s) {
	case UploadPackService, ReceivePackService:
		return Service(s), nil
	}
	return "", fmt.Errorf("%w: unsupported git service %q (only smart HTTP is served)", domain.ErrInvalid, s)
}

// AdvertisementContentType is the Content-Type of info/refs for s.
func AdvertisementContentType(s Service) string {
	return "application/x-" + string(s) + "-advertisement"
}

// RequestContentType is the Content-Type git sends with a POST to s.
func RequestContentType(s Service) string {
	return "application/x-" + string(s) + "-request"
}

// ResultContentType is the Content-Type of the answer to a POST to s.
func ResultContentType(s Service) string {
	return "application/x-" + string(s) + "-result"
}

// DefaultMaxPushBytes bounds the packfile of one push held in memory; its
// objects may inflate to four times as much.
const DefaultMaxPushBytes = 128 << 20

// Options tunes the engine; the zero value is usable.
type Options struct {
	// Agent is advertised as agent=...; empty: "kodera".
	Agent string
	// MaxPushBytes bounds the packfile of a push, and four times it the
	// inflated size of its objects (the holding area is in memory); 0
	// means DefaultMaxPushBytes.
	MaxPushBytes int64
}

func (o Options) agent() string {
	if o.Agent == "" {
		return "kodera"
	}
	return o.Agent
}

func (o Options) maxPush() int64 {
	if o.MaxPushBytes <= 0 {
		return DefaultMaxPushBytes
	}
	return o.MaxPushBytes
}

// RequestBody returns the body of a POST from git, decompressed when git
// sent it gzipped (it does for upload-pack requests above 1 KiB).
func RequestBody(r *http.Request) (io.ReadCloser, error) {
	switch strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))) {
	case "", "identity":
		return r.Body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip request body: %w", domain.ErrInvalid, err)
		}
		return zr, nil
	default:
		return nil, fmt.Errorf("%w: unsupported Content-Encoding %q", domain.ErrInvalid, r.Header.Get("Content-Encoding"))
	}
}

func protocolError(format string, a ...any) error {
	return fmt.Errorf("%w: git protocol: %s", domain.ErrInvalid, fmt.Sprintf(format, a...))
}

// sidebandType returns the side-band the client asked for, 0 for none.
func sidebandType(caps *capability.List) (bool, bool) {
	return caps.Supports(capability.Sideband64k), caps.Supports(capability.Sideband)
}
