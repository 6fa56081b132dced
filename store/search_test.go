package store

import (
	"context"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/fielddesk/fielddesk"
)

func TestSearch(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	save := func(a fielddesk.Article) fielddesk.Article {
		r, err := db.Save(ctx, a, "")
		if err != nil {
			t.Fatal(err)
		}
		return r.Article
	}
	inHead := save(fielddesk.Article{Headline: "Đảng bộ xã Pha Long đại hội", Body: "Nội dung."})
	inBody := save(fielddesk.Article{Headline: "Tin địa phương", Body: "Hôm qua, " + norm.NFD.String("Đảng bộ") + " huyện họp bàn về đường."})
	folded := save(fielddesk.Article{Headline: "Dang bo viet khong dau", Body: "Bài gõ không dấu."})
	save(fielddesk.Article{Headline: "Hòa giải ở cơ sở", Tags: []string{"pháp luật"}})
	save(fielddesk.Article{Headline: "Hoà giải thành", Body: "Tổ hoà giải."})

	ids := func(hits []fielddesk.Hit) []fielddesk.ID {
		var out []fielddesk.ID
		for _, h := range hits {
			out = append(out, h.ID)
		}
		return out
	}
	hits, err := db.Search(ctx, "dang bo")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hits); len(got) != 3 || got[len(got)-1] != inBody.ID {
		t.Errorf("dang bo = %v; want 3 hits, the body-only one last", got)
	}
	// With marks, the exact spelling ranks before the unmarked one.
	hits, _ = db.Search(ctx, "Đảng bộ")
	if got := ids(hits); len(got) != 3 || got[2] != folded.ID || got[0] != inHead.ID {
		t.Errorf("Đảng bộ = %v; want %s first and %s last", got, inHead.ID, folded.ID)
	}
	// Old and new tone styles fold alike.
	hits, _ = db.Search(ctx, "hoa giai")
	if got := ids(hits); len(got) != 2 {
		t.Errorf("hoa giai = %v, want both styles", got)
	}
	// The last word may be unfinished.
	if hits, _ := db.Search(ctx, "pha lo"); len(hits) != 1 || hits[0].ID != inHead.ID {
		t.Errorf("pha lo = %v", ids(hits))
	}
	// Tags are searched.
	if hits, _ := db.Search(ctx, "phap luat"); len(hits) != 1 {
		t.Errorf("phap luat = %v", ids(hits))
	}
	// A snippet around the match, with the match marked.
	hits, _ = db.Search(ctx, "duong")
	if len(hits) != 1 || !strings.Contains(hits[0].Snippet, "đường") {
		t.Fatalf("duong = %+v", hits)
	}
	m := hits[0].Matches[0]
	if got := hits[0].Snippet[m[0]:m[1]]; got != "đường" {
		t.Errorf("marked match = %q, want đường", got)
	}
	// Editing an article takes its old words out of the index.
	edited := inBody
	edited.Body = "Chỉ còn chuyện thời tiết."
	if _, err := db.Save(ctx, edited, ""); err != nil {
		t.Fatal(err)
	}
	if hits, _ := db.Search(ctx, "duong"); len(hits) != 0 {
		t.Errorf("stale index entry: %v", ids(hits))
	}
	if hits, _ := db.Search(ctx, "thoi tiet"); len(hits) != 1 {
		t.Errorf("new words not indexed: %v", ids(hits))
	}
	if hits, err := db.Search(ctx, "  ,; "); err != nil || hits != nil {
		t.Errorf("empty query = %v, %v", hits, err)
	}
}

func TestSearchCaptions(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	hash, _, _ := db.PutPhoto(strings.NewReader("bytes of a photo"))
	a := fielddesk.Article{Headline: "Ảnh", Body: "Chữ.\n\n![Cầu treo Pha Long](photo:" + hash + ` "A")`, Photos: []fielddesk.Photo{{Hash: hash, Name: "c.jpg"}}}
	if _, err := db.Save(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	if hits, _ := db.Search(ctx, "cau treo"); len(hits) != 1 {
		t.Errorf("caption not searched")
	}
	if hits, _ := db.Search(ctx, hash[:10]); len(hits) != 0 {
		t.Errorf("photo hashes must not be words")
	}
}

// TestIndexCatchesUpAfterCrash leaves an index marker behind, as a crash
// between a save and its indexing would, and checks Open indexes it.
func TestIndexCatchesUpAfterCrash(t *testing.T) {
	db, dir := openTemp(t)
	ctx := context.Background()
	r, err := db.Save(ctx, fielddesk.Article{Headline: "Lũ quét ở Bát Xát"}, "")
	if err != nil {
		t.Fatal(err)
	}
	db.stopIndexer()
	// Forget the index entries, keep the marker: what a crash leaves.
	err = db.db.Update(func(txn *badger.Txn) error {
		for _, w := range []string{"lu", "quet", "o", "bat", "xat"} {
			txn.Delete(indexKey(w, r.Article.ID))
		}
		txn.Delete(termsKey(r.Article.ID))
		return txn.Set(dirtyKey(r.Article.ID), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.stopIndexer() // prove Open itself did the work
	var found bool
	db2.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(indexKey("quet", r.Article.ID))
		found = err == nil
		return nil
	})
	if !found {
		t.Error("Open did not index the article the crash left unindexed")
	}
}

func TestSnippetPrefersThePhrase(t *testing.T) {
	a := fielddesk.Article{Body: "Sáng nay trời đẹp. Giá **nông sản** tăng mạnh ở [chợ huyện](https://x.vn)."}
	snip, m := Snippet(a, []string{"nong", "san"})
	if strings.ContainsAny(snip, "*[]") || strings.Contains(snip, "https") {
		t.Errorf("snippet keeps Markdown: %q", snip)
	}
	if len(m) != 2 || snip[m[0][0]:m[0][1]] != "nông" || snip[m[1][0]:m[1][1]] != "sản" {
		t.Errorf("matches %v in %q, want nông and sản (not Sáng)", m, snip)
	}
}
