package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// An account cannot fill the server's disk with uploads it never finishes:
// photos on their way are bounded per device and per account, a finished
// one frees its place, and abandoned ones are swept.
func TestUploadsUnderWayAreBoundedAndSwept(t *testing.T) {
	db, _ := openTemp(t)
	db.SetUploadLimits(UploadLimits{PerDevice: 2, PerUser: 3, BytesPerDevice: 1 << 30, BytesPerUser: 1 << 30, MaxAge: time.Hour})
	phone, laptop := Uploader{User: "lethib", Device: "phone"}, Uploader{User: "lethib", Device: "laptop"}
	photo := func(i byte) []byte { return bytes.Repeat([]byte{i}, 5000) }
	start := func(up Uploader, p []byte) error {
		_, err := db.AppendUpload(up, hashOf(p), 0, int64(len(p)), "", bytes.NewReader(p[:1000]), 1<<20, nil)
		return err
	}
	for i := range byte(2) {
		if err := start(phone, photo(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := start(phone, photo(2)); !errors.Is(err, ErrTooManyUploads) {
		t.Fatalf("a third upload on one device: %v", err)
	}
	if err := start(phone, photo(0)); err != nil {
		t.Errorf("an upload under way goes on: %v", err)
	}
	if err := start(laptop, photo(3)); err != nil {
		t.Fatalf("the account's second device: %v", err)
	}
	if err := start(laptop, photo(4)); !errors.Is(err, ErrTooManyUploads) {
		t.Fatalf("a fourth upload for the account: %v", err)
	}
	if err := start(Uploader{User: "tranvanc", Device: "x"}, photo(4)); err != nil {
		t.Errorf("another account is not held back: %v", err)
	}
	// Finishing one frees its place.
	p := photo(0)
	if st, err := db.AppendUpload(phone, hashOf(p), 1000, int64(len(p)), "", bytes.NewReader(p[1000:]), 1<<20, nil); err != nil || !st.Complete {
		t.Fatalf("finish: %+v %v", st, err)
	}
	if err := start(phone, photo(5)); err != nil {
		t.Errorf("after one finished: %v", err)
	}
	// Limits by size too.
	db.SetUploadLimits(UploadLimits{PerDevice: 10, PerUser: 10, BytesPerDevice: 12000, BytesPerUser: 1 << 30, MaxAge: time.Hour})
	if err := start(laptop, photo(6)); err != nil {
		t.Fatal(err)
	}
	if err := start(laptop, photo(7)); !errors.Is(err, ErrTooManyUploads) {
		t.Errorf("over the device's bytes: %v", err)
	}
	// Nothing new for longer than MaxAge: swept.
	old := time.Now().Add(-2 * time.Hour)
	filepath.Walk(filepath.Join(db.dir, "photos", "partial"), func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			os.Chtimes(path, old, old)
		}
		return nil
	})
	if n, err := db.SweepUploads(); err != nil || n != 5 {
		t.Errorf("swept %d, %v; want 5", n, err)
	}
	if st, _, _ := db.UploadStatus("lethib", hashOf(photo(1))); st.Have != 0 {
		t.Errorf("a swept upload still holds %d bytes", st.Have)
	}
	if st, _, _ := db.UploadStatus("lethib", hashOf(photo(0))); !st.Complete {
		t.Error("the sweep took a finished photo")
	}
}
