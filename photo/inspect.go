package photo

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register GIF
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"

	_ "golang.org/x/image/webp" // register WebP
)

// MaxPixels is the largest image FieldDesk accepts: 50 megapixels. Decoding
// more would need hundreds of megabytes of memory.
const MaxPixels = 50_000_000

// Sentinel errors; the returned errors wrap them with the details.
var (
	ErrNotImage = errors.New("not a supported image")
	ErrTooLarge = errors.New("image too large")
)

// Info is what the header of an image says.
type Info struct {
	// Format is "jpeg", "png", "gif" or "webp".
	Format string
	// MIME is the media type, such as "image/jpeg".
	MIME string
	// Width and Height are as stored, before EXIF orientation.
	Width, Height int
	// Orientation is the EXIF orientation, 1 (upright) to 8.
	Orientation int
}

// Oriented returns the width and height as the photo is seen, after EXIF orientation.
func (i Info) Oriented() (w, h int) {
	if i.Orientation >= 5 {
		return i.Height, i.Width
	}
	return i.Width, i.Height
}

// Inspect reads only the header of r. It returns an error wrapping
// ErrNotImage for anything that is not a JPEG, PNG, GIF or WebP image, and
// ErrTooLarge for images over MaxPixels, before any pixel is decoded.
func Inspect(r io.Reader) (Info, error) {
	var head bytes.Buffer
	cfg, format, err := image.DecodeConfig(io.TeeReader(r, &head))
	if err != nil {
		return Info{}, fmt.Errorf("%w: the file is not a JPEG, PNG, GIF or WebP picture", ErrNotImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, fmt.Errorf("%w: the picture has no size", ErrNotImage)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Info{}, fmt.Errorf("%w: %d×%d is %.0f megapixels; the limit is %d", ErrTooLarge,
			cfg.Width, cfg.Height, float64(cfg.Width)*float64(cfg.Height)/1e6, MaxPixels/1_000_000)
	}
	info := Info{Format: format, MIME: "image/" + format, Width: cfg.Width, Height: cfg.Height, Orientation: 1}
	if format == "jpeg" {
		info.Orientation = Orientation(head.Bytes())
	}
	return info, nil
}
