package store

import (
	"testing"

	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/blobs/blobstest"
)

// The embedded backend's photo files obey the suite every backend obeys.
func TestBlobsConformance(t *testing.T) {
	blobstest.Run(t, func(t *testing.T) blobstest.Backend {
		db, dir := openTemp(t)
		return blobstest.Backend{Store: db.Blobs(), Reopen: func(t *testing.T) blobs.Store {
			db.Close()
			db2, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db2.Close() })
			return db2.Blobs()
		}}
	})
}
