package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kodera-packages/kodera/internal/license"
)

const licenseUsage = `usage: kodera license sign --private-key <file>

Reads the payload JSON on stdin and prints the license key:

  {"id": "...", "licensee": "...", "issuedAt": "2026-01-01T00:00:00Z",
   "expiresAt": "2027-01-01T00:00:00Z", "maxUsers": 50, "features": []}

The private key is an Ed25519 PKCS#8 PEM file, as
  openssl genpkey -algorithm ed25519 -out vendor.pem
writes it; the matching KODERA_LICENSE_PUBLIC_KEY is
  openssl pkey -in vendor.pem -pubout -outform DER | tail -c 32 | base64
`

// maxPayload bounds the payload read from stdin: a payload is a few hundred bytes.
const maxPayload = 64 << 10

// runLicense is the vendor's signing tool (and the tests'): it needs no
// configuration and no database.
func runLicense(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprint(stdout, licenseUsage)
		return nil
	}
	if args[0] != "sign" {
		return fmt.Errorf("unknown command %q\n%s", "license "+args[0], licenseUsage)
	}
	var keyFile string
	if len(args) == 3 && args[1] == "--private-key" {
		keyFile = args[2]
	} else if f, ok := strings.CutPrefix(strings.Join(args[1:], " "), "--private-key="); ok && len(args) == 2 {
		keyFile = f
	}
	if keyFile == "" {
		return fmt.Errorf("kodera license sign: want --private-key <file>\n%s", licenseUsage)
	}
	pemBytes, err := os.ReadFile(keyFile)
	if err != nil {
		return fmt.Errorf("kodera license sign: %w", err)
	}
	priv, err := license.ParsePrivateKeyPEM(pemBytes)
	if err != nil {
		return fmt.Errorf("kodera license sign: %s: %w", keyFile, err)
	}
	if stdin == nil {
		return errors.New("kodera license sign: the payload is read from stdin, which is not available")
	}
	payload, err := io.ReadAll(io.LimitReader(stdin, maxPayload+1))
	if err != nil {
		return fmt.Errorf("kodera license sign: reading stdin: %w", err)
	}
	if len(payload) > maxPayload {
		return fmt.Errorf("kodera license sign: the payload is larger than %d bytes", maxPayload)
	}
	key, err := license.Sign(payload, priv)
	if err != nil {
		return fmt.Errorf("kodera license sign: %w", err)
	}
	_, err = fmt.Fprintln(stdout, key)
	return err
}
