package desk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/bundle"
	"github.com/fielddesk/fielddesk/photo"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// Desk is an open data folder with the operations on it. It embeds the store,
// so Save, Latest, History, Restore, List and Filter are the store's.
type Desk struct {
	*store.DB
	thumbMu sync.Mutex // one thumbnail at a time: decoding is memory-hungry
}

// Open opens the data folder dir (see store.Open for its errors).
func Open(dir string) (*Desk, error) {
	db, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	return &Desk{DB: db}, nil
}

// MaxBundleBytes bounds the Markdown file of a bundle (photos not counted).
const MaxBundleBytes = 8 << 20

// AddPhotoFile checks the image at path, stores it and makes its thumbnail.
// Errors name the file: ErrNotImage or ErrTooLarge from package photo, or the
// I/O error.
func (d *Desk) AddPhotoFile(ctx context.Context, path string) (fielddesk.Photo, error) {
	f, err := os.Open(path)
	if err != nil {
		return fielddesk.Photo{}, fmt.Errorf("photo %s: %w", path, err)
	}
	defer f.Close()
	return d.AddPhoto(ctx, filepath.Base(path), f)
}

// AddPhoto checks the image read from r, stores it under its SHA-256 and makes
// its thumbnail. name is the file name to show and export it under.
func (d *Desk) AddPhoto(ctx context.Context, name string, r io.Reader) (fielddesk.Photo, error) {
	var head bytes.Buffer
	info, err := photo.Inspect(io.TeeReader(r, &head))
	if err != nil {
		return fielddesk.Photo{}, fmt.Errorf("photo %s: %w", name, err)
	}
	hash, size, err := d.PutPhoto(io.MultiReader(&head, r))
	if err != nil {
		return fielddesk.Photo{}, fmt.Errorf("photo %s: %w", name, err)
	}
	w, h := info.Oriented()
	p := fielddesk.Photo{Hash: hash, Name: fielddesk.NFC(name), Type: info.MIME, Width: w, Height: h, Size: size}
	if _, err := d.Thumbnail(ctx, hash); err != nil {
		return fielddesk.Photo{}, fmt.Errorf("photo %s: %w", name, err)
	}
	return p, nil
}

// Thumbnail returns the path of the photo's upright thumbnail, making and
// caching it the first time.
func (d *Desk) Thumbnail(ctx context.Context, hash string) (string, error) {
	path := filepath.Join(d.CacheDir(), hash+"-thumb.jpg")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	d.thumbMu.Lock()
	defer d.thumbMu.Unlock()
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	f, err := os.Open(d.photoFile(hash))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("photo %s: %w", hash[:min(12, len(hash))], fielddesk.ErrNotFound)
		}
		return "", fmt.Errorf("thumbnail: %w", err)
	}
	defer f.Close()
	img, err := photo.Thumbnail(f, photo.ThumbnailSide)
	if err != nil {
		return "", fmt.Errorf("thumbnail: %w", err)
	}
	if err := photo.WriteJPEG(path, img, 85); err != nil {
		return "", fmt.Errorf("thumbnail: %w", err)
	}
	return path, nil
}

// photoFile is the best file held for a photo: the original, or on an
// editor's device its rendition until the original arrives.
func (d *Desk) photoFile(hash string) string {
	if path, _, err := d.PhotoFile(hash); err == nil {
		return path
	}
	return d.PhotoPath(hash)
}

// Legacy says what Import does with text that looks like a pre-Unicode
// Vietnamese encoding (TCVN3, VNI, VIQR).
type Legacy string

// The choices; the empty Legacy is LegacyAsk.
const (
	// LegacyAsk refuses the import with ErrLegacyText, naming the encoding
	// and the text, so the user can decide: nothing is converted silently.
	LegacyAsk     Legacy = "ask"
	LegacyConvert Legacy = "convert"
	LegacyKeep    Legacy = "keep"
)

// ErrLegacyText is wrapped by the error for a bundle that looks like a
// legacy encoding when Import was asked to ask.
var ErrLegacyText = errors.New("text in an old Vietnamese encoding")

// Import adds the article in the bundle file at path and returns its new
// revision. A bundle whose id names an existing article adds a revision to
// it. Everything (front matter, photos, validation, legacy encodings) is
// checked before the first write, so a bad bundle imports nothing.
func (d *Desk) Import(ctx context.Context, path string, legacy Legacy) (fielddesk.Revision, error) {
	fail := func(err error) (fielddesk.Revision, error) {
		return fielddesk.Revision{}, fmt.Errorf("import %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	if st.Size() > MaxBundleBytes {
		return fail(fmt.Errorf("%w: the file is %d bytes; the limit is %d", bundle.ErrFormat, st.Size(), MaxBundleBytes))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fail(err)
	}
	b, err := bundle.Parse(data)
	if err != nil {
		return fail(err)
	}
	dir := filepath.Dir(path)
	type checked struct {
		file  string
		photo fielddesk.Photo
	}
	var files []checked
	photos := map[string]fielddesk.Photo{}
	for _, ref := range b.Photos {
		// A bundle written on Windows names photos\duong.jpg: on every
		// system a backslash in a relative photo path separates folders.
		file := ref
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(ref, `\`, "/")))
		}
		p, err := inspectFile(file)
		if err != nil {
			return fail(fmt.Errorf("photo %q: %w", ref, err))
		}
		photos[ref] = p
		files = append(files, checked{file, p})
	}
	a, err := b.Article(photos)
	if err != nil {
		return fail(err)
	}
	if a, err = applyLegacy(a, legacy); err != nil {
		return fail(err)
	}
	if err := a.Normalized().Validate(); err != nil {
		return fail(err)
	}
	for _, c := range files {
		f, err := os.Open(c.file)
		if err != nil {
			return fail(err)
		}
		hash, _, err := d.PutPhoto(f)
		f.Close()
		if err != nil {
			return fail(err)
		}
		if hash != c.photo.Hash {
			return fail(fmt.Errorf("photo %s changed while it was being imported; try again", c.file))
		}
		if _, err := d.Thumbnail(ctx, hash); err != nil {
			return fail(err)
		}
	}
	rev, err := d.Save(ctx, a, "")
	if err != nil {
		return fail(err)
	}
	return rev, nil
}

// inspectFile checks an image file and hashes it without storing it.
func inspectFile(path string) (fielddesk.Photo, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fielddesk.Photo{}, fmt.Errorf("the file %s does not exist", path)
		}
		return fielddesk.Photo{}, err
	}
	defer f.Close()
	var head bytes.Buffer
	info, err := photo.Inspect(io.TeeReader(f, &head))
	if err != nil {
		return fielddesk.Photo{}, err
	}
	h := sha256.New()
	size, err := io.Copy(h, io.MultiReader(&head, f))
	if err != nil {
		return fielddesk.Photo{}, err
	}
	w, ht := info.Oriented()
	return fielddesk.Photo{Hash: hex.EncodeToString(h.Sum(nil)), Name: fielddesk.NFC(filepath.Base(path)),
		Type: info.MIME, Width: w, Height: ht, Size: size}, nil
}

// applyLegacy finds text in an old encoding and, as asked, refuses,
// converts or keeps it. Figure lines keep their photo references intact.
func applyLegacy(a fielddesk.Article, legacy Legacy) (fielddesk.Article, error) {
	all := strings.Join(append([]string{a.Headline, a.Sapo, a.Byline, a.Category, a.Location, a.Agency, a.Body}, a.Tags...), "\n")
	det, found := vietnamese.Detect(all)
	if !found || legacy == LegacyKeep {
		return a, nil
	}
	if legacy != LegacyConvert {
		return a, fmt.Errorf("%w: it looks like %s (%q); import with --legacy convert to convert it, or --legacy keep to keep it as it is", ErrLegacyText, det.Encoding, det.Sample)
	}
	dec := func(s string) string { return vietnamese.Decode(s, det.Encoding) }
	a.Headline, a.Sapo, a.Byline, a.Category, a.Location, a.Agency = dec(a.Headline), dec(a.Sapo), dec(a.Byline), dec(a.Category), dec(a.Location), dec(a.Agency)
	for i := range a.Tags {
		a.Tags[i] = dec(a.Tags[i])
	}
	lines := strings.Split(a.Body, "\n")
	for i, l := range lines {
		if !strings.Contains(l, "]("+fielddesk.PhotoRefScheme) {
			lines[i] = dec(l)
		}
	}
	a.Body = strings.Join(lines, "\n")
	return a, nil
}

// ReviewQueue lists the articles that wait on editors, oldest submitted first.
func (d *Desk) ReviewQueue(ctx context.Context) ([]fielddesk.Summary, error) {
	return d.Queue(ctx, nil)
}
