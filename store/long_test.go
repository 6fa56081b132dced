package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/longtext"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// A statistics table of a few thousand rows (election results, commune
// budgets) has more distinct words than one Badger transaction takes. It
// must be indexed in pieces, and the folder must open again afterwards.
func TestLongArticlesAreIndexedAndTheFolderOpens(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		word string // a word only the end of the body has
	}{
		{"a 3,000-row table (about 80 KB)", longtext.Table(3000), "2999"},
		{"the longest body the limits allow", longtext.Body(fielddesk.MaxBodyBytes), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			db, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			rev, err := db.Save(ctx, fielddesk.Article{Headline: "Kết quả bầu cử", Body: tc.body}, "")
			if err != nil {
				t.Fatalf("save: %v", err)
			}
			if err := db.flushIndex(); err != nil {
				t.Fatalf("index: %v", err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			db, err = Open(dir)
			if err != nil {
				t.Fatalf("the folder does not open after a long article: %v", err)
			}
			defer db.Close()
			list, err := db.List(ctx)
			if err != nil || len(list) != 1 || list[0].ID != rev.Article.ID {
				t.Fatalf("list = %v, %v", list, err)
			}
			word := tc.word
			if word == "" {
				word = lastNumber(tc.body)
			}
			hits, err := db.Search(ctx, word)
			if err != nil || len(hits) != 1 || hits[0].ID != rev.Article.ID {
				t.Fatalf("search %q = %v, %v; want the long article", word, hits, err)
			}
			// Editing it replaces its words in the index, in pieces too.
			a := rev.Article
			a.Body = "Bảng đã chuyển sang phụ lục."
			if _, err := db.Save(ctx, a, ""); err != nil {
				t.Fatal(err)
			}
			if hits, err := db.Search(ctx, word); err != nil || len(hits) != 0 {
				t.Errorf("after the edit, search %q = %v, %v; want nothing", word, hits, err)
			}
			if hits, err := db.Search(ctx, "phụ lục"); err != nil || len(hits) != 1 {
				t.Errorf("after the edit, search phụ lục = %v, %v", hits, err)
			}
		})
	}
}

// lastNumber returns the number word of the body's last whole sentence
// ("mã số 9999x1234f").
func lastNumber(body string) string {
	words := vietnamese.Words(body)
	for i := len(words) - 1; i > 0; i-- {
		if words[i-1] == "số" {
			return words[i]
		}
	}
	return ""
}

// An article whose index cannot be written (here its record is damaged)
// never keeps the folder from opening: everything else works, searches find
// the other articles and say which ones they may miss.
func TestIndexFailureNeverStopsTheFolderOpening(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	good, err := db.Save(ctx, fielddesk.Article{Headline: "Lúa mùa được giá", Body: "Giá lúa tăng."}, "")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := db.Save(ctx, fielddesk.Article{Headline: "Bài bị hỏng", Body: "Giá lúa giảm."}, "")
	if err != nil {
		t.Fatal(err)
	}
	db.stopIndexer() // so the damage below is what the next open meets
	if err := db.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(revisionKey(bad.Article.ID, bad.ID), []byte("{damaged")); err != nil {
			return err
		}
		return txn.Set(dirtyKey(bad.Article.ID), nil)
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(dir)
	if err != nil {
		t.Fatalf("an unindexable article kept the folder from opening: %v", err)
	}
	defer db.Close()
	if err := db.IndexProblem(); !errors.Is(err, fielddesk.ErrIndexBehind) || !strings.Contains(err.Error(), string(bad.Article.ID)) {
		t.Errorf("IndexProblem = %v; want ErrIndexBehind naming %s", err, bad.Article.ID)
	}
	if list, err := db.List(ctx); err != nil || len(list) != 2 {
		t.Errorf("list = %v, %v; want both articles", list, err)
	}
	if _, err := db.Save(ctx, fielddesk.Article{Headline: "Bài mới", Body: "Viết tiếp."}, ""); err != nil {
		t.Errorf("saving after the index failed: %v", err)
	}
	hits, err := db.Search(ctx, "gia lua")
	if !errors.Is(err, fielddesk.ErrIndexBehind) {
		t.Errorf("search error = %v; want ErrIndexBehind", err)
	}
	if len(hits) != 1 || hits[0].ID != good.Article.ID {
		t.Errorf("search hits = %v; want the undamaged article", hits)
	}
	// Once the article is saved again, the index catches up and says so.
	if _, err := db.Save(ctx, fielddesk.Article{ID: bad.Article.ID, Headline: "Bài đã sửa", Body: "Giá lúa giảm nhẹ."}, ""); err != nil {
		t.Fatal(err)
	}
	if hits, err := db.Search(ctx, "gia lua"); err != nil || len(hits) != 2 {
		t.Errorf("after the repair, search = %v, %v; want both", hits, err)
	}
	if err := db.IndexProblem(); err != nil {
		t.Errorf("IndexProblem after the repair = %v", err)
	}
}

// A pull of long articles with long audit logs (an editor's desk after a
// week offline) is stored whatever its size, with the cursor last.
func TestPullTooBigForOneTransactionIsStored(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	if err := db.SetAccount(ctx, Account{Server: "http://newsroom", User: "bien-tap", Role: fielddesk.RoleEditor, Token: "t", DeviceID: "d"}); err != nil {
		t.Fatal(err)
	}
	var changes []Pulled
	for i := range 8 {
		a := fielddesk.Article{ID: fielddesk.NewID(), Headline: "Kết quả bầu cử", Body: longtext.Table(3000 + i)}
		rev := fielddesk.Revision{ID: fielddesk.NewID(), Saved: time.Now().UTC(), Article: a}
		p := Pulled{Revision: rev, Status: fielddesk.StatusSubmitted, Submitted: rev.Saved}
		for j := range 3000 {
			p.Audit = append(p.Audit, fielddesk.AuditEntry{At: rev.Saved, User: "phong-vien", Device: "dev", Kind: "revision", Revision: rev.ID, Note: strings.Repeat("ghi chú ", j%5)})
		}
		for j := range 700 {
			p.Events = append(p.Events, fielddesk.Event{ID: fielddesk.NewID(), Article: a.ID, Kind: fielddesk.EventComment, Author: "phong-vien", Text: "Nhận xét số " + strconv.Itoa(j), At: rev.Saved})
		}
		changes = append(changes, p)
	}
	applied, news, err := db.ApplyPulled(ctx, changes, "cursor-9")
	if err != nil {
		t.Fatalf("a pull too big for one transaction: %v", err)
	}
	if applied != len(changes) || len(news) != 8*700 {
		t.Errorf("applied %d, news %d; want %d and %d", applied, len(news), len(changes), 8*700)
	}
	if c, err := db.Cursor(ctx); err != nil || c != "cursor-9" {
		t.Errorf("cursor = %q, %v", c, err)
	}
	for _, p := range changes {
		r, err := db.ReviewOf(ctx, p.Revision.Article.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Audit) != 3000 || len(r.Events) != 700 || r.Status != fielddesk.StatusSubmitted {
			t.Errorf("article %s: %d audit entries, %d events, %s; want 3000, 700, submitted", p.Revision.Article.ID, len(r.Audit), len(r.Events), r.Status)
		}
	}
	// The same pull again (the cursor was lost) changes nothing.
	if _, news, err := db.ApplyPulled(ctx, changes, "cursor-9"); err != nil || len(news) != 0 {
		t.Errorf("the same pull again: %d news, %v", len(news), err)
	}
}
