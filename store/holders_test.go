package store

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// A server store filled before holders were recorded: its photos and
// renditions go to the owner of the article that first named them, once,
// and nobody else holds them.
func TestOldPhotosGetTheirSender(t *testing.T) {
	ctx := context.Background()
	db, dir := openTemp(t)
	if _, err := db.AddUser(ctx, "lethib", fielddesk.RoleCorrespondent, "laocai", "mật khẩu đủ dài"); err != nil {
		t.Fatal(err)
	}
	photo, rendition := []byte("\xff\xd8 ảnh gốc"), []byte("\xff\xd8 bản nhỏ")
	h, hr := hashOf(photo), hashOf(rendition)
	r := remoteRevision(fielddesk.NewID(), "", "Ảnh cũ")
	r.Article.Body = "![Ảnh](photo:" + h + ` "A")`
	r.Article.Photos = []fielddesk.Photo{{Hash: h, Name: "a.jpg", Size: int64(len(photo))}}
	if out, err := db.Apply(ctx, "dev", "lethib", 1, r); err != nil || out.Result != Applied {
		t.Fatalf("apply: %+v %v", out, err)
	}
	// As the old server filed them: by hash, nobody's.
	if _, err := db.AppendPhoto(h, 0, int64(len(photo)), "", bytes.NewReader(photo), 1<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AppendRendition(h, hr, 0, int64(len(rendition)), "", bytes.NewReader(rendition), 1<<20); err != nil {
		t.Fatal(err)
	}
	if err := db.db.Update(func(txn *badger.Txn) error { return txn.Delete(holdersMigrated) }); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, filed, err := uploadStatus(db, "lethib", h)
	if err != nil || !st.Complete || !filed {
		t.Fatalf("the sender's photo after the migration: %+v rendition %v, %v", st, filed, err)
	}
	key, sum, err := db.VisibleRendition(h, func(owner string) bool { return owner == "lethib" })
	if err != nil || sum != hr {
		t.Fatalf("rendition: %s %s %v", key, sum, err)
	}
	if got, _ := os.ReadFile(db.Blobs().path(key)); !bytes.Equal(got, rendition) {
		t.Errorf("the rendition moved with other bytes: %q", got)
	}
	if st, filed, _ := uploadStatus(db, "tranvanc", h); st.Complete || filed {
		t.Errorf("someone else holds it after the migration: %+v %v", st, filed)
	}
}
