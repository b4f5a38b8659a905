package packages

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/kodera-packages/kodera/internal/domain"
)

// Files is the format of plain file repositories. They keep their tree
// (internal/files, one row per file or folder) rather than writing
// packages: a path has no versions, and a PUT replaces it. The format is
// registered all the same, so that a repository's type always has a
// description (names, connect text), and the package views answer for
// files repositories with the tree's files: each file is a package of one
// version, named "latest" (see Service.ListPackages).
type Files struct{}

// FilesVersion is the one version a file of a files repository has in the
// package views.
const FilesVersion = "latest"

// maxFilePath mirrors repository_files' path bound (migration 00020).
const maxFilePath = 1024

// Type implements Format.
func (Files) Type() string { return TypeFiles }

// NormalizeName implements Format: a package is a file path, compared
// exactly (file systems and URLs are case-sensitive); a leading slash is
// dropped. The tree's own rules (segments, reserved names) are checked by
// internal/files when the file is written.
func (Files) NormalizeName(name string) (string, error) {
	p := strings.TrimPrefix(name, "/")
	if p == "" || len(p) > maxFilePath || !utf8.ValidString(p) || strings.ContainsRune(p, 0) || strings.HasSuffix(p, "/") {
		return "", domain.Errorf(domain.ErrInvalid, "file path %q: use 1-%d bytes of UTF-8 naming a file, not a folder", name, maxFilePath)
	}
	return p, nil
}

// ValidateVersion implements Format: files have the one version "latest".
func (Files) ValidateVersion(v string) error {
	if v != FilesVersion {
		return domain.Errorf(domain.ErrInvalid, "files have no versions but %q", FilesVersion)
	}
	return nil
}

// DownloadPath implements FileLocator: the raw files protocol serves the
// path (each segment escaped).
func (Files) DownloadPath(repo, pkg, _ string, _ File) string {
	segs := strings.Split(pkg, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/api/files/" + repo + "/" + strings.Join(segs, "/")
}

// Connect implements Format.
func (Files) Connect(c ConnectInfo) []ConnectStep {
	base := fmt.Sprintf("%s/api/files/%s", c.BaseURL, c.Repository)
	return []ConnectStep{
		{Title: "Upload a file", Snippet: fmt.Sprintf("curl -u <user>:<token> -T <file> %s/<path>", base)},
		{Title: "Download a file", Snippet: fmt.Sprintf("curl -u <user>:<token> -O %s/<path>", base)},
		{Title: "List a folder", Snippet: fmt.Sprintf("curl -u <user>:<token> -H 'Accept: application/json' %s/<folder>/", base)},
	}
}
