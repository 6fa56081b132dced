package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// keysMentioning lists every key whose key or value holds s.
func keysMentioning(t *testing.T, db *DB, s string) []string {
	t.Helper()
	var found []string
	err := db.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().KeyCopy(nil)
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if bytes.Contains(k, []byte(s)) || bytes.Contains(v, []byte(s)) {
				found = append(found, string(k))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// A draft in the trash leaves the list and search, keeps every revision,
// and comes back whole.
func TestTrashHidesAndRestores(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	r1, err := db.Save(ctx, fielddesk.Article{Headline: "Lũ quét ở Bát Xát", Body: "Nước dâng cao."}, "")
	if err != nil {
		t.Fatal(err)
	}
	a := r1.Article
	a.Body += " Dân sơ tán."
	if _, err := db.Save(ctx, a, r1.ID); err != nil {
		t.Fatal(err)
	}
	other, _ := db.Save(ctx, fielddesk.Article{Headline: "Giá lúa", Body: "Lũ không tới đây."}, "")

	if err := db.Trash(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	list, _ := db.List(ctx)
	if len(list) != 1 || list[0].ID != other.Article.ID {
		t.Errorf("list after trashing: %+v", list)
	}
	hits, err := db.Search(ctx, "lũ")
	if err != nil || len(hits) != 1 || hits[0].ID != other.Article.ID {
		t.Errorf("search after trashing: %+v, %v", hits, err)
	}
	trashed, err := db.Trashed(ctx)
	if err != nil || len(trashed) != 1 || trashed[0].ID != a.ID || trashed[0].Trashed.IsZero() || trashed[0].Headline != "Lũ quét ở Bát Xát" {
		t.Fatalf("trash: %+v, %v", trashed, err)
	}

	if err := db.Untrash(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.List(ctx); len(list) != 2 {
		t.Errorf("after restoring, the list has %d articles", len(list))
	}
	if hits, _ := db.Search(ctx, "sơ tán"); len(hits) != 1 {
		t.Errorf("after restoring, search finds %d", len(hits))
	}
	if h, _ := db.History(ctx, a.ID); len(h) != 2 {
		t.Errorf("after restoring, the history has %d versions, want 2", len(h))
	}
	if trashed, _ := db.Trashed(ctx); len(trashed) != 0 {
		t.Errorf("the trash still holds %+v", trashed)
	}
	if err := db.Untrash(ctx, a.ID); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("restoring what is not in the trash: %v", err)
	}
}

// What the newsroom has, or what waits to be sent to it, does not go to
// the trash: it is withdrawn first, and trashed once the withdrawal left.
func TestTrashRefusesWhatTheNewsroomHas(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	if err := db.SetAccount(ctx, Account{Server: "https://toasoan", User: "lethib", DeviceID: "dev-A", Role: fielddesk.RoleCorrespondent}); err != nil {
		t.Fatal(err)
	}
	r, _ := db.Save(ctx, fielddesk.Article{Headline: "Đã gửi", Body: "Chữ."}, "")
	id := r.Article.ID
	if _, err := db.Send(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := db.Trash(ctx, id); !errors.Is(err, ErrNotDraft) || !errors.Is(err, fielddesk.ErrNotAllowed) {
		t.Errorf("trashing a sent article: %v", err)
	}
	if _, err := db.Act(ctx, id, fielddesk.ActionWithdraw, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.Trash(ctx, id); !errors.Is(err, ErrNotDraft) {
		t.Errorf("trashing a draft whose withdrawal waits to be sent: %v", err)
	}
	if err := db.Trash(ctx, "01NOSUCHARTICLE0000000000"); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("trashing an unknown article: %v", err)
	}
	if list, _ := db.List(ctx); len(list) != 1 {
		t.Errorf("a refused trash changed the list: %+v", list)
	}
}

// Emptying the trash deletes every key of its articles (nothing in the
// store names them any more) and the photo files only they used; a photo
// another article uses stays, and so does that article.
func TestEmptyTrashDeletesEverything(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	own, _, _ := db.PutPhoto(strings.NewReader("ảnh riêng của bài bỏ"))
	shared, _, _ := db.PutPhoto(strings.NewReader("ảnh dùng chung"))
	fig := func(h, caption string) string { return "![" + caption + "](photo:" + h + ` "Ảnh: A")` }
	gone := fielddesk.Article{Headline: "Bài bỏ đi", Body: "Chữ riêng xanhlam.\n\n" + fig(own, "Riêng") + "\n\n" + fig(shared, "Chung"),
		Photos: []fielddesk.Photo{{Hash: own, Name: "a.jpg"}, {Hash: shared, Name: "b.jpg"}}}
	r, err := db.Save(ctx, gone, "")
	if err != nil {
		t.Fatal(err)
	}
	gone = r.Article
	gone.Body = strings.Replace(gone.Body, "xanhlam", "xanhlam đỏthắm", 1)
	if _, err := db.Save(ctx, gone, r.ID); err != nil {
		t.Fatal(err)
	}
	keep, err := db.Save(ctx, fielddesk.Article{Headline: "Bài giữ", Body: fig(shared, "Chung"), Photos: []fielddesk.Photo{{Hash: shared, Name: "b.jpg"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if hits, _ := db.Search(ctx, "xanhlam"); len(hits) != 1 {
		t.Fatalf("the words are not indexed yet (%d hits)", len(hits))
	}
	if err := db.Trash(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if len(keysMentioning(t, db, string(gone.ID))) < 5 {
		t.Fatal("the article's keys are not where the test looks for them")
	}

	n, err := db.EmptyTrash(ctx)
	if err != nil || n != 1 {
		t.Fatalf("EmptyTrash = %d, %v", n, err)
	}
	if left := keysMentioning(t, db, string(gone.ID)); len(left) > 0 {
		t.Errorf("keys still name the deleted article: %q", left)
	}
	for _, w := range []string{"s/xanhlam/", "s/dothắm/", "s/dotham/"} {
		if left := keysMentioning(t, db, w); len(left) > 0 {
			t.Errorf("search entries left: %q", left)
		}
	}
	if _, err := os.Stat(db.PhotoPath(own)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the photo only the deleted article used is still there: %v", err)
	}
	if _, err := os.Stat(db.PhotoPath(shared)); err != nil {
		t.Errorf("the shared photo went: %v", err)
	}
	if _, err := db.Latest(ctx, gone.ID); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("Latest of a deleted article: %v", err)
	}
	if got, err := db.Latest(ctx, keep.Article.ID); err != nil || got.Article.Headline != "Bài giữ" {
		t.Errorf("the other article: %+v, %v", got.Article, err)
	}
	if list, _ := db.List(ctx); len(list) != 1 {
		t.Errorf("list: %+v", list)
	}
}

// An emptying cut short (a crash, a cancel) leaves its articles in the
// trash, no longer restorable, and the next emptying finishes them.
func TestEmptyTrashCutShortGoesOnNextTime(t *testing.T) {
	db, dir := openTemp(t)
	ctx := context.Background()
	var ids []fielddesk.ID
	for _, h := range []string{"Một", "Hai"} {
		r, _ := db.Save(ctx, fielddesk.Article{Headline: h, Body: "Chữ " + h}, "")
		ids = append(ids, r.Article.ID)
		if err := db.Trash(ctx, r.Article.ID); err != nil {
			t.Fatal(err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.EmptyTrash(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled emptying: %v", err)
	}
	db.Close()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if trashed, _ := db.Trashed(ctx); len(trashed) != 2 {
		t.Errorf("after the cut, the trash holds %d", len(trashed))
	}
	if err := db.Untrash(ctx, ids[0]); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("restoring an article being deleted: %v", err)
	}
	if n, err := db.EmptyTrash(ctx); err != nil || n != 2 {
		t.Errorf("the next emptying: %d, %v", n, err)
	}
	for _, id := range ids {
		if left := keysMentioning(t, db, string(id)); len(left) > 0 {
			t.Errorf("keys left of %s: %q", id, left)
		}
	}
}
