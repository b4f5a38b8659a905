package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's minimum (19 MiB, t=2, p=1) keeps a login
// around 20 ms on two cores while defeating GPU guessing.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// MinPasswordLength is the shortest password accepted for local accounts.
const MinPasswordLength = 8

// HashPassword returns an argon2id PHC string for password. It waits for
// a slot of the process's bound on concurrent Argon2id work (only callers
// that already authenticated get here, so it queues rather than refuses).
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	passwordGate.slots <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	<-passwordGate.slots
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// dummyHash is verified against when the account does not exist, so a wrong
// username costs the same time as a wrong password.
var dummyHash, _ = HashPassword("kodera-no-such-user")

// CheckPassword reports whether password matches the PHC hash, in constant
// time. It does not wait for the bound on concurrent checks: request paths
// go through Authenticator.Password, which does.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err := errors.Join(err1, err2); err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// TokenPrefix marks Kodera secrets so scanners and people recognise them.
const TokenPrefix = "kp_"

// NewSecret returns a fresh random secret (32 bytes, base64url) with prefix,
// its display prefix (first characters, safe to list) and its stored hash.
func NewSecret(prefix string) (secret, display string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", nil, err
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, secret[:len(prefix)+6], HashSecret(secret), nil
}

// HashSecret is how tokens and session ids are stored: they carry 256 bits
// of entropy, so a plain SHA-256 is enough and lookups stay indexable.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// IsToken reports whether a presented secret looks like a Kodera token.
func IsToken(s string) bool { return strings.HasPrefix(s, TokenPrefix) }
