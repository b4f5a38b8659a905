// Package ldaptest starts a real OpenLDAP server (slapd from Debian's
// slapd package) on a loopback port for one test, with a test suffix, a
// service account, people and an admin group (groupOfNames). A missing
// slapd fails the test with the command that installs it; it never skips.
package ldaptest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/require"
)

// The directory's names.
const (
	Suffix       = "dc=kodera,dc=test"
	RootDN       = "cn=root," + Suffix
	RootPassword = "root-secret"
	BindDN       = "cn=svc," + Suffix
	BindPassword = "svc-secret"
	PeopleDN     = "ou=people," + Suffix
	AdminGroupDN = "cn=kodera-admins,ou=groups," + Suffix
)

const slapdPath = "/usr/sbin/slapd"

// Server is a running slapd.
type Server struct {
	URL  string
	dir  string
	port int
	cmd  *exec.Cmd
	t    testing.TB
}

// Start runs slapd for the test and seeds the base entries; it is stopped
// when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	if _, err := os.Stat(slapdPath); err != nil {
		t.Fatalf("slapd is not installed (%v): run `apt-get install -y slapd ldap-utils` (or bash scripts/test-deps.sh)", err)
	}
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "db"), 0o700))
	conf := fmt.Sprintf(`include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile %[1]s/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 16777216
suffix "%[2]s"
rootdn "%[3]s"
rootpw %[4]s
directory %[1]s/db
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
`, dir, Suffix, RootDN, RootPassword)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "slapd.conf"), []byte(conf), 0o600))
	s := &Server{dir: dir, port: freePort(t), t: t}
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", s.port)
	s.Start()
	t.Cleanup(s.Stop)

	c := s.Root()
	defer c.Close()
	add(t, c, Suffix, map[string][]string{"objectClass": {"dcObject", "organization"}, "dc": {"kodera"}, "o": {"Kodera test"}})
	add(t, c, PeopleDN, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"people"}})
	add(t, c, "ou=groups,"+Suffix, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"groups"}})
	add(t, c, BindDN, map[string][]string{"objectClass": {"person", "simpleSecurityObject"}, "cn": {"svc"}, "sn": {"svc"}, "userPassword": {BindPassword}})
	// groupOfNames needs a member; the service account is no user.
	add(t, c, AdminGroupDN, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"kodera-admins"}, "member": {BindDN}})
	return s
}

// Start (re)starts slapd in the foreground (-d 0) on the same port and
// database, and waits until it accepts connections.
func (s *Server) Start() {
	t := s.t
	t.Helper()
	cmd := exec.Command(slapdPath, "-d", "0", "-f", filepath.Join(s.dir, "slapd.conf"), "-h", s.URL+"/")
	out, err := os.Create(filepath.Join(s.dir, "slapd.log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	s.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := goldap.DialURL(s.URL)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "slapd.log"))
			t.Fatalf("slapd did not start on %s: %v\n%s", s.URL, err, log)
		}
		time.Sleep(20 * time.Millisecond) // polling a port that is not open yet
	}
}

// Stop ends slapd (a directory outage, or the end of the test).
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Root connects bound as the root DN.
func (s *Server) Root() *goldap.Conn {
	s.t.Helper()
	c, err := goldap.DialURL(s.URL)
	require.NoError(s.t, err)
	require.NoError(s.t, c.Bind(RootDN, RootPassword))
	return c
}

// UserDN is the DN of uid.
func UserDN(uid string) string { return "uid=" + goldap.EscapeDN(uid) + "," + PeopleDN }

// AddUser adds an inetOrgPerson under ou=people.
func (s *Server) AddUser(uid, cn, mail, password string) {
	s.t.Helper()
	c := s.Root()
	defer c.Close()
	attrs := map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {uid}, "cn": {cn}, "sn": {cn}, "userPassword": {password}}
	if mail != "" {
		attrs["mail"] = []string{mail}
	}
	add(s.t, c, UserDN(uid), attrs)
}

// DeleteUser removes a user (and its admin group membership).
func (s *Server) DeleteUser(uid string) {
	s.t.Helper()
	c := s.Root()
	defer c.Close()
	require.NoError(s.t, c.Del(goldap.NewDelRequest(UserDN(uid), nil)))
}

// SetAdmin adds uid to the admin group or removes it.
func (s *Server) SetAdmin(uid string, admin bool) {
	s.t.Helper()
	c := s.Root()
	defer c.Close()
	m := goldap.NewModifyRequest(AdminGroupDN, nil)
	if admin {
		m.Add("member", []string{UserDN(uid)})
	} else {
		m.Delete("member", []string{UserDN(uid)})
	}
	require.NoError(s.t, c.Modify(m))
}

// Env is the KODERA_LDAP_* environment of a node signing in against s.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"KODERA_LDAP_URL": s.URL, "KODERA_LDAP_BIND_DN": BindDN, "KODERA_LDAP_BIND_PASSWORD": BindPassword,
		"KODERA_LDAP_USER_BASE_DN": PeopleDN, "KODERA_LDAP_ADMIN_GROUP_DN": AdminGroupDN, "KODERA_LDAP_TIMEOUT": "2s",
	}
}

func add(t testing.TB, c *goldap.Conn, dn string, attrs map[string][]string) {
	t.Helper()
	r := goldap.NewAddRequest(dn, nil)
	for k, v := range attrs {
		r.Attribute(k, v)
	}
	require.NoError(t, c.Add(r), "add %s", dn)
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	_, p, _ := net.SplitHostPort(l.Addr().String())
	n, _ := strconv.Atoi(p)
	return n
}
