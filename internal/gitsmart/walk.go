package gitsmart

import (
	"container/heap"
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// objectsToSend returns the objects a fetch sends: what the wants reach,
// less what the client has. Like git's rev-list --objects, it walks commits
// newest first from both sides at once, the common haves' side marking
// ancestors as uninteresting, and stops when only uninteresting commits are
// left, so a fetch of one new commit reads a handful of commits rather than
// the whole history. Trees and blobs are excluded when the boundary
// commits' trees hold them. The walk may send an object the client already
// has (clock skew, a file restored from old history); it never omits one
// it lacks, since everything below a common commit is on the client. Parents
// of commits in sendCut (the new shallow boundary) are not sent; parents of
// commits in haveCut (the client's shallow commits) are not assumed.
func objectsToSend(repo Repository, wants, common []plumbing.Hash, sendCut, haveCut map[plumbing.Hash]bool) ([]plumbing.Hash, error) {
	w := &walker{repo: repo, sent: map[plumbing.Hash]bool{}, state: map[plumbing.Hash]int8{}}
	var roots []plumbing.Hash // trees and blobs wanted directly (a tag of a tree)
	for _, h := range wants {
		target, err := w.peel(h, true)
		if err != nil {
			return nil, err
		}
		if target == nil {
			continue
		}
		switch target.Type() {
		case plumbing.CommitObject:
			if err := w.push(target.Hash(), false); err != nil {
				return nil, err
			}
		case plumbing.TreeObject:
			roots = append(roots, target.Hash())
		default:
			w.add(target.Hash())
		}
	}
	var haveTrees []plumbing.Hash
	for _, h := range common {
		target, err := w.peel(h, false)
		if err != nil {
			return nil, err
		}
		if target == nil {
			continue
		}
		switch target.Type() {
		case plumbing.CommitObject:
			if err := w.push(target.Hash(), true); err != nil {
				return nil, err
			}
		case plumbing.TreeObject:
			haveTrees = append(haveTrees, target.Hash())
		}
	}

	var sendCommits []*object.Commit
	for w.queue.Len() > 0 && w.interesting > 0 {
		it := heap.Pop(&w.queue).(*walkItem)
		if it.counted {
			w.interesting--
		}
		c := it.c
		if w.state[c.Hash] == uninteresting {
			haveTrees = append(haveTrees, c.TreeHash)
			if haveCut[c.Hash] {
				continue
			}
			for _, p := range c.ParentHashes {
				if err := w.push(p, true); err != nil {
					return nil, err
				}
			}
			continue
		}
		w.add(c.Hash)
		sendCommits = append(sendCommits, c)
		if sendCut[c.Hash] {
			continue
		}
		for _, p := range c.ParentHashes {
			if err := w.push(p, false); err != nil {
				return nil, err
			}
		}
	}
	// The uninteresting commits still queued are the boundary: the client
	// has their trees.
	for _, it := range w.queue {
		if w.state[it.c.Hash] == uninteresting {
			haveTrees = append(haveTrees, it.c.TreeHash)
		}
	}

	have := map[plumbing.Hash]bool{}
	if err := w.trees(haveTrees, have, nil); err != nil {
		return nil, err
	}
	for _, c := range sendCommits {
		roots = append(roots, c.TreeHash)
	}
	if err := w.trees(roots, have, w.add); err != nil {
		return nil, err
	}
	return w.out, nil
}

const (
	interesting   int8 = 1
	uninteresting int8 = 2
)

type walker struct {
	repo        Repository
	out         []plumbing.Hash
	sent        map[plumbing.Hash]bool
	state       map[plumbing.Hash]int8
	queue       commitQueue
	interesting int
}

func (w *walker) add(h plumbing.Hash) {
	if !w.sent[h] {
		w.sent[h] = true
		w.out = append(w.out, h)
	}
}

// peel follows tags from h (adding them to the pack when send) and returns
// the first non-tag object; nil when a have is unknown.
func (w *walker) peel(h plumbing.Hash, send bool) (plumbing.EncodedObject, error) {
	for range 10 {
		o, err := w.repo.EncodedObject(plumbing.AnyObject, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) && !send {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if o.Type() != plumbing.TagObject {
			return o, nil
		}
		if send {
			w.add(h)
		}
		if h, err = tagTarget(o); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// push queues commit h; an uninteresting mark wins over an interesting one.
func (w *walker) push(h plumbing.Hash, bad bool) error {
	if st, ok := w.state[h]; ok {
		if bad && st == interesting {
			w.state[h] = uninteresting // its queued entry sees the mark
		}
		return nil
	}
	c, err := object.GetCommit(w.repo, h)
	if err != nil {
		if bad && errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil
		}
		return err
	}
	it := &walkItem{c: c}
	if bad {
		w.state[h] = uninteresting
	} else {
		w.state[h] = interesting
		it.counted = true
		w.interesting++
	}
	heap.Push(&w.queue, it)
	return nil
}

// trees walks tree closures level by level (one Prefetch per level), not
// entering trees in seen; every new tree and blob goes to seen and, when
// emit is set, to emit.
func (w *walker) trees(roots []plumbing.Hash, seen map[plumbing.Hash]bool, emit func(plumbing.Hash)) error {
	var level []plumbing.Hash
	for _, h := range roots {
		if !seen[h] {
			seen[h] = true
			level = append(level, h)
		}
	}
	for len(level) > 0 {
		if p, ok := w.repo.(Prefetcher); ok {
			if err := p.Prefetch(level); err != nil {
				return err
			}
		}
		var next []plumbing.Hash
		for _, h := range level {
			if emit != nil {
				emit(h)
			}
			t, err := object.GetTree(w.repo, h)
			if err != nil {
				return err
			}
			for _, e := range t.Entries {
				if e.Mode == filemode.Submodule || seen[e.Hash] {
					continue // a submodule's commit lives in another repository
				}
				seen[e.Hash] = true
				if e.Mode == filemode.Dir {
					next = append(next, e.Hash)
				} else if emit != nil {
					emit(e.Hash)
				}
			}
		}
		level = next
	}
	return nil
}

type walkItem struct {
	c       *object.Commit
	counted bool // counted in walker.interesting when queued
}

// commitQueue is a max-heap on committer time: newest first.
type commitQueue []*walkItem

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].c.Committer.When.After(q[j].c.Committer.When)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*walkItem)) }
func (q *commitQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
