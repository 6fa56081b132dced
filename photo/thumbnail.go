package photo

import (
	"bufio"
	"fmt"
	"image"
	"image/jpeg"
	"io"

	"github.com/fielddesk/fielddesk/internal/durable"
	"golang.org/x/image/draw"
)

// ThumbnailSide is the long side, in pixels, of the thumbnails the editor and
// the preview show.
const ThumbnailSide = 800

// Thumbnail decodes the image in src (after checking its header), turns it
// upright by its EXIF orientation and scales it so its long side is at most
// side pixels. Smaller images are only turned.
func Thumbnail(src io.ReadSeeker, side int) (image.Image, error) {
	info, err := Inspect(src)
	if err != nil {
		return nil, err
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("thumbnail: %w", err)
	}
	img, _, err := image.Decode(bufio.NewReaderSize(src, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("%w: the picture data is damaged (%v)", ErrNotImage, err)
	}
	return orient(scaleDown(img, side), info.Orientation), nil
}

// scaleDown shrinks img to fit side×side: a cheap approximate pass down to
// twice the target, then a Catmull-Rom pass for quality.
func scaleDown(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	long := max(w, h)
	if long <= side {
		return img
	}
	fit := func(s int) (int, int) {
		return max(1, w*s/long), max(1, h*s/long)
	}
	src := img
	if long > 2*side {
		mw, mh := fit(2 * side)
		mid := image.NewRGBA(image.Rect(0, 0, mw, mh))
		draw.ApproxBiLinear.Scale(mid, mid.Bounds(), img, b, draw.Src, nil)
		src = mid
	}
	tw, th := fit(side)
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst
}

// orient applies an EXIF orientation (1-8) to img.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	rgba, fast := img.(*image.RGBA)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			if fast {
				si := rgba.PixOffset(b.Min.X+x, b.Min.Y+y)
				copy(dst.Pix[dst.PixOffset(dx, dy):][:4], rgba.Pix[si:si+4])
			} else {
				dst.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return dst
}

// WriteJPEG writes img to path as a JPEG, atomically: a reader sees the old
// file or the whole new one.
func WriteJPEG(path string, img image.Image, quality int) error {
	f, err := durable.Create(path, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer f.Abort()
	bw := bufio.NewWriter(f)
	if err := jpeg.Encode(bw, img, &jpeg.Options{Quality: quality}); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
