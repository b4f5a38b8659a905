package apptest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/kodera-packages/kodera/internal/license"
)

// licenseSigner is the tests' vendor key pair, derived from a fixed seed:
// every node Start runs trusts its public key (KODERA_LICENSE_PUBLIC_KEY),
// never the real vendor's, so tests can issue any license they need.
var licenseSigner = func() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("kodera apptest license vendor key"))
	return ed25519.NewKeyFromSeed(seed[:])
}()

// LicensePublicKey is the tests' vendor public key in the
// KODERA_LICENSE_PUBLIC_KEY form.
var LicensePublicKey = base64.StdEncoding.EncodeToString(licenseSigner.Public().(ed25519.PublicKey))

// LicenseKey issues a key for test nodes, signed like `kodera license sign`.
func LicenseKey(id string, maxUsers int, expiresAt time.Time) string {
	p, err := json.Marshal(license.Payload{
		ID: id, Licensee: "Kodera tests", IssuedAt: expiresAt.Add(-365 * 24 * time.Hour).UTC(), ExpiresAt: expiresAt.UTC(),
		MaxUsers: maxUsers, Features: []string{},
	})
	if err != nil {
		panic(err)
	}
	key, err := license.Sign(p, licenseSigner)
	if err != nil {
		panic(err)
	}
	return key
}
