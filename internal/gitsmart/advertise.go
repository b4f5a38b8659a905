package gitsmart

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Repository is what the engine serves: objects and refs.
type Repository interface {
	storer.EncodedObjectStorer
	storer.ReferenceStorer
}

// refState is the advertised state of a repository: hash refs, peeled tags
// and HEAD.
type refState struct {
	refs     map[plumbing.ReferenceName]plumbing.Hash
	peeled   map[plumbing.ReferenceName]plumbing.Hash
	head     *plumbing.Hash
	headName plumbing.ReferenceName
}

// tips returns every hash a client may want: ref values and peeled tags.
func (s *refState) tips() map[plumbing.Hash]bool {
	m := map[plumbing.Hash]bool{}
	for _, h := range s.refs {
		m[h] = true
	}
	for _, h := range s.peeled {
		m[h] = true
	}
	return m
}

// loadRefs reads the refs, resolving a symbolic HEAD and peeling annotated
// tags (git shows `<hash> refs/tags/v1^{}` so clients need not fetch the
// tag to know its commit).
func loadRefs(repo Repository, peel bool) (*refState, error) {
	st := &refState{refs: map[plumbing.ReferenceName]plumbing.Hash{}, peeled: map[plumbing.ReferenceName]plumbing.Hash{}}
	it, err := repo.IterReferences()
	if err != nil {
		return nil, err
	}
	var head *plumbing.Reference
	err = it.ForEach(func(r *plumbing.Reference) error {
		switch {
		case r.Name() == plumbing.HEAD:
			head = r
		case r.Type() == plumbing.HashReference:
			st.refs[r.Name()] = r.Hash()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if head != nil {
		if head.Type() == plumbing.SymbolicReference {
			if h, ok := st.refs[head.Target()]; ok {
				st.head, st.headName = &h, head.Target()
			}
		} else {
			h := head.Hash()
			st.head = &h
		}
	}
	if !peel {
		return st, nil
	}
	for name, h := range st.refs {
		if !name.IsTag() {
			continue
		}
		target, isTag, err := peelTag(repo, h)
		if err != nil {
			return nil, err
		}
		if isTag {
			st.peeled[name] = target
		}
	}
	return st, nil
}

// peelTag follows annotated tags from h to the first non-tag object.
func peelTag(repo Repository, h plumbing.Hash) (plumbing.Hash, bool, error) {
	isTag := false
	for range 10 {
		o, err := repo.EncodedObject(plumbing.AnyObject, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return h, isTag, nil
		}
		if err != nil {
			return h, isTag, err
		}
		if o.Type() != plumbing.TagObject {
			return h, isTag, nil
		}
		target, err := tagTarget(o)
		if err != nil {
			return h, isTag, err
		}
		h, isTag = target, true
	}
	return h, isTag, nil
}

// AdvertiseRefs writes the smart-HTTP answer to GET info/refs?service=s: the
// `# service=` pkt-line and a flush, then the refs with HEAD first, peeled
// tags (upload-pack) and the capabilities the engine implements.
func AdvertiseRefs(ctx context.Context, w io.Writer, repo Repository, s Service, opts Options) error {
	if _, err := ParseService(string(s)); err != nil {
		return err
	}
	st, err := loadRefs(repo, s == UploadPackService)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	adv := packp.NewAdvRefs()
	adv.Prefix = [][]byte{[]byte("# service=" + string(s)), pktline.Flush}
	caps := adv.Capabilities
	var names []capability.Capability
	if s == UploadPackService {
		names = []capability.Capability{
			capability.MultiACK, capability.MultiACKDetailed, capability.Sideband, capability.Sideband64k,
			capability.OFSDelta, capability.Shallow, capability.NoProgress, capability.IncludeTag,
		}
		adv.Head = st.head
		if st.headName != "" {
			if err := caps.Add(capability.SymRef, fmt.Sprintf("%s:%s", plumbing.HEAD, st.headName)); err != nil {
				return err
			}
		}
		for name, h := range st.peeled {
			adv.Peeled[name.String()] = h
		}
	} else {
		names = []capability.Capability{
			capability.ReportStatus, capability.DeleteRefs, capability.OFSDelta, capability.Sideband64k,
			capability.Atomic, capability.Quiet, noThin,
		}
	}
	for _, c := range names {
		if err := caps.Add(c); err != nil {
			return err
		}
	}
	if err := caps.Add(capability.Agent, opts.agent()); err != nil {
		return err
	}
	for name, h := range st.refs {
		adv.References[name.String()] = h
	}
	return adv.Encode(w)
}

// noThin asks git not to send thin packs: every pushed delta then has its
// base in the same pack, and the holding area is self-contained.
const noThin capability.Capability = "no-thin"
