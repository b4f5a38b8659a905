package packages

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/pyspec"
	"github.com/kodera-packages/kodera/internal/repository"
)

// PyPI is the Python format (issue 10): a project is a package named as
// first uploaded and looked up in its PEP 503 form; a release is a version
// (PEP 440, ordered by it) whose files are the wheels and sdists uploaded
// for it, one upload at a time. internal/pypi writes the rows and keeps
// the per-file table the simple index serves (pypi_files).
type PyPI struct{}

// Type implements Format.
func (PyPI) Type() string { return repository.TypePyPI }

// NormalizeName implements Format: PEP 508 validates, PEP 503 folds
// (`Foo_Bar.baz` -> `foo-bar-baz`).
func (PyPI) NormalizeName(name string) (string, error) {
	if !pyspec.ValidName(name) {
		return "", domain.Errorf(domain.ErrInvalid,
			"invalid project name %q: letters, digits, '.', '_' and '-', starting and ending with a letter or digit (PEP 508)", name)
	}
	return pyspec.NormalizeName(name), nil
}

// ValidateVersion implements Format: a PEP 440 version.
func (PyPI) ValidateVersion(v string) error {
	if _, err := pyspec.ParseVersion(v); err != nil {
		return domain.Errorf(domain.ErrInvalid, "invalid version %q: not a PEP 440 version", v)
	}
	return nil
}

// CompareVersions implements VersionOrderer: PEP 440 order; a version
// that does not parse (none should be stored) sorts below every other.
func (PyPI) CompareVersions(a, b string) int {
	va, ea := pyspec.ParseVersion(a)
	vb, eb := pyspec.ParseVersion(b)
	switch {
	case ea != nil && eb != nil:
		return strings.Compare(a, b)
	case ea != nil:
		return -1
	case eb != nil:
		return 1
	}
	return pyspec.CompareVersions(va, vb)
}

// DownloadPath implements FileLocator: file names are unique in a PyPI
// repository, so a file's URL is its name.
func (PyPI) DownloadPath(repo, _, _ string, f File) string {
	return "/api/python/" + repo + "/files/" + url.PathEscape(f.Name)
}

// Connect implements Format (the same commands as the UI's Connect dialog).
func (PyPI) Connect(c ConnectInfo) []ConnectStep {
	index := fmt.Sprintf("%s/api/python/%s/simple/", c.BaseURL, c.Repository)
	host, _, _ := strings.Cut(c.Host, ":")
	trusted, trustedConf := "", ""
	if c.Insecure {
		trusted = " --trusted-host " + host
		trustedConf = "\ntrusted-host = " + host
	}
	return []ConnectStep{
		{Title: "Install a package", Snippet: fmt.Sprintf("pip install --index-url %s%s my-package", index, trusted)},
		{Title: "Or set it for good in pip.conf", Snippet: fmt.Sprintf("[global]\nindex-url = %s%s", index, trustedConf)},
		{Title: "Upload (password: a personal token)", Snippet: fmt.Sprintf("twine upload --repository-url %s/api/python/%s/ -u %s dist/*", c.BaseURL, c.Repository, c.user())},
	}
}

// PyPIMetadata is the metadata of a PyPI version: the core metadata of the
// first file uploaded for it (later files of the release fill nothing in;
// they describe the same release).
type PyPIMetadata struct {
	Summary                string   `json:"summary,omitempty"`
	Description            string   `json:"description,omitempty"`
	DescriptionContentType string   `json:"descriptionContentType,omitempty"`
	Author                 string   `json:"author,omitempty"`
	AuthorEmail            string   `json:"authorEmail,omitempty"`
	Maintainer             string   `json:"maintainer,omitempty"`
	MaintainerEmail        string   `json:"maintainerEmail,omitempty"`
	License                string   `json:"license,omitempty"`
	Keywords               string   `json:"keywords,omitempty"`
	HomePage               string   `json:"homePage,omitempty"`
	RequiresPython         string   `json:"requiresPython,omitempty"`
	RequiresDist           []string `json:"requiresDist,omitempty"`
	Classifiers            []string `json:"classifiers,omitempty"`
	ProjectURLs            []string `json:"projectUrls,omitempty"`
	ProvidesExtra          []string `json:"providesExtra,omitempty"`
}

// BeforeDeleteVersion implements DeleteHook: a version deleted through the
// generic service (the UI, cleanup policies) changes the simple index, so
// the repository's index serial moves (internal/pypi caches pages by it).
// The file names stay taken: pypi_files keeps its rows.
func (PyPI) BeforeDeleteVersion(ctx context.Context, q *db.Queries, v VersionRef) error {
	_, err := q.BumpPyPISerial(ctx, v.Repository.ID)
	return db.Translate(err)
}
