// Package blobstest is the behaviour every blobs.Store must have, run
// against each backend (the embedded files and PostgreSQL with an
// S3-compatible object store): the same suite, so that what the server
// relies on holds whichever a newsroom runs.
package blobstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
)

// Backend is one store under test.
type Backend struct {
	Store blobs.Store
	// Reopen returns the store as it is after a restart of the server
	// (Store is not used again).
	Reopen func(t *testing.T) blobs.Store
	// Second, if not nil, returns another instance on the same data, used
	// at the same time as Store (a shared backend behind two servers).
	Second func(t *testing.T) blobs.Store
}

// Run runs the suite; open makes a new, empty backend for each test.
func Run(t *testing.T, open func(t *testing.T) Backend) {
	tests := []struct {
		name string
		fn   func(*testing.T, Backend)
	}{
		{"ResumesAfterRestart", testResumes},
		{"RefusesDamagedAndWrongBytes", testRefuses},
		{"AChunkSentAgainChangesNothing", testSentAgain},
		{"CheckVetsTheWholePhoto", testCheck},
		{"ConcurrentAppendsTakeTurns", testConcurrent},
		{"AreasAreApart", testAreas},
		{"ObjectsOpenStatDelete", testObjects},
		{"UploadsAreBoundedAndSwept", testLimits},
		{"NamesNeverReachTheStore", testNames},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// HashOf is the SHA-256 (hex) of b.
func HashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Photo returns n random bytes (a photo's stand-in) from seed.
func Photo(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func appendTo(st blobs.Store, u blobs.Upload, off int64, b []byte, chunkHash string, f blobs.Finish) (blobs.State, error) {
	ctx := context.Background()
	if err := st.Start(ctx, u, blobs.DefaultLimits); err != nil {
		return blobs.State{}, err
	}
	return blobs.Append(ctx, st, u, blobs.Chunk{Offset: off, Hash: chunkHash, Data: bytes.NewReader(b)}, 64<<10, f)
}

func readAll(t *testing.T, st blobs.Store, k blobs.Key) []byte {
	t.Helper()
	o, err := st.Open(context.Background(), k)
	if err != nil {
		t.Fatalf("open %s: %v", k, err)
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	if err != nil {
		t.Fatalf("read %s: %v", k, err)
	}
	if o.Size() != int64(len(b)) {
		t.Errorf("%s: Size says %d, %d bytes read", k, o.Size(), len(b))
	}
	return b
}

func testResumes(t *testing.T, b Backend) {
	ctx := context.Background()
	photo := Photo(1, 300_000)
	h := HashOf(photo)
	u := blobs.Upload{Area: blobs.Area("lethib"), Hash: h, Device: "d1", Size: int64(len(photo))}
	key := blobs.Original(h)
	const chunk = 40_000
	var st blobs.State
	var err error
	for off := 0; off < 120_000; off += chunk {
		if st, err = appendTo(b.Store, u, int64(off), photo[off:off+chunk], HashOf(photo[off:off+chunk]), blobs.Finish{Key: key}); err != nil {
			t.Fatalf("chunk at %d: %v", off, err)
		}
	}
	if st.Have != 120_000 || st.Complete {
		t.Fatalf("after three chunks: %+v", st)
	}
	// One past what is held says where to resume.
	if st, err := appendTo(b.Store, u, 160_000, photo[160_000:200_000], "", blobs.Finish{Key: key}); !errors.Is(err, blobs.ErrWrongOffset) || st.Have != 120_000 {
		t.Fatalf("a chunk past the prefix: %+v %v", st, err)
	}
	if _, err := b.Store.Stat(ctx, key); !errors.Is(err, blobs.ErrNotFound) {
		t.Fatalf("an unfinished photo is an object: %v", err)
	}
	// The server restarts (or the device reaches another instance).
	s2 := b.Reopen(t)
	p, err := s2.Progress(ctx, u)
	if err != nil || p.Have != 120_000 {
		t.Fatalf("after the restart the upload holds %d (%v); want 120000", p.Have, err)
	}
	for off := p.Have; off < u.Size; off += chunk {
		end := min(u.Size, off+chunk)
		if st, err = appendTo(s2, u, off, photo[off:end], "", blobs.Finish{Key: key}); err != nil {
			t.Fatalf("chunk at %d after the restart: %v", off, err)
		}
	}
	if !st.Complete || st.Have != u.Size {
		t.Fatalf("the finished photo: %+v", st)
	}
	if got := readAll(t, s2, key); !bytes.Equal(got, photo) {
		t.Fatal("the object's bytes differ from the photo's")
	}
	if p, err := s2.Progress(ctx, u); err != nil || p.Have != 0 {
		t.Errorf("a finished upload is still under way: %+v %v", p, err)
	}
}

func testRefuses(t *testing.T, b Backend) {
	ctx := context.Background()
	photo := Photo(2, 100_000)
	h := HashOf(photo)
	u := blobs.Upload{Area: blobs.Area("lethib"), Hash: h, Device: "d1", Size: int64(len(photo))}
	key := blobs.Original(h)
	if _, err := appendTo(b.Store, u, 0, photo[:50_000], "", blobs.Finish{Key: key}); err != nil {
		t.Fatal(err)
	}
	// A chunk damaged on the way is refused; the prefix stays.
	bad := append([]byte{}, photo[50_000:]...)
	bad[10] ^= 1
	if _, err := appendTo(b.Store, u, 50_000, bad, HashOf(photo[50_000:]), blobs.Finish{Key: key}); !errors.Is(err, blobs.ErrHashMismatch) {
		t.Fatalf("a damaged chunk: %v", err)
	}
	if p, _ := b.Store.Progress(ctx, u); p.Have != 50_000 {
		t.Fatalf("the prefix after a damaged chunk: %d", p.Have)
	}
	// Damaged without a chunk hash: the whole photo's hash catches it,
	// and nothing of it is kept.
	st, err := appendTo(b.Store, u, 50_000, bad, "", blobs.Finish{Key: key})
	if !errors.Is(err, blobs.ErrHashMismatch) || st.Have != 0 {
		t.Fatalf("a photo that does not match its hash: %+v %v", st, err)
	}
	if _, err := b.Store.Stat(ctx, key); !errors.Is(err, blobs.ErrNotFound) {
		t.Errorf("a photo that does not match its hash became an object: %v", err)
	}
	if p, _ := b.Store.Progress(ctx, u); p.Have != 0 {
		t.Errorf("a photo that does not match its hash is still under way: %d", p.Have)
	}
	// A chunk longer than the photo, or than the limit.
	if _, err := appendTo(b.Store, u, 0, append(append([]byte{}, photo...), 'x'), "", blobs.Finish{Key: key}); !errors.Is(err, fielddesk.ErrInvalid) {
		t.Errorf("a chunk past the photo's end: %v", err)
	}
	small := blobs.Upload{Area: u.Area, Hash: HashOf(photo[:80_000]), Device: "d1", Size: 80_000}
	if _, err := appendTo(b.Store, small, 0, photo[:80_000], "", blobs.Finish{Key: blobs.Original(small.Hash)}); !errors.Is(err, fielddesk.ErrInvalid) {
		t.Errorf("a chunk over the limit: %v", err)
	}
}

func testSentAgain(t *testing.T, b Backend) {
	photo := Photo(3, 90_000)
	h := HashOf(photo)
	u := blobs.Upload{Area: blobs.Area("lethib"), Hash: h, Device: "d1", Size: int64(len(photo))}
	key := blobs.Original(h)
	if _, err := appendTo(b.Store, u, 0, photo[:30_000], "", blobs.Finish{Key: key}); err != nil {
		t.Fatal(err)
	}
	// Sent again after a lost answer: nothing changes.
	if st, err := appendTo(b.Store, u, 0, photo[:30_000], "", blobs.Finish{Key: key}); err != nil || st.Have != 30_000 {
		t.Fatalf("a chunk sent again: %+v %v", st, err)
	}
	// Overlapping: only its new bytes count.
	if st, err := appendTo(b.Store, u, 20_000, photo[20_000:60_000], "", blobs.Finish{Key: key}); err != nil || st.Have != 60_000 {
		t.Fatalf("an overlapping chunk: %+v %v", st, err)
	}
	st, err := appendTo(b.Store, u, 60_000, photo[60_000:], "", blobs.Finish{Key: key})
	if err != nil || !st.Complete {
		t.Fatalf("the last chunk: %+v %v", st, err)
	}
	if got := readAll(t, b.Store, key); !bytes.Equal(got, photo) {
		t.Fatal("the object's bytes differ from the photo's")
	}
	// The same photo sent whole by another account: the object is kept.
	u2 := u
	u2.Area = blobs.Area("tranvanc")
	done := false
	if st, err := appendTo(b.Store, u2, 0, photo[:60_000], "", blobs.Finish{Key: key}); err != nil || st.Complete {
		t.Fatal(st, err)
	}
	st, err = appendTo(b.Store, u2, 60_000, photo[60_000:], "", blobs.Finish{Key: key, Done: func(context.Context) error { done = true; return nil }})
	if err != nil || !st.Complete || !done {
		t.Fatalf("the same photo from another account: %+v done %v %v", st, done, err)
	}
	if got := readAll(t, b.Store, key); !bytes.Equal(got, photo) {
		t.Fatal("the object's bytes changed")
	}
}

var errBad = errors.New("not a photo FieldDesk takes")

func testCheck(t *testing.T, b Backend) {
	ctx := context.Background()
	photo := Photo(4, 70_000)
	h := HashOf(photo)
	u := blobs.Upload{Area: blobs.Area("lethib"), Hash: h, Device: "d1", Size: int64(len(photo))}
	var seen []byte
	refuse := blobs.Finish{Key: blobs.Original(h), Check: func(r io.Reader) error {
		var err error
		seen, err = io.ReadAll(r)
		if err != nil {
			return err
		}
		return errBad
	}}
	if _, err := appendTo(b.Store, u, 0, photo[:40_000], "", refuse); err != nil {
		t.Fatal(err)
	}
	if seen != nil {
		t.Fatal("the check ran before the photo was whole")
	}
	if _, err := appendTo(b.Store, u, 40_000, photo[40_000:], "", refuse); !errors.Is(err, errBad) {
		t.Fatalf("a refused photo: %v", err)
	}
	if !bytes.Equal(seen, photo) {
		t.Fatalf("the check read %d bytes, not the photo's %d", len(seen), len(photo))
	}
	if _, err := b.Store.Stat(ctx, blobs.Original(h)); !errors.Is(err, blobs.ErrNotFound) {
		t.Errorf("a refused photo became an object: %v", err)
	}
	if p, _ := b.Store.Progress(ctx, u); p.Have != 0 {
		t.Errorf("a refused photo is still under way: %d", p.Have)
	}
}

// Two requests of one upload at once (a device that reconnected while its
// old connection still delivers, maybe to another instance): each chunk is
// taken once, and the photo comes out whole.
func testConcurrent(t *testing.T, b Backend) {
	ctx := context.Background()
	photo := Photo(5, 400_000)
	h := HashOf(photo)
	u := blobs.Upload{Area: blobs.Area("lethib"), Hash: h, Device: "d1", Size: int64(len(photo))}
	key := blobs.Original(h)
	stores := []blobs.Store{b.Store, b.Store}
	if b.Second != nil {
		stores[1] = b.Second(t)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := stores[i]
			for range 200 {
				p, err := st.Progress(ctx, u)
				if err != nil {
					errs <- err
					return
				}
				if s, err := st.Stat(ctx, key); err == nil && s == u.Size {
					return
				}
				// Chunks of other sizes: a write that did not check
				// the offset would leave bytes and state out of step.
				end := min(u.Size, p.Have+20_000+int64(i)*7_000)
				got, err := appendTo(st, u, p.Have, photo[p.Have:end], "", blobs.Finish{Key: key})
				if got.Complete {
					return
				}
				if err != nil && !errors.Is(err, blobs.ErrWrongOffset) && !errors.Is(err, blobs.ErrNotFound) {
					errs <- fmt.Errorf("writer %d at %d: %w", i, p.Have, err)
					return
				}
			}
			errs <- fmt.Errorf("writer %d never finished", i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := readAll(t, b.Store, key); !bytes.Equal(got, photo) {
		t.Fatal("the object's bytes differ from the photo's")
	}
}

func testAreas(t *testing.T, b Backend) {
	ctx := context.Background()
	photo := Photo(6, 50_000)
	h := HashOf(photo)
	mine := blobs.Upload{Area: blobs.Area("lethib"), Hash: h, Device: "d1", Size: int64(len(photo))}
	theirs := mine
	theirs.Area = blobs.Area("tranvanc")
	if _, err := appendTo(b.Store, mine, 0, photo[:30_000], "", blobs.Finish{Key: blobs.Original(h)}); err != nil {
		t.Fatal(err)
	}
	if p, _ := b.Store.Progress(ctx, theirs); p.Have != 0 {
		t.Errorf("another account's upload of the same photo holds %d bytes of mine", p.Have)
	}
	// Renditions are filed per area: one account's never replaces another's.
	r1, r2 := Photo(7, 10_000), Photo(8, 12_000)
	for _, c := range []struct {
		user string
		b    []byte
	}{{"lethib", r1}, {"tranvanc", r2}} {
		u := blobs.Upload{Area: blobs.Area(c.user), Hash: HashOf(c.b), Device: "d", Size: int64(len(c.b))}
		if st, err := appendTo(b.Store, u, 0, c.b, "", blobs.Finish{Key: blobs.Rendition(u.Area, h)}); err != nil || !st.Complete {
			t.Fatalf("rendition of %s: %+v %v", c.user, st, err)
		}
	}
	if got := readAll(t, b.Store, blobs.Rendition(blobs.Area("lethib"), h)); !bytes.Equal(got, r1) {
		t.Error("one account's rendition was replaced by another's")
	}
	if got := readAll(t, b.Store, blobs.Rendition(blobs.Area("tranvanc"), h)); !bytes.Equal(got, r2) {
		t.Error("the second account's rendition differs")
	}
	if blobs.Area("lethib") == blobs.Area("tranvanc") || blobs.Area("lethib") != blobs.Area("lethib") {
		t.Error("areas do not tell accounts apart")
	}
}

func testObjects(t *testing.T, b Backend) {
	ctx := context.Background()
	photo := Photo(9, 64_000)
	h := HashOf(photo)
	key := blobs.Original(h)
	if _, err := b.Store.Open(ctx, key); !errors.Is(err, blobs.ErrNotFound) {
		t.Fatalf("open of a missing object: %v", err)
	}
	u := blobs.Upload{Hash: h, Size: int64(len(photo))} // a desktop's download: no area
	if st, err := appendTo(b.Store, u, 0, photo, "", blobs.Finish{Key: key}); err != nil || !st.Complete {
		t.Fatalf("%+v %v", st, err)
	}
	if n, err := b.Store.Stat(ctx, key); err != nil || n != int64(len(photo)) {
		t.Fatalf("stat: %d %v", n, err)
	}
	// Ranged reads, as a download that resumes makes them.
	o, err := b.Store.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Seek(50_000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	tail, err := io.ReadAll(o)
	o.Close()
	if err != nil || !bytes.Equal(tail, photo[50_000:]) {
		t.Fatalf("a read from 50000: %d bytes, %v", len(tail), err)
	}
	if err := b.Store.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	s2 := b.Reopen(t)
	if _, err := s2.Stat(ctx, key); !errors.Is(err, blobs.ErrNotFound) {
		t.Errorf("a deleted object: %v", err)
	}
	if err := s2.Delete(ctx, key); err != nil {
		t.Errorf("deleting what is not there: %v", err)
	}
}

func testLimits(t *testing.T, b Backend) {
	ctx := context.Background()
	l := blobs.Limits{PerDevice: 2, PerUser: 3, BytesPerDevice: 1 << 30, BytesPerUser: 1 << 30, MaxAge: time.Hour}
	area := blobs.Area("lethib")
	photo := func(i byte) []byte { return bytes.Repeat([]byte{i}, 5000) }
	up := func(dev string, p []byte) blobs.Upload {
		return blobs.Upload{Area: area, Hash: HashOf(p), Device: dev, Size: int64(len(p))}
	}
	start := func(u blobs.Upload, p []byte) error {
		if err := b.Store.Start(ctx, u, l); err != nil {
			return err
		}
		_, err := blobs.Append(ctx, b.Store, u, blobs.Chunk{Data: bytes.NewReader(p[:1000])}, 1<<20, blobs.Finish{Key: blobs.Original(u.Hash)})
		return err
	}
	for i := range byte(2) {
		if err := start(up("phone", photo(i)), photo(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := start(up("phone", photo(2)), photo(2)); !errors.Is(err, blobs.ErrTooManyUploads) {
		t.Fatalf("a third upload on one device: %v", err)
	}
	if err := b.Store.Start(ctx, up("phone", photo(0)), l); err != nil {
		t.Errorf("an upload under way goes on: %v", err)
	}
	if err := start(up("laptop", photo(3)), photo(3)); err != nil {
		t.Fatalf("the account's second device: %v", err)
	}
	if err := start(up("laptop", photo(4)), photo(4)); !errors.Is(err, blobs.ErrTooManyUploads) {
		t.Fatalf("a fourth upload for the account: %v", err)
	}
	other := up("x", photo(4))
	other.Area = blobs.Area("tranvanc")
	if err := start(other, photo(4)); err != nil {
		t.Errorf("another account is not held back: %v", err)
	}
	// Finishing one frees its place.
	p := photo(0)
	if st, err := blobs.Append(ctx, b.Store, up("phone", p), blobs.Chunk{Offset: 1000, Data: bytes.NewReader(p[1000:])}, 1<<20, blobs.Finish{Key: blobs.Original(HashOf(p))}); err != nil || !st.Complete {
		t.Fatalf("finish: %+v %v", st, err)
	}
	if err := start(up("phone", photo(5)), photo(5)); err != nil {
		t.Errorf("after one finished: %v", err)
	}
	// Limits by size too.
	l = blobs.Limits{PerDevice: 10, PerUser: 10, BytesPerDevice: 12000, BytesPerUser: 1 << 30, MaxAge: time.Hour}
	if err := start(up("laptop", photo(6)), photo(6)); err != nil {
		t.Fatal(err)
	}
	if err := start(up("laptop", photo(7)), photo(7)); !errors.Is(err, blobs.ErrTooManyUploads) {
		t.Errorf("over the device's bytes: %v", err)
	}
	// Recent uploads stay; idle ones are swept, finished photos are not.
	if n, err := b.Store.Sweep(ctx, time.Hour); err != nil || n != 0 {
		t.Errorf("swept %d recent uploads (%v)", n, err)
	}
	time.Sleep(20 * time.Millisecond)
	if n, err := b.Store.Sweep(ctx, 10*time.Millisecond); err != nil || n != 5 {
		t.Errorf("swept %d, %v; want the 5 under way", n, err)
	}
	if p, _ := b.Store.Progress(ctx, up("phone", photo(1))); p.Have != 0 {
		t.Errorf("a swept upload still holds %d bytes", p.Have)
	}
	if _, err := b.Store.Stat(ctx, blobs.Original(HashOf(photo(0)))); err != nil {
		t.Errorf("the sweep took a finished photo: %v", err)
	}
	for i := range byte(2) {
		if err := start(up("phone", photo(10+i)), photo(10+i)); err != nil {
			t.Errorf("after the sweep, upload %d: %v", i, err)
		}
	}
}

func testNames(t *testing.T, b Backend) {
	ctx := context.Background()
	for _, k := range []blobs.Key{"../../etc/passwd", "photo/../../x", blobs.Original("ABC"), "rendition/x/" + blobs.Key(HashOf(nil)), ""} {
		if _, err := b.Store.Open(ctx, k); err == nil {
			t.Errorf("Open(%q) took a name that is no key", k)
		}
		if err := b.Store.Delete(ctx, k); err == nil {
			t.Errorf("Delete(%q) took a name that is no key", k)
		}
	}
	for _, u := range []blobs.Upload{{Hash: "../../etc/passwd", Size: 9}, {Area: "../x", Hash: HashOf(nil), Size: 9}} {
		if _, err := b.Store.Progress(ctx, u); err == nil {
			t.Errorf("Progress(%+v) took a name that is no hash", u)
		}
		if err := b.Store.Write(ctx, u, 0, []byte("x"), nil); err == nil {
			t.Errorf("Write(%+v) took a name that is no hash", u)
		}
	}
}
