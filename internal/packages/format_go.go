package packages

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Go is the format of Go module repositories: a package is a module (named
// by its module path), a version is a semantic version published from a
// pushed git tag or an uploaded module zip (internal/gomod), with one file,
// the module zip. Versions are immutable and ordered by semver.
type Go struct{}

// GoZipName is the name of the one file of a Go module version.
const GoZipName = "module.zip"

// GoMetadata is the metadata of a Go module version: what the GOPROXY
// protocol serves besides the zip (.info and .mod) and what the REST
// views show.
type GoMetadata struct {
	// Time is the commit time of the tagged commit (the upload time for a
	// zip uploaded through the REST API).
	Time time.Time `json:"time"`
	// Hash is the module's h1: hash (golang.org/x/mod/sumdb/dirhash).
	Hash string `json:"hash"`
	// GoMod is the content of the version's go.mod (the .mod file).
	GoMod string `json:"goMod"`
	// Commit is the tagged commit's hash; empty for an uploaded zip.
	Commit string `json:"commit,omitempty"`
	// Ref is the tag the version was published from ("refs/tags/v1.0.0").
	Ref string `json:"ref,omitempty"`
	// GitPath is the module path naming the git repository
	// (/git/<repo>/<GitPath>.git) the version was pushed to.
	GitPath string `json:"gitPath,omitempty"`
	// Subdir is the module's directory in its git repository ("" at the root).
	Subdir string `json:"subdir,omitempty"`
	// Files lists the zip's files (paths below module@version/) with sizes.
	Files []GoFile `json:"files"`
}

// GoFile is one file of a module zip.
type GoFile struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// Type implements Format.
func (Go) Type() string { return repository.TypeGo }

// NormalizeName implements Format: a module path as golang.org/x/mod/module
// checks it, folded to its escaped form (module.EscapePath), which is the
// form module caches and proxies use and which is unique per path.
func (Go) NormalizeName(name string) (string, error) {
	if err := module.CheckPath(name); err != nil {
		return "", domain.Errorf(domain.ErrInvalid, "module path %q: %v", name, err)
	}
	esc, err := module.EscapePath(name)
	if err != nil {
		return "", domain.Errorf(domain.ErrInvalid, "module path %q: %v", name, err)
	}
	return esc, nil
}

// ValidateVersion implements Format: a canonical semantic version
// (v1.2.3, v1.2.3-pre, v2.0.0+incompatible).
func (Go) ValidateVersion(v string) error {
	if !semver.IsValid(v) || (semver.Canonical(v) != v && semver.Canonical(v)+"+incompatible" != v) {
		return domain.Errorf(domain.ErrInvalid, "%q is not a canonical semantic version such as v1.2.3", v)
	}
	return nil
}

// CompareVersions implements VersionOrderer: semver precedence.
func (Go) CompareVersions(a, b string) int { return semver.Compare(a, b) }

// DownloadPath implements FileLocator: the GOPROXY .zip URL.
func (Go) DownloadPath(repo, pkg, version string, _ File) string {
	ep, err := module.EscapePath(pkg)
	if err != nil {
		ep = pkg
	}
	ev, err := module.EscapeVersion(version)
	if err != nil {
		ev = version
	}
	return "/api/go/" + repo + "/" + ep + "/@v/" + ev + ".zip"
}

// Connect implements Format (the same commands as the UI's Connect dialog).
func (Go) Connect(c ConnectInfo) []ConnectStep {
	u := c.user()
	host := c.Host
	if host == "" {
		host = strings.TrimPrefix(strings.TrimPrefix(c.BaseURL, "https://"), "http://")
	}
	machine, _, _ := strings.Cut(host, ":")
	// git (curl) matches a .netrc machine without its port, the go command
	// with it (and reads .netrc over https only).
	netrc := fmt.Sprintf("machine %s login %s password <token>", machine, u)
	if machine != host {
		netrc += fmt.Sprintf("\nmachine %s login %s password <token>", host, u)
	}
	return []ConnectStep{
		{Title: "Publish a module version: push a semver tag", Snippet: fmt.Sprintf(
			"git remote add kodera %s/git/%s/example.com/mymod.git\ngit tag v1.0.0\ngit push kodera main v1.0.0", c.BaseURL, c.Repository)},
		{Title: "Credentials for git and go (~/.netrc; password: a personal token)", Snippet: netrc},
		{Title: "Use the repository as a module proxy", Snippet: fmt.Sprintf(
			"export GOPROXY=%s/api/go/%s,https://proxy.golang.org\nexport GONOSUMDB=example.com/mymod\ngo get example.com/mymod@v1.0.0", c.BaseURL, c.Repository)},
	}
}
