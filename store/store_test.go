package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/fielddesk/fielddesk"
)

func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dir
}

func TestSaveCreatesImmutableRevisions(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	r1, err := db.Save(ctx, fielddesk.Article{Headline: "Mưa lũ ở Lào Cai", Body: "Đoạn một."}, "")
	if err != nil {
		t.Fatal(err)
	}
	if r1.Article.ID == "" || r1.ID == "" || r1.Base != "" {
		t.Fatalf("first revision = %+v: want new IDs and no base", r1)
	}
	a := r1.Article
	a.Body = "Đoạn một. Đoạn hai."
	r2, err := db.Save(ctx, a, r1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Base != r1.ID || r2.Article.ID != a.ID {
		t.Fatalf("second revision base = %s, want %s", r2.Base, r1.ID)
	}
	if got, want := r2.Words, 4; got != want {
		t.Errorf("words = %d, want %d", got, want)
	}
	old, err := db.Revision(ctx, a.ID, r1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.Article.Body != "Đoạn một." {
		t.Errorf("old revision changed: body %q", old.Article.Body)
	}
	latest, err := db.Latest(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if latest.ID != r2.ID {
		t.Errorf("latest = %s, want %s", latest.ID, r2.ID)
	}
	// Saving identical content writes nothing new.
	r3, err := db.Save(ctx, r2.Article, r2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r3.ID != r2.ID {
		t.Errorf("unchanged save made revision %s, want head %s", r3.ID, r2.ID)
	}
	hist, err := db.History(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].ID != r2.ID || hist[1].ID != r1.ID {
		t.Fatalf("history = %+v, want [r2 r1]", hist)
	}
}

func TestRestoreAddsRevision(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	r1, _ := db.Save(ctx, fielddesk.Article{Headline: "Bản đầu"}, "")
	a := r1.Article
	a.Headline = "Bản sau"
	r2, _ := db.Save(ctx, a, r1.ID)
	r3, err := db.Restore(ctx, a.ID, r1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r3.ID == r1.ID || r3.Base != r2.ID || r3.Article.Headline != "Bản đầu" {
		t.Fatalf("restore = %+v: want a new revision based on %s with the old headline", r3, r2.ID)
	}
	hist, _ := db.History(ctx, a.ID)
	if len(hist) != 3 || hist[0].RestoredFrom != r1.ID {
		t.Fatalf("history after restore = %+v", hist)
	}
	list, _ := db.List(ctx)
	if len(list) != 1 || list[0].Headline != "Bản đầu" || list[0].Revisions != 3 {
		t.Fatalf("list = %+v", list)
	}
}

func TestNotFound(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	id := fielddesk.NewID()
	if _, err := db.Latest(ctx, id); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("Latest unknown: %v, want ErrNotFound", err)
	}
	if _, err := db.History(ctx, id); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("History unknown: %v, want ErrNotFound", err)
	}
	if _, err := db.Restore(ctx, id, id); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("Restore unknown: %v, want ErrNotFound", err)
	}
}

func TestSaveStoresNFC(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	nfd := norm.NFD.String("Đảng bộ tỉnh")
	mixed := "Vie\u0302\u0323t Nam" // "tổ hợp": precomposed-free base + marks
	r, err := db.Save(ctx, fielddesk.Article{Headline: nfd, Body: mixed, Tags: []string{nfd, "Đảng bộ tỉnh"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := db.Latest(ctx, r.Article.ID)
	if got.Article.Headline != "Đảng bộ tỉnh" || !norm.NFC.IsNormalString(got.Article.Body) {
		t.Errorf("stored %q / %q, want NFC", got.Article.Headline, got.Article.Body)
	}
	if got.Article.Body != "Việt Nam" {
		t.Errorf("body = %q, want Việt Nam", got.Article.Body)
	}
	if len(got.Article.Tags) != 1 {
		t.Errorf("tags = %q: NFD and NFC spellings of one tag must collapse", got.Article.Tags)
	}
}

func TestSaveRejectsInvalidAndKeepsPrevious(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	r1, _ := db.Save(ctx, fielddesk.Article{Headline: "Tốt"}, "")
	bad := r1.Article
	bad.Headline = strings.Repeat("x", fielddesk.MaxHeadlineRunes+1)
	bad.Language = "not a language!"
	_, err := db.Save(ctx, bad, r1.ID)
	var verr *fielddesk.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 2 {
		t.Fatalf("err = %v, want a validation error naming headline and language", err)
	}
	if !strings.Contains(err.Error(), "headline") || !strings.Contains(err.Error(), "language") {
		t.Errorf("error %q does not name the fields", err)
	}
	latest, _ := db.Latest(ctx, r1.Article.ID)
	if latest.ID != r1.ID {
		t.Errorf("a failed save changed the head")
	}
}

func TestSecondInstanceGetsClearMessage(t *testing.T) {
	_, dir := openTemp(t)
	_, err := Open(dir)
	if !errors.Is(err, fielddesk.ErrInUse) {
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
	if !strings.Contains(err.Error(), "another FieldDesk") {
		t.Errorf("message %q does not tell the user what is wrong", err)
	}
}

func TestPhotosDedupeAndSweep(t *testing.T) {
	db, dir := openTemp(t)
	ctx := context.Background()
	data := []byte("not really a jpeg, but bytes are bytes")
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])
	h1, n, err := db.PutPhoto(bytes.NewReader(data))
	if err != nil || h1 != want || n != int64(len(data)) {
		t.Fatalf("PutPhoto = %s, %d, %v; want %s", h1, n, err, want)
	}
	h2, _, _ := db.PutPhoto(bytes.NewReader(data))
	if h2 != h1 {
		t.Fatalf("same bytes, different hash")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "photos", "*", "*"))
	var stored []string
	for _, f := range files {
		if !strings.Contains(f, filepath.Join("photos", "tmp")) {
			stored = append(stored, f)
		}
	}
	if len(stored) != 1 {
		t.Fatalf("stored files = %v, want exactly one", stored)
	}
	orphan, _, _ := db.PutPhoto(strings.NewReader("an orphan nobody saves"))
	os.WriteFile(filepath.Join(db.CacheDir(), orphan+"-thumb.jpg"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(dir, "photos", "tmp", "put-123"), []byte("half"), 0o600)

	body := "Trước.\n\n![Chú thích](photo:" + h1 + " \"Nguyễn Văn A\")\n\nSau."
	if _, err := db.Save(ctx, fielddesk.Article{Headline: "Ảnh", Body: body, Photos: []fielddesk.Photo{{Hash: h1, Name: "a.jpg"}}}, ""); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if _, err := os.Stat(db2.PhotoPath(h1)); err != nil {
		t.Errorf("referenced photo swept: %v", err)
	}
	if _, err := os.Stat(db2.PhotoPath(orphan)); !os.IsNotExist(err) {
		t.Errorf("orphan photo kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(db2.CacheDir(), orphan+"-thumb.jpg")); !os.IsNotExist(err) {
		t.Errorf("orphan's thumbnail kept")
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "photos", "tmp")); len(left) != 0 {
		t.Errorf("half-written photos kept: %v", left)
	}
}

func TestSaveRefusesMissingPhoto(t *testing.T) {
	db, _ := openTemp(t)
	h := strings.Repeat("ab", 32)
	body := "![x](photo:" + h + ")"
	_, err := db.Save(context.Background(), fielddesk.Article{Body: body, Photos: []fielddesk.Photo{{Hash: h, Name: "x.jpg"}}}, "")
	if !errors.Is(err, fielddesk.ErrNotFound) || !strings.Contains(err.Error(), "x.jpg") {
		t.Fatalf("err = %v, want not found naming x.jpg", err)
	}
}

// A state that forbids editing for this device's role forbids saving here
// too (ErrNotAllowed), so no edit is kept only on this computer; nothing
// is written.
func TestSaveRefusedInAStateThatForbidsEditing(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	rev := fielddesk.Revision{ID: fielddesk.NewID(), Saved: time.Now().UTC(), Article: fielddesk.Article{ID: fielddesk.NewID(), Headline: "Đã đăng", Body: "Một.", Language: "vi", Status: fielddesk.StatusPublished}}
	if _, _, err := db.ApplyPulled(ctx, []Pulled{{Revision: rev, Status: fielddesk.StatusPublished}}, "c"); err != nil {
		t.Fatal(err)
	}
	a := rev.Article
	a.Body = "Sửa sau khi đăng."
	if _, err := db.Save(ctx, a, rev.ID); !errors.Is(err, fielddesk.ErrNotAllowed) {
		t.Fatalf("save of a published article: %v, want ErrNotAllowed", err)
	}
	if got, _ := db.Latest(ctx, a.ID); got.ID != rev.ID {
		t.Errorf("the head moved to %s", got.ID)
	}
	if _, err := db.Restore(ctx, a.ID, rev.ID); !errors.Is(err, fielddesk.ErrNotAllowed) {
		t.Errorf("restore in a published article: %v, want ErrNotAllowed", err)
	}
}

// A version can be named (NFC, spaces tidied), the name taken off, and a
// name too long is refused with ErrInvalid.
func TestNameRevision(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	r, err := db.Save(ctx, fielddesk.Article{Headline: "Tin", Body: "x"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.NameRevision(ctx, r.Article.ID, r.ID, "  bản   gửi\u0300 "); err != nil {
		t.Fatal(err)
	}
	hist, _ := db.History(ctx, r.Article.ID)
	if want := "bản gửì"; hist[0].Name != want {
		t.Errorf("name %q", hist[0].Name)
	}
	if err := db.NameRevision(ctx, r.Article.ID, r.ID, strings.Repeat("x", fielddesk.MaxVersionName+1)); !errors.Is(err, fielddesk.ErrInvalid) {
		t.Errorf("a long name: %v", err)
	}
	if err := db.NameRevision(ctx, r.Article.ID, fielddesk.NewID(), "x"); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("an unknown version: %v", err)
	}
}
