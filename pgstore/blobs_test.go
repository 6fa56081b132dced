package pgstore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/blobs/blobstest"
	"github.com/fielddesk/fielddesk/internal/backendtest"
)

func TestMain(m *testing.M) { os.Exit(backendtest.Main(m)) }

// openTest opens a new database and bucket of the test binary's servers.
func openTest(t testing.TB) (db *DB, open func(t testing.TB) *DB) {
	t.Helper()
	dbURL := backendtest.Postgres(t)
	bucket := backendtest.S3(t)
	for _, kv := range bucket.Env() {
		k, v, _ := bytes.Cut([]byte(kv), []byte("="))
		t.Setenv(string(k), string(v))
	}
	open = func(t testing.TB) *DB {
		t.Helper()
		db, err := Open(context.Background(), dbURL, bucket.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		return db
	}
	return open(t), open
}

// PostgreSQL with an S3-compatible object store obeys the suite every
// photo backend obeys; Second is another server instance on the same
// database and bucket.
func TestBlobsConformance(t *testing.T) {
	blobstest.Run(t, func(t *testing.T) blobstest.Backend {
		db, open := openTest(t)
		second := func(t *testing.T) blobs.Store { return open(t).Blobs() }
		return blobstest.Backend{Store: db.Blobs(), Reopen: second, Second: second}
	})
}

// The object store unreachable: chunks are still taken (they wait in the
// database); the last one cannot make the photo an object and says the
// storage is unavailable; once the store is back, the chunk sent again
// finishes the photo, with nothing sent twice.
func TestAnUploadWaitsForTheObjectStore(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	bucket := backendtest.S3(t) // the same server as db's bucket
	st := db.Blobs()
	photo := blobstest.Photo(42, 200_000)
	h := blobstest.HashOf(photo)
	u := blobs.Upload{Area: blobs.Area("lethib"), Hash: h, Device: "d", Size: int64(len(photo))}
	if err := st.Start(ctx, u, blobs.DefaultLimits); err != nil {
		t.Fatal(err)
	}
	appendAt := func(off, end int) (blobs.State, error) {
		return blobs.Append(ctx, st, u, blobs.Chunk{Offset: int64(off), Data: bytes.NewReader(photo[off:end])}, 1<<20, blobs.Finish{Key: blobs.Original(h)})
	}
	if _, err := appendAt(0, 100_000); err != nil {
		t.Fatal(err)
	}
	up := bucket.Down(t)
	if st, err := appendAt(100_000, 150_000); err != nil || st.Have != 150_000 {
		t.Fatalf("a chunk while the object store is down: %+v %v", st, err)
	}
	s, err := appendAt(150_000, 200_000)
	if !errors.Is(err, blobs.ErrUnavailable) || s.Complete {
		t.Fatalf("the last chunk while the object store is down: %+v %v", s, err)
	}
	if p, err := st.Progress(ctx, u); err != nil || p.Have != 200_000 {
		t.Fatalf("after the failed finish the upload holds %d (%v); want all of it", p.Have, err)
	}
	up()
	s, err = appendAt(150_000, 200_000)
	if err != nil || !s.Complete {
		t.Fatalf("the last chunk sent again once the store is back: %+v %v", s, err)
	}
	o, err := st.Open(ctx, blobs.Original(h))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	var got bytes.Buffer
	got.ReadFrom(o)
	if !bytes.Equal(got.Bytes(), photo) {
		t.Fatal("the object's bytes differ from the photo's")
	}
}

// A database migrated by a newer server is refused, saying so.
func TestANewerSchemaIsRefused(t *testing.T) {
	db, open := openTest(t)
	if _, err := db.pool.Exec(context.Background(), `UPDATE fielddesk_schema SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	_ = open
	dbURL := db.pool.Config().ConnString()
	bucket := backendtest.S3(t)
	_, err := Open(context.Background(), dbURL, bucket.URL())
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("open on a newer schema: %v", err)
	}
}
