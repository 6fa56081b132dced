package render

import (
	"bufio"
	"bytes"
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// typography maps ASCII punctuation to the typographer's output as plain
// Unicode, so the HTML and the preview carry the same characters.
var typography = map[extension.TypographicPunctuation]string{
	extension.LeftSingleQuote:  "‘",
	extension.RightSingleQuote: "’",
	extension.LeftDoubleQuote:  "“",
	extension.RightDoubleQuote: "”",
	extension.EnDash:           "–",
	extension.EmDash:           "—",
	extension.Ellipsis:         "…",
	extension.LeftAngleQuote:   "«",
	extension.RightAngleQuote:  "»",
	extension.Apostrophe:       "’",
}

// markdown is the one goldmark configuration: GFM (tables, strikethrough,
// autolinks, task lists), typographic punctuation and figures.
var markdown = newParser(true)

// markdownNoAutolinks is the same without GFM's autolink extension, whose
// check at every space is a quarter of the parse. Parse uses it only for
// bodies in which that extension could find nothing (see needsAutolinks).
var markdownNoAutolinks = newParser(false)

func newParser(autolinks bool) goldmark.Markdown {
	exts := []goldmark.Extender{extension.Table, extension.Strikethrough, extension.TaskList}
	if autolinks {
		exts = append(exts, extension.Linkify)
	}
	exts = append(exts, extension.NewTypographer(extension.WithTypographicSubstitutions(typography)))
	return goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(figureTransformer{}, 500)),
		),
	)
}

var autolinkStarts = [][]byte{[]byte("http:"), []byte("https:"), []byte("ftp:"), []byte("www.")}

// needsAutolinks reports whether GFM's autolink extension could turn
// anything in src into a link: an email address (an @), or a bare
// http:, https:, ftp: or www. address. One that directly follows "](" is the
// destination of a Markdown link, which the link parser takes first.
func needsAutolinks(src []byte) bool {
	if bytes.IndexByte(src, '@') >= 0 {
		return true
	}
	for _, start := range autolinkStarts {
		rest := src
		off := 0
		for {
			i := bytes.Index(rest, start)
			if i < 0 {
				break
			}
			at := off + i
			if at < 2 || src[at-2] != ']' || src[at-1] != '(' {
				return true
			}
			off = at + len(start)
			rest = src[off:]
		}
	}
	return false
}

// newHTMLRenderer renders what markdown parses, with r for figures and photo
// URLs (which change from call to call). It mirrors markdown's renderer:
// goldmark's HTML renderer plus the GFM extensions' node renderers.
func newHTMLRenderer(r *htmlRenderer) renderer.Renderer {
	return renderer.NewRenderer(renderer.WithNodeRenderers(
		util.Prioritized(ghtml.NewRenderer(), 1000),
		util.Prioritized(extension.NewTableHTMLRenderer(), 500),
		util.Prioritized(extension.NewStrikethroughHTMLRenderer(), 500),
		util.Prioritized(extension.NewTaskCheckBoxHTMLRenderer(), 500),
		util.Prioritized(r, 100),
	))
}

// Document is an article with its body parsed once. Render it with HTML,
// Page or Blocks as often as needed; do not change it after Parse.
type Document struct {
	Article fielddesk.Article
	// Time is the moment the dateline shows (the revision's save time).
	Time time.Time
	// Notes are the corrections and updates of a published article,
	// written at its end on every surface (set before rendering).
	Notes  []fielddesk.PublicationNote
	source []byte
	root   ast.Node
	photos map[string]fielddesk.Photo
}

// Parse parses the article body. Parsing Markdown cannot fail: anything that
// is not Markdown syntax is text.
func Parse(a fielddesk.Article, at time.Time) *Document {
	// CommonMark shows NUL as U+FFFD; doing it here keeps both outputs alike.
	src := []byte(strings.ReplaceAll(a.Body, "\x00", "\uFFFD"))
	md := markdownNoAutolinks
	if needsAutolinks(src) {
		md = markdown
	}
	root := md.Parser().Parse(text.NewReader(src))
	photos := make(map[string]fielddesk.Photo, len(a.Photos))
	for _, p := range a.Photos {
		photos[p.Hash] = p
	}
	return &Document{Article: a, Time: at, source: src, root: root, photos: photos}
}

// Dateline is the place and time line under the headline.
func (d *Document) Dateline() string {
	when := vietnamese.Dateline(d.Time, d.Article.Language, nil)
	if d.Article.Location == "" {
		return when
	}
	return d.Article.Location + " – " + when
}

// AgencyTag is the opening of the sapo when an agency is set: "(TTXVN) – ".
// It is empty when the sapo already opens with the tag, as correspondents
// used to typing it often write.
func (d *Document) AgencyTag() string {
	if d.Article.Agency == "" || strings.HasPrefix(d.Article.Sapo, "("+d.Article.Agency+")") {
		return ""
	}
	return "(" + d.Article.Agency + ") – "
}

var creditPrefixRe = regexp.MustCompile(`(?i)^\(?\s*(ảnh|photo|ảnh\s*:|photo\s*:)\s*:?\s*`)

// CreditName is the photographer or agency named in a credit, without a
// leading "Ảnh:"/"Photo:" or wrapping parentheses.
func CreditName(credit string) string {
	c := strings.TrimSpace(credit)
	if creditPrefixRe.MatchString(c) {
		c = strings.TrimSpace(strings.TrimSuffix(creditPrefixRe.ReplaceAllString(c, ""), ")"))
	}
	return c
}

// CreditLine formats a photo credit as the newsroom writes it: "(Ảnh: Name)"
// in Vietnamese, "(Photo: Name)" otherwise. A credit already written in that
// form is not wrapped twice. Empty credit gives "".
func CreditLine(credit, lang string) string {
	c := CreditName(credit)
	if c == "" {
		return ""
	}
	word := "Photo"
	if lang == "vi" || strings.HasPrefix(lang, "vi-") {
		word = "Ảnh"
	}
	return "(" + word + ": " + c + ")"
}

// Figure is a photo placed alone in its paragraph, with caption and credit.
type Figure struct {
	// Photo is the stored photo, when the figure refers to one (photo:HASH).
	Photo *fielddesk.Photo
	// Src is the image destination as written.
	Src     string
	Caption string
	Credit  string
}

// Figures lists the figures of the body in order.
func (d *Document) Figures() []Figure {
	var out []Figure
	ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if f, ok := n.(*figureNode); ok && entering {
			out = append(out, d.figure(f))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return out
}

func (d *Document) figure(f *figureNode) Figure {
	img := f.image()
	fig := Figure{Src: string(img.Destination), Caption: plainText(img, d.source), Credit: string(img.Title)}
	if hash, ok := strings.CutPrefix(fig.Src, fielddesk.PhotoRefScheme); ok {
		if p, ok := d.photos[hash]; ok {
			fig.Photo = &p
		}
	}
	return fig
}

// textValue is what goldmark's HTML writer makes of a text (backslash
// escapes, entity and character references resolved), as plain text.
func textValue(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 && bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, 0) < 0 {
		return string(b) // nothing to resolve: the common case
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	ghtml.DefaultWriter.Write(w, b)
	w.Flush()
	return html.UnescapeString(buf.String())
}

// textOf is the text a Text node shows.
func textOf(t *ast.Text, source []byte) string {
	if t.IsRaw() {
		return string(t.Segment.Value(source))
	}
	return textValue(t.Segment.Value(source))
}

// stringOf is the text a String node (typographer output) shows.
func stringOf(s *ast.String) string {
	if s.IsCode() || s.IsRaw() {
		return string(s.Value)
	}
	return textValue(s.Value)
}

// plainText concatenates the text below n (alt text, link text).
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.WriteString(textOf(t, source))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.WriteString(stringOf(t))
		case *ast.CodeSpan:
			for ch := t.FirstChild(); ch != nil; ch = ch.NextSibling() {
				if tx, ok := ch.(*ast.Text); ok {
					b.Write(tx.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// figureNode is a paragraph that holds nothing but one image.
type figureNode struct {
	ast.BaseBlock
}

var kindFigure = ast.NewNodeKind("Figure")

func (n *figureNode) Kind() ast.NodeKind { return kindFigure }
func (n *figureNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, nil, nil)
}
func (n *figureNode) image() *ast.Image { return n.FirstChild().(*ast.Image) }

type figureTransformer struct{}

// Transform replaces every paragraph whose only content is an image with a figure.
func (figureTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	if !bytes.Contains(reader.Source(), []byte("![")) {
		return
	}
	var paras []*ast.Paragraph
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if p, ok := n.(*ast.Paragraph); ok && entering {
			paras = append(paras, p)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, p := range paras {
		img, ok := p.FirstChild().(*ast.Image)
		if !ok || p.ChildCount() != 1 {
			continue
		}
		fig := &figureNode{}
		fig.SetLines(p.Lines())
		p.RemoveChild(p, img)
		fig.AppendChild(fig, img)
		p.Parent().ReplaceChild(p.Parent(), p, fig)
	}
}
