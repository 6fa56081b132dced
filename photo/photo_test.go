package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// jpegWithOrientation encodes a w×h JPEG whose top-left quarter is red and
// the rest blue, with an EXIF APP1 segment holding orientation o (0: none).
func jpegWithOrientation(t testing.TB, w, h, o int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < w/2 && y < h/2 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if o == 0 {
		return b
	}
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01")
	entry := make([]byte, 12)
	binary.BigEndian.PutUint16(entry[0:], 0x0112)
	binary.BigEndian.PutUint16(entry[2:], 3)
	binary.BigEndian.PutUint32(entry[4:], 1)
	binary.BigEndian.PutUint16(entry[8:], uint16(o))
	tiff = append(tiff, entry...)
	tiff = append(tiff, 0, 0, 0, 0)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, b[:2]...)
	out = append(out, seg...)
	return append(out, b[2:]...)
}

// pngHeader is a valid PNG signature and IHDR chunk claiming w×h, with no pixels.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestInspect(t *testing.T) {
	info, err := Inspect(bytes.NewReader(jpegWithOrientation(t, 40, 20, 6)))
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != "jpeg" || info.MIME != "image/jpeg" || info.Width != 40 || info.Height != 20 || info.Orientation != 6 {
		t.Fatalf("info = %+v", info)
	}
	if w, h := info.Oriented(); w != 20 || h != 40 {
		t.Errorf("oriented = %dx%d, want 20x40", w, h)
	}
	var p bytes.Buffer
	png.Encode(&p, image.NewGray(image.Rect(0, 0, 3, 2)))
	if info, err := Inspect(&p); err != nil || info.Format != "png" || info.Orientation != 1 {
		t.Errorf("png: %+v %v", info, err)
	}
}

func TestInspectRefuses(t *testing.T) {
	if _, err := Inspect(strings.NewReader("%PDF-1.4 not a picture")); !errors.Is(err, ErrNotImage) {
		t.Errorf("pdf: %v, want ErrNotImage", err)
	}
	_, err := Inspect(bytes.NewReader(pngHeader(10000, 6000)))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "60 megapixels") {
		t.Errorf("60 MP png: %v, want ErrTooLarge naming the size", err)
	}
	if _, err := Inspect(bytes.NewReader(pngHeader(7000, 7000))); err != nil {
		t.Errorf("49 MP png refused: %v", err)
	}
}

func TestThumbnailOrientsAndScales(t *testing.T) {
	// Orientation 6: the camera was turned; the stored top-left shows at the top right.
	img, err := Thumbnail(bytes.NewReader(jpegWithOrientation(t, 400, 200, 6)), 100)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 50 || b.Dy() != 100 {
		t.Fatalf("thumbnail %v, want 50x100", b)
	}
	isRed := func(x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		return r > 0xc000 && g < 0x4000 && b < 0x4000
	}
	if !isRed(40, 10) || isRed(10, 10) || isRed(40, 90) {
		t.Errorf("red corner not at the top right after orientation 6")
	}
	small, err := Thumbnail(bytes.NewReader(jpegWithOrientation(t, 30, 20, 0)), 100)
	if err != nil || small.Bounds().Dx() != 30 {
		t.Errorf("small image: %v %v, want it unscaled", small.Bounds(), err)
	}
}

func TestOrientationAllValues(t *testing.T) {
	for o := 1; o <= 8; o++ {
		if got := Orientation(jpegWithOrientation(t, 8, 8, o)); got != o {
			t.Errorf("orientation %d read as %d", o, got)
		}
	}
	if got := Orientation(jpegWithOrientation(t, 8, 8, 0)); got != 1 {
		t.Errorf("no EXIF: %d, want 1", got)
	}
}

func FuzzOrientation(f *testing.F) {
	f.Add(jpegWithOrientation(f, 8, 8, 6)[:200])
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := Orientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d out of range", o)
		}
	})
}

func FuzzInspect(f *testing.F) {
	f.Add(jpegWithOrientation(f, 8, 8, 3))
	f.Add(pngHeader(100, 100))
	f.Add(pngHeader(1<<30, 1<<30))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := Inspect(bytes.NewReader(b))
		if err == nil && int64(info.Width)*int64(info.Height) > MaxPixels {
			t.Fatalf("accepted %dx%d", info.Width, info.Height)
		}
	})
}
