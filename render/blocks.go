package render

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// BlockKind says what a Block is.
type BlockKind int

// The kinds of Block, in the order they appear in an article.
const (
	BlockCategory BlockKind = iota
	BlockHeadline
	BlockDateline
	BlockSapo
	BlockHeading // Level 1-6
	BlockParagraph
	BlockList // Items, Ordered, Start
	BlockQuote
	BlockCode
	BlockRule
	BlockTable // Rows; the first row is the header
	BlockFigure
	BlockByline
	BlockTags // Spans, one per tag
)

var kindNames = [...]string{"category", "headline", "dateline", "sapo", "heading", "paragraph", "list", "quote", "code", "rule", "table", "figure", "byline", "tags"}

func (k BlockKind) String() string { return kindNames[k] }

// Span is a run of text with one style.
type Span struct {
	Text   string
	Bold   bool
	Italic bool
	Strike bool
	Code   bool
	// Link is the destination when the span is link text.
	Link string
}

// Block is one block of the rendered article. Which fields are set depends on Kind.
type Block struct {
	Kind     BlockKind
	Level    int
	Spans    []Span
	Items    [][]Block // list items, each a list of blocks
	Ordered  bool
	Start    int
	Children []Block    // quote content
	Rows     [][][]Span // table rows of cells
	Figure   *Figure
}

// Blocks renders the document as the tree the preview draws. It walks the
// same AST as the HTML, in the same order.
func (d *Document) Blocks() []Block {
	a := d.Article
	var out []Block
	if a.Category != "" {
		out = append(out, Block{Kind: BlockCategory, Spans: []Span{{Text: a.Category}}})
	}
	out = append(out, Block{Kind: BlockHeadline, Spans: []Span{{Text: a.Headline, Bold: true}}})
	out = append(out, Block{Kind: BlockDateline, Spans: []Span{{Text: d.Dateline()}}})
	if a.Sapo != "" || a.Agency != "" {
		var spans []Span
		if tag := d.AgencyTag(); tag != "" {
			spans = append(spans, Span{Text: tag, Bold: true})
		}
		if a.Sapo != "" {
			spans = append(spans, Span{Text: a.Sapo, Bold: true})
		}
		out = append(out, Block{Kind: BlockSapo, Spans: spans})
	}
	out = append(out, d.blocks(d.root)...)
	if a.Byline != "" {
		out = append(out, Block{Kind: BlockByline, Spans: []Span{{Text: a.Byline, Bold: true}}})
	}
	if len(a.Tags) > 0 {
		b := Block{Kind: BlockTags}
		for _, t := range a.Tags {
			b.Spans = append(b.Spans, Span{Text: t})
		}
		out = append(out, b)
	}
	return out
}

func (d *Document) blocks(parent ast.Node) []Block {
	var out []Block
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Heading:
			out = append(out, Block{Kind: BlockHeading, Level: n.Level, Spans: d.spans(n, Span{})})
		case *ast.Paragraph, *ast.TextBlock:
			out = append(out, Block{Kind: BlockParagraph, Spans: d.spans(n, Span{})})
		case *figureNode:
			f := d.figure(n)
			out = append(out, Block{Kind: BlockFigure, Figure: &f})
		case *ast.List:
			b := Block{Kind: BlockList, Ordered: n.IsOrdered(), Start: n.Start}
			for item := n.FirstChild(); item != nil; item = item.NextSibling() {
				b.Items = append(b.Items, d.blocks(item))
			}
			out = append(out, b)
		case *ast.Blockquote:
			out = append(out, Block{Kind: BlockQuote, Children: d.blocks(n)})
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			var sb strings.Builder
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				sb.Write(seg.Value(d.source))
			}
			out = append(out, Block{Kind: BlockCode, Spans: []Span{{Text: strings.TrimRight(sb.String(), "\n"), Code: true}}})
		case *ast.ThematicBreak:
			out = append(out, Block{Kind: BlockRule})
		case *east.Table:
			b := Block{Kind: BlockTable}
			for row := n.FirstChild(); row != nil; row = row.NextSibling() {
				var cells [][]Span
				for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
					cells = append(cells, d.spans(cell, Span{}))
				}
				b.Rows = append(b.Rows, cells)
			}
			out = append(out, b)
		case *ast.HTMLBlock:
			// Raw HTML never reaches the page, so it never reaches the preview.
		default:
			out = append(out, d.blocks(n)...)
		}
	}
	return out
}

// spans flattens the inline children of n, carrying nested styles down:
// *a **b** c* gives "a " italic, "b" bold italic, " c" italic.
func (d *Document) spans(n ast.Node, style Span) []Span {
	var out []Span
	add := func(s Span) {
		if s.Text == "" {
			return
		}
		if k := len(out) - 1; k >= 0 {
			last := out[k]
			if last.Bold == s.Bold && last.Italic == s.Italic && last.Strike == s.Strike && last.Code == s.Code && last.Link == s.Link {
				out[k].Text += s.Text
				return
			}
		}
		out = append(out, s)
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			s := style
			s.Text = textOf(c, d.source)
			if c.HardLineBreak() {
				s.Text += "\n"
			} else if c.SoftLineBreak() {
				s.Text += " "
			}
			add(s)
		case *ast.String:
			s := style
			s.Text = stringOf(c)
			add(s)
		case *ast.CodeSpan:
			s := style
			s.Code = true
			s.Text = plainText(c, d.source)
			add(s)
		case *ast.Emphasis:
			s := style
			if c.Level >= 2 {
				s.Bold = true
			} else {
				s.Italic = true
			}
			for _, x := range d.spans(c, s) {
				add(x)
			}
		case *east.Strikethrough:
			s := style
			s.Strike = true
			for _, x := range d.spans(c, s) {
				add(x)
			}
		case *ast.Link:
			s := style
			s.Link = safeLink(c.Destination)
			for _, x := range d.spans(c, s) {
				add(x)
			}
		case *ast.AutoLink:
			s := style
			s.Link = safeLink(c.URL(d.source))
			if c.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(s.Link, "mailto:") {
				s.Link = "mailto:" + s.Link
			}
			s.Text = string(c.Label(d.source))
			add(s)
		case *ast.Image:
			s := style
			s.Text = plainText(c, d.source)
			add(s)
		case *ast.RawHTML:
			// dropped, as in the HTML
		default:
			for _, x := range d.spans(c, style) {
				add(x)
			}
		}
	}
	return out
}

func safeLink(dest []byte) string {
	l := strings.TrimSpace(string(dest))
	lower := strings.ToLower(l)
	for _, bad := range []string{"javascript:", "vbscript:", "file:", "data:"} {
		if strings.HasPrefix(lower, bad) {
			return ""
		}
	}
	return l
}

// Markup writes blocks in a compact text form for golden files and debugging:
// one line per block, spans as [style|text].
func Markup(blocks []Block) string {
	var b strings.Builder
	writeMarkup(&b, blocks, "")
	return b.String()
}

func writeMarkup(b *strings.Builder, blocks []Block, indent string) {
	for _, bl := range blocks {
		fmt.Fprintf(b, "%s%s", indent, bl.Kind)
		if bl.Level > 0 {
			fmt.Fprintf(b, " %d", bl.Level)
		}
		if bl.Kind == BlockList {
			fmt.Fprintf(b, " ordered=%v start=%d", bl.Ordered, bl.Start)
		}
		if f := bl.Figure; f != nil {
			fmt.Fprintf(b, " src=%q caption=%q credit=%q", f.Src, f.Caption, f.Credit)
		}
		b.WriteString(spanMarkup(bl.Spans))
		b.WriteString("\n")
		for i, item := range bl.Items {
			fmt.Fprintf(b, "%s  item %d\n", indent, i+1)
			writeMarkup(b, item, indent+"    ")
		}
		writeMarkup(b, bl.Children, indent+"  ")
		for _, row := range bl.Rows {
			b.WriteString(indent + "  row")
			for _, cell := range row {
				b.WriteString(" |" + spanMarkup(cell))
			}
			b.WriteString("\n")
		}
	}
}

func spanMarkup(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		var st []string
		if s.Bold {
			st = append(st, "b")
		}
		if s.Italic {
			st = append(st, "i")
		}
		if s.Strike {
			st = append(st, "s")
		}
		if s.Code {
			st = append(st, "code")
		}
		if s.Link != "" {
			st = append(st, "link="+s.Link)
		}
		fmt.Fprintf(&b, " [%s|%q]", strings.Join(st, ","), s.Text)
	}
	return b.String()
}
