package pyspec

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"path"
	"strings"
	"unicode/utf8"
)

// Bounds on what is read from an uploaded archive: the metadata file is held
// in memory, everything else is only looked at.
const (
	// MaxMetadataSize bounds METADATA and PKG-INFO (long descriptions included).
	MaxMetadataSize = 8 << 20
	// maxArchiveEntries bounds the entries looked at before giving up.
	maxArchiveEntries = 100_000
	// maxSdistScan bounds the decompressed bytes read looking for PKG-INFO,
	// so that a gzip bomb costs bounded time.
	maxSdistScan = 1 << 30
)

// Metadata is the core metadata of a distribution (the Core Metadata
// Specifications, versions 1.0 to 2.4). Multi-use fields are slices.
type Metadata struct {
	MetadataVersion        string
	Name                   string
	Version                string
	Summary                string
	Description            string
	DescriptionContentType string
	Keywords               string
	HomePage               string
	DownloadURL            string
	Author                 string
	AuthorEmail            string
	Maintainer             string
	MaintainerEmail        string
	License                string
	LicenseExpression      string
	RequiresPython         string
	Classifiers            []string
	RequiresDist           []string
	ProvidesExtra          []string
	ProjectURLs            []string // "Label, https://..."
	Platforms              []string
}

// ParseMetadata reads METADATA / PKG-INFO: RFC 822-style headers, then the
// description as the body (metadata 2.1+) or in a Description header whose
// continuation lines carry a "|" margin (older setuptools).
func ParseMetadata(data []byte) (Metadata, error) {
	if len(data) > MaxMetadataSize {
		return Metadata{}, invalidf("metadata is larger than %d bytes", MaxMetadataSize)
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return Metadata{}, invalidf("metadata is not valid UTF-8 text")
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	head, body, _ := strings.Cut(text, "\n\n")
	var m Metadata
	var field, value string
	flush := func() {
		if field != "" {
			m.set(field, value)
		}
		field, value = "", ""
	}
	for _, line := range strings.Split(head, "\n") {
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if field == "" {
				return Metadata{}, invalidf("metadata starts with a continuation line")
			}
			value += "\n" + continuation(line)
			continue
		}
		flush()
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return Metadata{}, invalidf("metadata line %q is not a field", truncate(line, 60))
		}
		field, value = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
	}
	flush()
	if strings.TrimSpace(body) != "" {
		m.Description = strings.TrimRight(body, "\n")
	}
	if m.Name == "" || m.Version == "" {
		return Metadata{}, invalidf("metadata lacks Name or Version")
	}
	return m, nil
}

// continuation strips the folding of a continued header line: setuptools
// writes "        |text" for Description, others plain indentation.
func continuation(line string) string {
	t := strings.TrimLeft(line, " \t")
	if strings.HasPrefix(line, "       ") && strings.HasPrefix(t, "|") {
		return t[1:]
	}
	return t
}

func (m *Metadata) set(field, v string) {
	switch field {
	case "metadata-version":
		m.MetadataVersion = v
	case "name":
		m.Name = v
	case "version":
		m.Version = v
	case "summary":
		m.Summary = v
	case "description":
		m.Description = v
	case "description-content-type":
		m.DescriptionContentType = v
	case "keywords":
		m.Keywords = v
	case "home-page":
		m.HomePage = v
	case "download-url":
		m.DownloadURL = v
	case "author":
		m.Author = v
	case "author-email":
		m.AuthorEmail = v
	case "maintainer":
		m.Maintainer = v
	case "maintainer-email":
		m.MaintainerEmail = v
	case "license":
		m.License = v
	case "license-expression":
		m.LicenseExpression = v
	case "requires-python":
		m.RequiresPython = v
	case "classifier":
		m.Classifiers = append(m.Classifiers, v)
	case "requires-dist":
		m.RequiresDist = append(m.RequiresDist, v)
	case "provides-extra":
		m.ProvidesExtra = append(m.ProvidesExtra, v)
	case "project-url":
		m.ProjectURLs = append(m.ProjectURLs, v)
	case "platform":
		m.Platforms = append(m.Platforms, v)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ErrNoMetadata marks an archive without its metadata file.
var ErrNoMetadata = &invalidError{reason: "the archive holds no metadata file"}

// ReadMetadata returns the raw metadata file of a distribution: a wheel's
// {name}-{version}.dist-info/METADATA, or an sdist's top-level PKG-INFO.
// r is read at random (zip) or from the start (tar.gz); nothing is
// extracted and only the metadata file is held in memory.
func ReadMetadata(f Filename, r io.ReaderAt, size int64) ([]byte, error) {
	switch f.Ext {
	case ".whl":
		return zipMetadata(r, size, func(name string) bool {
			dir, file := path.Split(name)
			return file == "METADATA" && strings.Count(dir, "/") == 1 &&
				strings.HasSuffix(dir, ".dist-info/") && distInfoMatches(strings.TrimSuffix(dir, ".dist-info/"), f)
		})
	case ".zip":
		return zipMetadata(r, size, isTopPKGInfo)
	case ".tar.gz":
		return tarMetadata(io.NewSectionReader(r, 0, size))
	}
	return nil, invalidf("unknown distribution kind %q", f.Ext)
}

// distInfoMatches checks a .dist-info directory name against the wheel's
// project and version.
func distInfoMatches(stem string, f Filename) bool {
	name, ver, ok := strings.Cut(stem, "-")
	if !ok || NormalizeName(name) != f.Project {
		return false
	}
	v, err := ParseVersion(ver)
	return err == nil && CompareVersions(v, f.Version) == 0
}

// isTopPKGInfo matches {dir}/PKG-INFO one level down.
func isTopPKGInfo(name string) bool {
	name = strings.TrimPrefix(name, "./")
	dir, file := path.Split(name)
	return file == "PKG-INFO" && strings.Count(dir, "/") == 1 && dir != "/"
}

// safeEntry refuses archive paths that would escape a directory if anyone
// ever extracted them: a distribution carrying them is refused whole.
func safeEntry(name string) error {
	bad := name == "" || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\\x00")
	for _, seg := range strings.Split(name, "/") {
		bad = bad || seg == ".."
	}
	if bad {
		return invalidf("archive entry %q has an unsafe path", truncate(name, 80))
	}
	return nil
}

func zipMetadata(r io.ReaderAt, size int64, match func(string) bool) ([]byte, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, invalidf("not a valid zip archive: %v", err)
	}
	if len(zr.File) > maxArchiveEntries {
		return nil, invalidf("the archive has more than %d entries", maxArchiveEntries)
	}
	var meta *zip.File
	for _, zf := range zr.File {
		if err := safeEntry(zf.Name); err != nil {
			return nil, err
		}
		if match(zf.Name) {
			if meta != nil {
				return nil, invalidf("the archive holds more than one metadata file")
			}
			meta = zf
		}
	}
	if meta == nil {
		return nil, ErrNoMetadata
	}
	rc, err := meta.Open()
	if err != nil {
		return nil, invalidf("cannot read %s: %v", meta.Name, err)
	}
	defer rc.Close()
	return readBounded(rc, meta.Name)
}

func tarMetadata(r io.Reader) ([]byte, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, invalidf("not a gzip archive: %v", err)
	}
	defer gz.Close()
	scan := &io.LimitedReader{R: gz, N: maxSdistScan}
	tr := tar.NewReader(scan)
	for range maxArchiveEntries {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, ErrNoMetadata
		}
		if err != nil {
			if scan.N <= 0 {
				return nil, invalidf("no PKG-INFO in the first %d bytes of the archive", maxSdistScan)
			}
			return nil, invalidf("not a valid tar.gz archive: %v", err)
		}
		if err := safeEntry(h.Name); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg && isTopPKGInfo(h.Name) {
			return readBounded(tr, h.Name)
		}
	}
	return nil, invalidf("no PKG-INFO in the first %d archive entries", maxArchiveEntries)
}

func readBounded(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxMetadataSize+1))
	if err != nil {
		return nil, invalidf("cannot read %s: %v", name, err)
	}
	if len(data) > MaxMetadataSize {
		return nil, invalidf("%s is larger than %d bytes", name, MaxMetadataSize)
	}
	return data, nil
}
