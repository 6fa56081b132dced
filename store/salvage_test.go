package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk"
)

// savedArticle is what a test saved and expects back.
type savedArticle struct {
	id, rev fielddesk.ID
	body    string
}

// saveSession opens dir, saves n articles (every other one longer than
// Badger keeps beside its key, so its text lives in the value log) and
// closes the store, which writes its memory table out as a table of its own.
func saveSession(t *testing.T, dir, tag string, n int) []savedArticle {
	t.Helper()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []savedArticle
	for i := range n {
		body := fmt.Sprintf("Bài %s số %d. ", tag, i) + strings.Repeat("Người dân xã Pha Long góp công làm đường. ", 1+(i%2)*1000)
		rev, err := db.Save(context.Background(), fielddesk.Article{Headline: fmt.Sprintf("Tin %s %d", tag, i), Body: body}, "")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, savedArticle{rev.Article.ID, rev.ID, rev.Article.Body})
	}
	return out
}

// checkArticles opens dir and checks that every article is there whole,
// and that the search finds them (the index is rebuilt too).
func checkArticles(t *testing.T, db *DB, want []savedArticle, word string) {
	t.Helper()
	ctx := context.Background()
	for _, a := range want {
		rev, err := db.Revision(ctx, a.id, a.rev)
		if err != nil {
			t.Fatalf("revision %s of %s: %v", a.rev, a.id, err)
		}
		if rev.Article.Body != a.body {
			t.Fatalf("revision %s: body of %d bytes, want %d", a.rev, len(rev.Article.Body), len(a.body))
		}
	}
	if err := db.flushIndex(); err != nil {
		t.Fatal(err)
	}
	hits, err := db.Search(ctx, word)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < len(want) {
		t.Fatalf("search %q finds %d articles, want at least %d", word, len(hits), len(want))
	}
}

// newestTable is the newest table file of Badger's folder.
func newestTable(t *testing.T, dbDir string) string {
	t.Helper()
	tables, _ := filepath.Glob(filepath.Join(dbDir, "*.sst"))
	if len(tables) < 2 {
		t.Fatalf("want two tables or more, have %v", tables)
	}
	return tables[len(tables)-1]
}

// A power cut on Windows before this fix left tables of zeros (anytype's
// report); Badger panics on one, in a goroutine of its own, and the app
// could never start again. Open rebuilds from the other files and says so.
func TestOpenRebuildsAfterATableOfZeros(t *testing.T) {
	dir := t.TempDir()
	first := saveSession(t, dir, "sáng", 6)
	second := saveSession(t, dir, "chiều", 2)
	dbDir := filepath.Join(dir, "db")
	victim := newestTable(t, dbDir)
	info, _ := os.Stat(victim)
	if err := os.WriteFile(victim, make([]byte, info.Size()), 0o600); err != nil {
		t.Fatal(err)
	}

	db, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after a table of zeros: %v", err)
	}
	defer db.Close()
	rec := db.Recovery()
	if rec == nil {
		t.Fatal("no report of the rebuild")
	}
	checkArticles(t, db, first, "sáng")
	if rec.Articles != len(first) || rec.Records == 0 {
		t.Errorf("report: %d articles, %d records; want %d articles", rec.Articles, rec.Records, len(first))
	}
	if got, want := rec.Unreadable, []string{filepath.Base(victim)}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("report names %v unreadable, want %v", got, want)
	}
	// The damaged folder is kept as it was, the zeros with it.
	kept, err := os.ReadFile(filepath.Join(rec.Kept, filepath.Base(victim)))
	if err != nil || len(kept) != int(info.Size()) {
		t.Fatalf("the damaged table is not kept in %s: %v", rec.Kept, err)
	}
	// What was only in the zeroed table is gone, and nothing pretends otherwise.
	if _, err := db.Revision(context.Background(), second[0].id, second[0].rev); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("an article of the zeroed table: %v, want not found", err)
	}
	// New work is saved in the rebuilt store, and survives a reopen.
	rev, err := db.Save(context.Background(), fielddesk.Article{Headline: "Sau khi mất điện", Body: "Viết tiếp."}, "")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if _, err := db2.Latest(context.Background(), rev.Article.ID); err != nil {
		t.Fatal(err)
	}
	if db2.Recovery() == nil {
		t.Error("the report went before it was read")
	}
	if err := db2.DismissRecovery(); err != nil {
		t.Fatal(err)
	}
	if db2.Recovery() != nil {
		t.Error("the report is still there after it was dismissed")
	}
}

// Without its MANIFEST Badger starts afresh and deletes every table it
// does not know: every article would go without a word. Open rebuilds.
func TestOpenRebuildsWithoutTheManifest(t *testing.T) {
	dir := t.TempDir()
	saved := saveSession(t, dir, "sáng", 4)
	saved = append(saved, saveSession(t, dir, "chiều", 3)...)
	if err := os.Remove(filepath.Join(dir, "db", "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkArticles(t, db, saved, "người dân")
	if rec := db.Recovery(); rec == nil || rec.Articles != len(saved) || len(rec.Unreadable) != 0 {
		t.Fatalf("report %+v, want %d articles and nothing unreadable", rec, len(saved))
	}
}

// A crash leaves the newest saves in the memory table's log only; with a
// torn MANIFEST beside it, they come back from the log.
func TestOpenRebuildsFromTheMemtableLog(t *testing.T) {
	dir := t.TempDir()
	saved := saveSession(t, dir, "sáng", 3)
	// The files as a crash leaves them: copied while the store is open,
	// after saves that are only in the log.
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var fresh []savedArticle
	for i := range 4 {
		body := fmt.Sprintf("Tin mới %d. ", i) + strings.Repeat("Mưa lớn kéo dài ở vùng cao. ", 1+(i%2)*2000)
		rev, err := db.Save(ctx, fielddesk.Article{Headline: fmt.Sprintf("Tin mới %d", i), Body: body}, "")
		if err != nil {
			t.Fatal(err)
		}
		fresh = append(fresh, savedArticle{rev.Article.ID, rev.ID, rev.Article.Body})
	}
	crashed := t.TempDir()
	copyAsACrashLeavesIt(t, dir, crashed)
	db.Close()
	// A torn last write of the MANIFEST: its checksum no longer matches.
	manifest := filepath.Join(crashed, "db", "MANIFEST")
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(manifest, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(crashed)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	checkArticles(t, db2, saved, "người dân")
	checkArticles(t, db2, fresh, "mưa lớn")
	if db2.Recovery() == nil {
		t.Fatal("no report")
	}
}

// When nothing at all can be read, Open says so and leaves every file as
// it was: an empty store in its place would look like the work was gone.
func TestOpenRefusesToRebuildFromNothing(t *testing.T) {
	dir := t.TempDir()
	saveSession(t, dir, "sáng", 2)
	dbDir := filepath.Join(dir, "db")
	tables, _ := filepath.Glob(filepath.Join(dbDir, "*.sst"))
	for _, p := range tables {
		info, _ := os.Stat(p)
		os.WriteFile(p, make([]byte, info.Size()), 0o600)
	}
	_, err := Open(dir)
	if err == nil {
		t.Fatal("Open made an empty store of a folder it could read nothing from")
	}
	if got, _ := filepath.Glob(filepath.Join(dbDir, "*.sst")); len(got) != len(tables) {
		t.Fatalf("the damaged files were moved or removed: %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, recoveryFile)); err == nil {
		t.Error("a report of a rebuild that did not happen")
	}
}

// A crash in the middle of a rebuild: before the swap the rebuild starts
// over (the damaged files are still in place); between the two renames
// the rebuilt database is put in place.
func TestARebuildCutShortIsFinished(t *testing.T) {
	t.Run("before the swap", func(t *testing.T) {
		dir := t.TempDir()
		saved := saveSession(t, dir, "sáng", 2)
		os.MkdirAll(filepath.Join(dir, rebuildDir), 0o700)
		os.WriteFile(filepath.Join(dir, rebuildDir, "000001.sst"), []byte("half"), 0o600)
		db, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkArticles(t, db, saved, "sáng")
		if _, err := os.Stat(filepath.Join(dir, rebuildDir)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the half rebuild is still there: %v", err)
		}
	})
	t.Run("between the renames", func(t *testing.T) {
		dir := t.TempDir()
		saved := saveSession(t, dir, "sáng", 2)
		if err := os.Rename(filepath.Join(dir, "db"), filepath.Join(dir, rebuildDir)); err != nil {
			t.Fatal(err)
		}
		db, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkArticles(t, db, saved, "sáng")
	})
}

// copyAsACrashLeavesIt copies the data folder from, open in this process,
// to to, without Badger's lock (which a crash lets go of; on Windows
// nothing else can open it while it is held).
func copyAsACrashLeavesIt(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if e.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		if e.Name() == "LOCK" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A file the disk itself cannot read (here a folder where a table should
// be) is no damage to rebuild from: Open says so and moves nothing, so
// that nothing is rebuilt from what a failing disk let through.
func TestARebuildStopsAtAnErrorOfTheDisk(t *testing.T) {
	dir := t.TempDir()
	saveSession(t, dir, "sáng", 2)
	dbDir := filepath.Join(dir, "db")
	if err := os.Remove(filepath.Join(dbDir, "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dbDir, "000999.sst"), 0o700); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(dbDir)
	if _, err := Open(dir); err == nil {
		t.Fatal("Open rebuilt from a folder the disk could not read whole")
	}
	after, _ := os.ReadDir(dbDir)
	if len(after) != len(before) {
		t.Fatalf("files moved: %d before, %d after", len(before), len(after))
	}
	if kept, _ := filepath.Glob(filepath.Join(dir, damagedDir+"*")); len(kept) != 0 {
		t.Errorf("the database was set aside: %v", kept)
	}
}
