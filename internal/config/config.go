// Package config reads the process environment once into a typed Config.
//
// The variable names are the product's .env contract (DB_*, STORAGE_*,
// ELASTICSEARCH_*, KODERA_ADMIN_*) plus KODERA_* for everything else. A
// missing or malformed value is reported with the variable's name so the
// operator sees exactly which line of .env to fix.
package config

import (
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the whole runtime configuration of a node.
type Config struct {
	Listen    string // KODERA_LISTEN, host:port
	DataDir   string // KODERA_DATA_DIR, filesystem store and local state for `task run`
	BaseURL   string // KODERA_BASE_URL, external URL without trailing slash; empty = derive from request
	LogFormat string // KODERA_LOG_FORMAT: text or json
	LogLevel  slog.Level

	DB      DB
	Storage Storage
	Search  Search

	AdminUsername string // KODERA_ADMIN_USERNAME
	AdminPassword string // KODERA_ADMIN_PASSWORD

	// MaxUploadBytes bounds a single uploaded file or blob (KODERA_MAX_UPLOAD_BYTES).
	MaxUploadBytes int64
	// PyPIMaxUploadBytes bounds one Python distribution file
	// (KODERA_PYPI_MAX_UPLOAD_BYTES, default 1G; the lower of it and
	// MaxUploadBytes applies): a wheel is never the size of an image layer.
	PyPIMaxUploadBytes int64
	// ShutdownTimeout is how long SIGTERM waits for in-flight requests.
	ShutdownTimeout time.Duration
	// TrustedProxies are the load balancers whose X-Forwarded-For is
	// believed (KODERA_TRUSTED_PROXIES: comma-separated IPs or CIDRs). The
	// client address feeds the audit trail and the per-address login
	// limits, which would otherwise count every user behind a proxy as one.
	TrustedProxies []netip.Prefix
	// BodyIdleTimeout ends a request whose body sends nothing for this
	// long (KODERA_BODY_IDLE_TIMEOUT, default 60s, 0 = never): a slow
	// client keeps going as long as bytes arrive, a stalled one does not
	// hold a connection and an upload session forever.
	BodyIdleTimeout time.Duration
	// ReadHeaderTimeout bounds how long a client may take to send a
	// request's headers (KODERA_READ_HEADER_TIMEOUT, default 10s): a
	// client trickling them a byte at a time (slowloris) would otherwise
	// hold a connection and its goroutine for as long as it likes.
	ReadHeaderTimeout time.Duration
	// MaxHeaderBytes bounds a request's headers (KODERA_MAX_HEADER_BYTES,
	// default 64K); larger ones get 431.
	MaxHeaderBytes int64
	// RateLimit throttles requests per node (KODERA_RATE_LIMIT_*); the
	// zero value throttles nothing.
	RateLimit RateLimit
	// LicensePublicKey verifies license keys instead of the vendor key built
	// into the binary (KODERA_LICENSE_PUBLIC_KEY: standard base64 of the raw
	// 32-byte Ed25519 public key); nil keeps the built-in one.
	LicensePublicKey []byte

	// LDAP is the optional directory whose users sign in beside the local
	// accounts (KODERA_LDAP_*); off when URL is empty.
	LDAP LDAP
	// GCInterval is how often a node tries to collect unreferenced blobs
	// (KODERA_GC_INTERVAL, default 6h, 0 = never); one node at a time runs.
	GCInterval time.Duration
	// SweepInterval is how often a node tries to sweep what dead uploads
	// and crashed writes left (KODERA_SWEEP_INTERVAL, default 1h); one
	// node at a time runs.
	SweepInterval time.Duration
	// GCGrace is how old an unreferenced blob must be to be collected
	// (KODERA_GC_GRACE, default 24h).
	GCGrace time.Duration
}

// RateLimit is a node's request budget, a token bucket per key refilled
// at a steady rate. Off by default: CI fleets pulling in parallel must not
// be throttled by a setting nobody chose. Each node counts on its own, so
// the cluster-wide budget is the per-node one times the nodes behind the
// load balancer. Login failures have their own budget, shared by every
// node through PostgreSQL (auth.LoginLimits).
type RateLimit struct {
	// PerAddress is the sustained requests per second one client address
	// may make (KODERA_RATE_LIMIT_ADDRESS, 0 = unlimited). Behind a proxy
	// the address comes from X-Forwarded-For (KODERA_TRUSTED_PROXIES).
	PerAddress float64
	// PerCredential is the sustained requests per second one credential
	// may make (KODERA_RATE_LIMIT_CREDENTIAL, 0 = unlimited): a password
	// or token in Authorization, or a UI session; a user's CI runners
	// sharing one token share its budget wherever they run.
	PerCredential float64
	// Burst is how many requests a key may make at once above the rate
	// (KODERA_RATE_LIMIT_BURST, default ten seconds' worth).
	Burst int
}

// LDAP configures sign-in against an LDAP directory: the user is looked up
// with the service bind, then bound as with the password given.
type LDAP struct {
	URL      string // KODERA_LDAP_URL: ldap://host:389 or ldaps://host:636
	StartTLS bool   // KODERA_LDAP_START_TLS: upgrade an ldap:// connection
	// CAFile is a PEM bundle of the CAs that sign the directory's
	// certificate, added to the system roots (KODERA_LDAP_CA_FILE): a
	// directory's certificate is often from a private CA.
	CAFile         string
	BindDN         string // KODERA_LDAP_BIND_DN: the service account (empty: anonymous search)
	BindPassword   string // KODERA_LDAP_BIND_PASSWORD
	UserBaseDN     string // KODERA_LDAP_USER_BASE_DN: where users are searched (subtree)
	UserFilter     string // KODERA_LDAP_USER_FILTER, default (uid={username})
	EmailAttribute string // KODERA_LDAP_EMAIL_ATTRIBUTE, default mail
	NameAttribute  string // KODERA_LDAP_NAME_ATTRIBUTE, default cn
	AdminGroupDN   string // KODERA_LDAP_ADMIN_GROUP_DN: members are administrators
	// GroupFilter tests membership of the admin group, read at the group's
	// entry (KODERA_LDAP_GROUP_FILTER, default
	// (|(member={dn})(uniqueMember={dn})(memberUid={username}))).
	GroupFilter string
	// Timeout bounds every LDAP call: dial, bind, search
	// (KODERA_LDAP_TIMEOUT, default 5s).
	Timeout time.Duration
	// SyncInterval is how often one node disables the accounts the
	// directory no longer has (KODERA_LDAP_SYNC_INTERVAL, default 15m, 0 =
	// only at login).
	SyncInterval time.Duration
}

// Enabled reports whether LDAP sign-in is configured.
func (l LDAP) Enabled() bool { return l.URL != "" }

// DB locates PostgreSQL.
type DB struct {
	Host     string
	Port     int
	Database string
	Username string
	Password string
	SSLMode  string // KODERA_DB_SSLMODE, default disable
	MaxConns int32  // KODERA_DB_MAX_CONNS

	// QueryExecMode is pgx's default_query_exec_mode
	// (KODERA_DB_QUERY_EXEC_MODE): empty keeps pgx's cache_statement; exec
	// or simple_protocol keep no named prepared statement across
	// transactions, which a transaction-pooling PgBouncer needs (its next
	// transaction may run on another server session).
	QueryExecMode string
	// DirectHost and DirectPort reach PostgreSQL itself, bypassing a pooler
	// at Host:Port (KODERA_DB_DIRECT_HOST, KODERA_DB_DIRECT_PORT; default
	// Host and Port). Migrations connect there: goose holds a session-level
	// advisory lock, which transaction pooling cannot keep on one session.
	DirectHost string
	DirectPort int
}

// URL renders the connection string pgx understands.
func (d DB) URL() string {
	u := url.URL{
		Scheme: "postgres",
		User:   url.UserPassword(d.Username, d.Password),
		Host:   net.JoinHostPort(d.Host, strconv.Itoa(d.Port)),
		Path:   "/" + d.Database,
	}
	q := url.Values{}
	q.Set("sslmode", d.SSLMode)
	if d.MaxConns > 0 {
		q.Set("pool_max_conns", strconv.Itoa(int(d.MaxConns)))
	}
	if d.QueryExecMode != "" {
		q.Set("default_query_exec_mode", d.QueryExecMode)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// DirectURL is URL on DirectHost:DirectPort with pgx's default query mode:
// the connection for what needs one server session (migrations). It equals
// URL when no direct address is configured.
func (d DB) DirectURL() string {
	if d.DirectHost == "" && d.DirectPort == 0 {
		return d.URL()
	}
	direct := d
	direct.Host, direct.Port = cmp.Or(d.DirectHost, d.Host), cmp.Or(d.DirectPort, d.Port)
	direct.QueryExecMode = ""
	return direct.URL()
}

// Storage selects the blob store: S3 when URL is set, else the filesystem.
type Storage struct {
	URL       string // STORAGE_URL, e.g. http://minio:9000
	Bucket    string // STORAGE_BUCKET
	AccessKey string // STORAGE_AK
	SecretKey string // STORAGE_SK
	Region    string // KODERA_STORAGE_REGION
	// Redirect answers downloads with a redirect to a short-lived presigned
	// S3 URL instead of streaming them through the node
	// (KODERA_STORAGE_REDIRECT, default false). Clients then fetch from
	// STORAGE_URL directly, so turn it on only when that address is the one
	// clients can reach (not an internal name behind a proxy).
	Redirect bool
}

// Search selects the index: Elasticsearch when URL is set, else Postgres.
type Search struct {
	URL      string // ELASTICSEARCH_URL
	Username string // ELASTICSEARCH_USERNAME
	Password string // ELASTICSEARCH_PASSWORD
}

// Load parses the environment through getenv. Every problem is reported,
// each naming its variable.
func Load(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		Listen:    p.str("KODERA_LISTEN", ":8080"),
		DataDir:   p.str("KODERA_DATA_DIR", "./data"),
		BaseURL:   strings.TrimRight(p.str("KODERA_BASE_URL", ""), "/"),
		LogFormat: p.oneOf("KODERA_LOG_FORMAT", "text", "text", "json"),
		DB: DB{
			Host:          p.str("DB_HOST", "127.0.0.1"),
			Port:          p.port("DB_PORT", 5432),
			Database:      p.str("DB_DATABASE", "kodera"),
			Username:      p.str("DB_USERNAME", "postgres"),
			Password:      p.str("DB_PASSWORD", ""),
			SSLMode:       p.oneOf("KODERA_DB_SSLMODE", "disable", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
			MaxConns:      int32(p.intRange("KODERA_DB_MAX_CONNS", 0, 0, 1000)),
			QueryExecMode: p.oneOf("KODERA_DB_QUERY_EXEC_MODE", "", "", "cache_statement", "cache_describe", "describe_exec", "exec", "simple_protocol"),
			DirectHost:    p.str("KODERA_DB_DIRECT_HOST", ""),
			DirectPort:    p.intRange("KODERA_DB_DIRECT_PORT", 0, 0, 65535),
		},
		Storage: Storage{
			URL:       p.str("STORAGE_URL", ""),
			Bucket:    p.str("STORAGE_BUCKET", "kodera"),
			AccessKey: p.str("STORAGE_AK", ""),
			SecretKey: p.str("STORAGE_SK", ""),
			Region:    p.str("KODERA_STORAGE_REGION", "us-east-1"),
			Redirect:  p.oneOf("KODERA_STORAGE_REDIRECT", "false", "false", "true") == "true",
		},
		Search: Search{
			URL:      p.str("ELASTICSEARCH_URL", ""),
			Username: p.str("ELASTICSEARCH_USERNAME", ""),
			Password: p.str("ELASTICSEARCH_PASSWORD", ""),
		},
		AdminUsername:      p.str("KODERA_ADMIN_USERNAME", ""),
		AdminPassword:      p.str("KODERA_ADMIN_PASSWORD", ""),
		MaxUploadBytes:     p.size("KODERA_MAX_UPLOAD_BYTES", 64<<30),
		PyPIMaxUploadBytes: p.size("KODERA_PYPI_MAX_UPLOAD_BYTES", 1<<30),
		ShutdownTimeout:    p.duration("KODERA_SHUTDOWN_TIMEOUT", 30*time.Second),
		BodyIdleTimeout:    p.duration("KODERA_BODY_IDLE_TIMEOUT", 60*time.Second),
		ReadHeaderTimeout:  p.duration("KODERA_READ_HEADER_TIMEOUT", 10*time.Second),
		MaxHeaderBytes:     p.size("KODERA_MAX_HEADER_BYTES", 64<<10),
		RateLimit: RateLimit{
			PerAddress:    p.rate("KODERA_RATE_LIMIT_ADDRESS"),
			PerCredential: p.rate("KODERA_RATE_LIMIT_CREDENTIAL"),
			Burst:         p.intRange("KODERA_RATE_LIMIT_BURST", 0, 0, 1_000_000),
		},
		GCInterval:    p.duration("KODERA_GC_INTERVAL", 6*time.Hour),
		GCGrace:       p.duration("KODERA_GC_GRACE", 24*time.Hour),
		SweepInterval: p.duration("KODERA_SWEEP_INTERVAL", time.Hour),
	}
	c.LDAP = LDAP{
		URL:            p.str("KODERA_LDAP_URL", ""),
		StartTLS:       p.oneOf("KODERA_LDAP_START_TLS", "false", "false", "true") == "true",
		CAFile:         p.str("KODERA_LDAP_CA_FILE", ""),
		BindDN:         p.str("KODERA_LDAP_BIND_DN", ""),
		BindPassword:   p.getenv("KODERA_LDAP_BIND_PASSWORD"),
		UserBaseDN:     p.str("KODERA_LDAP_USER_BASE_DN", ""),
		UserFilter:     p.str("KODERA_LDAP_USER_FILTER", "(uid={username})"),
		EmailAttribute: p.str("KODERA_LDAP_EMAIL_ATTRIBUTE", "mail"),
		NameAttribute:  p.str("KODERA_LDAP_NAME_ATTRIBUTE", "cn"),
		AdminGroupDN:   p.str("KODERA_LDAP_ADMIN_GROUP_DN", ""),
		GroupFilter:    p.str("KODERA_LDAP_GROUP_FILTER", "(|(member={dn})(uniqueMember={dn})(memberUid={username}))"),
		Timeout:        p.duration("KODERA_LDAP_TIMEOUT", 5*time.Second),
		SyncInterval:   p.duration("KODERA_LDAP_SYNC_INTERVAL", 15*time.Minute),
	}
	c.LogLevel = p.level("KODERA_LOG_LEVEL", slog.LevelInfo)
	c.TrustedProxies = p.prefixes("KODERA_TRUSTED_PROXIES")

	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.fail("KODERA_BASE_URL", "must be an absolute http(s) URL such as https://packages.example.com")
		}
	}
	if c.Storage.Redirect && c.Storage.URL == "" {
		p.fail("KODERA_STORAGE_REDIRECT", "needs an S3 store (STORAGE_URL): the filesystem store cannot presign")
	}
	if c.Storage.URL != "" {
		u, err := url.Parse(c.Storage.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.fail("STORAGE_URL", "must be an http(s) URL such as http://minio:9000")
		}
		if c.Storage.AccessKey == "" {
			p.fail("STORAGE_AK", "is required when STORAGE_URL is set")
		}
		if c.Storage.SecretKey == "" {
			p.fail("STORAGE_SK", "is required when STORAGE_URL is set")
		}
	}
	if c.Search.URL != "" {
		if u, err := url.Parse(c.Search.URL); err != nil || u.Host == "" {
			p.fail("ELASTICSEARCH_URL", "must be a URL such as http://elasticsearch:9200")
		}
	}
	if (c.AdminUsername == "") != (c.AdminPassword == "") {
		p.fail("KODERA_ADMIN_PASSWORD", "KODERA_ADMIN_USERNAME and KODERA_ADMIN_PASSWORD must be set together")
	}
	if v := p.str("KODERA_LICENSE_PUBLIC_KEY", ""); v != "" {
		if k, err := base64.StdEncoding.DecodeString(v); err != nil || len(k) != 32 {
			p.fail("KODERA_LICENSE_PUBLIC_KEY", "must be the standard base64 of a raw 32-byte Ed25519 public key")
		} else {
			c.LicensePublicKey = k
		}
	}
	p.ldap(c.LDAP)
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		p.fail("KODERA_LISTEN", "must be host:port such as :8080")
	}
	return c, errors.Join(p.errs...)
}

type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) fail(name, msg string) {
	p.errs = append(p.errs, fmt.Errorf("%s %s", name, msg))
}

func (p *parser) str(name, def string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return def
}

func (p *parser) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(p.str(name, def))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(name, fmt.Sprintf("is %q; want one of %s", v, strings.Join(allowed, ", ")))
	return def
}

func (p *parser) intRange(name string, def, lo, hi int) int {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p.fail(name, fmt.Sprintf("is %q; want an integer from %d to %d", v, lo, hi))
		return def
	}
	return n
}

// rate reads a non-negative number of requests per second; 0 is off.
func (p *parser) rate(name string) float64 {
	v := p.str(name, "")
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1e6 || f != f {
		p.fail(name, fmt.Sprintf("is %q; want requests per second, such as 50 or 0.5 (0 = unlimited)", v))
		return 0
	}
	return f
}

func (p *parser) port(name string, def int) int { return p.intRange(name, def, 1, 65535) }

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		p.fail(name, fmt.Sprintf("is %q; want a duration such as 30s", v))
		return def
	}
	return d
}

// size accepts a byte count with an optional K/M/G/T suffix (binary units).
func (p *parser) size(name string, def int64) int64 {
	v := strings.ToUpper(p.str(name, ""))
	if v == "" {
		return def
	}
	mult := int64(1)
	for i, s := range []string{"K", "M", "G", "T"} {
		if strings.HasSuffix(v, s) || strings.HasSuffix(v, s+"B") || strings.HasSuffix(v, s+"IB") {
			v = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(v, "IB"), "B"), s)
			mult = 1 << (10 * (i + 1))
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		p.fail(name, fmt.Sprintf("is %q; want a positive size such as 10G", p.getenv(name)))
		return def
	}
	return n * mult
}

// prefixes accepts comma-separated IP addresses and CIDR prefixes.
func (p *parser) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Split(p.str(name, ""), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if pr, err := netip.ParsePrefix(f); err == nil {
			out = append(out, pr.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			p.fail(name, fmt.Sprintf("entry %q is neither an IP address nor a CIDR prefix such as 10.0.0.0/8", f))
			continue
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out
}

func (p *parser) level(name string, def slog.Level) slog.Level {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		p.fail(name, fmt.Sprintf("is %q; want debug, info, warn or error", v))
		return def
	}
	return l
}

// ldap checks the LDAP settings together: they only mean something with a
// URL, and a filter without its placeholder would match every user.
func (p *parser) ldap(l LDAP) {
	if !l.Enabled() {
		for _, name := range []string{"KODERA_LDAP_BIND_DN", "KODERA_LDAP_USER_BASE_DN", "KODERA_LDAP_ADMIN_GROUP_DN", "KODERA_LDAP_CA_FILE"} {
			if p.str(name, "") != "" {
				p.fail(name, "needs KODERA_LDAP_URL")
			}
		}
		return
	}
	u, err := url.Parse(l.URL)
	if err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "" {
		p.fail("KODERA_LDAP_URL", "must be an ldap:// or ldaps:// URL such as ldap://ldap.example.com:389")
	} else if l.StartTLS && u.Scheme == "ldaps" {
		p.fail("KODERA_LDAP_START_TLS", "applies to ldap:// URLs only (ldaps:// is TLS already)")
	}
	if l.UserBaseDN == "" {
		p.fail("KODERA_LDAP_USER_BASE_DN", "is required when KODERA_LDAP_URL is set")
	}
	if (l.BindDN == "") != (l.BindPassword == "") {
		p.fail("KODERA_LDAP_BIND_PASSWORD", "KODERA_LDAP_BIND_DN and KODERA_LDAP_BIND_PASSWORD must be set together")
	}
	if !strings.Contains(l.UserFilter, "{username}") || !balancedFilter(l.UserFilter) {
		p.fail("KODERA_LDAP_USER_FILTER", fmt.Sprintf("is %q; want a parenthesised LDAP filter containing {username}, such as (uid={username})", l.UserFilter))
	}
	if !balancedFilter(l.GroupFilter) || !(strings.Contains(l.GroupFilter, "{dn}") || strings.Contains(l.GroupFilter, "{username}")) {
		p.fail("KODERA_LDAP_GROUP_FILTER", fmt.Sprintf("is %q; want a parenthesised LDAP filter containing {dn} or {username}, such as (member={dn})", l.GroupFilter))
	}
	if l.Timeout <= 0 {
		p.fail("KODERA_LDAP_TIMEOUT", "must be positive, such as 5s")
	}
}

// balancedFilter reports whether f is one parenthesised LDAP filter.
func balancedFilter(f string) bool {
	if !strings.HasPrefix(f, "(") || !strings.HasSuffix(f, ")") {
		return false
	}
	depth := 0
	for i, r := range f {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 || (depth == 0 && i != len(f)-1) {
				return false
			}
		}
	}
	return depth == 0
}
