package client

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/fielddesk/fielddesk"
)

// Trusting the newsroom's certificate. Every TLS connection is checked
// here, against what the account says: the public authorities (and the
// newsroom's own authority, if given), or a pinned certificate.

// trust is the verification in force; New sets it from the account, and
// LoginTrusting from what it is given.
type trust struct {
	mu    sync.Mutex
	roots *x509.CertPool // nil: the system's
	pin   string         // hex SHA-256 of the leaf, or ""
}

// NormalizePin returns a fingerprint as lower-case hex without
// separators, or an error when it is not a SHA-256.
func NormalizePin(pin string) (string, error) {
	p := strings.ToLower(strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(pin)))
	if b, err := hex.DecodeString(p); err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("%q is not a SHA-256 fingerprint (64 hex digits, colons allowed): %w", pin, fielddesk.ErrInvalid)
	}
	return p, nil
}

// set puts a server's trust in force.
func (t *trust) set(st fielddesk.ServerTrust) error {
	var roots *x509.CertPool
	if len(st.CAPEM) > 0 {
		sys, err := x509.SystemCertPool()
		if err != nil || sys == nil {
			sys = x509.NewCertPool()
		}
		if !sys.AppendCertsFromPEM(st.CAPEM) {
			return fmt.Errorf("the authority file holds no certificate (PEM): %w", fielddesk.ErrInvalid)
		}
		roots = sys
	}
	pin := ""
	if st.Pin != "" {
		var err error
		if pin, err = NormalizePin(st.Pin); err != nil {
			return err
		}
	}
	t.mu.Lock()
	t.roots, t.pin = roots, pin
	t.mu.Unlock()
	return nil
}

// verify checks a server's certificate as crypto/tls would, against the
// trust in force; a pinned certificate needs no authority.
func (t *trust) verify(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server showed no certificate")
	}
	leaf := cs.PeerCertificates[0]
	sum := sha256.Sum256(leaf.Raw)
	fp := hex.EncodeToString(sum[:])
	t.mu.Lock()
	roots, pin := t.roots, t.pin
	t.mu.Unlock()
	if pin != "" {
		if fp != pin {
			return &fielddesk.UntrustedCertificateError{Fingerprint: fielddesk.FormatFingerprint(fp), Changed: true}
		}
		return nil
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{DNSName: cs.ServerName, Roots: roots, Intermediates: inter})
	if err == nil {
		return nil
	}
	reason := "no authority this computer trusts signed it"
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &host):
		reason = "it is for another name than " + cs.ServerName
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		reason = "it has expired or is not valid yet (check this computer's clock)"
	}
	return &fielddesk.UntrustedCertificateError{Fingerprint: fielddesk.FormatFingerprint(fp), Reason: reason}
}

// tlsConfig is the client's TLS configuration: the standard checks are
// replaced by verify, which does them (or checks the pin).
func (t *trust) tlsConfig() *tls.Config {
	return &tls.Config{
		InsecureSkipVerify: true, // verify does the checking, with the account's trust
		VerifyConnection:   t.verify,
		MinVersion:         tls.VersionTLS12,
	}
}
