package ui

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk/render"
)

// thumbFunc returns the thumbnail file of a photo hash, or "" when it is not ready.
type thumbFunc func(hash string) string

// segments turns the renderer's blocks into Fyne rich text. The blocks come
// from the same parse as the HTML page, so the preview shows what will be
// published.
func segments(blocks []render.Block, lang string, thumb thumbFunc) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	for _, b := range blocks {
		out = append(out, blockSegments(b, lang, thumb)...)
	}
	return out
}

func blockSegments(b render.Block, lang string, thumb thumbFunc) []widget.RichTextSegment {
	para := func(style widget.RichTextStyle) []widget.RichTextSegment {
		out := spanSegments(b.Spans, style)
		return append(out, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
	}
	switch b.Kind {
	case render.BlockCategory:
		st := widget.RichTextStyleInline
		st.ColorName = theme.ColorNamePrimary
		st.TextStyle.Bold = true
		st.SizeName = theme.SizeNameCaptionText
		return para(st)
	case render.BlockHeadline:
		st := widget.RichTextStyleHeading
		st.Inline = true
		out := spanSegments(b.Spans, st)
		return append(out, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
	case render.BlockDateline:
		st := widget.RichTextStyleInline
		st.ColorName = theme.ColorNamePlaceHolder
		st.SizeName = theme.SizeNameCaptionText
		return para(st)
	case render.BlockSapo, render.BlockParagraph, render.BlockByline:
		st := widget.RichTextStyleInline
		if b.Kind == render.BlockByline {
			st.Alignment = fyne.TextAlignTrailing
		}
		return para(st)
	case render.BlockHeading:
		st := widget.RichTextStyleSubHeading
		if b.Level > 2 {
			st = widget.RichTextStyleInline
			st.TextStyle.Bold = true
		}
		st.Inline = true
		out := spanSegments(b.Spans, st)
		return append(out, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
	case render.BlockList:
		list := &widget.ListSegment{Ordered: b.Ordered}
		if b.Ordered && b.Start > 1 {
			list.SetStartNumber(b.Start)
		}
		for _, item := range b.Items {
			var texts []widget.RichTextSegment
			for _, ib := range item {
				if ib.Kind == render.BlockParagraph {
					texts = append(texts, spanSegments(ib.Spans, widget.RichTextStyleInline)...)
				} else {
					texts = append(texts, blockSegments(ib, lang, thumb)...)
				}
			}
			list.Items = append(list.Items, &widget.ParagraphSegment{Texts: texts})
		}
		return []widget.RichTextSegment{list}
	case render.BlockQuote:
		var out []widget.RichTextSegment
		for _, c := range b.Children {
			st := widget.RichTextStyleBlockquote
			st.Inline = true
			out = append(out, spanSegments(c.Spans, st)...)
			out = append(out, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
		}
		return out
	case render.BlockCode:
		return []widget.RichTextSegment{&widget.TextSegment{Style: widget.RichTextStyleCodeBlock, Text: b.Spans[0].Text}}
	case render.BlockRule:
		return []widget.RichTextSegment{&widget.SeparatorSegment{}}
	case render.BlockTable:
		return []widget.RichTextSegment{&tableSegment{rows: b.Rows}}
	case render.BlockFigure:
		f := b.Figure
		seg := &figureSegment{caption: f.Caption, credit: render.CreditLine(f.Credit, lang)}
		if f.Photo != nil {
			seg.file = thumb(f.Photo.Hash)
			seg.width, seg.height = f.Photo.Width, f.Photo.Height
		}
		return []widget.RichTextSegment{seg}
	case render.BlockTags:
		var tags []string
		for _, s := range b.Spans {
			tags = append(tags, "#"+s.Text)
		}
		st := widget.RichTextStyleParagraph
		st.ColorName = theme.ColorNamePrimary
		st.SizeName = theme.SizeNameCaptionText
		return []widget.RichTextSegment{&widget.TextSegment{Style: st, Text: strings.Join(tags, "  ")}}
	}
	return nil
}

func spanSegments(spans []render.Span, base widget.RichTextStyle) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	for _, s := range spans {
		if s.Link != "" {
			if u, err := url.Parse(s.Link); err == nil {
				out = append(out, &widget.HyperlinkSegment{Text: s.Text, URL: u})
				continue
			}
		}
		st := base
		st.Inline = true
		st.TextStyle.Bold = st.TextStyle.Bold || s.Bold
		st.TextStyle.Italic = st.TextStyle.Italic || s.Italic
		if s.Code {
			st.ColorName = theme.ColorNamePrimary
		}
		if s.Strike {
			// Fyne text has no strikethrough: struck text shows dimmed.
			st.ColorName = theme.ColorNameDisabled
		}
		out = append(out, &widget.TextSegment{Style: st, Text: s.Text})
	}
	return out
}

// figureSegment draws a photo with its caption and credit below it.
type figureSegment struct {
	file          string
	width, height int
	caption       string
	credit        string
}

func (f *figureSegment) Inline() bool { return false }
func (f *figureSegment) Textual() string {
	return strings.TrimSpace(f.caption + " " + f.credit)
}
func (f *figureSegment) Visual() fyne.CanvasObject {
	var img fyne.CanvasObject
	if f.file != "" {
		im := canvas.NewImageFromURI(storage.NewFileURI(f.file))
		im.FillMode = canvas.ImageFillContain
		w, h := float32(480), float32(320)
		if f.width > 0 && f.height > 0 {
			h = w * float32(f.height) / float32(f.width)
		}
		im.SetMinSize(fyne.NewSize(w, h))
		img = im
	} else {
		img = widget.NewLabel("…")
	}
	caption := widget.NewRichText(
		&widget.TextSegment{Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameForeground,
			SizeName: theme.SizeNameText, TextStyle: fyne.TextStyle{Italic: true}}, Text: f.caption + " "},
		&widget.TextSegment{Style: widget.RichTextStyleInline, Text: f.credit},
	)
	caption.Wrapping = fyne.TextWrapWord
	return container.NewVBox(img, caption)
}
func (f *figureSegment) Update(fyne.CanvasObject)  {}
func (f *figureSegment) Select(_, _ fyne.Position) {}
func (f *figureSegment) SelectedText() string      { return "" }
func (f *figureSegment) Unselect()                 {}

// tableSegment draws a Markdown table as a grid; the first row is the header.
type tableSegment struct {
	rows [][][]render.Span
}

func (t *tableSegment) Inline() bool { return false }
func (t *tableSegment) Textual() string {
	var b strings.Builder
	for _, row := range t.rows {
		for i, cell := range row {
			if i > 0 {
				b.WriteString("\t")
			}
			for _, s := range cell {
				b.WriteString(s.Text)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
func (t *tableSegment) Visual() fyne.CanvasObject {
	cols := 1
	for _, r := range t.rows {
		cols = max(cols, len(r))
	}
	grid := container.NewGridWithColumns(cols)
	for i, row := range t.rows {
		for c := 0; c < cols; c++ {
			var spans []render.Span
			if c < len(row) {
				spans = row[c]
			}
			st := widget.RichTextStyleInline
			st.TextStyle.Bold = i == 0
			rt := widget.NewRichText(spanSegments(spans, st)...)
			rt.Wrapping = fyne.TextWrapWord
			grid.Add(rt)
		}
	}
	return grid
}
func (t *tableSegment) Update(fyne.CanvasObject)  {}
func (t *tableSegment) Select(_, _ fyne.Position) {}
func (t *tableSegment) SelectedText() string      { return "" }
func (t *tableSegment) Unselect()                 {}
