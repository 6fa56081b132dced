package photo

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Publishing a correspondent's photo must not publish where it was taken:
// a phone's EXIF carries GPS coordinates, the camera's serial number and
// the time, XMP and IPTC blocks may carry names. Clean copies a JPEG or PNG
// without them, byte for byte otherwise (the picture is never decoded), and
// keeps a JPEG's orientation so it still shows upright.

// ErrCannotClean means the file is not a JPEG or PNG, whose metadata Clean
// knows how to leave out.
var ErrCannotClean = errors.New("cannot remove the metadata of this kind of picture")

// Clean copies the picture from r to w without its metadata: for a JPEG,
// every APP1 (EXIF, XMP), APP12 and APP13 (IPTC) segment and comments, with
// a minimal EXIF block of its orientation put back when it was not upright;
// for a PNG, the eXIf, tEXt, zTXt, iTXt and tIME chunks.
func Clean(w io.Writer, r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(8)
	if err != nil && len(head) < 4 {
		return fmt.Errorf("%w: the file is too short", ErrCannotClean)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8}):
		return cleanJPEG(w, br)
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return cleanPNG(w, br)
	}
	return ErrCannotClean
}

func cleanJPEG(w io.Writer, r *bufio.Reader) error {
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil {
		return err
	}
	if _, err := w.Write(soi[:]); err != nil {
		return err
	}
	orientation := 1
	wroteOrientation := false
	for {
		var m [2]byte
		if _, err := io.ReadFull(r, m[:]); err != nil {
			return fmt.Errorf("JPEG header cut short: %w", err)
		}
		if m[0] != 0xFF {
			return fmt.Errorf("damaged JPEG header (0x%02x where a marker belongs)", m[0])
		}
		marker := m[1]
		if marker == 0xFF { // fill byte
			if err := r.UnreadByte(); err != nil {
				return err
			}
			continue
		}
		if (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 {
			if _, err := w.Write(m[:]); err != nil { // a marker without a length
				return err
			}
			continue
		}
		if marker == 0xDA || marker == 0xD9 {
			// Start of scan: the picture itself follows, copied unchanged.
			if orientation != 1 && !wroteOrientation {
				if _, err := w.Write(orientationSegment(orientation)); err != nil {
					return err
				}
			}
			if _, err := w.Write(m[:]); err != nil {
				return err
			}
			_, err := io.Copy(w, r)
			return err
		}
		var sz [2]byte
		if _, err := io.ReadFull(r, sz[:]); err != nil {
			return fmt.Errorf("JPEG header cut short: %w", err)
		}
		size := int(binary.BigEndian.Uint16(sz[:]))
		if size < 2 {
			return fmt.Errorf("damaged JPEG segment length %d", size)
		}
		seg := make([]byte, size-2)
		if _, err := io.ReadFull(r, seg); err != nil {
			return fmt.Errorf("JPEG header cut short: %w", err)
		}
		switch {
		case marker == 0xE1:
			if bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
				if o := tiffOrientation(seg[6:]); o >= 1 && o <= 8 {
					orientation = o
				}
			}
			continue // EXIF or XMP: left out
		case marker == 0xEC || marker == 0xED || marker == 0xFE:
			continue // APP12, IPTC/Photoshop, comment
		case marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
			// A frame header: put the orientation back before it.
			if orientation != 1 && !wroteOrientation {
				if _, err := w.Write(orientationSegment(orientation)); err != nil {
					return err
				}
				wroteOrientation = true
			}
		}
		if _, err := w.Write(append(append(m[:], sz[:]...), seg...)); err != nil {
			return err
		}
	}
}

// orientationSegment is an APP1 EXIF segment holding only the orientation.
func orientationSegment(o int) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // header, IFD at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, // Orientation, SHORT, 1, value
		0, 0, 0, 0} // no next IFD
	body := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

func cleanPNG(w io.Writer, r *bufio.Reader) error {
	var sig [8]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil {
		return err
	}
	if _, err := w.Write(sig[:]); err != nil {
		return err
	}
	for {
		var head [8]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("PNG chunk cut short: %w", err)
		}
		n := int64(binary.BigEndian.Uint32(head[:4]))
		kind := string(head[4:8])
		body := io.LimitReader(r, n+4) // data and CRC
		switch kind {
		case "eXIf", "tEXt", "zTXt", "iTXt", "tIME":
			if _, err := io.Copy(io.Discard, body); err != nil {
				return err
			}
			continue
		}
		if _, err := w.Write(head[:]); err != nil {
			return err
		}
		if c, err := io.Copy(w, body); err != nil {
			return err
		} else if c != n+4 {
			return fmt.Errorf("PNG chunk %s cut short", kind)
		}
		if kind == "IEND" {
			return nil
		}
	}
}
