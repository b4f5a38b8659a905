package pypi

import (
	"context"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
)

// Packages pages a repository's projects whose normalized name contains
// filter (the generic package listing).
func (s *Service) Packages(ctx context.Context, repo domain.Repository, filter, sort string, limit, offset int32) ([]packages.Package, int64, error) {
	return s.packages.ListPackages(ctx, repo, filter, sort, limit, offset)
}

// Package returns one project by any spelling of its name.
func (s *Service) Package(ctx context.Context, repo domain.Repository, name string) (packages.Package, error) {
	return s.packages.GetPackage(ctx, repo, name)
}

// VersionState is a version in a listing with its yank state.
type VersionState struct {
	packages.Version
	Yanked bool
	Reason string
}

// Versions pages a project's versions, highest first (PEP 440), with
// their yank state.
func (s *Service) Versions(ctx context.Context, repo domain.Repository, name string, limit, offset int32) ([]VersionState, int64, error) {
	vs, total, err := s.packages.ListVersions(ctx, repo, name, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	rows, err := s.q().ListPyPIVersionsYanked(ctx, ids)
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	yanked := make(map[int64]gendb.ListPyPIVersionsYankedRow, len(rows))
	for _, r := range rows {
		yanked[r.VersionID] = r
	}
	out := make([]VersionState, len(vs))
	for i, v := range vs {
		y := yanked[v.ID]
		out[i] = VersionState{Version: v, Yanked: y.Yanked, Reason: y.YankedReason}
	}
	return out, total, nil
}

// MaxYankReason bounds a yank reason.
const MaxYankReason = 1000

// SetYanked yanks (PEP 592: installers skip the version unless it is
// pinned with ==) or unyanks every file of a version, with the audit
// entry pypi.yank or pypi.unyank.
func (s *Service) SetYanked(ctx context.Context, repo domain.Repository, name, version string, yanked bool, reason string) error {
	version, err := s.storedVersion(ctx, s.q(), repo, name, version)
	if err != nil {
		return err
	}
	if len(reason) > MaxYankReason {
		return domain.Errorf(domain.ErrInvalid, "a yank reason has at most %d bytes", MaxYankReason)
	}
	if !yanked {
		reason = ""
	}
	defer s.serials.forget(repo.ID) // after the commit
	return db.WithTx(ctx, s.pool, func(q *db.Queries) error {
		pkg, v, err := packages.GetVersionTx(ctx, q, repo, name, version)
		if err != nil {
			return err
		}
		if _, err := q.SetPyPIVersionYanked(ctx, gendb.SetPyPIVersionYankedParams{Yanked: yanked, YankedReason: reason, VersionID: &v.ID}); err != nil {
			return db.Translate(err)
		}
		if _, err := q.BumpPyPISerial(ctx, repo.ID); err != nil {
			return db.Translate(err)
		}
		action := ActionYank
		if !yanked {
			action = ActionUnyank
		}
		return audit.Record(ctx, q, audit.Event{Action: action, Target: repo.Name + "/" + pkg.NormalizedName + "==" + v.Version,
			Details: map[string]any{"reason": reason}})
	})
}

// DeleteRelease deletes a version with its files; their names stay taken.
func (s *Service) DeleteRelease(ctx context.Context, repo domain.Repository, name, version string) error {
	version, err := s.storedVersion(ctx, s.q(), repo, name, version)
	if err != nil {
		return err
	}
	defer s.serials.forget(repo.ID) // after the commit
	return db.WithTx(ctx, s.pool, func(q *db.Queries) error {
		pkg, v, err := packages.GetVersionTx(ctx, q, repo, name, version)
		if err != nil {
			return err
		}
		if err := packages.DeleteVersionsTx(ctx, q, repo, pkg.Name, []string{v.Version}); err != nil {
			return err
		}
		if _, err := q.BumpPyPISerial(ctx, repo.ID); err != nil {
			return db.Translate(err)
		}
		return audit.Record(ctx, q, audit.Event{Action: ActionDelete, Target: repo.Name + "/" + pkg.NormalizedName + "==" + v.Version})
	})
}

// DeleteFile deletes one file of a version (the version goes with its last
// file); its name stays taken.
func (s *Service) DeleteFile(ctx context.Context, repo domain.Repository, name, version, filename string) error {
	version, err := s.storedVersion(ctx, s.q(), repo, name, version)
	if err != nil {
		return err
	}
	defer s.serials.forget(repo.ID) // after the commit
	return db.WithTx(ctx, s.pool, func(q *db.Queries) error {
		pkg, v, err := packages.GetVersionTx(ctx, q, repo, name, version)
		if err != nil {
			return err
		}
		if err := packages.DeleteFileTx(ctx, q, repo, pkg, v, filename); err != nil {
			return err
		}
		if _, err := q.BumpPyPISerial(ctx, repo.ID); err != nil {
			return db.Translate(err)
		}
		return audit.Record(ctx, q, audit.Event{Action: ActionDelete, Target: repo.Name + "/" + filename,
			Details: map[string]any{"project": pkg.NormalizedName, "version": v.Version}})
	})
}
