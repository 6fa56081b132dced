package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
)

// flushLog records the flushes a store makes.
type flushLog struct {
	mu  sync.Mutex
	log []string
}

func (l *flushLog) add(kind, path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.log = append(l.log, kind)
}

func (l *flushLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.log
	l.log = nil
	return out
}

// Nothing is acknowledged before it is on the disk: a photo's bytes and
// the folder entry that names it are flushed before PutPhoto returns, an
// upload's chunk and the hash state covering it before the chunk is
// acknowledged, and every commit of the database waits for its log to be
// flushed (SyncWrites; a SIGKILL keeps the page cache, so the crash tests
// cannot see this, and a real power cut is the Windows issue's test).
func TestEverythingIsFlushedBeforeItIsAcknowledged(t *testing.T) {
	db, _ := openTemp(t)
	var flushes flushLog
	db.onFlush = flushes.add
	if !db.db.Opts().SyncWrites {
		t.Fatal("the database acknowledges commits before they are flushed (SyncWrites off)")
	}

	hash, _, err := db.PutPhoto(strings.NewReader("ảnh của phóng viên"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(flushes.take(), ","); got != "file,folder" {
		t.Errorf("PutPhoto flushed %q before returning; want the file, then its folder", got)
	}
	if _, err := db.Save(context.Background(), fielddesk.Article{Headline: "Có ảnh", Body: "![Ảnh](photo:" + hash + ` "A")`,
		Photos: []fielddesk.Photo{{Hash: hash, Name: "a.jpg"}}}, ""); err != nil {
		t.Fatal(err)
	}

	photo := bytes.Repeat([]byte("ảnh chụp "), 3000)
	h := hashOf(photo)
	up := Uploader{User: "lethib", Device: "d"}
	if _, err := appendUpload(db, up, h, 0, int64(len(photo)), "", bytes.NewReader(photo[:10000]), 1<<20); err != nil {
		t.Fatal(err)
	}
	got := flushes.take()
	if want := []string{"file", "folder", "file", "file", "folder"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("a first chunk flushed %v before its acknowledgement; want the upload's record (with its folder), the chunk, its hash state and the folder", got)
	}
	if st, err := appendUpload(db, up, h, 10000, int64(len(photo)), "", bytes.NewReader(photo[10000:]), 1<<20); err != nil || !st.Complete {
		t.Fatalf("the last chunk: %+v %v", st, err)
	}
	if got := strings.Join(flushes.take(), ","); got != "file,file,folder,folder" {
		t.Errorf("the last chunk flushed %q before the photo counted as whole; want the chunk, its hash state and folder, then the folder it was moved into", got)
	}
}

// A crash in the middle of a durable write leaves its temporary file; the
// next Open deletes it (the ballast's is 16 MB), and nothing else.
func TestOpenSweepsTemporaryFilesACrashLeft(t *testing.T) {
	db, dir := openTemp(t)
	up := Uploader{User: "lethib", Device: "d"}
	photo := bytes.Repeat([]byte("ảnh "), 5000)
	if _, err := appendUpload(db, up, hashOf(photo), 0, int64(len(photo)), "", bytes.NewReader(photo[:4000]), 1<<20); err != nil {
		t.Fatal(err)
	}
	partial := filepath.Dir(db.Blobs().uploadPath(blobs.Upload{Area: blobs.Area("lethib"), Hash: hashOf(photo)}))
	db.Close()
	left := []string{
		filepath.Join(dir, ".reserve.space.tmp-123"),
		filepath.Join(partial, "."+hashOf(photo)+".state.tmp-456"),
		filepath.Join(dir, "cache", ".thumb.jpg.tmp-789"),
	}
	for _, p := range left {
		if err := os.WriteFile(p, []byte("nửa chừng"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, p := range left {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s outlived the next open", p)
		}
	}
	if st, _, err := uploadStatus(db, up.User, hashOf(photo)); err != nil || st.Have != 4000 {
		t.Errorf("the upload under way after the sweep: %+v %v", st, err)
	}
}
