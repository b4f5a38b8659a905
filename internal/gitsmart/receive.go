package gitsmart

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Update is one ref update of a push, as a Validator sees it.
type Update struct {
	// Name is the full ref name (refs/heads/..., refs/tags/...).
	Name plumbing.ReferenceName
	// Old is the value the client read, zero for a creation.
	Old plumbing.Hash
	// New is the value asked for, zero for a deletion.
	New plumbing.Hash
	// Objects reads the pushed objects over the stored ones, e.g. go.mod
	// at a tagged commit (object.GetCommit(u.Objects, u.New)).
	Objects storer.EncodedObjectStorer
}

// IsDelete tells whether the update deletes its ref.
func (u Update) IsDelete() bool { return u.New.IsZero() }

// Validator decides on one ref update a push asks for; a non-nil error
// refuses it, and the error's first line is the reason git prints
// (`! [remote rejected] v1.0.0 -> v1.0.0 (reason)`). It runs after the
// engine's own checks and before anything is stored.
type Validator func(ctx context.Context, u Update) error

// Applier is implemented by stores that commit a push's objects and ref
// updates in one transaction, each update a compare-and-swap on its Old
// value (gitstore.Storer.Apply). Results are per command: nil or
// storage.ErrReferenceHasChanged. A Repository without it gets objects
// stored one by one and refs swapped one by one with CheckAndSetReference.
type Applier interface {
	Apply(ctx context.Context, objs []plumbing.EncodedObject, cmds []*packp.Command, atomic bool) ([]error, error)
}

// Reasons git prints for refusals made by the engine itself.
const (
	reasonStale      = "stale info: the ref moved since it was read, fetch first"
	reasonLost       = "failed to update ref: another push moved it meanwhile, fetch and retry"
	reasonAtomic     = "atomic push failed"
	reasonUnpack     = "unpacker error"
	reasonTagExists  = "tags are immutable: the tag already exists"
	reasonOnlyRefs   = "only branches (refs/heads/) and tags (refs/tags/) can be pushed"
	reasonBadName    = "invalid ref name"
	reasonNotCommit  = "a branch must point at a commit"
	reasonDeleteHead = "refusing to delete the current branch"
)

// ReceivePack answers one POST to git-receive-pack; see the package doc for
// the order of checks. The body `0000` (git's probe before a large push) and
// an empty body get an empty answer. Refusals are not errors: they are
// reported to git in the report-status; an error is returned only when the
// request cannot be read or the store fails. It returns the updates that
// were applied (committed before the report is written), for the caller to
// act on: handlers/git publishes the module versions of applied tags.
func ReceivePack(ctx context.Context, repo Repository, r io.Reader, w io.Writer, validate Validator, opts Options) ([]Update, error) {
	br := bufio.NewReader(r)
	if first, err := br.Peek(4); err == io.EOF || (err == nil && bytes.Equal(first, pktline.FlushPkt)) {
		return nil, nil
	}
	req := packp.NewReferenceUpdateRequest()
	if err := req.Decode(br); err != nil {
		return nil, protocolError("receive-pack commands: %v", err)
	}
	st, err := loadRefs(repo, false)
	if err != nil {
		return nil, err
	}
	head, _ := repo.Reference(plumbing.HEAD)

	holding := memory.NewStorage()
	unpackStatus := "ok"
	if needsPack(req.Commands) {
		unpackStatus = unpack(br, holding, opts.maxPush())
	}

	reasons := make([]string, len(req.Commands))
	var keep map[plumbing.Hash]bool
	if unpackStatus != "ok" {
		for i := range reasons {
			reasons[i] = reasonUnpack
		}
	} else {
		ov := &overlay{top: holding, base: repo}
		keep = map[plumbing.Hash]bool{}
		for i, c := range req.Commands {
			reasons[i] = check(repo, holding, st, head, c, keep)
			if reasons[i] == "" && validate != nil {
				if err := validate(ctx, Update{Name: c.Name, Old: c.Old, New: c.New, Objects: ov}); err != nil {
					reasons[i] = oneLine(err)
				}
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		atomic := req.Capabilities.Supports(capability.Atomic)
		refused := false
		for _, r := range reasons {
			refused = refused || r != ""
		}
		if atomic && refused {
			for i := range reasons {
				if reasons[i] == "" {
					reasons[i] = reasonAtomic
				}
			}
		} else if err := apply(ctx, repo, holding, keep, req.Commands, reasons, atomic); err != nil {
			return nil, err
		}
	}

	var applied []Update
	for i, c := range req.Commands {
		if reasons[i] == "" && unpackStatus == "ok" {
			applied = append(applied, Update{Name: c.Name, Old: c.Old, New: c.New, Objects: repo})
		}
	}
	if !req.Capabilities.Supports(capability.ReportStatus) {
		return applied, nil
	}
	rs := packp.NewReportStatus()
	rs.UnpackStatus = unpackStatus
	for i, c := range req.Commands {
		status := "ok"
		if reasons[i] != "" {
			status = reasons[i]
		}
		rs.CommandStatuses = append(rs.CommandStatuses, &packp.CommandStatus{ReferenceName: c.Name, Status: status})
	}
	big, small := sidebandType(req.Capabilities)
	if !big && !small {
		return applied, rs.Encode(w)
	}
	var buf bytes.Buffer
	if err := rs.Encode(&buf); err != nil {
		return applied, err
	}
	t := sideband.Sideband64k
	if !big {
		t = sideband.Sideband
	}
	if _, err := sideband.NewMuxer(t, w).Write(buf.Bytes()); err != nil {
		return applied, err
	}
	return applied, pktline.NewEncoder(w).Flush()
}

// unpack reads the push's packfile into the holding area and returns the
// report-status unpack line: "ok" or why not. The compressed pack is held
// in memory up to limit bytes (the holding area is in memory anyway); its
// object and delta headers are checked first, so a pack whose objects would
// inflate past inflateFactor*limit in total is refused before anything is
// inflated into memory (a zip bomb of a push).
func unpack(r io.Reader, holding *memory.Storage, limit int64) string {
	lr := &limitedReader{r: r, left: limit}
	pack, err := io.ReadAll(lr)
	switch {
	case lr.exceeded:
		return fmt.Sprintf("pack exceeds the limit of %d bytes", limit)
	case err != nil:
		return oneLine(err)
	case len(pack) == 0:
		// No pack at all (a client that sends none for updates to objects
		// the server has): nothing to unpack.
		return "ok"
	}
	if err := checkInflated(pack, inflateFactor*limit); err != nil {
		return oneLine(err)
	}
	if err := packfile.UpdateObjectStorage(holding, bytes.NewReader(pack)); err != nil {
		return oneLine(err)
	}
	return "ok"
}

// inflateFactor bounds the inflated size of a push relative to its packed
// size limit.
const inflateFactor = 4

// checkInflated sums the declared sizes of a pack's objects (a delta counts
// its target size) and refuses more than limit in total. The scanner
// inflates each object at most to its declared size, so nothing here grows
// past a delta's own size.
func checkInflated(pack []byte, limit int64) error {
	sc := packfile.NewScanner(bytes.NewReader(pack))
	_, count, err := sc.Header()
	if err != nil {
		return err
	}
	var total int64
	for range count {
		oh, err := sc.NextObjectHeader()
		if err != nil {
			return err
		}
		size := oh.Length
		if oh.Length > limit {
			return fmt.Errorf("object of %d bytes exceeds the push limit", oh.Length)
		}
		if oh.Type == plumbing.OFSDeltaObject || oh.Type == plumbing.REFDeltaObject {
			head := &headWriter{max: 32}
			if _, _, err := sc.NextObject(head); err != nil {
				return err
			}
			_, rest := deltaSize(head.b)
			size, _ = deltaSize(rest)
		} else if _, _, err := sc.NextObject(io.Discard); err != nil {
			return err
		}
		if total += size; total > limit {
			return fmt.Errorf("objects inflate beyond %d bytes", limit)
		}
	}
	return nil
}

// deltaSize decodes one size of a delta header (7 bits a byte, low first).
func deltaSize(b []byte) (int64, []byte) {
	var n int64
	for i, c := range b {
		if i >= 9 {
			break
		}
		n |= int64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return n, b[i+1:]
		}
	}
	return 1 << 62, nil // malformed: counts as too large
}

// headWriter keeps the first max bytes written and discards the rest.
type headWriter struct {
	b   []byte
	max int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func needsPack(cmds []*packp.Command) bool {
	for _, c := range cmds {
		if !c.New.IsZero() {
			return true
		}
	}
	return false
}

// check applies the engine's own rules to one command and returns the
// refusal reason, "" to accept. The objects the new value reaches in the
// holding area are added to keep.
func check(repo Repository, holding *memory.Storage, st *refState, head *plumbing.Reference, c *packp.Command, keep map[plumbing.Hash]bool) string {
	// Ref names become text columns: invalid UTF-8 or NUL is refused
	// here, never a database error; U+FFFD is what go-git's decoder makes
	// of invalid bytes, so the name is not the one the client sent.
	name := c.Name.String()
	if !utf8.ValidString(name) || strings.ContainsAny(name, "\x00\uFFFD") || c.Name.Validate() != nil || c.Name == plumbing.HEAD {
		return reasonBadName
	}
	if !c.Name.IsBranch() && !c.Name.IsTag() {
		return reasonOnlyRefs
	}
	current := st.refs[c.Name]
	if c.Old != current {
		return reasonStale
	}
	if c.New.IsZero() {
		if head != nil && head.Type() == plumbing.SymbolicReference && head.Target() == c.Name {
			return reasonDeleteHead
		}
		return ""
	}
	if c.Name.IsTag() && !current.IsZero() {
		return reasonTagExists
	}
	reached, reason := connected(repo, holding, c.New)
	if reason != "" {
		return reason
	}
	if c.Name.IsBranch() {
		o, err := (&overlay{top: holding, base: repo}).EncodedObject(plumbing.AnyObject, c.New)
		if err != nil || o.Type() != plumbing.CommitObject {
			return reasonNotCommit
		}
	}
	for h := range reached {
		keep[h] = true
	}
	return ""
}

// connected walks from tip through the holding area; every object it
// reaches must be there or already stored (a stored object's closure is
// stored: the store only ever receives connected pushes). It returns the
// holding objects reached, or a reason.
func connected(repo Repository, holding *memory.Storage, tip plumbing.Hash) (map[plumbing.Hash]bool, string) {
	reached := map[plumbing.Hash]bool{}
	var outside []plumbing.Hash
	queue := []plumbing.Hash{tip}
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		if reached[h] {
			continue
		}
		o, err := holding.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			outside = append(outside, h)
			continue
		}
		reached[h] = true
		switch o.Type() {
		case plumbing.CommitObject:
			c, err := object.DecodeCommit(holding, o)
			if err != nil {
				return nil, "invalid commit " + h.String()
			}
			queue = append(queue, c.TreeHash)
			queue = append(queue, c.ParentHashes...)
		case plumbing.TreeObject:
			t, err := object.DecodeTree(holding, o)
			if err != nil {
				return nil, "invalid tree " + h.String()
			}
			for _, e := range t.Entries {
				if e.Mode != filemode.Submodule {
					queue = append(queue, e.Hash)
				}
			}
		case plumbing.TagObject:
			target, err := tagTarget(o)
			if err != nil {
				return nil, "invalid tag " + h.String()
			}
			queue = append(queue, target)
		}
	}
	known, err := existing(repo, outside)
	if err != nil {
		return nil, "cannot check objects"
	}
	for _, h := range outside {
		if !known[h] {
			return nil, "missing necessary objects: " + h.String()
		}
	}
	return reached, ""
}

// apply stores the kept objects and moves the accepted refs: in one
// transaction through an Applier, else one by one.
func apply(ctx context.Context, repo Repository, holding *memory.Storage, keep map[plumbing.Hash]bool, cmds []*packp.Command, reasons []string, atomic bool) error {
	var accepted []*packp.Command
	var idx []int
	for i, c := range cmds {
		if reasons[i] == "" {
			accepted = append(accepted, c)
			idx = append(idx, i)
		}
	}
	if len(accepted) == 0 {
		return nil
	}
	objs := make([]plumbing.EncodedObject, 0, len(keep))
	for h := range keep {
		o, err := holding.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return err
		}
		objs = append(objs, o)
	}
	var results []error
	if a, ok := repo.(Applier); ok {
		var err error
		if results, err = a.Apply(ctx, objs, accepted, atomic); err != nil {
			return err
		}
	} else {
		for _, o := range objs {
			if _, err := repo.SetEncodedObject(o); err != nil {
				return err
			}
		}
		for _, c := range accepted {
			results = append(results, swapOne(repo, c))
		}
	}
	for k, err := range results {
		switch {
		case err == nil:
		case errors.Is(err, storage.ErrReferenceHasChanged):
			reasons[idx[k]] = reasonLost
		default:
			return err
		}
	}
	return nil
}

// swapOne is the fallback compare-and-swap of one ref on a plain storer.
func swapOne(repo Repository, c *packp.Command) error {
	if c.New.IsZero() {
		cur, err := repo.Reference(c.Name)
		if err != nil || cur.Hash() != c.Old {
			return storage.ErrReferenceHasChanged
		}
		return repo.RemoveReference(c.Name)
	}
	if c.Old.IsZero() {
		if _, err := repo.Reference(c.Name); err == nil {
			return storage.ErrReferenceHasChanged
		}
		return repo.SetReference(plumbing.NewHashReference(c.Name, c.New))
	}
	return repo.CheckAndSetReference(plumbing.NewHashReference(c.Name, c.New), plumbing.NewHashReference(c.Name, c.Old))
}

// oneLine makes an error a report-status reason: its first line, printable,
// at most 200 bytes.
func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "refused"
	}
	return s
}

// limitedReader reads at most left bytes and remembers going past them.
type limitedReader struct {
	r        io.Reader
	left     int64
	exceeded bool
}

var errPushTooLarge = errors.New("push too large")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a pack of exactly the limit from a larger one.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			l.exceeded = true
			return 0, errPushTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// overlay reads objects from the holding area first, then from the store.
type overlay struct {
	top  *memory.Storage
	base Repository
}

func (o *overlay) NewEncodedObject() plumbing.EncodedObject { return &plumbing.MemoryObject{} }

func (o *overlay) SetEncodedObject(plumbing.EncodedObject) (plumbing.Hash, error) {
	return plumbing.ZeroHash, errors.New("gitsmart: the push's objects are read-only")
}

func (o *overlay) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	if obj, err := o.top.EncodedObject(t, h); err == nil {
		return obj, nil
	}
	return o.base.EncodedObject(t, h)
}

func (o *overlay) IterEncodedObjects(t plumbing.ObjectType) (storer.EncodedObjectIter, error) {
	return o.top.IterEncodedObjects(t)
}

func (o *overlay) HasEncodedObject(h plumbing.Hash) error {
	if o.top.HasEncodedObject(h) == nil {
		return nil
	}
	return o.base.HasEncodedObject(h)
}

func (o *overlay) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	if n, err := o.top.EncodedObjectSize(h); err == nil {
		return n, nil
	}
	return o.base.EncodedObjectSize(h)
}

func (o *overlay) AddAlternate(string) error { return errors.New("gitsmart: no alternates") }
