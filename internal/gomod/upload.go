package gomod

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
)

// UploadZip publishes a module zip uploaded as is (the REST API): the
// module and version are read from its paths (module@version/...), and it
// passes the checks a pushed tag does (every rule of zip.CheckZip, the
// go.mod module line). A zip must be read from its end, so the body is
// spooled to a temporary file (bounded by zip.MaxZipFile), never to memory.
// An existing version is domain.ErrConflict.
func (s *Service) UploadZip(ctx context.Context, repo domain.Repository, r io.Reader, by string) (*Prepared, error) {
	tmp, err := os.CreateTemp("", "kodera-gomod-*.zip")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, io.LimitReader(r, modzip.MaxZipFile+1))
	if err != nil {
		return nil, err
	}
	if n > modzip.MaxZipFile {
		return nil, domain.Errorf(domain.ErrInvalid, "module zip larger than %d bytes", int64(modzip.MaxZipFile))
	}
	zr, err := zip.NewReader(tmp, n)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "not a zip file: %v", err)
	}
	m, err := zipModule(zr)
	if err != nil {
		return nil, err
	}
	if _, err := modzip.CheckZip(m, tmp.Name()); err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "not a valid module zip: %s", oneLine(err))
	}
	meta := packages.GoMetadata{Time: time.Now().UTC(), Files: []packages.GoFile{}}
	prefix := m.Path + "@" + m.Version + "/"
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, prefix)
		meta.Files = append(meta.Files, packages.GoFile{Path: name, Size: int64(f.UncompressedSize64)})
		if name == "go.mod" {
			b, err := readZipFile(f, modzip.MaxGoMod)
			if err != nil {
				return nil, err
			}
			meta.GoMod = string(b)
		}
	}
	if meta.GoMod != "" {
		if p := modfile.ModulePath([]byte(meta.GoMod)); p != m.Path {
			return nil, domain.Errorf(domain.ErrInvalid, "go.mod says module %q, but the zip holds %s", p, m.Path)
		}
	} else {
		meta.GoMod = "module " + modfile.AutoQuote(m.Path) + "\n"
	}
	if meta.Hash, err = dirhash.HashZip(tmp.Name(), dirhash.Hash1); err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "hashing the module zip: %v", err)
	}
	if _, err := s.version(ctx, repo, m.Path, m.Version); err == nil {
		return nil, domain.Errorf(domain.ErrConflict, "%s@%s already exists; versions are immutable", m.Path, m.Version)
	} else if !errors.Is(err, domain.ErrNotFound) {
		return nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	row, _, err := s.Blobs.Put(ctx, tmp, n, blob.IngestOptions{ExpectSize: n})
	if err != nil {
		return nil, err
	}
	p := &Prepared{Module: m.Path, Version: m.Version, Meta: meta, Blob: row}
	if err := s.Publish(ctx, repo, p, by); err != nil {
		return nil, err
	}
	return p, nil
}

// zipModule reads module@version from the first path of a module zip.
func zipModule(zr *zip.Reader) (module.Version, error) {
	if len(zr.File) == 0 {
		return module.Version{}, domain.Errorf(domain.ErrInvalid, "empty zip: a module zip holds module@version/... files")
	}
	name := zr.File[0].Name
	at := strings.Index(name, "@")
	slash := -1
	if at > 0 {
		slash = strings.Index(name[at:], "/")
	}
	if at <= 0 || slash < 0 {
		return module.Version{}, domain.Errorf(domain.ErrInvalid, "zip path %q is not below module@version/", zr.File[0].Name)
	}
	m := module.Version{Path: name[:at], Version: name[at+1 : at+slash]}
	if err := module.Check(m.Path, m.Version); err != nil {
		return module.Version{}, domain.Errorf(domain.ErrInvalid, "zip path %q: %v", zr.File[0].Name, err)
	}
	if module.CanonicalVersion(m.Version) != m.Version {
		return module.Version{}, domain.Errorf(domain.ErrInvalid, "version %q is not canonical", m.Version)
	}
	return m, nil
}

// readZipFile reads one zip entry of at most limit bytes.
func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, domain.Errorf(domain.ErrInvalid, "%s is larger than %d bytes", f.Name, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s: %v", f.Name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", domain.ErrInvalid, f.Name, limit)
	}
	return b, nil
}
