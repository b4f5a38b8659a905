package repository

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/domain"
)

func TestValidateName(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"a", "docker-local", "my_repo", "my__repo", "a.b", "a--b", "x9", strings.Repeat("a", 64)} {
		require.NoError(t, ValidateName(ok), ok)
	}
	for _, bad := range []string{
		"", "A", "Docker", "-a", "a-", "a.", "_a", "a_", "a..b", "a._b", "a___b", ".", "..", "a/b", "a b", "ä",
		"%2e", strings.Repeat("a", 65), "v2", "api", "_catalog", "token", "git",
	} {
		err := ValidateName(bad)
		require.ErrorIs(t, err, domain.ErrInvalid, bad)
	}
}
