package client_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/sync/server"
)

// tlsNewsroom is the newsroom's server over TLS with a certificate no
// public authority signed (httptest's own), as a bureau without a domain.
func tlsNewsroom(t *testing.T, n *newsroom, certs ...tls.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(server.New(n.db, n.photos, slog.New(slog.NewTextHandler(io.Discard, nil))))
	if len(certs) > 0 {
		srv.TLS = &tls.Config{Certificates: certs}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func fingerprintOf(srv *httptest.Server) string {
	sum := sha256.Sum256(srv.Certificate().Raw)
	return hex.EncodeToString(sum[:])
}

// A newsroom's own certificate: refused at first with its fingerprint and
// the plain reason (not "x509: unknown authority"), trusted once pinned
// or through the newsroom's authority file, kept with the account, and a
// different certificate later is refused as changed.
func TestANewsroomsOwnCertificate(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	srv := tlsNewsroom(t, n)
	d := newDevice(t, n, "lethib", "")

	_, err := d.c.Login(ctx, srv.URL, "lethib", password)
	var untrusted *fielddesk.UntrustedCertificateError
	if !errors.As(err, &untrusted) || untrusted.Changed {
		t.Fatalf("login to an untrusted certificate: %v", err)
	}
	if want := fielddesk.FormatFingerprint(fingerprintOf(srv)); untrusted.Fingerprint != want {
		t.Errorf("the error shows %s, the server's certificate is %s", untrusted.Fingerprint, want)
	}
	if strings.Contains(err.Error(), "x509") || !strings.Contains(err.Error(), "not trusted") {
		t.Errorf("the message: %q", err)
	}
	if acct, _ := d.desk.DB.Account(ctx); acct.Server == srv.URL {
		t.Error("a refused login changed the account")
	}

	// Pinned, with the fingerprint as people write it.
	acct, err := d.c.LoginTrusting(ctx, srv.URL, "lethib", password, fielddesk.ServerTrust{Pin: untrusted.Fingerprint})
	if err != nil || acct.Pin != fingerprintOf(srv) {
		t.Fatalf("login with the pin: %+v %v", acct.Pin, err)
	}
	r := d.write("Tin qua kết nối riêng")
	d.send(r.Article.ID)
	if _, err := d.c.Sync(ctx); err != nil {
		t.Fatalf("sync over the pinned certificate: %v", err)
	}
	// The pin outlives a restart of the app.
	d.close()
	d.open()
	if _, err := d.c.Sync(ctx); err != nil {
		t.Fatalf("sync after a restart: %v", err)
	}

	// Another certificate at the same address is refused, as changed.
	other := tlsNewsroom(t, n, selfSigned(t))
	acct, _ = d.desk.DB.Account(ctx)
	acct.Server = other.URL
	if err := d.desk.DB.SetAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	d.close()
	d.open()
	_, err = d.c.Sync(ctx)
	if !errors.As(err, &untrusted) || !untrusted.Changed {
		t.Errorf("a changed certificate: %v", err)
	}
	if st := d.c.Status(); st.ErrorKind != fielddesk.SyncUntrusted {
		t.Errorf("status kind %q", st.ErrorKind)
	}

	// The newsroom's authority file instead of a pin.
	e := newDevice(t, n, "tranvanc", "")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if _, err := e.c.LoginTrusting(ctx, srv.URL, "tranvanc", password, fielddesk.ServerTrust{CAPEM: caPEM}); err != nil {
		t.Fatalf("login with the authority file: %v", err)
	}
	if _, err := e.c.Sync(ctx); err != nil {
		t.Errorf("sync with the authority file: %v", err)
	}
	if _, err := e.c.LoginTrusting(ctx, srv.URL, "tranvanc", password, fielddesk.ServerTrust{Pin: "not a hash"}); !errors.Is(err, fielddesk.ErrInvalid) {
		t.Errorf("a bad pin: %v", err)
	}
}

// selfSigned makes a certificate for 127.0.0.1 of its own.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "toa soan"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
