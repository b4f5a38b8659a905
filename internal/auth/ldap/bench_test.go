package ldap_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/auth/ldap"
	"github.com/kodera-packages/kodera/internal/auth/ldap/ldaptest"
	"github.com/kodera-packages/kodera/internal/config"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/identity"
)

// BenchmarkDirectoryLogin measures one directory verification as a login
// that misses the remembered verifications pays it (service bind, search,
// group check, user bind, account sync), and one that hits them.
func BenchmarkDirectoryLogin(b *testing.B) {
	dir := ldaptest.Start(b)
	dir.AddUser("alice", "Alice", "", alicePW)
	pool, _ := dbtest.NewPool(b)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authn := auth.NewAuthenticator(pool, log)
	accounts := identity.New(pool, authn, auth.NewAuthorizer(pool), log)
	cfg, err := config.Load(func(k string) string { return dir.Env()[k] })
	require.NoError(b, err)
	d, err := ldap.New(cfg.LDAP, accounts, log)
	require.NoError(b, err)
	authn.SetDirectory(d)
	ctx := context.Background()

	b.Run("directory", func(b *testing.B) {
		for b.Loop() {
			_, err := d.Login(ctx, "alice", alicePW)
			require.NoError(b, err)
		}
	})
	b.Run("remembered", func(b *testing.B) {
		_, err := authn.Password(ctx, "alice", alicePW)
		require.NoError(b, err)
		for b.Loop() {
			_, err := authn.Password(ctx, "alice", alicePW)
			require.NoError(b, err)
		}
	})
}
