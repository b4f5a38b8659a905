package ldap

import (
	"context"
	"errors"
	"time"

	"github.com/kodera-packages/kodera/internal/db"
)

// Sync disables every enabled directory account whose user the directory
// no longer has, on one node at a time (a Postgres advisory lock; ran is
// false when another node holds it). Disabling ends the account's sessions
// and tokens at once. A directory that does not answer stops the round
// before anything is disabled for it: an outage is not a departure.
func (d *Directory) Sync(ctx context.Context) (disabled []string, ran bool, err error) {
	ran, err = d.accounts.WithDirectorySyncLock(ctx, func() error {
		defer db.TraceJob(ctx, d.log, "ldap-sync")()
		users, err := d.accounts.DirectoryUsers(ctx)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			return nil
		}
		c, err := d.serviceConn(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		for _, u := range users {
			_, err := d.find(c, u.Username)
			if err == nil {
				continue
			}
			if !errors.Is(err, errNoSuchUser) {
				return d.unreachable(ctx, err)
			}
			if err := d.accounts.DisableDirectoryUser(ctx, u.Username); err != nil {
				d.log.WarnContext(ctx, "ldap sync: the directory no longer has this user, but the account stays enabled", "user", u.Username, "err", err)
				continue
			}
			d.log.InfoContext(ctx, "ldap sync: disabled an account the directory no longer has", "user", u.Username)
			disabled = append(disabled, u.Username)
		}
		return nil
	})
	return disabled, ran, err
}

// RunSync calls Sync every interval until ctx ends; every node runs it and
// the lock lets one of them do the work.
func (d *Directory) RunSync(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, _, err := d.Sync(ctx); err != nil && ctx.Err() == nil {
			d.log.WarnContext(ctx, "ldap sync", "err", err)
		}
	}
}
