// Package license verifies, activates and reports license keys, offline.
//
// A key is text pasted unchanged: base64url(payload JSON) "." base64url(sig),
// where sig is the Ed25519 signature (RFC 8032) of the payload JSON bytes
// themselves (not of their base64 form) and base64url is RFC 4648 §5 without
// padding (padding and whitespace inside a pasted key are tolerated). The
// payload's fields are id, licensee, issuedAt and expiresAt (RFC 3339),
// maxUsers and features (an array of strings). Keys are checked against the
// vendor public key built into the binary, or the one KODERA_LICENSE_PUBLIC_KEY
// gives (standard base64 of the raw 32-byte key); the vendor signs with an
// Ed25519 PKCS#8 PEM private key (RFC 8410), as `openssl genpkey -algorithm
// ed25519` writes it, through `kodera license sign`. So any tool that speaks
// these standards can make or check a key.
//
// Without a valid, unexpired key the instance runs in evaluation mode: every
// feature works and at most EvaluationMaxUsers accounts are enabled. The key
// in force is stored in Postgres (the settings table), so every node sees the
// same one; it is verified again on every read, so a node whose public key
// differs never trusts a key it could not have accepted.
package license

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kodera-packages/kodera/internal/domain"
)

// VendorPublicKey is the vendor's Ed25519 public key (standard base64 of the
// raw 32 bytes), used when KODERA_LICENSE_PUBLIC_KEY is not set.
const VendorPublicKey = "B/tEvW6up3YRAuFSDBdJ844/goshpBrVgA7vXIali/s="

// EvaluationMaxUsers is the user limit without an active license.
const EvaluationMaxUsers = 5

// ExpiringWithin is how long before its expiry a license shows a warning.
const ExpiringWithin = 30 * 24 * time.Hour

// The states of the license in force, as the API names them.
const (
	StatusEvaluation = "evaluation"
	StatusActive     = "active"
	StatusExpiring   = "expiring"
	StatusExpired    = "expired"
)

// Payload is what a key says, in the JSON shape the vendor signs.
type Payload struct {
	ID        string    `json:"id"`
	Licensee  string    `json:"licensee"`
	IssuedAt  time.Time `json:"issuedAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	MaxUsers  int       `json:"maxUsers"`
	Features  []string  `json:"features"`
}

func (p Payload) validate() error {
	var errs []error
	if strings.TrimSpace(p.ID) == "" {
		errs = append(errs, errors.New("id is missing"))
	}
	if strings.TrimSpace(p.Licensee) == "" {
		errs = append(errs, errors.New("licensee is missing"))
	}
	if p.IssuedAt.IsZero() {
		errs = append(errs, errors.New("issuedAt is missing"))
	}
	if p.ExpiresAt.IsZero() {
		errs = append(errs, errors.New("expiresAt is missing"))
	} else if !p.ExpiresAt.After(p.IssuedAt) {
		errs = append(errs, errors.New("expiresAt is not after issuedAt"))
	}
	if p.MaxUsers < 1 {
		errs = append(errs, errors.New("maxUsers must be at least 1"))
	}
	if p.Features == nil {
		errs = append(errs, errors.New("features is missing (use [] for none)"))
	}
	return errors.Join(errs...)
}

// Status is the state of payload p at now; nil is evaluation mode.
func Status(p *Payload, now time.Time) string {
	switch {
	case p == nil:
		return StatusEvaluation
	case !now.Before(p.ExpiresAt):
		return StatusExpired
	case p.ExpiresAt.Sub(now) <= ExpiringWithin:
		return StatusExpiring
	default:
		return StatusActive
	}
}

// MaxUsers is the user limit in a state: the license's while it runs, the
// evaluation limit before and after.
func MaxUsers(p *Payload, status string) int {
	if p != nil && (status == StatusActive || status == StatusExpiring) {
		return p.MaxUsers
	}
	return EvaluationMaxUsers
}

// ParsePublicKey decodes a public key in the KODERA_LICENSE_PUBLIC_KEY form.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(k) != ed25519.PublicKeySize {
		return nil, errors.New("want the standard base64 of a raw 32-byte Ed25519 public key")
	}
	return ed25519.PublicKey(k), nil
}

// ParsePrivateKeyPEM reads an Ed25519 PKCS#8 PEM private key (RFC 8410).
func ParsePrivateKeyPEM(b []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PKCS#8 PEM private key (want -----BEGIN PRIVATE KEY-----, as openssl genpkey -algorithm ed25519 writes)")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("PKCS#8 private key: %w", err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the private key is a %T, want Ed25519", k)
	}
	return ek, nil
}

// Sign makes a key of a payload JSON document. The payload is checked
// strictly (unknown fields are refused, so a misspelt field is not silently
// dropped) and signed in its compact form.
func Sign(payloadJSON []byte, priv ed25519.PrivateKey) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(payloadJSON))
	dec.DisallowUnknownFields()
	var p Payload
	if err := dec.Decode(&p); err != nil {
		return "", fmt.Errorf("payload: %w", err)
	}
	if dec.More() {
		return "", errors.New("payload: one JSON object expected")
	}
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("payload: %w", err)
	}
	msg, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(msg) + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(priv, msg)), nil
}

// Verify checks a key's form and signature and returns its payload; expiry
// is the caller's business (an expired key is still genuine). Errors wrap
// domain.ErrInvalid and say what is wrong.
func Verify(key string, pub ed25519.PublicKey) (Payload, error) {
	key = strings.Join(strings.Fields(key), "")
	if key == "" {
		return Payload{}, domain.Errorf(domain.ErrInvalid, "the license key is empty")
	}
	body, sig, ok := strings.Cut(key, ".")
	if !ok || strings.Contains(sig, ".") {
		return Payload{}, domain.Errorf(domain.ErrInvalid, "the license key is malformed: want two base64url parts separated by one '.'")
	}
	msg, err1 := base64.RawURLEncoding.DecodeString(strings.TrimRight(body, "="))
	rawSig, err2 := base64.RawURLEncoding.DecodeString(strings.TrimRight(sig, "="))
	if err1 != nil || err2 != nil {
		return Payload{}, domain.Errorf(domain.ErrInvalid, "the license key is malformed: not base64url")
	}
	if len(rawSig) != ed25519.SignatureSize || !ed25519.Verify(pub, msg, rawSig) {
		return Payload{}, domain.Errorf(domain.ErrInvalid, "the license key's signature is not valid: it was altered or not issued for this product")
	}
	// Lenient about unknown fields: a newer vendor tool may add some.
	var p Payload
	if err := json.Unmarshal(msg, &p); err != nil {
		return Payload{}, domain.Errorf(domain.ErrInvalid, "the license key's payload is not valid JSON: %v", err)
	}
	if err := p.validate(); err != nil {
		return Payload{}, domain.Errorf(domain.ErrInvalid, "the license key's payload is incomplete: %v", err)
	}
	return p, nil
}
