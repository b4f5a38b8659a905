package packages

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"sort"

	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Format describes one repository type: the few things that differ between
// PyPI, Go, OCI and plain files. Everything else (storage, listings,
// totals, deletes, the REST views) is written once, in Service, and works
// the same for every format. A format is registered once, in formats
// below; see docs/formats.md for the steps a new one takes.
type Format interface {
	// Type is the repository type this format serves ("docker", "files").
	Type() string
	// NormalizeName validates a package name as a client sends it and
	// returns the form lookups use (PEP 503 for PyPI, case-folded module
	// paths for Go, image paths for OCI). Two names with the same
	// normalized form are the same package. A bad name is domain.ErrInvalid.
	NormalizeName(name string) (string, error)
	// ValidateVersion checks a version string (PEP 440, semver, an OCI tag
	// or digest); a bad one is domain.ErrInvalid.
	ValidateVersion(version string) error
	// Connect is the text the UI shows to set a client up for a repository.
	Connect(c ConnectInfo) []ConnectStep
}

// VersionOrderer is implemented by formats whose versions have an order of
// their own (PEP 440, semver). Listings then sort by it, highest first;
// formats without one list versions newest first.
type VersionOrderer interface {
	// CompareVersions returns -1, 0 or +1 as a sorts before, with or after b.
	CompareVersions(a, b string) int
}

// MetadataExtractor is implemented by formats whose uploads carry their own
// description (a wheel's METADATA, a module's go.mod): the upload handler
// calls it on the uploaded file and stores the result as the version's
// metadata.
type MetadataExtractor interface {
	// ExtractMetadata reads the package name, version and metadata from an
	// uploaded file; a file that is not of the format is domain.ErrInvalid.
	ExtractMetadata(ctx context.Context, filename string, r io.Reader) (Extracted, error)
}

// Extracted is what a MetadataExtractor found in an uploaded file.
type Extracted struct {
	Package  string
	Version  string
	Metadata json.RawMessage
}

// DeleteHook is implemented by formats that keep protocol tables beside the
// generic ones (OCI tags and manifests): a delete through Service calls it
// in the deleting transaction, before the version row goes, so that the
// protocol no longer serves what the package views no longer list. An error
// aborts the delete.
type DeleteHook interface {
	BeforeDeleteVersion(ctx context.Context, q *db.Queries, v VersionRef) error
}

// PackageSource is implemented by formats that keep their content in a
// model of their own instead of packages and versions (files keep their
// tree): Service answers the package views from it, and refuses deletes,
// which go through the format's protocol.
type PackageSource interface {
	// ListPackages pages the packages whose name contains filter.
	ListPackages(ctx context.Context, q *db.Queries, repo domain.Repository, filter string, limit, offset int32) ([]Package, int64, error)
	// ListVersions pages the versions of one package.
	ListVersions(ctx context.Context, q *db.Queries, repo domain.Repository, name string, limit, offset int32) ([]Version, int64, error)
	// GetVersion returns a package with one version and its files; version
	// "" asks for the package's latest.
	GetVersion(ctx context.Context, q *db.Queries, repo domain.Repository, name, version string) (Package, Version, []File, error)
}

// FileLocator is implemented by formats whose protocol serves a version's
// files: the package views link each file to where it is downloaded.
type FileLocator interface {
	// DownloadPath is the absolute path on this server serving file of
	// version of package pkg in repository repo.
	DownloadPath(repo, pkg, version string, file File) string
}

// VersionRef names one version in a DeleteHook call.
type VersionRef struct {
	Repository domain.Repository
	Package    Package
	Version    Version
}

// ConnectInfo is what connect texts are built from.
type ConnectInfo struct {
	// BaseURL is the node's external URL, e.g. "https://kodera.example.com".
	BaseURL string
	// Host is BaseURL's host[:port], the registry host for docker.
	Host string
	// Repository is the repository's name.
	Repository string
	// User is the caller's login ("" shows a placeholder).
	User string
	// Insecure says the node speaks plain HTTP, which clients must be told.
	Insecure bool
}

// user is the login a connect text shows.
func (c ConnectInfo) user() string {
	if c.User == "" {
		return "<username>"
	}
	return c.User
}

// ConnectStep is one step of a connect text: a title and a snippet to copy.
type ConnectStep struct {
	Title   string `json:"title"`
	Snippet string `json:"snippet"`
}

// formats is the one registry of formats, by repository type. A new format
// adds one line here (and its protocol handler under handlers/).
var formats = map[string]Format{
	repository.TypeDocker: Docker{},
	repository.TypeFiles:  Files{},
	repository.TypeGo:     Go{},
	repository.TypePyPI:   PyPI{},
}

// The registered formats' optional parts, checked by the compiler.
var (
	_ DeleteHook     = Docker{}
	_ FileLocator    = Docker{}
	_ PackageSource  = Files{}
	_ FileLocator    = Files{}
	_ FileLocator    = Go{}
	_ VersionOrderer = Go{}
	_ FileLocator    = PyPI{}
	_ VersionOrderer = PyPI{}
	_ DeleteHook     = PyPI{}
)

// Lookup returns the format of a repository type; ok is false for a type
// no format serves yet.
func Lookup(repoType string) (f Format, ok bool) {
	f, ok = formats[repoType]
	return f, ok
}

// Formats lists the registered formats by type.
func Formats() []Format {
	out := make([]Format, 0, len(formats))
	for _, f := range formats {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type() < out[j].Type() })
	return out
}

// sortVersions orders versions highest first by the format's own order.
func sortVersions(o VersionOrderer, vs []Version) {
	slices.SortStableFunc(vs, func(a, b Version) int { return o.CompareVersions(b.Version, a.Version) })
}
