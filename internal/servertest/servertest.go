// Package servertest opens the newsroom backend the server's tests run on:
// the embedded store in a temporary folder, or, when FIELDDESK_TEST_BACKEND
// is "postgres" (make test runs the server and sync tests once more so),
// PostgreSQL and an S3-compatible bucket started by internal/backendtest.
// The same tests then prove the same promises on both.
package servertest

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/internal/backendtest"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/pgstore"
	"github.com/fielddesk/fielddesk/store"
)

// Main runs a package's tests and stops the servers they started.
func Main(m *testing.M) int { return backendtest.Main(m) }

// Shared reports whether the tests run on PostgreSQL and S3.
func Shared() bool { return os.Getenv("FIELDDESK_TEST_BACKEND") == "postgres" }

// Backend is an open newsroom backend.
type Backend struct {
	Records newsroom.Backend
	Photos  blobs.Store
	// Store is the embedded store (nil on PostgreSQL).
	Store *store.DB
	// Reopen opens the same newsroom again (after Close: a restart; or,
	// for PostgreSQL, beside it: another instance).
	Reopen func(t testing.TB) Backend
	Close  func()
}

// Open opens a new, empty newsroom backend, closed when t ends.
func Open(t testing.TB) Backend {
	t.Helper()
	if Shared() {
		dbURL := backendtest.Postgres(t)
		bucket := backendtest.S3(t)
		for _, kv := range bucket.Env() {
			k, v, _ := bytes.Cut([]byte(kv), []byte("="))
			os.Setenv(string(k), string(v)) // the same for every test of the binary
		}
		var open func(t testing.TB) Backend
		open = func(t testing.TB) Backend {
			t.Helper()
			db, err := pgstore.Open(context.Background(), dbURL, bucket.URL())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(db.Close)
			return Backend{Records: db, Photos: db.Blobs(), Reopen: open, Close: db.Close}
		}
		return open(t)
	}
	return OpenDir(t, t.TempDir())
}

// OpenDir opens the embedded store in dir.
func OpenDir(t testing.TB, dir string) Backend {
	t.Helper()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return Backend{Records: db, Photos: db.Blobs(), Store: db, Close: func() { db.Close() },
		Reopen: func(t testing.TB) Backend { return OpenDir(t, dir) }}
}

// NeedsStore skips a test that looks inside the embedded store (its files,
// its disk), saying so, when the tests run on PostgreSQL.
func NeedsStore(t testing.TB) {
	t.Helper()
	if Shared() {
		t.Skip("this test looks inside the embedded store; PostgreSQL's equivalent is tested in pgstore")
	}
}
