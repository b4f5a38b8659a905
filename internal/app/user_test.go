package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app"
	"github.com/kodera-packages/kodera/internal/app/apptest"
)

func TestUserCommand(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	run := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := app.Run(context.Background(), append([]string{"kodera", "user"}, args...),
			func(k string) string { return n.Env[k] }, &out, app.Options{Stdin: strings.NewReader(stdin)})
		return out.String(), err
	}
	status := func(user, password string) int {
		req, _ := http.NewRequest("GET", n.URL+"/api/v1/me", nil)
		req.SetBasicAuth(user, password)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}

	out, err := run("ops-password\n", "create", "ops", "--admin")
	require.NoError(t, err)
	require.Contains(t, out, "created ops")
	require.Equal(t, 200, status("ops", "ops-password"))
	_, err = run("short\n", "create", "tiny")
	require.ErrorContains(t, err, "at least 8")

	out, err = run("", "list")
	require.NoError(t, err)
	require.Regexp(t, `(?m)^ops\s+admin,user\s+local\s+false`, out)

	_, err = run("a-new-admin-password\n", "set-password", apptest.AdminUser)
	require.NoError(t, err)
	require.Equal(t, 401, status(apptest.AdminUser, apptest.AdminPassword))
	require.Equal(t, 200, status(apptest.AdminUser, "a-new-admin-password"))

	_, err = run("", "set-role", apptest.AdminUser, "user")
	require.NoError(t, err)
	_, err = run("", "disable", "ops")
	require.ErrorContains(t, err, "last enabled administrator")
	_, err = run("", "set-role", "nobody", "admin")
	require.ErrorContains(t, err, `user "nobody" not found`)
	_, err = run("", "frobnicate")
	require.ErrorContains(t, err, "unknown command")

	// The changes are audited as the command line.
	req, _ := http.NewRequest("GET", n.URL+"/api/v1/admin/audit?actor=kodera-cli", nil)
	req.SetBasicAuth("ops", "ops-password")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var page struct {
		Items []struct{ ActorKind, Action, Target string }
	}
	require.NoError(t, json.Unmarshal(b, &page), string(b))
	var got []string
	for _, e := range page.Items {
		require.Equal(t, "system", e.ActorKind)
		got = append(got, e.Action+" "+e.Target)
	}
	require.Equal(t, []string{"user.roles admin", "user.update admin", "user.create ops"}, got)
}
