package config

import (
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	require.NoError(t, err)
	require.Equal(t, ":8080", c.Listen)
	require.Equal(t, "./data", c.DataDir)
	require.Equal(t, "127.0.0.1", c.DB.Host)
	require.Equal(t, 5432, c.DB.Port)
	require.Equal(t, "kodera", c.DB.Database)
	require.Equal(t, "", c.Storage.URL, "filesystem store is the default")
	require.Equal(t, "", c.Search.URL, "Postgres search is the default")
	require.Equal(t, slog.LevelInfo, c.LogLevel)
	require.Equal(t, int64(64<<30), c.MaxUploadBytes)
	require.Equal(t, int64(1<<30), c.PyPIMaxUploadBytes)
	require.Equal(t, 30*time.Second, c.ShutdownTimeout)
	require.Equal(t, 60*time.Second, c.BodyIdleTimeout)
}

func TestLoadValues(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		"DB_HOST": "db.internal", "DB_PORT": "6543", "DB_DATABASE": "k", "DB_USERNAME": "u", "DB_PASSWORD": "p@ss/word",
		"STORAGE_URL": "http://minio:9000", "STORAGE_BUCKET": "b", "STORAGE_AK": "ak", "STORAGE_SK": "sk",
		"ELASTICSEARCH_URL": "http://es:9200", "KODERA_ADMIN_USERNAME": "root", "KODERA_ADMIN_PASSWORD": "secret123",
		"KODERA_BASE_URL": "https://packages.example.com/", "KODERA_LOG_FORMAT": "JSON", "KODERA_LOG_LEVEL": "debug",
		"KODERA_MAX_UPLOAD_BYTES": "10G", "KODERA_SHUTDOWN_TIMEOUT": "5s", "KODERA_LISTEN": "127.0.0.1:9000",
		"KODERA_BODY_IDLE_TIMEOUT": "2m",
	}))
	require.NoError(t, err)
	require.Equal(t, "https://packages.example.com", c.BaseURL, "trailing slash trimmed")
	require.Equal(t, "json", c.LogFormat)
	require.Equal(t, slog.LevelDebug, c.LogLevel)
	require.Equal(t, int64(10<<30), c.MaxUploadBytes)
	require.Equal(t, 5*time.Second, c.ShutdownTimeout)
	require.Equal(t, 2*time.Minute, c.BodyIdleTimeout)
	require.Equal(t, "postgres://u:p%40ss%2Fword@db.internal:6543/k?sslmode=disable", c.DB.URL())
	require.Equal(t, Storage{URL: "http://minio:9000", Bucket: "b", AccessKey: "ak", SecretKey: "sk", Region: "us-east-1"}, c.Storage)
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	cases := map[string]map[string]string{
		"DB_PORT":                  {"DB_PORT": "abc"},
		"KODERA_LISTEN":            {"KODERA_LISTEN": "8080"},
		"KODERA_BASE_URL":          {"KODERA_BASE_URL": "ftp://x"},
		"STORAGE_URL":              {"STORAGE_URL": "minio:9000", "STORAGE_AK": "a", "STORAGE_SK": "b"},
		"STORAGE_AK":               {"STORAGE_URL": "http://minio:9000", "STORAGE_SK": "b"},
		"KODERA_LOG_FORMAT":        {"KODERA_LOG_FORMAT": "xml"},
		"KODERA_BODY_IDLE_TIMEOUT": {"KODERA_BODY_IDLE_TIMEOUT": "soon"},
		"KODERA_LOG_LEVEL":         {"KODERA_LOG_LEVEL": "loud"},
		"KODERA_MAX_UPLOAD_BYTES":  {"KODERA_MAX_UPLOAD_BYTES": "-1"},
		"KODERA_SHUTDOWN_TIMEOUT":  {"KODERA_SHUTDOWN_TIMEOUT": "soon"},
		"KODERA_ADMIN_PASSWORD":    {"KODERA_ADMIN_USERNAME": "root"},
		"ELASTICSEARCH_URL":        {"ELASTICSEARCH_URL": "::"},
		"KODERA_DB_SSLMODE":        {"KODERA_DB_SSLMODE": "maybe"},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(env(e))
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), name+" "), "error %q should start with %s", err, name)
		})
	}
}

func TestLoadTrustedProxies(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{"KODERA_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,10.1.2.3/16"}))
	require.NoError(t, err)
	require.Equal(t, []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("10.1.0.0/16"),
	}, c.TrustedProxies)
	_, err = Load(env(map[string]string{"KODERA_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"}))
	require.ErrorContains(t, err, "KODERA_TRUSTED_PROXIES")
}

func TestLoadStorageRedirect(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	require.NoError(t, err)
	require.False(t, c.Storage.Redirect, "off by default")
	c, err = Load(env(map[string]string{"STORAGE_URL": "http://minio:9000", "STORAGE_AK": "a", "STORAGE_SK": "b", "KODERA_STORAGE_REDIRECT": "true"}))
	require.NoError(t, err)
	require.True(t, c.Storage.Redirect)
	_, err = Load(env(map[string]string{"KODERA_STORAGE_REDIRECT": "true"}))
	require.ErrorContains(t, err, "KODERA_STORAGE_REDIRECT", "the filesystem store cannot presign")
	_, err = Load(env(map[string]string{"KODERA_STORAGE_REDIRECT": "yes please"}))
	require.ErrorContains(t, err, "KODERA_STORAGE_REDIRECT")
}

func TestLoadPooler(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		"DB_HOST": "pgbouncer", "DB_PORT": "6432", "DB_DATABASE": "k", "DB_USERNAME": "u", "DB_PASSWORD": "p",
		"KODERA_DB_QUERY_EXEC_MODE": "exec", "KODERA_DB_DIRECT_HOST": "postgres",
	}))
	require.NoError(t, err)
	require.Equal(t, "postgres://u:p@pgbouncer:6432/k?default_query_exec_mode=exec&sslmode=disable", c.DB.URL())
	require.Equal(t, "postgres://u:p@postgres:6432/k?sslmode=disable", c.DB.DirectURL(),
		"the direct URL keeps pgx's default mode; the port defaults to DB_PORT")

	c, err = Load(env(map[string]string{"KODERA_DB_DIRECT_PORT": "5432", "DB_PORT": "6432"}))
	require.NoError(t, err)
	require.Equal(t, "postgres://postgres:@127.0.0.1:5432/kodera?sslmode=disable", c.DB.DirectURL())

	c, err = Load(env(nil))
	require.NoError(t, err)
	require.Equal(t, c.DB.URL(), c.DB.DirectURL(), "no direct address: one URL")

	_, err = Load(env(map[string]string{"KODERA_DB_QUERY_EXEC_MODE": "prepared"}))
	require.ErrorContains(t, err, "KODERA_DB_QUERY_EXEC_MODE")
}

func TestLoadLicensePublicKey(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	require.NoError(t, err)
	require.Nil(t, c.LicensePublicKey, "the built-in vendor key is the default")
	c, err = Load(env(map[string]string{"KODERA_LICENSE_PUBLIC_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}))
	require.NoError(t, err)
	require.Len(t, c.LicensePublicKey, 32)
	_, err = Load(env(map[string]string{"KODERA_LICENSE_PUBLIC_KEY": "c2hvcnQ="}))
	require.ErrorContains(t, err, "KODERA_LICENSE_PUBLIC_KEY")
}

func TestLoadLDAP(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		"KODERA_LDAP_URL": "ldap://ldap.example.com:389", "KODERA_LDAP_START_TLS": "true",
		"KODERA_LDAP_BIND_DN": "cn=svc,dc=example,dc=com", "KODERA_LDAP_BIND_PASSWORD": "pw",
		"KODERA_LDAP_USER_BASE_DN": "ou=people,dc=example,dc=com", "KODERA_LDAP_ADMIN_GROUP_DN": "cn=admins,dc=example,dc=com",
	}))
	require.NoError(t, err)
	require.True(t, c.LDAP.Enabled())
	require.True(t, c.LDAP.StartTLS)
	require.Equal(t, "(uid={username})", c.LDAP.UserFilter)
	require.Equal(t, "mail", c.LDAP.EmailAttribute)
	require.Equal(t, "cn", c.LDAP.NameAttribute)
	require.Equal(t, 5*time.Second, c.LDAP.Timeout)
	require.Equal(t, 15*time.Minute, c.LDAP.SyncInterval)

	off, err := Load(env(nil))
	require.NoError(t, err)
	require.False(t, off.LDAP.Enabled(), "LDAP is off without a URL")
}

func TestLoadLDAPErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"scheme":         {map[string]string{"KODERA_LDAP_URL": "http://x", "KODERA_LDAP_USER_BASE_DN": "dc=x"}, "KODERA_LDAP_URL"},
		"no base":        {map[string]string{"KODERA_LDAP_URL": "ldap://x"}, "KODERA_LDAP_USER_BASE_DN"},
		"no url":         {map[string]string{"KODERA_LDAP_USER_BASE_DN": "dc=x"}, "KODERA_LDAP_USER_BASE_DN needs KODERA_LDAP_URL"},
		"filter":         {map[string]string{"KODERA_LDAP_URL": "ldap://x", "KODERA_LDAP_USER_BASE_DN": "dc=x", "KODERA_LDAP_USER_FILTER": "(uid=*)"}, "KODERA_LDAP_USER_FILTER"},
		"unbalanced":     {map[string]string{"KODERA_LDAP_URL": "ldap://x", "KODERA_LDAP_USER_BASE_DN": "dc=x", "KODERA_LDAP_USER_FILTER": "(uid={username}"}, "KODERA_LDAP_USER_FILTER"},
		"bind pair":      {map[string]string{"KODERA_LDAP_URL": "ldap://x", "KODERA_LDAP_USER_BASE_DN": "dc=x", "KODERA_LDAP_BIND_DN": "cn=a"}, "KODERA_LDAP_BIND_PASSWORD"},
		"starttls ldaps": {map[string]string{"KODERA_LDAP_URL": "ldaps://x", "KODERA_LDAP_USER_BASE_DN": "dc=x", "KODERA_LDAP_START_TLS": "true"}, "KODERA_LDAP_START_TLS"},
		"timeout":        {map[string]string{"KODERA_LDAP_URL": "ldap://x", "KODERA_LDAP_USER_BASE_DN": "dc=x", "KODERA_LDAP_TIMEOUT": "soon"}, "KODERA_LDAP_TIMEOUT"},
	} {
		_, err := Load(env(tc.env))
		require.Error(t, err, name)
		require.Contains(t, err.Error(), tc.want, name)
	}
}

func TestLoadGC(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	require.NoError(t, err)
	require.Equal(t, 6*time.Hour, c.GCInterval)
	require.Equal(t, 24*time.Hour, c.GCGrace)
	c, err = Load(env(map[string]string{"KODERA_GC_INTERVAL": "0", "KODERA_GC_GRACE": "90m"}))
	require.NoError(t, err)
	require.Zero(t, c.GCInterval, "0 turns the background job off")
	require.Equal(t, 90*time.Minute, c.GCGrace)
	_, err = Load(env(map[string]string{"KODERA_GC_INTERVAL": "often"}))
	require.ErrorContains(t, err, "KODERA_GC_INTERVAL")
}
