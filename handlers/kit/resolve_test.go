package kit_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// TestResolveRule is the one 404/401/403 rule, for a protocol endpoint and
// for the REST API, against every kind of caller and repository.
func TestResolveRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := db.Open(ctx, dbtest.New(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	q := gendb.New(pool)
	ids := map[string]int64{}
	for _, name := range []string{"owner", "reader", "stranger"} {
		u, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: name, Source: "local"})
		require.NoError(t, err)
		ids[name] = u.ID
	}
	owner := ids["owner"]
	for _, r := range []struct{ name, typ, vis string }{{"pub", "files", "public"}, {"priv", "files", "private"}, {"img", "docker", "private"}} {
		repo, err := repository.CreateRepository(ctx, pool, repository.NewRepository{Name: r.name, Type: r.typ, Visibility: r.vis, OwnerID: &owner})
		require.NoError(t, err)
		reader := ids["reader"]
		require.NoError(t, q.UpsertUserPermission(ctx, gendb.UpsertUserPermissionParams{RepositoryID: repo.ID, UserID: &reader, Level: "read"}))
	}
	k := kit.New(kit.Deps{Authz: auth.NewAuthorizer(pool), Log: slog.New(slog.DiscardHandler)})
	user := func(name string) auth.Principal {
		return auth.Principal{Kind: auth.KindUser, ID: ids[name], Name: name}
	}
	anon, reader, stranger := auth.Anonymous(), user("reader"), user("stranger")

	type want struct{ protocol, rest error } // nil = allowed
	for _, tc := range []struct {
		name string
		p    auth.Principal
		repo string
		act  auth.Action
		want want
	}{
		{"anonymous reads public", anon, "pub", auth.ActionRead, want{nil, nil}},
		{"anonymous writes public", anon, "pub", auth.ActionWrite, want{domain.ErrUnauthenticated, domain.ErrUnauthenticated}},
		{"anonymous reads private", anon, "priv", auth.ActionRead, want{domain.ErrUnauthenticated, domain.ErrNotFound}},
		{"anonymous reads missing", anon, "nope", auth.ActionRead, want{domain.ErrUnauthenticated, domain.ErrNotFound}},
		{"stranger reads private", stranger, "priv", auth.ActionRead, want{domain.ErrNotFound, domain.ErrNotFound}},
		{"stranger reads missing", stranger, "nope", auth.ActionRead, want{domain.ErrNotFound, domain.ErrNotFound}},
		{"stranger writes public", stranger, "pub", auth.ActionWrite, want{domain.ErrForbidden, domain.ErrForbidden}},
		{"reader reads private", reader, "priv", auth.ActionRead, want{nil, nil}},
		{"reader deletes private", reader, "priv", auth.ActionDelete, want{domain.ErrForbidden, domain.ErrForbidden}},
		{"reader reads other type", reader, "img", auth.ActionRead, want{domain.ErrNotFound, domain.ErrNotFound}},
		{"stranger reads hidden other type", stranger, "img", auth.ActionRead, want{domain.ErrNotFound, domain.ErrNotFound}},
		{"owner writes private", user("owner"), "priv", auth.ActionWrite, want{nil, nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, s := range []struct {
				rest bool
				want error
			}{{false, tc.want.protocol}, {true, tc.want.rest}} {
				resolve := k.Resolve
				if s.rest {
					resolve = k.ResolveREST
				}
				repo, err := resolve(ctx, tc.p, tc.repo, repository.TypeFiles, tc.act)
				if s.want == nil {
					require.NoError(t, err, "rest=%v", s.rest)
					require.Equal(t, tc.repo, repo.Name)
					continue
				}
				require.ErrorIs(t, err, s.want, "rest=%v", s.rest)
				if errors.Is(s.want, domain.ErrNotFound) || errors.Is(s.want, domain.ErrUnauthenticated) && tc.act == auth.ActionRead {
					// Hidden and missing answer alike: same message shape.
					msg, _ := domain.PublicMessage(err)
					require.Contains(t, msg, `repository "`+tc.repo+`"`)
				}
			}
		})
	}

	// Any type: the REST repository view.
	repo, err := k.ResolveREST(ctx, reader, "img", "", auth.ActionRead)
	require.NoError(t, err)
	require.Equal(t, "docker", repo.Type)

	t.Run("guest access off", func(t *testing.T) {
		// Its own database: the setting would change the rows above.
		pool, err := db.Open(ctx, dbtest.New(t))
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		_, err = repository.CreateRepository(ctx, pool, repository.NewRepository{Name: "pub", Type: "files", Visibility: "public"})
		require.NoError(t, err)
		off, _ := json.Marshal(false)
		_, err = gendb.New(pool).InsertSettingIfAbsent(ctx, gendb.InsertSettingIfAbsentParams{Key: auth.SettingGuestAccess, Value: off})
		require.NoError(t, err)
		k := kit.New(kit.Deps{Authz: auth.NewAuthorizer(pool)})
		_, err = k.Resolve(ctx, anon, "pub", repository.TypeFiles, auth.ActionRead)
		require.ErrorIs(t, err, domain.ErrUnauthenticated)
		_, err = k.ResolveREST(ctx, anon, "pub", repository.TypeFiles, auth.ActionRead)
		require.ErrorIs(t, err, domain.ErrNotFound)
	})
}
