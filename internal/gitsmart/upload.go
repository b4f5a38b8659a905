package gitsmart

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
)

// Prefetcher is optionally implemented by a Repository that can load many
// objects in one round trip (gitstore.Storer); the engine calls it before
// walking or packing a batch.
type Prefetcher interface {
	Prefetch(hashes []plumbing.Hash) error
}

// packWindow is the delta-search window of served packs (git's default).
const packWindow = 10

// UploadPack answers one POST to git-upload-pack: a stateless-RPC round of
// the negotiation (wants, then haves ending in a flush or `done`). A round
// ending in a flush gets its ACK/NAK lines; `done` gets the final ACK/NAK
// and the packfile. A body of just a flush, or empty, gets an empty answer.
func UploadPack(ctx context.Context, repo Repository, r io.Reader, w io.Writer, opts Options) error {
	br := bufio.NewReader(r)
	if first, err := br.Peek(4); err == io.EOF || (err == nil && bytes.Equal(first, pktline.FlushPkt)) {
		return nil
	}
	req := packp.NewUploadRequest()
	if err := req.Decode(br); err != nil {
		return protocolError("upload-pack request: %v", err)
	}
	st, err := loadRefs(repo, true)
	if err != nil {
		return err
	}
	// Only what the advertisement showed may be asked for: nothing
	// unreachable (a deleted branch's commits) leaks through a guessed hash.
	tips := st.tips()
	for _, h := range req.Wants {
		if !tips[h] {
			return protocolError("not our ref %s", h)
		}
	}
	if _, ok := req.Depth.(packp.DepthCommits); !ok && req.Depth != nil && !req.Depth.IsZero() {
		return protocolError("only deepen <n> is supported")
	}
	depth := 0
	if d, ok := req.Depth.(packp.DepthCommits); ok {
		depth = int(d)
	}

	multiAck := 0
	switch {
	case req.Capabilities.Supports(capability.MultiACKDetailed):
		multiAck = 2
	case req.Capabilities.Supports(capability.MultiACK):
		multiAck = 1
	}

	var plan *shallowPlan
	if depth > 0 {
		var err error
		if plan, err = planShallow(repo, req.Wants, req.Shallows, depth); err != nil {
			return err
		}
		// The shallow-update section answers every round of a deepen
		// request, before the negotiation.
		if err := plan.write(w); err != nil {
			return err
		}
	}

	common, done, err := negotiate(repo, pktline.NewScanner(br), w, multiAck)
	if err != nil || !done {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return sendPack(ctx, repo, st, req, common, plan, w)
}

// negotiate reads have lines up to a flush (end of this round: ACKs, NAK)
// or `done` (final ACK or NAK; the pack follows), writing what git's
// upload-pack writes for the client's multi_ack level (2: detailed).
func negotiate(repo Repository, sc *pktline.Scanner, w io.Writer, multiAck int) ([]plumbing.Hash, bool, error) {
	var haves []plumbing.Hash
	done, flushed := false, false
	for !done && !flushed {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return nil, false, protocolError("reading haves: %v", err)
			}
			if len(haves) == 0 {
				// The request ended with the wants (git's first round of a
				// deepen request): it gets only the shallow-update section.
				return nil, false, nil
			}
			flushed = true
		}
		line := bytes.TrimSuffix(sc.Bytes(), []byte("\n"))
		switch {
		case len(line) == 0:
			flushed = true
		case bytes.Equal(line, []byte("done")):
			done = true
		case bytes.HasPrefix(line, []byte("have ")):
			h, ok := parseHash(line[len("have "):])
			if !ok {
				return nil, false, protocolError("malformed have line %q", line)
			}
			haves = append(haves, h)
		default:
			return nil, false, protocolError("unexpected line %q while expecting have or done", line)
		}
	}

	known, err := existing(repo, haves)
	if err != nil {
		return nil, false, err
	}
	e := pktline.NewEncoder(w)
	var common []plumbing.Hash
	seen := map[plumbing.Hash]bool{}
	for _, h := range haves {
		if !known[h] || seen[h] {
			continue
		}
		seen[h] = true
		common = append(common, h)
		switch {
		case multiAck == 2:
			err = e.Encodef("ACK %s common\n", h)
		case multiAck == 1:
			err = e.Encodef("ACK %s continue\n", h)
		case len(common) == 1:
			err = e.Encodef("ACK %s\n", h)
		}
		if err != nil {
			return nil, false, err
		}
	}
	switch {
	case done && len(common) > 0:
		if multiAck > 0 {
			err = e.Encodef("ACK %s\n", common[len(common)-1])
		}
	case done:
		err = e.Encodef("NAK\n")
	case len(common) == 0 || multiAck > 0:
		err = e.Encodef("NAK\n")
	}
	return common, done, err
}

// existing reports which hashes the repository has, in one batch when the
// repository can prefetch.
func existing(repo Repository, hashes []plumbing.Hash) (map[plumbing.Hash]bool, error) {
	known := map[plumbing.Hash]bool{}
	if len(hashes) == 0 {
		return known, nil
	}
	if m, ok := repo.(interface {
		Missing([]plumbing.Hash) ([]plumbing.Hash, error)
	}); ok {
		missing, err := m.Missing(hashes)
		if err != nil {
			return nil, err
		}
		for _, h := range hashes {
			known[h] = true
		}
		for _, h := range missing {
			delete(known, h)
		}
		return known, nil
	}
	for _, h := range hashes {
		err := repo.HasEncodedObject(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		known[h] = true
	}
	return known, nil
}

func parseHash(b []byte) (plumbing.Hash, bool) {
	b = bytes.TrimSpace(b)
	if len(b) != 40 {
		return plumbing.ZeroHash, false
	}
	h := plumbing.NewHash(string(b))
	if h.String() != string(bytes.ToLower(b)) {
		return plumbing.ZeroHash, false
	}
	return h, true
}

// sendPack writes the packfile of what the wants reach minus what the
// common haves reach (and, under --depth, nothing past the shallow
// boundary), over side-band when asked.
func sendPack(ctx context.Context, repo Repository, st *refState, req *packp.UploadRequest, common []plumbing.Hash, plan *shallowPlan, w io.Writer) error {
	haveCut := map[plumbing.Hash]bool{}
	for _, h := range req.Shallows {
		haveCut[h] = true
	}
	sendCut := map[plumbing.Hash]bool{}
	var extra []plumbing.Hash
	if plan != nil {
		for _, h := range plan.shallow {
			sendCut[h] = true
		}
		for _, h := range plan.unshallow {
			c, err := object.GetCommit(repo, h)
			if err != nil {
				return err
			}
			extra = append(extra, c.ParentHashes...)
		}
	}
	hashes, err := objectsToSend(repo, append(extra, req.Wants...), common, sendCut, haveCut)
	if err != nil {
		return err
	}
	if req.Capabilities.Supports(capability.IncludeTag) {
		hashes = includeTags(st, hashes)
	}
	if p, ok := repo.(Prefetcher); ok {
		if err := p.Prefetch(hashes); err != nil {
			return err
		}
	}

	out := w
	var mux *sideband.Muxer
	if big, small := sidebandType(req.Capabilities); big || small {
		t := sideband.Sideband64k
		if !big {
			t = sideband.Sideband
		}
		mux = sideband.NewMuxer(t, w)
		out = mux
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	enc := packfile.NewEncoder(out, repo, !req.Capabilities.Supports(capability.OFSDelta))
	if _, err := enc.Encode(hashes, packWindow); err != nil {
		if mux != nil {
			_, _ = mux.WriteChannel(sideband.ErrorMessage, []byte(fmt.Sprintf("error: packing failed: %v\n", err)))
		}
		return err
	}
	if mux != nil {
		return pktline.NewEncoder(w).Flush()
	}
	return nil
}

// includeTags adds the annotated tags whose peeled object is sent, as
// include-tag asks (git then needs no second request for tags).
func includeTags(st *refState, hashes []plumbing.Hash) []plumbing.Hash {
	sent := make(map[plumbing.Hash]bool, len(hashes))
	for _, h := range hashes {
		sent[h] = true
	}
	for name, target := range st.peeled {
		tag := st.refs[name]
		if sent[target] && !sent[tag] {
			sent[tag] = true
			hashes = append(hashes, tag)
		}
	}
	return hashes
}

func tagTarget(o plumbing.EncodedObject) (plumbing.Hash, error) {
	t := &object.Tag{}
	if err := t.Decode(o); err != nil {
		return plumbing.ZeroHash, err
	}
	return t.Target, nil
}

// shallowPlan is the shallow-update of a deepen request: the new boundary
// commits (`shallow`) and the client's shallow commits now inside the
// requested depth (`unshallow`: their parents are sent).
type shallowPlan struct {
	shallow, unshallow []plumbing.Hash
	client             map[plumbing.Hash]bool
}

// planShallow walks depth commits from each want (tags peeled) and returns
// the commits at the boundary that have parents, plus the client's shallow
// commits that are no longer at a boundary.
func planShallow(repo Repository, wants, clientShallows []plumbing.Hash, depth int) (*shallowPlan, error) {
	plan := &shallowPlan{client: map[plumbing.Hash]bool{}}
	for _, h := range clientShallows {
		plan.client[h] = true
	}
	dist := map[plumbing.Hash]int{}
	var queue []plumbing.Hash
	for _, w := range wants {
		h, _, err := peelTag(repo, w)
		if err != nil {
			return nil, err
		}
		if _, ok := dist[h]; !ok {
			dist[h] = 1
			queue = append(queue, h)
		}
	}
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		c, err := object.GetCommit(repo, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, plumbing.ErrInvalidType) {
			continue // a tag of a tree or blob: nothing to cut
		}
		if err != nil {
			return nil, err
		}
		if dist[h] >= depth {
			if len(c.ParentHashes) > 0 && !plan.client[h] {
				plan.shallow = append(plan.shallow, h)
			}
			continue
		}
		if plan.client[h] && len(c.ParentHashes) > 0 {
			plan.unshallow = append(plan.unshallow, h)
		}
		for _, p := range c.ParentHashes {
			if _, ok := dist[p]; !ok {
				dist[p] = dist[h] + 1
				queue = append(queue, p)
			}
		}
	}
	return plan, nil
}

// write sends the shallow-update section, ended by a flush.
func (p *shallowPlan) write(w io.Writer) error {
	e := pktline.NewEncoder(w)
	for _, h := range p.shallow {
		if err := e.Encodef("shallow %s\n", h); err != nil {
			return err
		}
	}
	for _, h := range p.unshallow {
		if err := e.Encodef("unshallow %s\n", h); err != nil {
			return err
		}
	}
	return e.Flush()
}
