package render

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"
	"time"

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
	srcset   func(fielddesk.Photo) string
	sizes    string
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
	if photo != nil && r.srcset != nil {
		if set := r.srcset(*photo); set != "" {
			fmt.Fprintf(w, ` srcset="%s"`, html.EscapeString(set))
			if r.sizes != "" {
				fmt.Fprintf(w, ` sizes="%s"`, html.EscapeString(r.sizes))
			}
		}
	}
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
	// Srcset, if set, gives a photo's responsive sources ("URL 1600w, …"),
	// and Sizes the layout width they are chosen for.
	Srcset func(fielddesk.Photo) string
	Sizes  string
	// Nav, on a page, is a line of links above the article (a site's name,
	// the article's category).
	Nav []Link
	// Notice, on a page, is a message shown above the article (a withdrawal).
	Notice string
	// Versions, on a page, links the article's earlier versions (after its
	// corrections and updates), after VersionsTitle.
	Versions      []Link
	VersionsTitle string
}

// Link is a link in a page's navigation.
type Link struct{ Text, URL string }

// BodyHTML writes the article body alone as HTML.
func (d *Document) BodyHTML(w io.Writer, opts HTMLOptions) error {
	r := newHTMLRenderer(&htmlRenderer{photoURL: opts.PhotoURL, srcset: opts.Srcset, sizes: opts.Sizes, photos: d.photos, lang: d.Article.Language})
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
	d.writeNotes(&b)
	if len(opts.Versions) > 0 {
		b.WriteString(`<p class="versions">`)
		if opts.VersionsTitle != "" {
			b.WriteString(esc(opts.VersionsTitle) + " ")
		}
		for i, l := range opts.Versions {
			if i > 0 {
				b.WriteString(" · ")
			}
			fmt.Fprintf(&b, `<a href="%s">%s</a>`, esc(l.URL), esc(l.Text))
		}
		b.WriteString("</p>\n")
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
	writeNav(&b, opts.Nav)
	if opts.Notice != "" {
		fmt.Fprintf(&b, "<p class=\"notice\" role=\"alert\">%s</p>\n", html.EscapeString(opts.Notice))
	}
	if err := d.ArticleHTML(&b, opts); err != nil {
		return err
	}
	b.WriteString("</body>\n</html>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func writeNav(b *bytes.Buffer, nav []Link) {
	if len(nav) == 0 {
		return
	}
	b.WriteString("<nav>")
	for i, l := range nav {
		if i > 0 {
			b.WriteString(" › ")
		}
		fmt.Fprintf(b, `<a href="%s">%s</a>`, html.EscapeString(l.URL), html.EscapeString(l.Text))
	}
	b.WriteString("</nav>\n")
}

// IndexEntry is one article in an index page.
type IndexEntry struct {
	URL, Headline, Sapo, Category string
	Time                          time.Time
	Language                      string
	// Image is the address of a small picture for the entry ("" for none).
	Image, ImageAlt string
}

// IndexPage writes a page listing articles (a category, or everything
// published), newest first, in the same style as the article pages.
func IndexPage(w io.Writer, title, lang string, nav []Link, entries []IndexEntry) error {
	var b bytes.Buffer
	esc := html.EscapeString
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", esc(lang))
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<meta name=\"generator\" content=\"FieldDesk\">\n<title>%s</title>\n", esc(title))
	b.WriteString(`<link rel="alternate" type="application/atom+xml" href="/feed.atom">` + "\n")
	b.WriteString("<style>\n" + assets.ArticleCSS + "</style>\n</head>\n<body>\n")
	writeNav(&b, nav)
	fmt.Fprintf(&b, "<main class=\"index\">\n<h1>%s</h1>\n", esc(title))
	if len(entries) == 0 {
		b.WriteString("<p class=\"empty\">Chưa có bài nào. (Nothing published yet.)</p>\n")
	}
	for _, e := range entries {
		b.WriteString("<article class=\"entry\">\n")
		if e.Image != "" {
			fmt.Fprintf(&b, `<img src="%s" alt="%s" loading="lazy">`+"\n", esc(e.Image), esc(e.ImageAlt))
		}
		if e.Category != "" {
			fmt.Fprintf(&b, "<p class=\"category\">%s</p>\n", esc(e.Category))
		}
		fmt.Fprintf(&b, "<h2><a href=\"%s\">%s</a></h2>\n", esc(e.URL), esc(e.Headline))
		fmt.Fprintf(&b, "<p class=\"dateline\"><time datetime=\"%s\">%s</time></p>\n",
			e.Time.UTC().Format("2006-01-02T15:04:05Z"), esc(vietnamese.Dateline(e.Time, e.Language, nil)))
		if e.Sapo != "" {
			fmt.Fprintf(&b, "<p class=\"sapo\">%s</p>\n", esc(e.Sapo))
		}
		b.WriteString("</article>\n")
	}
	b.WriteString("</main>\n</body>\n</html>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// DataURL embeds a photo's bytes as a data: URL (for single-file pages).
func DataURL(mime string, data []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// writeNotes writes the article's corrections and updates, oldest first.
func (d *Document) writeNotes(b *bytes.Buffer) {
	if len(d.Notes) == 0 {
		return
	}
	b.WriteString(`<aside class="notes">`)
	for _, n := range d.Notes {
		class := "update"
		if n.Action == fielddesk.ActionCorrect {
			class = "correction"
		}
		fmt.Fprintf(b, "<p class=\"%s\">%s</p>", class, html.EscapeString(NoteLine(n, d.Article.Language)))
	}
	b.WriteString("</aside>\n")
}

// NoteLine is a correction or an update as readers see it, in the
// article's language, with the newsroom's time of the version that
// carried it: "Đính chính: … (cập nhật lúc 10:32, 02/12/2026)",
// "Cập nhật lúc 10:32, 02/12/2026: …"; "Correction: … (updated 10:32,
// 2 December 2026)", "Updated 10:32, 2 December 2026: …".
func NoteLine(n fielddesk.PublicationNote, lang string) string {
	t := n.At.In(vietnamese.Newsroom)
	vi := lang == "vi" || strings.HasPrefix(lang, "vi-")
	text := strings.TrimSpace(n.Text)
	switch {
	case n.Action == fielddesk.ActionCorrect && vi:
		return fmt.Sprintf("Đính chính: %s (cập nhật lúc %s)", text, t.Format("15:04, 02/01/2006"))
	case n.Action == fielddesk.ActionCorrect:
		return fmt.Sprintf("Correction: %s (updated %s)", text, t.Format("15:04, 2 January 2006"))
	case vi && text != "":
		return fmt.Sprintf("Cập nhật lúc %s: %s", t.Format("15:04, 02/01/2006"), text)
	case vi:
		return fmt.Sprintf("Cập nhật lúc %s.", t.Format("15:04, 02/01/2006"))
	case text != "":
		return fmt.Sprintf("Updated %s: %s", t.Format("15:04, 2 January 2006"), text)
	}
	return fmt.Sprintf("Updated %s.", t.Format("15:04, 2 January 2006"))
}
