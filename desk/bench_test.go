package desk

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// photo12MP is a 4000×3000 JPEG (12 megapixels) with a busy picture, tagged
// with EXIF orientation 6 (camera turned), as phones write them.
func photo12MP(b testing.TB) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = uint8(i*7 + i/4000*3)
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(i*3), uint8(i*5)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	jpg := buf.Bytes()
	tiff := []byte("II\x2a\x00\x08\x00\x00\x00\x01\x00")
	entry := make([]byte, 12)
	binary.LittleEndian.PutUint16(entry[0:], 0x0112)
	binary.LittleEndian.PutUint16(entry[2:], 3)
	binary.LittleEndian.PutUint32(entry[4:], 1)
	binary.LittleEndian.PutUint16(entry[8:], 6)
	payload := append(append([]byte("Exif\x00\x00"), tiff...), append(entry, 0, 0, 0, 0)...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{0xFF, 0xD8}, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// BenchmarkAddPhoto12MP adds a 12-megapixel JPEG the way the editor does:
// header check, durable content-addressed copy, and the oriented thumbnail
// (removed before each round so it is made every time).
func BenchmarkAddPhoto12MP(b *testing.B) {
	data := photo12MP(b)
	d, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		matches, _ := filepath.Glob(filepath.Join(d.CacheDir(), "*"))
		for _, m := range matches {
			os.Remove(m)
		}
		b.StartTimer()
		p, err := d.AddPhoto(ctx, "DSC0001.JPG", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if p.Width != 3000 || p.Height != 4000 {
			b.Fatalf("oriented size %dx%d, want 3000x4000", p.Width, p.Height)
		}
	}
}

// A photo taken upright on a phone held sideways (EXIF orientation 6) is
// recorded at the size it is seen, and its thumbnail stands upright.
func TestAddPhotoRecordsTheOrientedSize(t *testing.T) {
	data := photo12MP(t)
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	p, err := d.AddPhoto(context.Background(), "DSC0001.JPG", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 3000 || p.Height != 4000 {
		t.Errorf("oriented size %dx%d, want 3000x4000 (stored 4000x3000, orientation 6)", p.Width, p.Height)
	}
	thumb, err := d.Thumbnail(context.Background(), p.Hash)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(thumb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil || cfg.Width >= cfg.Height {
		t.Errorf("thumbnail %dx%d, %v; want it upright (taller than wide)", cfg.Width, cfg.Height, err)
	}
}
