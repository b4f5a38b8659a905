package gomod

import (
	"context"
	"errors"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gitstore"
)

// maxAncestors bounds the history walked to find the tag a pseudo-version
// builds on.
const maxAncestors = 10000

// ResolveBranch answers a version query naming a branch (`go get
// mod@main`, GOPROXY `@v/main.info`): the module at the branch's commit as
// a pseudo-version (go.dev/ref/mod#pseudo-versions) built on the highest
// version tag among the commit's ancestors, published on first use (its zip
// built and stored like a tag's) so that the .mod and .zip that follow are
// served like any version. Pseudo-versions are left out of @v/list, as
// the protocol asks. An unknown branch or module is domain.ErrNotFound.
func (s *Service) ResolveBranch(ctx context.Context, repo domain.Repository, modPath, branch, by string) (Version, error) {
	ref := plumbing.NewBranchReferenceName(branch)
	if branch == "" || ref.Validate() != nil {
		return Version{}, domain.Errorf(domain.ErrNotFound, "%s: no branch %q", modPath, branch)
	}
	st, root, dir, err := s.gitFor(ctx, repo, modPath)
	if err != nil {
		return Version{}, err
	}
	r, err := st.Reference(ref)
	if err != nil {
		return Version{}, domain.Errorf(domain.ErrNotFound, "%s: no branch %q", modPath, branch)
	}
	commit, err := object.GetCommit(st, r.Hash())
	if err != nil {
		return Version{}, err
	}
	_, pathMajor, _ := module.SplitPathVersion(modPath)
	major := "v0"
	if pathMajor != "" {
		major = module.PathMajorPrefix(pathMajor)
	}
	// A major branch module (example.com/m/v2 with its go.mod at the root
	// of example.com/m) lives at the root, unless a v2 directory exists.
	if pathMajor != "" && dir == strings.TrimPrefix(pathMajor, "/") {
		if tr, err := commit.Tree(); err == nil {
			if _, err := tr.Tree(dir); err != nil {
				dir = ""
			}
		}
	}
	base, err := baseTag(st, commit, dir, major)
	if err != nil {
		return Version{}, err
	}
	if base != "" {
		major = semver.Major(base)
	}
	pseudo := module.PseudoVersion(major, base, commit.Committer.When, commit.Hash.String()[:12])
	if v, err := s.Get(ctx, repo, modPath, pseudo); err == nil {
		return v, nil
	}
	p, err := s.prepareAt(ctx, repo, root, st, dir, pseudo, commit, ref)
	if err != nil {
		if errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrConflict) {
			return Version{}, domain.Errorf(domain.ErrNotFound, "%s@%s: %s", modPath, branch, strings.TrimPrefix(err.Error(), "invalid: "))
		}
		return Version{}, err
	}
	if p.Module != modPath {
		return Version{}, domain.Errorf(domain.ErrNotFound, "%s@%s: the branch holds module %s", modPath, branch, p.Module)
	}
	if err := s.Publish(ctx, repo, p, by); err != nil && !errors.Is(err, domain.ErrConflict) {
		return Version{}, err
	}
	return s.Get(ctx, repo, modPath, p.Version)
}

// DefaultBranch is the branch HEAD names in the git repository of
// modPath (the module at its root), for @latest of a module without
// tagged versions (the go command then takes the pseudo-version of the
// default branch). A path below another module's repository is not one:
// domain.ErrNotFound, so that the go command looks further.
func (s *Service) DefaultBranch(ctx context.Context, repo domain.Repository, modPath string) (string, error) {
	st, err := s.OpenGit(ctx, repo, modPath)
	if err != nil {
		return "", err
	}
	head, err := st.Reference(plumbing.HEAD)
	if err != nil || head.Type() != plumbing.SymbolicReference || !head.Target().IsBranch() {
		return "", domain.Errorf(domain.ErrNotFound, "module %s has no default branch", modPath)
	}
	if _, err := st.Reference(head.Target()); err != nil {
		// An empty repository (a first push that was refused).
		return "", domain.Errorf(domain.ErrNotFound, "module %s has no commits", modPath)
	}
	return head.Target().Short(), nil
}

// gitFor finds the git repository holding modPath: the one of the path
// itself or of its longest prefix, with the rest as the module's directory.
func (s *Service) gitFor(ctx context.Context, repo domain.Repository, modPath string) (*gitstore.Storer, string, string, error) {
	root := modPath
	for range 8 {
		st, err := s.OpenGit(ctx, repo, root)
		if err == nil {
			return st, root, strings.TrimPrefix(strings.TrimPrefix(modPath, root), "/"), nil
		}
		if !errors.Is(err, domain.ErrNotFound) {
			return nil, "", "", err
		}
		i := strings.LastIndex(root, "/")
		if i <= 0 {
			break
		}
		root = root[:i]
	}
	return nil, "", "", domain.Errorf(domain.ErrNotFound, "module %s has no git repository here", modPath)
}

// baseTag is the highest release of major tagged (as <dir>/vX.Y.Z) on an
// ancestor of commit, or ""; major v0 stands for v0 and v1 (a path
// without a /vN suffix).
func baseTag(st *gitstore.Storer, commit *object.Commit, dir, major string) (string, error) {
	tags := map[plumbing.Hash][]string{}
	refs, err := st.IterReferences()
	if err != nil {
		return "", err
	}
	err = refs.ForEach(func(r *plumbing.Reference) error {
		d, v, ok, err := TagVersion(r.Name())
		m := semver.Major(v)
		if m == "v1" && major == "v0" {
			m = "v0"
		}
		if err != nil || !ok || d != dir || m != major || semver.Prerelease(v) != "" || semver.Build(v) != "" {
			return nil
		}
		c, err := peelCommit(st, r.Hash())
		if err != nil {
			return nil
		}
		tags[c.Hash] = append(tags[c.Hash], v)
		return nil
	})
	if err != nil || len(tags) == 0 {
		return "", err
	}
	best := ""
	seen := map[plumbing.Hash]bool{}
	queue := []*object.Commit{commit}
	for len(queue) > 0 && len(seen) < maxAncestors {
		c := queue[0]
		queue = queue[1:]
		if seen[c.Hash] {
			continue
		}
		seen[c.Hash] = true
		for _, v := range tags[c.Hash] {
			if best == "" || semver.Compare(v, best) > 0 {
				best = v
			}
		}
		err := c.Parents().ForEach(func(p *object.Commit) error {
			queue = append(queue, p)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return best, nil
}
