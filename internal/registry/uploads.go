package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Upload is a resumable upload session. Its state lives in Postgres (offset,
// marshalled sha256 state, the chunk objects so far) so that any node can
// take the next chunk and the digest is computed once, as bytes arrive.
//
// On the filesystem (a blob.Appender) every chunk is written in place into
// one staging object, uploads/<id>, under a lease held in the session row
// (LeaseTTL of database time, renewed while the chunk streams, so a dead
// writer's lease runs out within seconds), and the finished upload is
// renamed into its content address unless that content is already
// stored: no copy, whatever the number of chunks. On S3, which cannot extend an object, each
// chunk is its own object: the first at objects/<random> (blob.ObjectPrefix,
// where finished blobs live on drivers that cannot rename), the others
// under uploads/<id>/. An upload of one chunk (monolithic, POST+PUT, a
// single streamed PATCH: what real clients do) keeps that first object as
// the blob, and several chunks are concatenated once into a new object
// under objects/ (one extra sequential write, no re-hashing; ComposeObject
// could do it server-side for parts of 5 MiB or more).
type Upload struct {
	ID     string
	Offset int64
	parts  []string
	state  []byte
	name   Name
}

// UploadTTL is how long an untouched upload session lives.
const UploadTTL = 24 * time.Hour

// LeaseTTL is how long a request holds an upload session without renewing
// its lease. The holder renews it every LeaseTTL/4 while a chunk streams
// or the upload is being finished, so only a dead holder (a node killed
// mid-chunk) lets it run out: the session is then resumable on any node
// within LeaseTTL, not locked for a day.
const LeaseTTL = 30 * time.Second

func newHashState() []byte {
	st, _ := sha256.New().(encoding.BinaryMarshaler).MarshalBinary()
	return st
}

// StartUpload opens an upload session for n.
func (s *Service) StartUpload(ctx context.Context, n Name) (Upload, error) {
	id := strings.ToLower(rand.Text())
	st := newHashState()
	if err := s.q().CreateUpload(ctx, gendb.CreateUploadParams{ID: id, RepositoryID: n.Repo.ID, Image: n.Image, HashState: st}); err != nil {
		return Upload{}, db.Translate(err)
	}
	return Upload{ID: id, state: st, name: n}, nil
}

// GetUpload loads an upload session of n.
func (s *Service) GetUpload(ctx context.Context, n Name, id string) (Upload, error) {
	row, err := s.q().GetUpload(ctx, gendb.GetUploadParams{ID: id, RepositoryID: n.Repo.ID, Image: n.Image})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Upload{}, ErrUploadUnknown
		}
		return Upload{}, err
	}
	return Upload{ID: row.ID, Offset: row.Offset, parts: row.Parts, state: row.HashState, name: n}, nil
}

// AppendChunk writes r (size bytes, or -1 when unknown) at start (-1 = at
// the current offset). A start other than the offset is ErrRangeInvalid.
func (s *Service) AppendChunk(ctx context.Context, up Upload, r io.Reader, size, start int64) (Upload, error) {
	if start >= 0 && start != up.Offset {
		return up, fail(ErrRangeInvalid, nil, "chunk starts at %d, the upload is at offset %d", start, up.Offset)
	}
	if ap, ok := s.Store.Driver().(blob.Appender); ok {
		return s.appendInPlace(ctx, ap, up, r, size)
	}
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(up.state); err != nil {
		return up, fmt.Errorf("registry: upload %s: hash state: %w", up.ID, err)
	}
	cr := &countingReader{r: io.TeeReader(r, h)}
	// The first chunk may turn out to be the whole blob, so it goes where
	// finished blobs live and stays there; the others are only staging.
	key := blob.ObjectPrefix + strings.ToLower(rand.Text())
	if up.Offset > 0 {
		key = fmt.Sprintf("uploads/%s/%d-%s", up.ID, up.Offset, strings.ToLower(rand.Text()[:8]))
	}
	if err := s.Store.Driver().Put(ctx, key, cr, size); err != nil {
		return up, fail(ErrUploadInvalid, err, "storing the chunk failed")
	}
	if cr.n == 0 {
		s.discard(ctx, key)
		return up, nil
	}
	st, _ := h.(encoding.BinaryMarshaler).MarshalBinary()
	rows, err := s.q().AdvanceUpload(ctx, gendb.AdvanceUploadParams{
		ID: up.ID, OldOffset: up.Offset, NewOffset: up.Offset + cr.n, HashState: st, Part: key,
	})
	if err == nil && rows == 0 {
		// Another chunk got in first, the upload is being finished, or it ended.
		err = s.leaseRefused(ctx, up)
	}
	if err != nil {
		s.discard(ctx, key)
		return up, db.Translate(err)
	}
	up.Offset += cr.n
	up.state = st
	up.parts = append(up.parts, key)
	return up, nil
}

// appendInPlace writes a chunk straight into the upload's one staging
// object, under a lease so that no other request writes it meanwhile: the
// finished upload is then renamed into place, never copied.
func (s *Service) appendInPlace(ctx context.Context, ap blob.Appender, up Upload, r io.Reader, size int64) (Upload, error) {
	l, ctx, err := s.lease(ctx, up)
	if err != nil {
		return up, err
	}
	defer l.stop()
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(up.state); err != nil {
		l.release()
		return up, fmt.Errorf("registry: upload %s: hash state: %w", up.ID, err)
	}
	// A flat key: a directory per upload would outlive it on the filesystem.
	key := "uploads/" + up.ID
	if len(up.parts) > 0 {
		key = up.parts[0]
	}
	// WriteAt first drops whatever a writer that died mid-chunk left
	// beyond the offset, so a resumed chunk starts from clean state.
	n, err := ap.WriteAt(ctx, key, up.Offset, io.TeeReader(r, h), size)
	if err != nil {
		l.release()
		if errors.Is(context.Cause(ctx), errLeaseLost) {
			return up, fail(ErrRangeInvalid, err, "this request lost its lease on the upload; resume at offset %d", up.Offset)
		}
		return up, fail(ErrUploadInvalid, err, "storing the chunk failed")
	}
	if n == 0 && len(up.parts) == 0 {
		l.release()
		s.discard(ctx, key)
		return up, nil
	}
	st, _ := h.(encoding.BinaryMarshaler).MarshalBinary()
	rows, err := s.q().AdvanceLeasedUpload(ctx, gendb.AdvanceLeasedUploadParams{
		ID: up.ID, Lease: &l.token, NewOffset: up.Offset + n, HashState: st, Part: key,
	})
	if err == nil && rows == 0 {
		err = fail(ErrRangeInvalid, nil, "the lease on this upload ran out while the chunk was written; resume at offset %d", up.Offset)
	}
	if err != nil {
		l.release()
		return up, db.Translate(err)
	}
	up.Offset += n
	up.state = st
	up.parts = []string{key}
	return up, nil
}

// leaseHold is a lease on an upload session held by one request.
type leaseHold struct {
	s      *Service
	id     string
	token  string
	cancel context.CancelCauseFunc
	done   chan struct{}
	once   sync.Once
	// parent is the request's context, for the values release logs with
	// (release itself runs even once the request was cancelled).
	parent context.Context
}

// errLeaseLost is the cause of a held context cancelled because its lease
// could not be renewed.
var errLeaseLost = errors.New("upload lease lost")

// lease takes the session's lease at its offset and renews it until stop;
// the returned context ends if the lease is lost, so a writer that can no
// longer prove it owns the upload stops writing. A refusal says why: the
// session is gone, has moved on, or another request holds it (and for
// how long at most).
func (s *Service) lease(ctx context.Context, up Upload) (*leaseHold, context.Context, error) {
	token := rand.Text()
	ttl := s.leaseTTL()
	rows, err := s.q().LeaseUpload(ctx, gendb.LeaseUploadParams{Lease: &token, TtlSeconds: ttl.Seconds(), ID: up.ID, AtOffset: up.Offset})
	if err != nil {
		return nil, ctx, db.Translate(err)
	}
	if rows == 0 {
		return nil, ctx, s.leaseRefused(ctx, up)
	}
	hctx, cancel := context.WithCancelCause(ctx)
	l := &leaseHold{s: s, id: up.ID, token: token, cancel: cancel, done: make(chan struct{}), parent: ctx}
	go l.renew(hctx, ttl)
	return l, hctx, nil
}

func (s *Service) leaseTTL() time.Duration {
	if s.LeaseTTL > 0 {
		return s.LeaseTTL
	}
	return LeaseTTL
}

// leaseRefused explains why LeaseUpload matched no row.
func (s *Service) leaseRefused(ctx context.Context, up Upload) error {
	st, err := s.q().GetUploadState(ctx, up.ID)
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return ErrUploadUnknown
		}
		return err
	}
	if st.Offset != up.Offset {
		return fail(ErrRangeInvalid, nil, "the upload is at offset %d, not %d; resume there", st.Offset, up.Offset)
	}
	if st.BusySeconds == 0 {
		// The holder finished or gave up between the two queries.
		return fail(ErrRangeInvalid, nil, "another request wrote to this upload meanwhile; check its offset and retry")
	}
	wait := int64(math.Ceil(st.BusySeconds))
	return fail(ErrRangeInvalid, nil, "another request is writing to this upload; retry at offset %d within %d s (a writer that died releases it by then)", st.Offset, max(wait, 1))
}

// renew extends the lease every quarter of its TTL until stop. When the
// lease is gone, or renewals failed for three quarters of a TTL (a couple
// of slow or failed renewals are tolerated), it cancels the holder's
// context: before the lease can run out and another request take the
// session over, so two writers never write the same staging object.
func (l *leaseHold) renew(ctx context.Context, ttl time.Duration) {
	t := time.NewTicker(ttl / 4)
	defer t.Stop()
	last := time.Now() // when the last successful renewal was sent
	for {
		select {
		case <-l.done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sent := time.Now()
		rctx, cancel := context.WithTimeout(ctx, ttl/8)
		rows, err := l.s.q().RenewUploadLease(rctx, gendb.RenewUploadLeaseParams{ID: l.id, Lease: &l.token, TtlSeconds: ttl.Seconds()})
		cancel()
		switch {
		case err == nil && rows == 0:
			l.cancel(errLeaseLost)
			return
		case err == nil:
			last = sent
		case time.Since(last) > ttl*3/4:
			l.cancel(fmt.Errorf("%w: %w", errLeaseLost, err))
			return
		}
	}
}

// stop ends the renewals (the lease itself stays until release, advance or finish).
func (l *leaseHold) stop() {
	l.once.Do(func() { close(l.done); l.cancel(nil) })
}

// release stops the renewals and gives the lease up, for a request that
// failed: the session stays resumable at once.
func (l *leaseHold) release() {
	l.stop()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(l.parent), 30*time.Second)
	defer cancel()
	_ = l.s.q().ReleaseUpload(ctx, gendb.ReleaseUploadParams{ID: l.id, Lease: &l.token})
}

// FinishUpload appends the final chunk r (may be empty), checks the digest
// and makes the blob visible under the session's name. It holds the
// session's lease meanwhile, so the session and its chunks stay (and no
// other request touches them) until the blob is committed; a node dying
// here leaves a session another PUT can finish once the lease runs out.
// Once the lease is taken, success or failure ends the session.
func (s *Service) FinishUpload(ctx context.Context, up Upload, r io.Reader, size int64, digest string) (Blob, error) {
	want, err := blob.ParseDigest(digest)
	if err != nil {
		return Blob{}, ErrDigestInvalid
	}
	direct := up.Offset == 0 && len(up.parts) == 0
	if size != 0 && !direct {
		if up, err = s.AppendChunk(ctx, up, r, size, -1); err != nil {
			return Blob{}, err
		}
	}
	l, lctx, err := s.lease(ctx, up)
	if err != nil {
		return Blob{}, err
	}
	defer l.stop()
	var b Blob
	if direct {
		// Nothing staged yet: stream straight into the store (one write).
		b, err = s.PutBlob(lctx, up.name, r, size, digest)
	} else {
		b, err = s.finish(lctx, up, want, digest)
	}
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	ended, endErr := s.q().FinishLeasedUpload(ectx, gendb.FinishLeasedUploadParams{ID: up.ID, Lease: &l.token})
	// A session another request took over (this one's lease was lost)
	// keeps its chunks: they are that request's now. The chunk that became
	// the blob is kept by discardParts, since its blobs row names it.
	if endErr == nil && ended == 1 {
		s.discardParts(ctx, up.parts)
	}
	if err != nil {
		return Blob{}, err
	}
	if endErr != nil {
		s.Log.WarnContext(ctx, "registry: ending a finished upload session", "upload", up.ID, "err", endErr)
	}
	return b, nil
}

// finish checks the digest of the staged chunks and commits them as a blob
// linked under the session's name.
func (s *Service) finish(ctx context.Context, up Upload, want blob.Digest, digest string) (Blob, error) {
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(up.state); err != nil {
		return Blob{}, err
	}
	sum256 := "sha256:" + hex.EncodeToString(h.Sum(nil))
	switch want.Algorithm {
	case blob.SHA256:
		if sum256 != digest {
			return Blob{}, fail(ErrDigestInvalid, nil, "content is %s, not %s", sum256, digest)
		}
	default:
		// Rare: only sha512 uploads read the chunks a second time.
		h512 := sha512.New()
		if err := s.copyParts(ctx, h512, up.parts); err != nil {
			return Blob{}, err
		}
		if got := "sha512:" + hex.EncodeToString(h512.Sum(nil)); got != digest {
			return Blob{}, fail(ErrDigestInvalid, nil, "content is %s, not %s", got, digest)
		}
	}

	obj := blob.Object{Digest: sum256, Size: up.Offset}
	_, canMove := s.Store.Driver().(blob.Mover)
	key := up.parts[0]
	if len(up.parts) > 1 {
		key = blob.ObjectPrefix + strings.ToLower(rand.Text())
		if canMove {
			key = blob.TempPrefix + strings.ToLower(rand.Text())
		}
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(s.copyParts(ctx, pw, up.parts)) }()
		err := s.Store.Driver().Put(ctx, key, pr, up.Offset)
		pr.CloseWithError(err)
		if err != nil {
			s.discard(ctx, key)
			return Blob{}, err
		}
	}
	// Committing never replaces content already at the address: an upload
	// of a blob the store holds is dropped, not renamed over it.
	var err error
	if obj.Key, err = s.Store.Commit(ctx, key, sum256); err != nil {
		return Blob{}, err
	}
	row, err := s.Blobs.Register(ctx, obj)
	if err != nil {
		return Blob{}, err
	}
	b := Blob{Digest: digest, BlobDigest: row.Digest, Size: row.Size, StorageKey: row.StorageKey}
	return b, s.link(ctx, up.name, b)
}

// CancelUpload ends a session and deletes its chunks.
func (s *Service) CancelUpload(ctx context.Context, up Upload) error {
	if _, err := s.claim(ctx, up); err != nil {
		return err
	}
	s.discardParts(ctx, up.parts)
	return nil
}

// claim deletes the session row so exactly one request ends it; a session
// a live request holds is a conflict, with how long to wait.
func (s *Service) claim(ctx context.Context, up Upload) (Upload, error) {
	rows, err := s.q().DeleteUpload(ctx, up.ID)
	if err != nil {
		return up, db.Translate(err)
	}
	if rows == 0 {
		st, err := s.q().GetUploadState(ctx, up.ID)
		if err = db.Translate(err); err != nil {
			if errors.Is(err, domain.ErrNotFound) {
				return up, ErrUploadUnknown
			}
			return up, err
		}
		return up, domain.Errorf(domain.ErrConflict, "another request is writing to this upload; retry within %d s", max(int64(math.Ceil(st.BusySeconds)), 1))
	}
	return up, nil
}

// SweepUploads deletes sessions untouched for UploadTTL and their chunks.
func (s *Service) SweepUploads(ctx context.Context, now time.Time) (int, error) {
	stale, err := s.q().ListStaleUploads(ctx, now.Add(-UploadTTL))
	if err != nil {
		return 0, db.Translate(err)
	}
	n := 0
	for _, row := range stale {
		rows, err := s.q().DeleteUpload(ctx, row.ID)
		if err != nil {
			return n, db.Translate(err)
		}
		if rows == 1 {
			s.discardParts(ctx, row.Parts)
			n++
		}
	}
	return n, nil
}

// TempGrace is how long a temporary object or unfinished write must have
// been left alone before a sweep removes it: far longer than any live
// writer pauses, short enough that a crash's leftovers (whole layers)
// do not pile up.
const TempGrace = time.Hour

// SweepOrphans deletes the upload objects no session or blob needs any
// more: what a node that died mid-upload, or a deleted repository's
// sessions, left in the store. now is the sweep's clock. A chunk object
// under uploads/ is an orphan once its session row is gone and it is
// older than TempGrace; an object under objects/ (the first chunk of an
// upload, or an Ingest, on drivers that cannot rename) once no blobs row
// and no session names it and it is older than UploadTTL, since its row
// is written only after the whole upload. It returns how many it deleted.
func (s *Service) SweepOrphans(ctx context.Context, now time.Time) (int, error) {
	n, _, err := s.SweepOrphanObjects(ctx, now)
	return n, err
}

// SweepOrphanObjects is SweepOrphans that also reports the bytes freed,
// for garbage collection's report.
func (s *Service) SweepOrphanObjects(ctx context.Context, now time.Time) (int, int64, error) {
	removed, freed := 0, int64(0)
	n, b, err := s.sweepPrefix(ctx, "uploads/", now.Add(-TempGrace), func(keys []string) ([]string, error) {
		ids := make([]string, len(keys))
		for i, k := range keys {
			ids[i] = uploadIDOf(k)
		}
		live, err := s.q().ListLiveUploads(ctx, ids)
		if err != nil {
			return nil, db.Translate(err)
		}
		var dead []string
		for _, k := range keys {
			if !slices.Contains(live, uploadIDOf(k)) {
				dead = append(dead, k)
			}
		}
		return dead, nil
	})
	removed += n
	freed += b
	if err != nil {
		return removed, freed, err
	}
	n, b, err = s.sweepPrefix(ctx, blob.ObjectPrefix, now.Add(-UploadTTL), func(keys []string) ([]string, error) {
		dead, err := s.q().ListUnusedStorageKeys(ctx, keys)
		return dead, db.Translate(err)
	})
	return removed + n, freed + b, err
}

// sweepPrefix lists the objects under prefix written before cutoff and
// deletes those dead reports, in batches.
func (s *Service) sweepPrefix(ctx context.Context, prefix string, cutoff time.Time, dead func([]string) ([]string, error)) (int, int64, error) {
	const batch = 500
	removed, freed := 0, int64(0)
	var keys []string
	sizes := map[string]int64{}
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		gone, err := dead(keys)
		keys = keys[:0]
		if err != nil {
			return err
		}
		for _, k := range gone {
			if err := s.Store.Delete(ctx, k); err != nil {
				return err
			}
			removed++
			freed += sizes[k]
		}
		clear(sizes)
		return nil
	}
	err := s.Store.Driver().List(ctx, prefix, func(info blob.Info) error {
		if !info.ModTime.Before(cutoff) {
			return nil
		}
		keys = append(keys, info.Key)
		sizes[info.Key] = info.Size
		if len(keys) == batch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return removed, freed, fmt.Errorf("registry: sweeping %s: %w", prefix, err)
	}
	return removed, freed, nil
}

// uploadIDOf returns the session id of a chunk key, uploads/<id> or
// uploads/<id>/<part>.
func uploadIDOf(key string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(key, "uploads/"), "/")
	return id
}

// Sweep runs every sweep once: stale sessions, orphaned upload objects
// and the store's temporaries. Errors are logged; one sweep failing does
// not stop the others.
func (s *Service) Sweep(ctx context.Context, now time.Time) {
	if n, err := s.SweepUploads(ctx, now); err != nil {
		s.Log.WarnContext(ctx, "registry: sweeping uploads", "err", err)
	} else if n > 0 {
		s.Log.InfoContext(ctx, "registry: swept abandoned uploads", "count", n)
	}
	if n, err := s.SweepOrphans(ctx, now); err != nil {
		s.Log.WarnContext(ctx, "registry: sweeping orphaned upload objects", "err", err)
	} else if n > 0 {
		s.Log.InfoContext(ctx, "registry: swept orphaned upload objects", "count", n)
	}
	if n, err := s.Store.SweepTemp(ctx, now.Add(-TempGrace)); err != nil {
		s.Log.WarnContext(ctx, "blob: sweeping temporary objects", "err", err)
	} else if n > 0 {
		s.Log.InfoContext(ctx, "blob: swept temporary objects left by unfinished writes", "count", n)
	}
}

// sweepLockKey makes one node at a time sweep ("kodera sw" in ASCII).
// Every delete of a sweep is idempotent, so two at once would only waste
// work: listing a large bucket twice, racing on the same objects.
const sweepLockKey int64 = 0x6b6f646572612073

// RunSweeper sweeps at once (what a crash before this start left) and
// then every interval until ctx ends, on whichever node takes the lock;
// the others skip that round.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) {
	sweep := func(now time.Time) {
		_, err := db.Exclusive(ctx, s.Pool, sweepLockKey, func(ctx context.Context) error {
			defer db.TraceJob(ctx, s.Log, "upload-sweep")()
			s.Sweep(ctx, now)
			return nil
		})
		if err != nil && ctx.Err() == nil {
			s.Log.WarnContext(ctx, "registry: sweep skipped", "err", err)
		}
	}
	sweep(time.Now())
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			sweep(now)
		}
	}
}

func (s *Service) copyParts(ctx context.Context, w io.Writer, parts []string) error {
	for _, p := range parts {
		rc, err := s.Store.Open(ctx, p, 0, -1)
		if err != nil {
			return err
		}
		_, err = io.Copy(w, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// discardParts deletes the chunk objects of an ended session, except any
// a blobs row or another session names: a finisher that died after
// registering its blob leaves a session whose first chunk (on S3) is that
// blob now. When the check fails nothing is deleted; the orphan sweep
// finds the rest later.
func (s *Service) discardParts(ctx context.Context, parts []string) {
	if len(parts) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	unused, err := s.q().ListUnusedStorageKeys(ctx, parts)
	if err != nil {
		s.Log.WarnContext(ctx, "registry: checking upload chunks before deleting them", "err", err)
		return
	}
	for _, p := range unused {
		s.discard(ctx, p)
	}
}

func (s *Service) discard(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_ = s.Store.Delete(ctx, key)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
