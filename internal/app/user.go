package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/config"
	"github.com/kodera-packages/kodera/internal/identity"
	"github.com/kodera-packages/kodera/internal/license"
)

const userUsage = `usage: kodera user <command>

commands:
  list                          list accounts
  create <username> [--admin]   create a local account; the password is read from stdin
  set-password <username>       set an account's password (read from stdin) and end its sessions
  set-role <username> admin|user
  enable <username> | disable <username>

The operator's way back in when no administrator can log in. Changes are
audited with the actor "kodera-cli" (kind system).
`

// runUser manages accounts from the command line through the same service
// and rules as the REST API (the last administrator stays, the user limit holds).
func runUser(ctx context.Context, args []string, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprint(stdout, userUsage)
		return nil
	}
	authn, authz := auth.NewAuthenticator(pool, log), auth.NewAuthorizer(pool)
	// The same user limit as the REST API: the operator's way in is not a
	// way around the license.
	svc := identity.New(pool, authn, authz, log).WithUserLimit(license.New(pool, cfg.LicensePublicKey, log))
	ctx = auth.WithPrincipal(ctx, auth.Principal{Kind: auth.KindSystem, Name: "kodera-cli"})
	name := func() (string, error) {
		if len(args) < 2 || args[1] == "" {
			return "", fmt.Errorf("kodera user %s: missing <username>\n%s", args[0], userUsage)
		}
		return args[1], nil
	}
	readPassword := func() (string, error) {
		if stdin == nil {
			return "", errors.New("the password is read from stdin, which is not available")
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	flag := func(b bool) *bool { return &b }

	switch args[0] {
	case "list":
		users, _, err := svc.ListUsers(ctx, "", "", 500, 0)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tROLES\tSOURCE\tDISABLED\tFULL NAME")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%t\t%s\n", u.Username, strings.Join(identity.Roles(u), ","), u.Source, u.Disabled, u.FullName)
		}
		return tw.Flush()
	case "create":
		n, err := name()
		if err != nil {
			return err
		}
		pw, err := readPassword()
		if err != nil {
			return err
		}
		admin := len(args) > 2 && args[2] == "--admin"
		if _, err := svc.CreateUser(ctx, identity.NewUser{Username: n, Password: pw, Admin: admin}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s\n", n)
		return nil
	case "set-password":
		n, err := name()
		if err != nil {
			return err
		}
		pw, err := readPassword()
		if err != nil {
			return err
		}
		if _, err := svc.UpdateUser(ctx, n, identity.UserChange{Password: &pw}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed\n", n)
		return nil
	case "set-role":
		n, err := name()
		if err != nil {
			return err
		}
		if len(args) < 3 || (args[2] != "admin" && args[2] != "user") {
			return fmt.Errorf("kodera user set-role %s: want admin or user", n)
		}
		if _, err := svc.UpdateUser(ctx, n, identity.UserChange{Admin: flag(args[2] == "admin")}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now %s\n", n, args[2])
		return nil
	case "enable", "disable":
		n, err := name()
		if err != nil {
			return err
		}
		if _, err := svc.UpdateUser(ctx, n, identity.UserChange{Disabled: flag(args[0] == "disable")}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s %sd\n", n, args[0])
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", "user "+args[0], userUsage)
}
