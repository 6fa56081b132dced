package render

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/assets"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// PhotoURL maps a stored photo to the address the HTML should load it from.
type PhotoURL func(fielddesk.Photo) string

// BesideURL points photos at a "photos" folder beside the page, by file name.
func BesideURL(p fielddesk.Photo) string { return "photos/" + url.PathEscape(p.Name) }

// htmlRenderer renders figures and resolves photo:HASH image destinations.
type htmlRenderer struct {
	photoURL PhotoURL
	photos   map[string]fielddesk.Photo
	lang     string
}

func (r *htmlRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFigure, r.renderFigure)
	reg.Register(ast.KindImage, r.renderImage)
}

func (r *htmlRenderer) src(dest []byte) (string, *fielddesk.Photo) {
	d := string(dest)
	if hash, ok := strings.CutPrefix(d, fielddesk.PhotoRefScheme); ok {
		if p, ok := r.photos[hash]; ok {
			if r.photoURL != nil {
				return r.photoURL(p), &p
			}
			return BesideURL(p), &p
		}
		return "", nil
	}
	esc := util.URLEscape(dest, true)
	if ghtml.IsDangerousURL(esc) {
		return "", nil
	}
	return string(esc), nil
}

func (r *htmlRenderer) writeImg(w util.BufWriter, source []byte, img *ast.Image) {
	src, photo := r.src(img.Destination)
	fmt.Fprintf(w, `<img src="%s" alt="%s"`, html.EscapeString(src), html.EscapeString(plainText(img, source)))
	if photo != nil && photo.Width > 0 && photo.Height > 0 {
		fmt.Fprintf(w, ` width="%d" height="%d"`, photo.Width, photo.Height)
	}
	w.WriteString(` loading="lazy">`)
}

func (r *htmlRenderer) renderImage(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		r.writeImg(w, source, n.(*ast.Image))
	}
	return ast.WalkSkipChildren, nil
}

func (r *htmlRenderer) renderFigure(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	img := n.(*figureNode).image()
	w.WriteString("<figure>\n")
	r.writeImg(w, source, img)
	caption := plainText(img, source)
	credit := CreditLine(string(img.Title), r.lang)
	if caption != "" || credit != "" {
		w.WriteString("\n<figcaption>")
		w.WriteString(html.EscapeString(caption))
		if credit != "" {
			if caption != "" {
				w.WriteString(" ")
			}
			w.WriteString(`<span class="credit">` + html.EscapeString(credit) + `</span>`)
		}
		w.WriteString("</figcaption>")
	}
	w.WriteString("\n</figure>\n")
	return ast.WalkSkipChildren, nil
}

// HTMLOptions says how to write the HTML.
type HTMLOptions struct {
	// PhotoURL maps stored photos to addresses; nil means BesideURL.
	PhotoURL PhotoURL
}

// BodyHTML writes the article body alone as HTML.
func (d *Document) BodyHTML(w io.Writer, opts HTMLOptions) error {
	r := newHTMLRenderer(&htmlRenderer{photoURL: opts.PhotoURL, photos: d.photos, lang: d.Article.Language})
	if err := r.Render(w, d.source, d.root); err != nil {
		return fmt.Errorf("render body: %w", err)
	}
	return nil
}

// ArticleHTML writes the article as one <article> element: category,
// headline, dateline, sapo with its agency tag, body, byline and tags.
func (d *Document) ArticleHTML(w io.Writer, opts HTMLOptions) error {
	a := d.Article
	var b bytes.Buffer
	b.Grow(len(d.source)*5/4 + 2048)
	esc := html.EscapeString
	fmt.Fprintf(&b, "<article lang=\"%s\">\n", esc(a.Language))
	if a.Category != "" {
		fmt.Fprintf(&b, "<p class=\"category\">%s</p>\n", esc(a.Category))
	}
	fmt.Fprintf(&b, "<h1>%s</h1>\n", esc(a.Headline))
	b.WriteString(`<p class="dateline">`)
	if a.Location != "" {
		fmt.Fprintf(&b, `<span class="place">%s</span> – `, esc(a.Location))
	}
	fmt.Fprintf(&b, "<time datetime=\"%s\">%s</time></p>\n",
		d.Time.UTC().Format("2006-01-02T15:04:05Z"), esc(vietnamese.Dateline(d.Time, a.Language, nil)))
	if a.Sapo != "" || a.Agency != "" {
		b.WriteString(`<p class="sapo">`)
		if tag := d.AgencyTag(); tag != "" {
			fmt.Fprintf(&b, `<span class="agency">%s</span>`, esc(tag))
		}
		b.WriteString(esc(a.Sapo))
		b.WriteString("</p>\n")
	}
	b.WriteString("<div class=\"body\">\n")
	if err := d.BodyHTML(&b, opts); err != nil {
		return err
	}
	b.WriteString("</div>\n")
	if a.Byline != "" {
		fmt.Fprintf(&b, "<p class=\"byline\">%s</p>\n", esc(a.Byline))
	}
	if len(a.Tags) > 0 {
		b.WriteString(`<ul class="tags">`)
		for _, t := range a.Tags {
			fmt.Fprintf(&b, "<li>%s</li>", esc(t))
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("</article>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// Page writes a standalone HTML page around ArticleHTML, with its stylesheet inline.
func (d *Document) Page(w io.Writer, opts HTMLOptions) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", html.EscapeString(d.Article.Language))
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<meta name=\"generator\" content=\"FieldDesk\">\n<title>%s</title>\n", html.EscapeString(d.Article.Headline))
	b.WriteString("<style>\n" + assets.ArticleCSS + "</style>\n</head>\n<body>\n")
	if err := d.ArticleHTML(&b, opts); err != nil {
		return err
	}
	b.WriteString("</body>\n</html>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// DataURL embeds a photo's bytes as a data: URL (for single-file pages).
func DataURL(mime string, data []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}
