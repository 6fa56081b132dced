package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// An Entry's CursorRow counts the rows as drawn (a word-wrapped paragraph
// of one line is several rows), so a place in its text is kept as an
// offset in runes, and turned back into a row and a column with the rows
// the Entry has laid out.

// rowStarts is the offset at which each drawn row of e begins.
func rowStarts(e *widget.Entry) []int {
	row, col := e.CursorRow, e.CursorColumn
	defer func() { e.CursorRow, e.CursorColumn = row, col }()
	starts := []int{0}
	for r := 1; ; r++ {
		e.CursorRow, e.CursorColumn = r, 0
		// Past the last row the offset falls back to the column (0).
		b := e.CursorTextOffset()
		if b <= starts[len(starts)-1] {
			return starts
		}
		starts = append(starts, b)
	}
}

// setCursorOffset puts e's cursor off runes into its text.
func setCursorOffset(e *widget.Entry, off int) {
	off = max(0, min(off, len([]rune(e.Text))))
	starts := rowStarts(e)
	row := 0
	for r, b := range starts {
		if b <= off {
			row = r
		}
	}
	e.CursorRow, e.CursorColumn = row, off-starts[row]
}

// offsetAt is the offset in e's text nearest to p (in e's coordinates),
// as a click there would place the cursor.
func offsetAt(e *widget.Entry, p fyne.Position) int {
	p = p.SubtractXY(0, theme.InputBorderSize()) // the text sits under the Entry's border
	row, col := e.CursorRow, e.CursorColumn
	defer func() { e.CursorRow, e.CursorColumn = row, col }()
	n := len([]rune(e.Text))
	starts := rowStarts(e)
	e.CursorRow, e.CursorColumn = 0, 0
	top := e.CursorPosition().Y
	e.CursorRow = 1
	lineH := e.CursorPosition().Y - top
	r := 0
	if lineH > 0 && p.Y > top {
		r = min(int((p.Y-top)/lineH), len(starts)-1)
	}
	end := n
	if r+1 < len(starts) {
		end = starts[r+1] - 1 // the space or new line the row breaks at
	}
	// The first column whose cursor lies right of p, less one if the one
	// before is nearer.
	lo, hi := 0, max(0, end-starts[r])
	e.CursorRow = r
	xOf := func(c int) float32 { e.CursorColumn = c; return e.CursorPosition().X }
	for lo < hi {
		mid := (lo + hi) / 2
		if xOf(mid) < p.X {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo > 0 && p.X-xOf(lo-1) < xOf(lo)-p.X {
		lo--
	}
	return starts[r] + lo
}
