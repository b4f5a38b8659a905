package auth_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// TestLookupAgreesWithEffectiveLevel: the one-query Lookup answers what
// EffectiveLevel answers, for every principal of the decision table and
// every repository, with guest access on and off; a missing repository is
// ErrNotFound.
func TestLookupAgreesWithEffectiveLevel(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, guest := range []bool{true, false} {
		setGuest(t, f, guest)
		for name, p := range f.p {
			for repo := range f.repos {
				want, err := f.authz.EffectiveLevel(f.ctx, p, f.repos[repo])
				require.NoError(t, err)
				got, level, err := f.authz.Lookup(f.ctx, p, repo)
				require.NoError(t, err)
				require.Equal(t, f.repos[repo].ID, got.ID)
				require.Equal(t, want, level, "%s on %s, guest %v", name, repo, guest)
			}
			_, _, err := f.authz.Lookup(f.ctx, p, "missing")
			require.ErrorIs(t, err, domain.ErrNotFound)
		}
	}
	require.Equal(t, auth.LevelWrite, auth.ActionDelete.Needs())
}
