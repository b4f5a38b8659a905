// Package files is the service behind repositories of type files: a tree of
// folders and files whose content lives in the content-addressed blob store
// and whose metadata (path -> blob, size, checksums, uploader, times) lives
// in the repository_files table. Handlers (the /api/files protocol and the
// REST API) call it; it owns the transactions and the overwrite rules.
package files

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
	"github.com/kodera-packages/kodera/internal/search"
)

// Audit actions.
const (
	ActionUpload = "files.upload"
	ActionDelete = "files.delete"
	ActionMove   = "files.move"
)

// DefaultContentType is served when neither the uploader nor the extension says better.
const DefaultContentType = "application/octet-stream"

// Service reads and changes the file trees of files repositories.
type Service struct {
	Pool  *pgxpool.Pool
	Blobs *repository.Blobs
}

// New returns a Service over the database and blob store.
func New(pool *pgxpool.Pool, store *blob.Store) *Service {
	return &Service{Pool: pool, Blobs: &repository.Blobs{Pool: pool, Store: store}}
}

// Entry is a file or a folder.
type Entry struct {
	Path   string // "" for the root
	Name   string
	Folder bool
	// The rest describes files only.
	Size        int64
	Digest      string // "sha256:<hex>"
	SHA1, MD5   string
	ContentType string
	UploadedBy  string
	Created     time.Time
	Modified    time.Time

	// storageKey is where the content is stored, when the lookup read it.
	storageKey string
}

// SHA256 returns the hex SHA-256 of a file's content.
func (e Entry) SHA256() string { return strings.TrimPrefix(e.Digest, "sha256:") }

func entryFrom(r gendb.RepositoryFile) Entry {
	e := Entry{
		Path: r.Path, Name: r.Name, Folder: r.IsFolder, Size: r.Size,
		SHA1: r.Sha1, MD5: r.Md5, ContentType: r.ContentType, UploadedBy: r.UploadedBy,
		Created: r.CreatedAt, Modified: r.UpdatedAt,
	}
	if r.BlobDigest != nil {
		e.Digest = *r.BlobDigest
	}
	return e
}

// CheckRepository refuses repositories of another type, as if absent: the
// files endpoints do not know them.
func CheckRepository(repo domain.Repository) error {
	if repo.Type != repository.TypeFiles {
		return domain.Errorf(domain.ErrNotFound, "repository %q is not a files repository", repo.Name)
	}
	return nil
}

// StorageKey is where the content is stored, when the lookup read it ("" if
// not): what a presigned download redirect names.
func (e Entry) StorageKey() string { return e.storageKey }

// Stat describes the file or folder at path ("" is the root folder).
func (s *Service) Stat(ctx context.Context, repo domain.Repository, p string) (Entry, error) {
	if err := CheckRepository(repo); err != nil {
		return Entry{}, err
	}
	if p == "" {
		return Entry{Folder: true, Created: repo.CreatedAt, Modified: repo.UpdatedAt}, nil
	}
	row, err := gendb.New(s.Pool).GetFileWithStorageKey(ctx, gendb.GetFileWithStorageKeyParams{RepositoryID: repo.ID, Path: p})
	if err := db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Entry{}, domain.Errorf(domain.ErrNotFound, "%s: no such file or folder", p)
		}
		return Entry{}, err
	}
	e := entryFrom(row.RepositoryFile)
	if row.StorageKey != nil {
		e.storageKey = *row.StorageKey
	}
	return e, nil
}

// PutOptions shape an upload.
type PutOptions struct {
	// Checksums are verified against the content; a mismatch stores nothing.
	Checksums Checksums
	// NoOverwrite refuses to replace an existing file, as an immutable
	// repository always does.
	NoOverwrite bool
	// ContentType is the uploader's; empty or generic types are replaced by
	// the one the file name's extension implies.
	ContentType string
	// IfMatch, when set, is the sha256 (hex) the existing file must have,
	// or "*" for any existing file (RFC 9110 If-Match); otherwise
	// ErrPrecondition and nothing changes.
	IfMatch string
}

// ErrPrecondition is an If-Match that the stored file does not satisfy.
var ErrPrecondition = errors.New("the stored file does not match If-Match")

// PutResult says what an upload did.
type PutResult struct {
	Entry
	// Created is true for a new path, false for an overwrite or an
	// identical re-upload.
	Created bool
	// Unchanged is true when the path already held this exact content (an
	// idempotent retry, allowed even where overwriting is not).
	Unchanged bool
}

// Put stores body (size bytes, or -1 if unknown) as the file at path,
// creating the folders above it. The content is stored and verified first;
// only then, in one transaction, the path is pointed at it, so a failed or
// refused upload never becomes visible. Replacing a file is refused with
// ErrConflict in an immutable repository or with opt.NoOverwrite, unless the
// content is identical; a folder is never replaced by a file, nor a file by
// a folder.
func (s *Service) Put(ctx context.Context, repo domain.Repository, p string, body io.Reader, size int64, opt PutOptions) (PutResult, error) {
	if err := CheckRepository(repo); err != nil {
		return PutResult{}, err
	}
	if p == "" {
		return PutResult{}, domain.Errorf(domain.ErrInvalid, "a file path is required")
	}
	if err := opt.Checksums.normalize(); err != nil {
		return PutResult{}, err
	}
	noOverwrite := opt.NoOverwrite || repo.Immutable

	// Refuse early what would be refused anyway, before reading the body.
	q := gendb.New(s.Pool)
	existing, err := q.GetFile(ctx, gendb.GetFileParams{RepositoryID: repo.ID, Path: p})
	switch err := db.Translate(err); {
	case err == nil:
		if existing.IsFolder {
			return PutResult{}, exists(domain.Errorf(domain.ErrConflict, "%s is a folder", p))
		}
		if !ifMatches(opt.IfMatch, &existing) {
			return PutResult{}, ErrPrecondition
		}
		if noOverwrite {
			// Identical content is an idempotent retry, allowed; it is
			// known up front from X-Checksum-Sha256, and otherwise only a
			// different length proves the content differs without reading it.
			e := entryFrom(existing)
			switch {
			case opt.Checksums.SHA256 != "" && e.SHA256() == opt.Checksums.SHA256:
				return PutResult{Entry: e, Unchanged: true}, nil
			case opt.Checksums.SHA256 != "" || (size >= 0 && size != existing.Size):
				return PutResult{}, overwriteRefused(repo, p)
			}
		}
	case errors.Is(err, domain.ErrNotFound):
		if !ifMatches(opt.IfMatch, nil) {
			return PutResult{}, ErrPrecondition
		}
	default:
		return PutResult{}, err
	}

	sums := newSumReader(body, opt.Checksums)
	ingest := blob.IngestOptions{ExpectSize: -1}
	if opt.Checksums.SHA256 != "" {
		ingest.Expect = "sha256:" + opt.Checksums.SHA256
	}
	row, _, err := s.Blobs.Put(ctx, sums, size, ingest)
	if err != nil {
		return PutResult{}, uploadError(err)
	}

	parent, name := Split(p)
	ct := contentType(opt.ContentType, name)
	by := auth.FromContext(ctx).Name
	var res PutResult
	err = db.WithTx(ctx, s.Pool, func(q *gendb.Queries) error {
		if err := ensureFolders(ctx, q, repo.ID, parent, by); err != nil {
			return err
		}
		digest := row.Digest
		// The path may be taken, and that row deleted before we lock it:
		// then the insert is tried again.
		for attempt := 0; ; attempt++ {
			if !ifMatches(opt.IfMatch, nil) {
				// The file vanished since the early check.
				if _, err := q.GetFileForUpdate(ctx, gendb.GetFileForUpdateParams{RepositoryID: repo.ID, Path: p}); errors.Is(db.Translate(err), domain.ErrNotFound) {
					return ErrPrecondition
				}
			}
			f, err := q.InsertFile(ctx, gendb.InsertFileParams{
				RepositoryID: repo.ID, Path: p, Parent: parent, Name: name, BlobDigest: &digest,
				Size: row.Size, ContentType: ct, Sha1: sums.SHA1(), Md5: sums.MD5(), UploadedBy: by,
			})
			if err = db.Translate(err); err == nil {
				res = PutResult{Entry: entryFrom(f), Created: true}
				break
			} else if !errors.Is(err, domain.ErrNotFound) {
				return err
			}
			old, err := q.GetFileForUpdate(ctx, gendb.GetFileForUpdateParams{RepositoryID: repo.ID, Path: p})
			if err = db.Translate(err); errors.Is(err, domain.ErrNotFound) && attempt < 3 {
				continue
			} else if err != nil {
				return err
			}
			if old.IsFolder {
				return exists(domain.Errorf(domain.ErrConflict, "%s is a folder", p))
			}
			if !ifMatches(opt.IfMatch, &old) {
				return ErrPrecondition
			}
			if old.BlobDigest != nil && *old.BlobDigest == digest {
				res = PutResult{Entry: entryFrom(old), Unchanged: true}
				break
			}
			if noOverwrite {
				return overwriteRefused(repo, p)
			}
			f, err = q.UpdateFileContent(ctx, gendb.UpdateFileContentParams{
				ID: old.ID, BlobDigest: &digest, Size: row.Size, ContentType: ct,
				Sha1: sums.SHA1(), Md5: sums.MD5(), UploadedBy: by,
			})
			if err != nil {
				return db.Translate(err)
			}
			res = PutResult{Entry: entryFrom(f)}
			break
		}
		if res.Unchanged {
			return nil
		}
		if err := search.Enqueue(ctx, q, search.FileChanged(repo.ID, p)); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Event{
			Action: ActionUpload, Target: repo.Name + "/" + p,
			Details: map[string]any{"digest": digest, "size": row.Size, "overwrite": !res.Created},
		})
	})
	return res, err
}

// ifMatches checks an If-Match condition against the stored file (nil when
// there is none): "" always holds, "*" needs a file, a digest needs that
// content.
func ifMatches(cond string, f *gendb.RepositoryFile) bool {
	switch {
	case cond == "":
		return true
	case f == nil || f.IsFolder:
		return false
	case cond == "*":
		return true
	}
	return f.BlobDigest != nil && strings.TrimPrefix(*f.BlobDigest, "sha256:") == cond
}

// ErrExists marks the conflicts where the upload's own path is taken (as
// opposed to a file in the way of a folder above it), so the protocol can
// answer a failed If-None-Match: * with 412.
var ErrExists = errors.New("path exists")

// existsError adds ErrExists to a conflict, keeping its message.
type existsError struct{ error }

func (e existsError) Unwrap() []error { return []error{e.error, ErrExists} }

func exists(err error) error { return existsError{err} }

// refuseImmutable keeps stored content as it is in an immutable repository:
// a delete or a move would let a path be given other content.
func refuseImmutable(repo domain.Repository, verb string) error {
	if !repo.Immutable {
		return nil
	}
	return domain.Errorf(domain.ErrConflict, "repository %q is immutable: its files cannot be %s (an admin can turn immutability off)", repo.Name, verb)
}

func overwriteRefused(repo domain.Repository, p string) error {
	if repo.Immutable {
		return exists(domain.Errorf(domain.ErrConflict, "%s exists and repository %q is immutable", p, repo.Name))
	}
	return exists(domain.Errorf(domain.ErrConflict, "%s exists and overwriting was not allowed", p))
}

// uploadError gives the blob store's verdicts on content a caller-facing message.
func uploadError(err error) error {
	if _, ok := domain.PublicMessage(err); ok {
		return err // the checksum reader's own verdict
	}
	switch {
	case errors.Is(err, blob.ErrDigestMismatch):
		return fmt.Errorf("%w: %w", domain.Errorf(domain.ErrInvalid, "checksum mismatch: content does not match X-Checksum-Sha256"), err)
	case errors.Is(err, blob.ErrSizeMismatch), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %w", domain.Errorf(domain.ErrInvalid, "the body does not match its declared length"), err)
	}
	return err
}

// contentType picks the type stored for a file: the uploader's when it says
// something, else the extension's, else the generic binary type.
func contentType(given, name string) string {
	if len(given) > 255 {
		given = ""
	}
	if mt, _, err := mime.ParseMediaType(given); err == nil {
		switch mt {
		case "", DefaultContentType, "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
			// curl --data-binary and friends send these whatever the file is.
		default:
			return given
		}
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	if mt, _, err := mime.ParseMediaType(given); err == nil && mt == "text/plain" {
		return given
	}
	return DefaultContentType
}

// ensureFolders creates each folder of folder's path that is missing and
// locks them all (root first, so concurrent uploads take locks in one
// order). A file in the way is a conflict: a file and a folder cannot share
// a name.
func ensureFolders(ctx context.Context, q *gendb.Queries, repoID int64, folder, by string) error {
	if folder == "" {
		return nil
	}
	segs := strings.Split(folder, "/")
	for i := range segs {
		p := strings.Join(segs[:i+1], "/")
		parent, name := Split(p)
		row, err := q.EnsureFolder(ctx, gendb.EnsureFolderParams{RepositoryID: repoID, Path: p, Parent: parent, Name: name, UploadedBy: by})
		if err != nil {
			return db.Translate(err)
		}
		if !row.IsFolder {
			return domain.Errorf(domain.ErrConflict, "%s is a file, not a folder", p)
		}
	}
	return nil
}

// MakeFolder creates a folder and the ones above it; an existing folder is fine.
func (s *Service) MakeFolder(ctx context.Context, repo domain.Repository, p string) (Entry, error) {
	if err := CheckRepository(repo); err != nil {
		return Entry{}, err
	}
	if p == "" {
		return s.Stat(ctx, repo, p)
	}
	err := db.WithTx(ctx, s.Pool, func(q *gendb.Queries) error {
		return ensureFolders(ctx, q, repo.ID, p, auth.FromContext(ctx).Name)
	})
	if err != nil {
		return Entry{}, err
	}
	return s.Stat(ctx, repo, p)
}

// Delete removes a file, or a folder and everything below it, and returns
// how many files and folders went. The content stays in the blob store
// until garbage collection finds it unreferenced.
func (s *Service) Delete(ctx context.Context, repo domain.Repository, p string) (int64, error) {
	if err := CheckRepository(repo); err != nil {
		return 0, err
	}
	if p == "" {
		return 0, domain.Errorf(domain.ErrInvalid, "the repository root cannot be deleted here")
	}
	if err := refuseImmutable(repo, "deleted"); err != nil {
		return 0, err
	}
	var n int64
	err := db.WithTx(ctx, s.Pool, func(q *gendb.Queries) error {
		// Locking the top row first makes uploads into the folder that
		// already hold its lock commit before the delete looks for rows,
		// so it sees (and removes) what they added.
		if _, err := q.GetFileForUpdate(ctx, gendb.GetFileForUpdateParams{RepositoryID: repo.ID, Path: p}); err != nil {
			if err := db.Translate(err); errors.Is(err, domain.ErrNotFound) {
				return domain.Errorf(domain.ErrNotFound, "%s: no such file or folder", p)
			}
			return db.Translate(err)
		}
		// Before the rows go: the outbox names the files the delete removes.
		if err := search.EnqueueFileTree(ctx, q, repo.ID, p); err != nil {
			return err
		}
		var err error
		n, err = q.DeleteTree(ctx, gendb.DeleteTreeParams{RepositoryID: repo.ID, Path: p})
		if err != nil {
			return db.Translate(err)
		}
		return audit.Record(ctx, q, audit.Event{Action: ActionDelete, Target: repo.Name + "/" + p, Details: map[string]any{"entries": n}})
	})
	return n, err
}

// Move renames a file or a folder (with everything below it) to a free
// path, creating the folders above the destination.
func (s *Service) Move(ctx context.Context, repo domain.Repository, from, to string) (Entry, error) {
	if err := CheckRepository(repo); err != nil {
		return Entry{}, err
	}
	switch {
	case repo.Immutable:
		return Entry{}, refuseImmutable(repo, "moved")
	case from == "":
		return Entry{}, domain.Errorf(domain.ErrInvalid, "the repository root cannot be moved")
	case to == "":
		return Entry{}, domain.Errorf(domain.ErrInvalid, "the destination must name a path inside the repository, not its root")
	case from == to:
		return Entry{}, domain.Errorf(domain.ErrInvalid, "source and destination are the same")
	case strings.HasPrefix(to, from+"/"):
		return Entry{}, domain.Errorf(domain.ErrInvalid, "a folder cannot be moved into itself")
	}
	var moved Entry
	err := db.WithTx(ctx, s.Pool, func(q *gendb.Queries) error {
		if _, err := q.GetFileForUpdate(ctx, gendb.GetFileForUpdateParams{RepositoryID: repo.ID, Path: from}); err != nil {
			if err := db.Translate(err); errors.Is(err, domain.ErrNotFound) {
				return domain.Errorf(domain.ErrNotFound, "%s: no such file or folder", from)
			}
			return db.Translate(err)
		}
		toParent, toName := Split(to)
		if err := ensureFolders(ctx, q, repo.ID, toParent, auth.FromContext(ctx).Name); err != nil {
			return err
		}
		_, err := q.GetFile(ctx, gendb.GetFileParams{RepositoryID: repo.ID, Path: to})
		switch err := db.Translate(err); {
		case err == nil:
			return domain.Errorf(domain.ErrConflict, "%s already exists", to)
		case !errors.Is(err, domain.ErrNotFound):
			return err
		}
		// The old paths leave the index and the new ones enter it.
		if err := search.EnqueueFileTree(ctx, q, repo.ID, from); err != nil {
			return err
		}
		if _, err := q.MoveTree(ctx, gendb.MoveTreeParams{
			RepositoryID: repo.ID, FromPath: from, ToPath: to, ToParent: toParent, ToName: toName,
		}); err != nil {
			if err := db.Translate(err); errors.Is(err, domain.ErrConflict) {
				return domain.Errorf(domain.ErrConflict, "%s already exists", to)
			}
			return db.Translate(err)
		}
		row, err := q.GetFile(ctx, gendb.GetFileParams{RepositoryID: repo.ID, Path: to})
		if err != nil {
			return db.Translate(err)
		}
		moved = entryFrom(row)
		if err := search.EnqueueFileTree(ctx, q, repo.ID, to); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Event{Action: ActionMove, Target: repo.Name + "/" + from, Details: map[string]any{"to": to}})
	})
	return moved, err
}

// Page is one page of a folder listing.
type Page struct {
	Folder Entry
	Items  []Entry
	// Next is the cursor of the following page, "" on the last one.
	Next string
}

// List returns up to limit children of the folder at path, folders first,
// then by name (byte order), starting after cursor ("" for the first page).
func (s *Service) List(ctx context.Context, repo domain.Repository, p, cursor string, limit int) (Page, error) {
	folder, err := s.Stat(ctx, repo, p)
	if err != nil {
		return Page{}, err
	}
	if !folder.Folder {
		return Page{}, domain.Errorf(domain.ErrInvalid, "%s is a file, not a folder", p)
	}
	arg := gendb.ListFolderParams{RepositoryID: repo.ID, Parent: p, MaxRows: int32(limit) + 1}
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		kind, name, ok := strings.Cut(string(raw), "/")
		if err != nil || !ok || (kind != "d" && kind != "f") {
			return Page{}, domain.Errorf(domain.ErrInvalid, "malformed cursor")
		}
		arg.HasCursor, arg.AfterFolder, arg.AfterName = true, kind == "d", name
	}
	rows, err := gendb.New(s.Pool).ListFolder(ctx, arg)
	if err != nil {
		return Page{}, db.Translate(err)
	}
	page := Page{Folder: folder, Items: make([]Entry, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			last := rows[i-1]
			kind := "f"
			if last.IsFolder {
				kind = "d"
			}
			page.Next = base64.RawURLEncoding.EncodeToString([]byte(kind + "/" + last.Name))
			break
		}
		page.Items = append(page.Items, entryFrom(r))
	}
	return page, nil
}
