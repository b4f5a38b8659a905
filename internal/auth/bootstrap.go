package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// EnsureAdmin creates the first administrator when none exists, from
// KODERA_ADMIN_USERNAME/KODERA_ADMIN_PASSWORD. With neither set it creates
// "admin" with a random password printed once to out: no credentials are
// compiled in. Nodes starting together serialise on an advisory lock.
func EnsureAdmin(ctx context.Context, pool *pgxpool.Pool, username, password string, out io.Writer, log *slog.Logger) error {
	generated := false
	if username == "" {
		username = "admin"
		b := make([]byte, 15)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		password = base64.RawURLEncoding.EncodeToString(b)
		generated = true
	}
	if len(password) < MinPasswordLength {
		return fmt.Errorf("KODERA_ADMIN_PASSWORD must be at least %d characters", MinPasswordLength)
	}
	created := false
	err := db.WithTx(ctx, pool, func(q *db.Queries) error {
		if err := q.LockBootstrap(ctx); err != nil {
			return err
		}
		n, err := q.CountAdmins(ctx)
		if err != nil || n > 0 {
			return err
		}
		if _, err := q.GetUserByUsername(ctx, username); !errors.Is(db.Translate(err), domain.ErrNotFound) {
			if err == nil {
				// The named account exists but lost its role: give it back, keep its password.
				return q.SetUserAdmin(ctx, gendb.SetUserAdminParams{Username: username, IsAdmin: true})
			}
			return err
		}
		hash, err := HashPassword(password)
		if err != nil {
			return err
		}
		_, err = q.CreateUser(ctx, gendb.CreateUserParams{
			Username: username, FullName: "Administrator", PasswordHash: &hash, Source: "local", IsAdmin: true,
		})
		created = err == nil
		return err
	})
	if err != nil {
		return fmt.Errorf("bootstrap admin: %w", err)
	}
	if created {
		log.Info("created the first administrator", "username", username)
		if generated {
			fmt.Fprintf(out, "\nNo KODERA_ADMIN_USERNAME/KODERA_ADMIN_PASSWORD set: created administrator\n  username: %s\n  password: %s\nChange it after the first login; it is not shown again.\n\n", username, password)
		}
	}
	return nil
}
