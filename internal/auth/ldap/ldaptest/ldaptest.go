// Package ldaptest starts a real OpenLDAP server (slapd from Debian's
// slapd package) on a loopback port for one test, with a test suffix, a
// service account, people and an admin group (groupOfNames). A missing
// slapd fails the test with the command that installs it; it never skips.
package ldaptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/require"
)

// The directory's names.
const (
	Suffix       = "dc=kodera,dc=test"
	RootDN       = "cn=root," + Suffix
	BindDN       = "cn=svc," + Suffix
	BindPassword = "svc-secret"
	PeopleDN     = "ou=people," + Suffix
	AdminGroupDN = "cn=kodera-admins,ou=groups," + Suffix
)

const slapdPath = "/usr/sbin/slapd"

// rootPWMark stands for the server's random root password in the
// configuration template.
const rootPWMark = "@ROOTPW@"

// Server is a running slapd.
type Server struct {
	URL string // ldap://127.0.0.1:port
	// LDAPSURL (ldaps://) and CAFile (the PEM of the CA that signed the
	// server's certificate for 127.0.0.1) are set by StartWithTLS, whose
	// URL also offers StartTLS.
	LDAPSURL, CAFile string
	dir              string
	rootPW           string // random: a root bind proves the server is this one
	cmd              *exec.Cmd
	exited           chan error
	t                testing.TB
}

// Start runs slapd for the test and seeds the base entries; it is stopped
// when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartWithTLS is Start with a certificate from a CA of its own: ldaps://
// on a second port and StartTLS on the ldap:// one.
func StartWithTLS(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, withTLS bool) *Server {
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
`, dir, Suffix, RootDN, rootPWMark)
	s := &Server{dir: dir, t: t, rootPW: rand.Text()}
	conf = strings.Replace(conf, "rootpw "+rootPWMark, "rootpw "+s.rootPW, 1)
	if withTLS {
		s.CAFile = writeCerts(t, dir)
		conf = fmt.Sprintf("TLSCACertificateFile %[1]s/ca.pem\nTLSCertificateFile %[1]s/server.pem\nTLSCertificateKeyFile %[1]s/server.key\n", dir) + conf
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "slapd.conf"), []byte(conf), 0o600))
	// A free port may be taken by another test's server between the probe
	// and slapd's bind; slapd then exits, and another pair is tried.
	for attempt := 0; ; attempt++ {
		s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", freePort(t))
		if withTLS {
			s.LDAPSURL = fmt.Sprintf("ldaps://127.0.0.1:%d", freePort(t))
		}
		if s.launch() {
			break
		}
		if attempt == 4 {
			log, _ := os.ReadFile(filepath.Join(s.dir, "slapd.log"))
			t.Fatalf("slapd did not start on a free port after 5 attempts:\n%s", log)
		}
	}
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

// Start restarts slapd, after Stop, on the same ports and database.
func (s *Server) Start() {
	s.t.Helper()
	if !s.launch() {
		log, _ := os.ReadFile(filepath.Join(s.dir, "slapd.log"))
		s.t.Fatalf("slapd did not restart on %s:\n%s", s.URL, log)
	}
}

// launch runs slapd in the foreground (-d 0) and reports whether it
// serves this directory (a root bind with its password succeeds) rather
// than exiting, as it does when its port is taken.
func (s *Server) launch() bool {
	t := s.t
	t.Helper()
	urls := s.URL + "/"
	if s.LDAPSURL != "" {
		urls += " " + s.LDAPSURL + "/"
	}
	cmd := exec.Command(slapdPath, "-d", "0", "-f", filepath.Join(s.dir, "slapd.conf"), "-h", urls)
	out, err := os.Create(filepath.Join(s.dir, "slapd.log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); out.Close() }()
	s.cmd, s.exited = cmd, exited
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-exited:
			s.cmd = nil
			return false
		default:
		}
		if c, err := goldap.DialURL(s.URL); err == nil {
			err = c.Bind(RootDN, s.rootPW)
			c.Close()
			if err == nil {
				return true
			}
		}
		if time.Now().After(deadline) {
			s.Stop()
			log, _ := os.ReadFile(filepath.Join(s.dir, "slapd.log"))
			t.Fatalf("slapd did not start on %s:\n%s", s.URL, log)
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
	<-s.exited
	s.cmd = nil
}

// Root connects bound as the root DN.
func (s *Server) Root() *goldap.Conn {
	s.t.Helper()
	c, err := goldap.DialURL(s.URL)
	require.NoError(s.t, err)
	require.NoError(s.t, c.Bind(RootDN, s.rootPW))
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

// writeCerts writes a CA and a server certificate for 127.0.0.1 signed by
// it into dir, and returns the CA's file.
func writeCerts(t testing.TB, dir string) string {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kodera test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	write := func(name, typ string, b []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600))
	}
	write("ca.pem", "CERTIFICATE", caDER)
	write("server.pem", "CERTIFICATE", der)
	write("server.key", "PRIVATE KEY", keyDER)
	return filepath.Join(dir, "ca.pem")
}
