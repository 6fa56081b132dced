//go:build linux

package store

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/smallfs"
)

// Saving until the disk is full (a real small file system) ends with a
// clear error, never a crash (Badger's memory-mapped files would take a
// SIGBUS); every acknowledged article is there, the folder opens on the
// full disk, and saving resumes by itself once space comes back.
func TestFullDiskIsAClearErrorNeverACrash(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	fs := smallfs.Mount(t, 96<<20)
	dir := filepath.Join(fs, "data")
	ballast := filepath.Join(fs, "ballast")
	if err := os.WriteFile(ballast, make([]byte, 8<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fillChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []fielddesk.ID
	var last string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		last = sc.Text()
		if id, ok := strings.CutPrefix(last, "ack "); ok {
			acked = append(acked, fielddesk.ID(id))
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the process died filling the disk: %v\n%s", err, stderr.String()[:min(stderr.Len(), 2000)])
	}
	if !strings.HasPrefix(last, "full ") || !strings.Contains(last, "the disk is full: ") || !strings.Contains(last, "MB free, FieldDesk needs") {
		t.Fatalf("the last save said %q; want the disk-full message", last)
	}
	if len(acked) < 10 {
		t.Fatalf("only %d saves before the disk was full", len(acked))
	}

	// The folder opens on the full disk and everything saved is there.
	db, err := Open(dir)
	if err != nil {
		t.Fatalf("open on a full disk: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	list, err := db.List(ctx)
	if err != nil || len(list) != len(acked) {
		t.Fatalf("list on a full disk: %d articles, %v; want %d", len(list), err, len(acked))
	}
	for _, id := range acked {
		if _, err := db.Latest(ctx, id); err != nil {
			t.Errorf("acknowledged article %s: %v", id, err)
		}
	}
	a := fielddesk.Article{Headline: "Viết khi đĩa đầy", Body: "Vài dòng."}
	if _, err := db.Save(ctx, a, ""); !errors.Is(err, fielddesk.ErrDiskFull) {
		t.Errorf("a save on the full disk: %v", err)
	}
	var full *fielddesk.DiskFullError
	if _, _, err := db.PutPhoto(strings.NewReader("ảnh")); !errors.As(err, &full) || full.Need <= full.Free {
		t.Errorf("a photo on the full disk: %v", err)
	}
	// Space comes back: saving resumes, without reopening anything.
	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	rev, err := db.Save(ctx, a, "")
	if err != nil {
		t.Fatalf("a save once space is back: %v", err)
	}
	if got, err := db.Latest(ctx, rev.Article.ID); err != nil || got.Article.Headline != a.Headline {
		t.Errorf("the save after space came back: %v", err)
	}
}

// A folder whose disk another program filled opens, reads, refuses saves
// with the numbers, and takes them again once there is room.
func TestOpenOnADiskAnotherProgramFilled(t *testing.T) {
	fs := smallfs.Mount(t, 64<<20)
	dir := filepath.Join(fs, "data")
	ctx := context.Background()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := db.Save(ctx, fielddesk.Article{Headline: "Tin đã lưu", Body: "Nội dung."}, "")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	filler := smallfs.Fill(t, fs, 256<<10)

	db, err = Open(dir)
	if err != nil {
		t.Fatalf("open with 256 KB free: %v", err)
	}
	defer db.Close()
	if got, err := db.Latest(ctx, saved.Article.ID); err != nil || got.Article.Headline != "Tin đã lưu" {
		t.Fatalf("read on the full disk: %v", err)
	}
	if hits, err := db.Search(ctx, "tin"); err != nil && !errors.Is(err, fielddesk.ErrIndexBehind) || len(hits) != 1 {
		t.Errorf("search on the full disk: %v %v", hits, err)
	}
	_, err = db.Save(ctx, fielddesk.Article{Headline: "Mới", Body: "x"}, "")
	var full *fielddesk.DiskFullError
	// Free: what the filler left, and the ballast if the watcher gave it up already.
	if !errors.As(err, &full) || full.Free > 256<<10+ballastSize || full.Need < spaceReserve {
		t.Fatalf("save on the full disk: %v", err)
	}
	os.Remove(filler)
	if _, err := db.Save(ctx, fielddesk.Article{Headline: "Mới", Body: "x"}, ""); err != nil {
		t.Fatalf("save once there is room: %v", err)
	}
	if list, err := db.List(ctx); err != nil || len(list) != 2 {
		t.Errorf("list after the reopen: %d, %v", len(list), err)
	}
}

// A folder on a disk that became read-only (a write-protected card, a
// disk the system remounted after errors): it opens and reads, saves fail
// with a clear error and nothing saved is lost, and once the disk is
// writable again saving resumes.
func TestReadOnlyFolderFailsVisiblyAndKeepsData(t *testing.T) {
	fs := smallfs.Mount(t, 64<<20)
	dir := filepath.Join(fs, "data")
	ctx := context.Background()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := db.Save(ctx, fielddesk.Article{Headline: "Giữ lại", Body: "Nội dung."}, "")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	smallfs.ReadOnly(t, fs, true)
	defer smallfs.ReadOnly(t, fs, false)

	db, err = Open(dir)
	if err != nil {
		t.Fatalf("open on a read-only disk: %v", err)
	}
	defer db.Close()
	if latest, err := db.Latest(ctx, r1.Article.ID); err != nil || latest.Article.Headline != "Giữ lại" {
		t.Fatalf("read on a read-only disk: %v %+v", err, latest.Article.Headline)
	}
	_, err = db.Save(ctx, fielddesk.Article{Headline: "Mới"}, "")
	if !errors.Is(err, fielddesk.ErrReadOnly) || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("save on a read-only disk: %v", err)
	}
	if _, _, err := db.PutPhoto(strings.NewReader("ảnh")); !errors.Is(err, fielddesk.ErrReadOnly) {
		t.Errorf("a photo on a read-only disk: %v", err)
	}
	smallfs.ReadOnly(t, fs, false)
	if _, err := db.Save(ctx, fielddesk.Article{Headline: "Mới"}, ""); err != nil {
		t.Fatalf("save once the disk is writable: %v", err)
	}
	if latest, err := db.Latest(ctx, r1.Article.ID); err != nil || latest.Article.Headline != "Giữ lại" {
		t.Fatalf("the first article after all that: %v", err)
	}
}

// Once space runs low a ballast holds some back, and it is given up when
// another program fills the disk nearly to the end, so that what Badger
// writes on its own in the background still has room.
func TestABallastIsHeldBackForBadgersOwnWrites(t *testing.T) {
	fs := smallfs.Mount(t, 96<<20)
	db, err := Open(filepath.Join(fs, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	present := func() bool { _, err := os.Stat(db.ballastPath()); return err == nil }
	waitUntil(t, "the ballast is made", present)
	if fi, _ := os.Stat(db.ballastPath()); fi.Size() != ballastSize {
		t.Fatalf("ballast of %d bytes", fi.Size())
	}
	filler := smallfs.Fill(t, fs, 2<<20)
	waitUntil(t, "the ballast is given up", func() bool { return !present() })
	// The kernel may count the freed space back a moment after the unlink.
	waitUntil(t, "its space is free", func() bool { return smallfs.Free(t, fs) >= ballastSize })
	// The folder still works, saves refused with the numbers.
	if _, err := db.Save(context.Background(), fielddesk.Article{Headline: "Khi đĩa gần đầy"}, ""); !errors.Is(err, fielddesk.ErrDiskFull) {
		t.Errorf("a save while the disk is nearly full: %v", err)
	}
	os.Remove(filler)
	waitUntil(t, "the ballast is made again", present)
}

// waitUntil polls cond for up to 10 s (a condition, not a timing).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}
