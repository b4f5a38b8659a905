package pyspec

import (
	"regexp"
	"strings"
)

// MaxNameLength bounds project names; PyPI itself has no limit, but nothing
// real comes close.
const MaxNameLength = 200

var (
	// PEP 508: letters, digits, and . _ - inside.
	nameRE  = regexp.MustCompile(`(?i)^([a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$`)
	runsRE  = regexp.MustCompile(`[-_.]+`)
	buildRE = regexp.MustCompile(`^[0-9][a-zA-Z0-9_.]*$`)
	tagRE   = regexp.MustCompile(`^[a-zA-Z0-9_.]+$`)
)

// ValidName reports whether name is a valid project name (PEP 508).
func ValidName(name string) bool {
	return len(name) <= MaxNameLength && nameRE.MatchString(name)
}

// NormalizeName is the PEP 503 form of a project name: lower case, every run
// of '-', '_' and '.' made one '-'.
func NormalizeName(name string) string {
	return strings.ToLower(runsRE.ReplaceAllString(name, "-"))
}

// File kinds, as twine's "filetype" form field names them.
const (
	KindWheel = "bdist_wheel"
	KindSdist = "sdist"
)

// Filename is a parsed distribution file name.
type Filename struct {
	// Name is the project name as the file spells it; Project is its
	// PEP 503 normal form.
	Name    string
	Project string
	Version Version
	Kind    string
	// Wheel tags (PEP 427); empty for sdists.
	Build, Python, ABI, Platform string
	// Ext is ".whl", ".tar.gz" or ".zip".
	Ext string
}

// MaxFilenameLength bounds a distribution file name.
const MaxFilenameLength = 255

// ParseFilename parses a wheel (PEP 427/491) or sdist (PEP 625 and the
// legacy spellings older setuptools writes) file name. project, when not
// empty, is the name the upload claims; it settles legacy sdist names whose
// split between name and version is otherwise ambiguous, and must agree with
// the file.
func ParseFilename(filename, project string) (Filename, error) {
	if len(filename) > MaxFilenameLength || strings.ContainsAny(filename, "/\\\x00") || filename == "" {
		return Filename{}, invalidf("invalid distribution file name %q", filename)
	}
	var f Filename
	var err error
	switch {
	case strings.HasSuffix(filename, ".whl"):
		f, err = parseWheel(strings.TrimSuffix(filename, ".whl"))
	case strings.HasSuffix(filename, ".tar.gz"):
		f, err = parseSdist(strings.TrimSuffix(filename, ".tar.gz"), ".tar.gz", project)
	case strings.HasSuffix(filename, ".zip"):
		f, err = parseSdist(strings.TrimSuffix(filename, ".zip"), ".zip", project)
	default:
		return Filename{}, invalidf("%q is neither a wheel (.whl) nor an sdist (.tar.gz, .zip)", filename)
	}
	if err != nil {
		return Filename{}, err
	}
	if project != "" && NormalizeName(project) != f.Project {
		return Filename{}, invalidf("file name %q does not belong to project %q", filename, project)
	}
	return f, nil
}

// parseWheel reads {name}-{version}(-{build})?-{python}-{abi}-{platform}.
func parseWheel(stem string) (Filename, error) {
	parts := strings.Split(stem, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return Filename{}, invalidf("invalid wheel file name %q: want {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl", stem+".whl")
	}
	f := Filename{Name: parts[0], Kind: KindWheel, Ext: ".whl"}
	if !ValidName(f.Name) {
		return Filename{}, invalidf("invalid project name %q in wheel file name", f.Name)
	}
	v, err := ParseVersion(parts[1])
	if err != nil {
		return Filename{}, invalidf("invalid version %q in wheel file name", parts[1])
	}
	f.Project, f.Version = NormalizeName(f.Name), v
	tags := parts[2:]
	if len(parts) == 6 {
		if !buildRE.MatchString(parts[2]) {
			return Filename{}, invalidf("invalid build tag %q in wheel file name (must start with a digit)", parts[2])
		}
		f.Build, tags = parts[2], parts[3:]
	}
	for _, t := range tags {
		if !tagRE.MatchString(t) {
			return Filename{}, invalidf("invalid compatibility tag %q in wheel file name", t)
		}
	}
	f.Python, f.ABI, f.Platform = tags[0], tags[1], tags[2]
	return f, nil
}

// parseSdist reads {name}-{version}. PEP 625 names have no '-' in the name
// part; legacy ones may (Kodera_Demo-Pkg-1.0.0), so every split is tried
// and exactly one must give a valid name and version (or the one matching
// the claimed project).
func parseSdist(stem, ext, project string) (Filename, error) {
	var found []Filename
	for i := len(stem) - 1; i > 0; i-- {
		if stem[i] != '-' {
			continue
		}
		name, ver := stem[:i], stem[i+1:]
		if !ValidName(name) {
			continue
		}
		v, err := ParseVersion(ver)
		if err != nil || strings.TrimSpace(ver) != ver {
			continue
		}
		f := Filename{Name: name, Project: NormalizeName(name), Version: v, Kind: KindSdist, Ext: ext}
		if project != "" && f.Project != NormalizeName(project) {
			continue
		}
		found = append(found, f)
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return Filename{}, invalidf("invalid sdist file name %q: want {name}-{version}%s", stem+ext, ext)
	}
	return Filename{}, invalidf("ambiguous sdist file name %q: name and version cannot be told apart", stem+ext)
}
