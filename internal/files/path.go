package files

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kodera-packages/kodera/internal/domain"
)

// Limits on paths. They keep a path within what every store and client
// handles (the blob key limit is 1024 bytes; most filesystems cap a name at
// 255 bytes) and bound the folder rows one upload creates.
const (
	MaxPathBytes    = 1024
	MaxSegmentBytes = 255
	MaxDepth        = 64
)

// ParseURLPath validates the part of a request's escaped URL path that names
// a file, e.g. "dir/file%20name.txt", and returns it decoded. The escaped
// form is split on '/' first, so "%2f" cannot smuggle a separator: after
// decoding once, a segment holding '/' is refused, as are ".", "..", empty
// segments, backslashes, control characters, invisible and bidi control
// characters (Unicode Cf, line and paragraph separators), characters that
// look like a slash or backslash, and invalid UTF-8. A segment
// that decodes again to something refused ("%252e%252e") is refused too,
// in case anything downstream decodes a second time. "" is the root; a
// single trailing slash is allowed and reported, meaning "a folder".
func ParseURLPath(escaped string) (path string, trailingSlash bool, err error) {
	if escaped == "" {
		return "", false, nil
	}
	if len(escaped) > 3*MaxPathBytes {
		return "", false, errPath("path too long")
	}
	if strings.HasSuffix(escaped, "/") {
		trailingSlash = true
		escaped = escaped[:len(escaped)-1]
		if escaped == "" {
			return "", false, errPath("empty path segment")
		}
	}
	segs := strings.Split(escaped, "/")
	for i, s := range segs {
		if strings.ContainsRune(s, '\\') {
			return "", false, errPath("backslash in path")
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "", false, errPath("malformed percent-encoding in path")
		}
		if err := checkSegment(d); err != nil {
			return "", false, err
		}
		if strings.ContainsRune(d, '%') {
			if dd, err := url.PathUnescape(d); err == nil {
				if err := checkSegment(dd); err != nil {
					return "", false, errPath("doubly encoded path segment")
				}
			}
		}
		segs[i] = d
	}
	path = strings.Join(segs, "/")
	if err := checkLength(path, len(segs)); err != nil {
		return "", false, err
	}
	return path, trailingSlash, nil
}

// CleanPath validates a path given unescaped (a JSON field or query
// parameter of the REST API, a multipart file name): the same rules as
// ParseURLPath without the decoding, with leading and trailing slashes
// optional. "" and "/" are the root.
func CleanPath(p string) (string, error) {
	if p == "" || p == "/" {
		return "", nil
	}
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if len(p) > MaxPathBytes {
		return "", errPath("path too long")
	}
	segs := strings.Split(p, "/")
	for _, s := range segs {
		if err := checkSegment(s); err != nil {
			return "", err
		}
	}
	if err := checkLength(p, len(segs)); err != nil {
		return "", err
	}
	return p, nil
}

// checkSegment applies the rules for one decoded path segment.
func checkSegment(s string) error {
	switch {
	case s == "":
		return errPath("empty path segment")
	case s == "." || s == "..":
		return errPath("'.' and '..' are not allowed in paths")
	case len(s) > MaxSegmentBytes:
		return errPath("path segment longer than 255 bytes")
	case !utf8.ValidString(s):
		return errPath("path is not valid UTF-8")
	}
	for _, r := range s {
		switch {
		case r == '/':
			return errPath("encoded '/' in path segment")
		case r == '\\':
			return errPath("backslash in path")
		case unicode.IsControl(r):
			return errPath("control character in path")
		case unicode.Is(unicode.Cf, r), unicode.In(r, unicode.Zl, unicode.Zp):
			// Bidi overrides (U+202E turns "gpj.exe" into what reads as
			// "exe.jpg"), zero-width and other invisible characters make a
			// listed name read as another one.
			return errPath(fmt.Sprintf("invisible or bidi control character %U in path", r))
		case lookalikeSlash(r):
			return errPath(fmt.Sprintf("character %U looks like a slash and is not allowed in names", r))
		}
	}
	return nil
}

// lookalikeSlashes are characters that render as '/' or '\': a name holding
// one would be listed as if it were a path of several folders.
var lookalikeSlashes = []rune{
	0x2044,  // FRACTION SLASH
	0x2215,  // DIVISION SLASH
	0x2216,  // SET MINUS
	0x2571,  // BOX DRAWINGS LIGHT DIAGONAL UPPER RIGHT TO LOWER LEFT
	0x2572,  // BOX DRAWINGS LIGHT DIAGONAL UPPER LEFT TO LOWER RIGHT
	0x27CB,  // MATHEMATICAL RISING DIAGONAL
	0x27CD,  // MATHEMATICAL FALLING DIAGONAL
	0x29F5,  // REVERSE SOLIDUS OPERATOR
	0x29F8,  // BIG SOLIDUS
	0x29F9,  // BIG REVERSE SOLIDUS
	0x2F03,  // KANGXI RADICAL SLASH
	0x3033,  // VERTICAL KANA REPEAT MARK UPPER HALF
	0x31D3,  // CJK STROKE SP
	0x1735,  // PHILIPPINE SINGLE PUNCTUATION
	0xFE68,  // SMALL REVERSE SOLIDUS
	0xFF0F,  // FULLWIDTH SOLIDUS
	0xFF3C,  // FULLWIDTH REVERSE SOLIDUS
	0x1D23A, // GREEK INSTRUMENTAL NOTATION SYMBOL-47
}

func lookalikeSlash(r rune) bool {
	return slices.Contains(lookalikeSlashes, r)
}

func checkLength(path string, depth int) error {
	if len(path) > MaxPathBytes {
		return errPath("path too long")
	}
	if depth > MaxDepth {
		return errPath("path too deep")
	}
	return nil
}

func errPath(msg string) error {
	return domain.Errorf(domain.ErrInvalid, "invalid path: %s", msg)
}

// Split returns the parent folder and the name of a non-root path.
func Split(path string) (parent, name string) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", path
	}
	return path[:i], path[i+1:]
}

// Join appends a name (or a relative path) to a folder path.
func Join(folder, name string) string {
	if folder == "" {
		return name
	}
	return folder + "/" + name
}

// EscapePath percent-encodes each segment of a clean path for use in a URL.
func EscapePath(p string) string {
	if p == "" {
		return ""
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
