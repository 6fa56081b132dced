package ui

import (
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// growEntry is a word-wrapped multi-line Entry that grows to show all its
// text instead of scrolling inside itself, so a column of them reads like
// one document. Embed it and call ExtendBaseWidget on the outer type.
type growEntry struct {
	vnEntry
	rows     int
	minRows  int
	onGrow   func() // called when the height changed, to lay out the parent again
	lastText string
	lastW    float32
	spell    spellState // words that cannot be Vietnamese (spell.go)
}

func (g *growEntry) initGrow(minRows int, onGrow func()) {
	g.MultiLine = true
	g.Wrapping = fyne.TextWrapWord
	g.minRows = minRows
	g.rows = minRows
	g.onGrow = onGrow
	g.SetMinRowsVisible(minRows)
}

// fit sets the entry's height to the rows its text needs at its width.
func (g *growEntry) fit() {
	w := g.Size().Width
	if w <= 0 || (g.Text == g.lastText && w == g.lastW) {
		return
	}
	g.lastText, g.lastW = g.Text, w
	rows := max(g.minRows, wrappedRows(g.Text, w-2*theme.InnerPadding()-theme.InputBorderSize()*2, g.TextStyle))
	if rows != g.rows {
		g.rows = rows
		g.SetMinRowsVisible(rows)
		if g.onGrow != nil {
			g.onGrow()
		}
	}
}

// wrappedRows counts the lines text takes when word-wrapped to width, the way
// Fyne wraps: at spaces, and inside words longer than a line.
func wrappedRows(text string, width float32, style fyne.TextStyle) int {
	if width <= 0 {
		return 1
	}
	size := theme.TextSize()
	space := fyne.MeasureText(" ", size, style).Width
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		rows++
		var x float32
		for i, word := range strings.Split(line, " ") {
			ww := fyne.MeasureText(word, size, style).Width
			if i > 0 {
				if x+space+ww > width {
					rows++
					x = 0
				} else {
					x += space
				}
			}
			if ww > width {
				extra := int(math.Ceil(float64(ww/width))) - 1
				rows += extra
				ww -= float32(extra) * width
			}
			x += ww
		}
	}
	return rows
}

// growField is a stand-alone growEntry (the sapo).
type growField struct {
	growEntry
}

func newGrowField(minRows int, onGrow func(), vn vnInput) *growField {
	f := &growField{}
	f.vn = vn
	f.initGrow(minRows, onGrow)
	f.ExtendBaseWidget(f)
	return f
}

// Resize fits the field's height to its text at the new width.
func (f *growField) Resize(s fyne.Size) {
	f.Entry.Resize(s)
	f.fit()
}

// lineField is a field of one line of text that wraps to show all of it
// (the headline): Enter goes on to the next field (next), and a new line
// never gets in, typed or pasted.
type lineField struct {
	growField
	next func()
}

func newLineField(onGrow func(), vn vnInput, next func()) *lineField {
	f := &lineField{next: next}
	f.vn = vn
	f.vn.oneLine = true
	f.initGrow(1, onGrow)
	f.ExtendBaseWidget(f)
	return f
}

// TypedKey moves on to the next field on Enter.
func (f *lineField) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
		if f.next != nil {
			f.next() // leaving the field finishes its word (FocusLost)
		}
		return
	}
	f.growField.TypedKey(k)
}

// TypedRune keeps new lines out.
func (f *lineField) TypedRune(r rune) {
	if r == '\n' || r == '\r' {
		return
	}
	f.growField.TypedRune(r)
}
