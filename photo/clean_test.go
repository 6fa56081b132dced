package photo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand"
	"testing"
)

func noise(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rand.New(rand.NewSource(1)).Read(img.Pix)
	return img
}

// exifSegment is an APP1 EXIF block with an orientation and a GPS-like
// string that must not survive.
func exifSegment(orientation int) []byte {
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 2, 0,
		0x12, 0x01, 3, 0, 1, 0, 0, 0, byte(orientation), 0, 0, 0, // Orientation
		0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0, // GPS IFD pointer
		0, 0, 0, 0}
	tiff = append(tiff, []byte("GPS 22.6107N 103.6183E Y Ty")...)
	body := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

func segment(marker byte, body string) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

func TestCleanJPEGDropsMetadataKeepsOrientation(t *testing.T) {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, noise(64, 48), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	plain := enc.Bytes()
	var in []byte
	in = append(in, plain[:2]...) // SOI
	in = append(in, exifSegment(6)...)
	in = append(in, segment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:creator>Lê Thị B</x:creator>")...)
	in = append(in, segment(0xED, "Photoshop 3.0\x008BIM by Lê Thị B")...)
	in = append(in, segment(0xFE, "taken at Y Ty")...)
	in = append(in, plain[2:]...)
	if Orientation(in) != 6 {
		t.Fatal("the test picture has no orientation")
	}
	var out bytes.Buffer
	if err := Clean(&out, bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"GPS", "Y Ty", "Lê Thị B", "adobe", "Photoshop"} {
		if bytes.Contains(out.Bytes(), []byte(secret)) {
			t.Errorf("%q survived the cleaning", secret)
		}
	}
	if o := Orientation(out.Bytes()); o != 6 {
		t.Errorf("orientation %d after cleaning, want 6", o)
	}
	img, err := jpeg.Decode(bytes.NewReader(out.Bytes()))
	if err != nil || img.Bounds().Dx() != 64 {
		t.Fatalf("the cleaned JPEG does not decode: %v", err)
	}
	// An upright photo gets no EXIF at all; the picture bytes are the same.
	out.Reset()
	if err := Clean(&out, bytes.NewReader(plain)); err != nil || !bytes.Equal(out.Bytes(), plain) {
		t.Errorf("a JPEG without metadata changed (%v)", err)
	}
}

func pngChunk(kind, data string) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, kind...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE([]byte(kind+data)))
}

func TestCleanPNGDropsTextAndEXIF(t *testing.T) {
	var enc bytes.Buffer
	if err := png.Encode(&enc, noise(20, 10)); err != nil {
		t.Fatal(err)
	}
	plain := enc.Bytes()
	ihdrEnd := 8 + 8 + 13 + 4
	in := append([]byte{}, plain[:ihdrEnd]...)
	in = append(in, pngChunk("tEXt", "Location\x00Y Ty")...)
	in = append(in, pngChunk("eXIf", "MM\x00*GPS")...)
	in = append(in, plain[ihdrEnd:]...)
	var out bytes.Buffer
	if err := Clean(&out, bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), plain) {
		t.Error("the cleaned PNG is not the PNG without its text and EXIF chunks")
	}
	if _, err := png.Decode(bytes.NewReader(out.Bytes())); err != nil {
		t.Fatal(err)
	}
}

func TestCleanRefusesOtherFiles(t *testing.T) {
	for _, in := range [][]byte{[]byte("GIF89a......"), []byte("RIFF....WEBPVP8 "), {1, 2}} {
		if err := Clean(&bytes.Buffer{}, bytes.NewReader(in)); err == nil {
			t.Errorf("%q: cleaned", in)
		}
	}
}

func FuzzClean(f *testing.F) {
	var enc bytes.Buffer
	jpeg.Encode(&enc, noise(8, 8), nil)
	f.Add(append(append([]byte{0xFF, 0xD8}, exifSegment(3)...), enc.Bytes()[2:]...))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND"))
	f.Add(append(append(append([]byte{0xFF, 0xD8}, exifSegment(6)...), segment(0xFE, "taken at Y Ty")...), enc.Bytes()[2:]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		var out bytes.Buffer
		err := Clean(&out, bytes.NewReader(b))
		if out.Len() > len(b)+64 {
			t.Fatalf("%d bytes out of %d", out.Len(), len(b))
		}
		if err != nil {
			return
		}
		// What came out carries no metadata: a JPEG's segments before the
		// image data hold no comment, XMP, IPTC, or EXIF but the orientation.
		if o := out.Bytes(); bytes.HasPrefix(o, []byte{0xFF, 0xD8}) {
			for i := 2; i+4 <= len(o) && o[i] == 0xFF; {
				marker, n := o[i+1], int(binary.BigEndian.Uint16(o[i+2:]))
				if marker == 0xDA || n < 2 || i+2+n > len(o) {
					break
				}
				body := o[i+4 : i+2+n]
				switch {
				case marker == 0xFE, marker == 0xED, marker == 0xEC:
					t.Fatalf("segment %#x survived", marker)
				case marker == 0xE1 && (!bytes.HasPrefix(body, []byte("Exif\x00\x00")) || len(body) > 64):
					t.Fatalf("an APP1 of %d bytes survived (only a minimal orientation block may)", len(body))
				}
				i += 2 + n
			}
		}
		// A picture that decoded before decodes the same after.
		if before, _, err := image.Decode(bytes.NewReader(b)); err == nil {
			after, _, err := image.Decode(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatalf("a picture that decoded no longer does: %v", err)
			}
			if before.Bounds() != after.Bounds() {
				t.Fatalf("the picture changed size: %v → %v", before.Bounds(), after.Bounds())
			}
		}
	})
}
