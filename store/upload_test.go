package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/fielddesk/fielddesk/blobs"
)

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestAppendPhotoResumesAcrossRestarts(t *testing.T) {
	db, dir := openTemp(t)
	photo := make([]byte, 100_000)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range photo {
		photo[i] = byte(rng.Uint32())
	}
	h := hashOf(photo)
	size := int64(len(photo))
	const chunk = 16 << 10

	st, err := db.AppendPhoto(h, 0, size, hashOf(photo[:chunk]), bytes.NewReader(photo[:chunk]), chunk)
	if err != nil || st.Have != chunk {
		t.Fatalf("first chunk: %+v %v", st, err)
	}
	// A chunk damaged on the way is refused; the prefix stays.
	bad := append([]byte{}, photo[chunk:2*chunk]...)
	bad[10] ^= 1
	if _, err := db.AppendPhoto(h, chunk, size, hashOf(photo[chunk:2*chunk]), bytes.NewReader(bad), chunk); !errors.Is(err, ErrHashMismatch) {
		t.Fatalf("damaged chunk: %v", err)
	}
	// A chunk sent again (its answer was lost) changes nothing.
	if st, err := db.AppendPhoto(h, 0, size, "", bytes.NewReader(photo[:chunk]), chunk); err != nil || st.Have != chunk {
		t.Fatalf("a chunk sent again: %+v %v", st, err)
	}
	// One that overlaps adds only its new bytes.
	if st, err := db.AppendPhoto(h, chunk/2, size, "", bytes.NewReader(photo[chunk/2:chunk+100]), chunk); err != nil || st.Have != chunk+100 {
		t.Fatalf("an overlapping chunk: %+v %v", st, err)
	}
	if st, err := db.AppendPhoto(h, chunk+100, size, "", bytes.NewReader(photo[chunk+100:chunk*2]), chunk); err != nil || st.Have != 2*chunk {
		t.Fatalf("the rest of the chunk: %+v %v", st, err)
	}
	// One past what is held says where to resume.
	if st, err := db.AppendPhoto(h, 3*chunk, size, "", bytes.NewReader(photo[3*chunk:4*chunk]), chunk); !errors.Is(err, ErrWrongOffset) || st.Have != 2*chunk {
		t.Fatalf("wrong offset: %+v %v", st, err)
	}
	// The server restarts in the middle of the photo.
	db.Close()
	db2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	st, _ = db2.PhotoStatus(h)
	if st.Have != 2*chunk || st.Complete {
		t.Fatalf("after restart: %+v", st)
	}
	for off := st.Have; off < size; off += chunk {
		end := min(size, off+chunk)
		if st, err = db2.AppendPhoto(h, off, size, hashOf(photo[off:end]), bytes.NewReader(photo[off:end]), chunk); err != nil {
			t.Fatalf("chunk at %d: %v", off, err)
		}
	}
	if !st.Complete {
		t.Fatalf("finished photo: %+v", st)
	}
	got, err := os.ReadFile(db2.PhotoPath(h))
	if err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("stored photo differs (%v)", err)
	}
}

func TestAppendPhotoRefusesWrongBytes(t *testing.T) {
	db, _ := openTemp(t)
	claimed := hashOf([]byte("the real photo"))
	st, err := db.AppendPhoto(claimed, 0, 9, "", bytes.NewReader([]byte("not it!!!")), 1<<10)
	if !errors.Is(err, ErrHashMismatch) || st.Have != 0 {
		t.Fatalf("wrong bytes: %+v %v", st, err)
	}
	if _, err := os.Stat(db.PhotoPath(claimed)); !os.IsNotExist(err) {
		t.Error("a photo that does not match its hash was kept")
	}
	if _, err := db.PhotoStatus("../../etc/passwd"); err == nil {
		t.Error("a path was taken for a hash")
	}
}

// TestUnacknowledgedBytesDoNotCount leaves bytes in the partial file past
// the saved state, as a crash between writing a chunk and saving its state
// would: the store reports the acknowledged prefix and the upload completes.
func TestUnacknowledgedBytesDoNotCount(t *testing.T) {
	db, _ := openTemp(t)
	photo := bytes.Repeat([]byte("0123456789"), 5000)
	h, size := hashOf(photo), int64(len(photo))
	if _, err := db.AppendPhoto(h, 0, size, "", bytes.NewReader(photo[:20000]), 1<<20); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(db.Blobs().uploadPath(blobs.Upload{Hash: h}), os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte("garbage from a chunk whose answer was never sent"))
	f.Close()
	st, err := db.PhotoStatus(h)
	if err != nil || st.Have != 20000 {
		t.Fatalf("status = %+v %v, want the 20000 acknowledged bytes", st, err)
	}
	st, err = db.AppendPhoto(h, 20000, size, "", bytes.NewReader(photo[20000:]), 1<<20)
	if err != nil || !st.Complete {
		t.Fatalf("finishing: %+v %v", st, err)
	}
	if got, _ := os.ReadFile(db.PhotoPath(h)); !bytes.Equal(got, photo) {
		t.Error("stored photo differs")
	}
}
