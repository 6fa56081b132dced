package store

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/durable"
)

// body20KB is about 20 KB of Vietnamese text.
var body20KB = strings.Repeat("Người dân xã Pha Long góp công làm đường bê tông liên thôn. ", 290)

// BenchmarkSave20KB is a durable save of a 20 KB revision through the store.
// Compare with BenchmarkPlainWrite20KB, the same bytes written the simplest
// durable way on the same disk.
func BenchmarkSave20KB(b *testing.B) {
	db, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rev, err := db.Save(ctx, fielddesk.Article{Headline: "Bài dài", Body: body20KB}, "")
	if err != nil {
		b.Fatal(err)
	}
	a := rev.Article
	b.SetBytes(int64(len(body20KB)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		a.Headline = fmt.Sprintf("Bài dài %d", i) // a real change, so a real revision
		if rev, err = db.Save(ctx, a, rev.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlainWrite20KB writes the JSON of the same revision to a temporary
// file, fsyncs it, renames it into place and fsyncs the folder.
func BenchmarkPlainWrite20KB(b *testing.B) {
	dir := b.TempDir()
	rev := fielddesk.Revision{ID: fielddesk.NewID(), Article: fielddesk.Article{ID: fielddesk.NewID(), Headline: "Bài dài", Body: body20KB}}
	data, _ := json.Marshal(rev)
	b.SetBytes(int64(len(body20KB)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		f, err := os.CreateTemp(dir, "tmp-*")
		if err != nil {
			b.Fatal(err)
		}
		f.Write(data)
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		if err := os.Rename(f.Name(), filepath.Join(dir, fmt.Sprintf("rev-%d.json", i%64))); err != nil {
			b.Fatal(err)
		}
		if err := durable.SyncDir(dir); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	districts = []string{"Bát Xát", "Mường Khương", "Sa Pa", "Bắc Hà", "Si Ma Cai", "Văn Bàn", "Bảo Yên", "Bảo Thắng"}
	topics    = []string{"Đảng bộ xã họp", "mưa lũ sạt lở", "giá nông sản", "trường học mới", "điện lưới quốc gia", "đường liên thôn", "trạm y tế", "du lịch cộng đồng", "hoà giải ở cơ sở", "thuỷ lợi"}
)

// seed writes n articles of about 2 KB with one revision each, in bulk
// (a WriteBatch, not n durable saves), as if written over years.
func seed(tb testing.TB, dir string, n int) {
	db, err := Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	wb := db.db.NewWriteBatch()
	defer wb.Cancel()
	start := time.Now().Add(-time.Duration(n) * time.Hour)
	for i := range n {
		id := fielddesk.NewID()
		saved := start.Add(time.Duration(i) * time.Hour).UTC()
		a := fielddesk.Article{ID: id, Headline: fmt.Sprintf("Bản tin số %d từ huyện %s", i, districts[i%len(districts)]), Language: "vi", Status: fielddesk.StatusDraft,
			Sapo: "Sapo ngắn gọn về " + topics[i%len(topics)] + ".", Body: topics[(i*7)%len(topics)] + ". " + body20KB[:2000], Created: saved}
		rev := fielddesk.Revision{ID: fielddesk.NewID(), Saved: saved, Words: a.Words(), Article: a}
		sum := summaryRecord{Summary: fielddesk.Summary{ID: id, Headline: a.Headline, Status: a.Status, Updated: saved, Words: rev.Words, Head: rev.ID, Revisions: 1}, Created: saved}
		info := fielddesk.RevisionInfo{ID: rev.ID, Saved: saved, Words: rev.Words, Headline: a.Headline}
		if err := wb.Set(articleKey(id), sum.encode()); err != nil {
			tb.Fatal(err)
		}
		enc := map[string]string{}
		for term, p := range postings(a) {
			enc[term] = string(p.encode())
			if err := wb.Set(indexKey(term, id), p.encode()); err != nil {
				tb.Fatal(err)
			}
		}
		if err := wb.Set(termsKey(id), encodeTerms(enc)); err != nil {
			tb.Fatal(err)
		}
		for k, v := range map[string]any{string(revisionKey(id, rev.ID)): rev, string(historyKey(id, rev.ID)): info} {
			data, _ := json.Marshal(v)
			if err := wb.Set([]byte(k), data); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := wb.Flush(); err != nil {
		tb.Fatal(err)
	}
}

var seedDir = flag.String("seed.dir", "", "TestSeed: the data folder to fill")
var seedN = flag.Int("seed.n", 10000, "TestSeed: how many articles")

// TestSeed fills a data folder for measurements outside Go (the app's
// memory, docs/BENCHMARKS.md). It does nothing unless -seed.dir is given.
func TestSeed(t *testing.T) {
	if *seedDir == "" {
		t.Skip("give -seed.dir DIR to fill a data folder")
	}
	seed(t, *seedDir, *seedN)
}

func seeded(b *testing.B, n int) string {
	dir := b.TempDir()
	seed(b, dir, n)
	return dir
}

// BenchmarkOpen10k opens (and closes) a data folder holding 10,000
// articles: warm (files in the page cache) and, when the benchmark may drop
// the page cache (root on Linux), cold as after a reboot.
func BenchmarkOpen10k(b *testing.B) {
	dir := seeded(b, 10000)
	b.Run("warm", func(b *testing.B) { benchOpen(b, dir, false) })
	b.Run("cold", func(b *testing.B) {
		if err := dropCaches(); err != nil {
			b.Skipf("cannot drop the page cache: %v", err)
		}
		benchOpen(b, dir, true)
	})
	// The part of an open that checks the tables Badger will open
	// (salvage.go): what the check for damaged files costs every start.
	b.Run("tables-check/warm", func(b *testing.B) { benchCheckTables(b, dir, false) })
	b.Run("tables-check/cold", func(b *testing.B) {
		if err := dropCaches(); err != nil {
			b.Skipf("cannot drop the page cache: %v", err)
		}
		benchCheckTables(b, dir, true)
	})
}

func benchCheckTables(b *testing.B, dir string, cold bool) {
	loopCold(b, cold, func() {
		if err := checkTables(filepath.Join(dir, "db")); err != nil {
			b.Fatal(err)
		}
	})
}

// loopCold runs fn in a benchmark loop, the page cache dropped before each
// run when cold (not timed).
func loopCold(b *testing.B, cold bool, fn func()) {
	for b.Loop() {
		if cold {
			b.StopTimer()
			if err := dropCaches(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		fn()
	}
}

func dropCaches() error {
	if err := exec.Command("sync").Run(); err != nil {
		return err
	}
	return os.WriteFile("/proc/sys/vm/drop_caches", []byte("3"), 0o200)
}

func benchOpen(b *testing.B, dir string, cold bool) {
	loopCold(b, cold, func() {
		db, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	})
}

// BenchmarkList10k lists 10,000 articles, newest first.
func BenchmarkList10k(b *testing.B) {
	db, err := Open(seeded(b, 10000))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		list, err := db.List(ctx)
		if err != nil || len(list) != 10000 {
			b.Fatalf("%d, %v", len(list), err)
		}
	}
}

// BenchmarkSearch10k runs a two-word query, folded ("dang bo" for "Đảng bộ"),
// over 10,000 articles, with ranking and snippets for the hits.
func BenchmarkSearch10k(b *testing.B) {
	db, err := Open(seeded(b, 10000))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		hits, err := db.Search(ctx, "dang bo")
		if err != nil || len(hits) == 0 {
			b.Fatalf("%d hits, %v", len(hits), err)
		}
	}
}

// BenchmarkIndexUpdate is the search index's share of a save: the postings
// of a 20 KB article and their writes, inside a transaction (not committed).
func BenchmarkIndexUpdate(b *testing.B) {
	db, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rev, err := db.Save(context.Background(), fielddesk.Article{Headline: "Bài dài", Body: body20KB}, "")
	if err != nil {
		b.Fatal(err)
	}
	a := rev.Article
	a.Body += " Thêm một câu mới về thuỷ lợi."
	b.ResetTimer()
	for b.Loop() {
		txn := db.db.NewTransaction(true)
		old, err := readTerms(txn, a.ID)
		if err != nil {
			b.Fatal(err)
		}
		if err := planIndex(old, postings(a)).apply(txn, a.ID); err != nil {
			b.Fatal(err)
		}
		txn.Discard()
	}
}

// queueStore is a server store with n submitted articles from correspondents
// of two desks (half each), and editors of one desk.
func queueStore(b testing.TB, n int) (*DB, func(owner string) bool) {
	b.Helper()
	db, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	desks := map[string]string{"lethib": "laocai", "tranvanc": "yenbai"}
	for user, desk := range desks {
		if _, err := db.AddUser(ctx, user, fielddesk.RoleCorrespondent, desk, "mật khẩu đủ dài"); err != nil {
			b.Fatal(err)
		}
	}
	for start := 0; start < n; start += 500 {
		for _, user := range []string{"lethib", "tranvanc"} {
			var muts []Mutation
			for i := start; i < min(start+500, n); i += 2 {
				r := fielddesk.Revision{ID: fielddesk.NewID(), Saved: time.Now().UTC(), Article: fielddesk.Article{ID: fielddesk.NewID(),
					Headline: fmt.Sprintf("Tin số %d từ huyện Bát Xát", i), Body: "Nước rút dần.", Language: "vi"}}
				muts = append(muts, Mutation{ID: uint64(start/2 + len(muts) + 1), Revision: r})
			}
			if _, err := db.ApplyBatch(ctx, "dev-"+user, user, muts); err != nil {
				b.Fatal(err)
			}
		}
	}
	return db, func(owner string) bool { return desks[owner] == "laocai" }
}

// BenchmarkReviewQueue5000 lists the review queue of a server holding
// 5,000 submitted articles: everything (an admin), and one desk's half (an
// editor). BenchmarkList5000 is the baseline: the plain article list of the
// same store.
func BenchmarkReviewQueue5000(b *testing.B) {
	db, desk := queueStore(b, 5000)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		owners func(string) bool
		want   int
	}{{"all", nil, 5000}, {"desk", desk, 2500}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				q, err := db.Queue(ctx, c.owners)
				if err != nil || len(q) != c.want {
					b.Fatalf("%d articles, %v", len(q), err)
				}
			}
		})
	}
}

func BenchmarkList5000(b *testing.B) {
	db, _ := queueStore(b, 5000)
	ctx := context.Background()
	for b.Loop() {
		if l, err := db.List(ctx); err != nil || len(l) != 5000 {
			b.Fatalf("%d articles, %v", len(l), err)
		}
	}
}

// The review queue holds every submitted article for an admin and the
// desk's half for its editor (what BenchmarkReviewQueue5000 measures).
func TestReviewQueueCountsPerDesk(t *testing.T) {
	db, desk := queueStore(t, 400)
	ctx := context.Background()
	for _, c := range []struct {
		owners func(string) bool
		want   int
	}{{nil, 400}, {desk, 200}} {
		q, err := db.Queue(ctx, c.owners)
		if err != nil || len(q) != c.want {
			t.Errorf("queue: %d articles, %v; want %d", len(q), err, c.want)
		}
		for i := 1; i < len(q); i++ {
			if q[i].Submitted.Before(q[i-1].Submitted) {
				t.Fatalf("the queue is not oldest submitted first at %d", i)
			}
		}
	}
}
