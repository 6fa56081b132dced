package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/bundle"
	"github.com/fielddesk/fielddesk/internal/durable"
	"github.com/fielddesk/fielddesk/photo"
	"github.com/fielddesk/fielddesk/render"
)

// Formats Export writes.
const (
	FormatMarkdown = "md"
	FormatHTML     = "html"
	FormatNinJS    = "ninjs"
)

// ExportOptions says what to write and where.
type ExportOptions struct {
	Format string
	// Out is the file to write; its photos go to a "photos" folder beside it.
	// Empty means w (then md needs an article without photos, html embeds
	// its photos and ninjs points at the data folder's files).
	Out string
	// Embed puts photos inside an HTML page as data: URLs.
	Embed bool
}

// Export writes the latest revision of an article. Errors wrap ErrNotFound
// for an unknown article, or say which option does not fit.
func (d *Desk) Export(ctx context.Context, id fielddesk.ID, opts ExportOptions, w io.Writer) error {
	rev, err := d.Latest(ctx, id)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	a := rev.Article
	doc := render.Parse(a, rev.Saved)
	names := bundle.PhotoNames(a.Photos)
	toStdout := opts.Out == ""
	var buf bytes.Buffer
	var besideURL render.PhotoURL = func(p fielddesk.Photo) string {
		return (&url.URL{Path: names[p.Hash]}).EscapedPath()
	}
	switch opts.Format {
	case FormatMarkdown:
		if toStdout && len(a.Photos) > 0 {
			return fmt.Errorf("export: this article has %d photos; give --out FILE.md so they can be written beside it", len(a.Photos))
		}
		data, err := bundle.Write(a, names)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		buf.Write(data)
	case FormatHTML:
		photoURL := besideURL
		if opts.Embed || toStdout {
			photoURL = func(p fielddesk.Photo) string {
				path, original, err := d.PhotoFile(p.Hash)
				if err != nil {
					return ""
				}
				data, err := cleanPhoto(path)
				if err != nil {
					return ""
				}
				if !original {
					return render.DataURL("image/jpeg", data) // renditions are JPEG
				}
				return render.DataURL(p.Type, data)
			}
		}
		if err := doc.Page(&buf, render.HTMLOptions{PhotoURL: photoURL}); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	case FormatNinJS:
		photoURL := func(p fielddesk.Photo) string { return fileURL(d.photoFile(p.Hash)) }
		if !toStdout {
			outDir, err := filepath.Abs(filepath.Dir(opts.Out))
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			photoURL = func(p fielddesk.Photo) string {
				return fileURL(filepath.Join(outDir, filepath.FromSlash(names[p.Hash])))
			}
		}
		item, err := doc.NinJS(render.NinJSOptions{PhotoURL: photoURL, Revision: rev.ID, PubStatus: render.PubStatus(rev.Article.Status)})
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(item); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	default:
		return fmt.Errorf("export: unknown format %q; use md, html or ninjs", opts.Format)
	}
	if toStdout {
		_, err := w.Write(buf.Bytes())
		return err
	}
	if opts.Format != FormatHTML || !opts.Embed {
		for _, p := range a.Photos {
			dst := filepath.Join(filepath.Dir(opts.Out), filepath.FromSlash(names[p.Hash]))
			// A page or a ninjs item is for sharing: without the photos'
			// metadata (GPS). A bundle keeps the originals as they are.
			if err := copyFile(d.photoFile(p.Hash), dst, opts.Format != FormatMarkdown); err != nil {
				return fmt.Errorf("export photo %s: %w", p.Name, err)
			}
		}
	}
	if err := writeFileAtomic(opts.Out, buf.Bytes()); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

func fileURL(p string) string {
	return (&url.URL{Scheme: "file", Path: path.Clean(filepath.ToSlash(p))}).String()
}

// cleanPhoto reads a photo without its metadata (as it is when its kind
// cannot be cleaned).
func cleanPhoto(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := photo.Clean(&out, bytes.NewReader(data)); err != nil {
		return data, nil
	}
	return out.Bytes(), nil
}

func copyFile(src, dst string, clean bool) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := durable.Create(dst, 0o644)
	if err != nil {
		return err
	}
	defer out.Abort()
	copied := false
	if clean {
		if err := photo.Clean(out, in); err == nil {
			copied = true
		} else if !errors.Is(err, photo.ErrCannotClean) {
			return err
		} else if _, err := in.Seek(0, io.SeekStart); err != nil {
			return err
		} else if err := out.Truncate(0); err != nil {
			return err
		}
	}
	if !copied {
		if _, err := out.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			return err
		}
	}
	return out.Commit()
}

func writeFileAtomic(path string, data []byte) error {
	return durable.WriteFile(path, data, 0o644)
}

// ExportFile writes the latest revision of an article to the file path in
// a format (FormatMarkdown, FormatHTML, FormatNinJS), its photos beside
// it: the window's File › Export, with the code of the export command.
func (d *Desk) ExportFile(ctx context.Context, id fielddesk.ID, format, path string) error {
	return d.Export(ctx, id, ExportOptions{Format: format, Out: path}, nil)
}
