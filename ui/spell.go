package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk/vietnamese"
)

// The spell check in the window: a word that cannot be Vietnamese is
// underlined in red in the headline, the sapo, the body and the captions
// (checked again after a pause in typing, only where the text changed),
// and Format › Check spelling (Alt+F7, as in Word) lists them with their
// fixes: a fix replaces the word, "Add to my words" keeps a name or a
// foreign word from being flagged again (the person's list, kept in the
// data folder).

// prefSpellWords is the person's own words, one a line.
const prefSpellWords = "spell_words"

// spellState is one field's spell check: the text last checked and what
// was found in it.
type spellState struct {
	checked string
	found   []vietnamese.Misspelling
	lines   *spellLines
}

// spellLines draws a field's underlines over it.
type spellLines struct {
	widget.BaseWidget
	g *growEntry
}

func (s *spellLines) CreateRenderer() fyne.WidgetRenderer { return &spellRenderer{s: s} }

type spellRenderer struct {
	s    *spellLines
	objs []fyne.CanvasObject
}

func (r *spellRenderer) Layout(fyne.Size)             { r.objs = r.s.g.underlines() }
func (r *spellRenderer) MinSize() fyne.Size           { return fyne.Size{} }
func (r *spellRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *spellRenderer) Destroy()                     {}
func (r *spellRenderer) Refresh() {
	r.objs = r.s.g.underlines()
	canvas.Refresh(r.s)
}

// spellLayer is the layer of g's underlines, to stack over g.
func (g *growEntry) spellLayer() fyne.CanvasObject {
	if g.spell.lines == nil {
		g.spell.lines = &spellLines{g: g}
		g.spell.lines.ExtendBaseWidget(g.spell.lines)
	}
	return g.spell.lines
}

// checkSpelling checks g's text with sp when it changed since the last
// check (or always, with force) and redraws the underlines.
func (g *growEntry) checkSpelling(sp *vietnamese.Speller, force bool) {
	if g.spell.lines == nil || !force && g.Text == g.spell.checked {
		return
	}
	g.spell.checked = g.Text
	g.spell.found = sp.Check(g.Text)
	g.spell.lines.Refresh()
}

// underlines are red lines under the words found, row by row as the
// entry wraps them.
func (g *growEntry) underlines() []fyne.CanvasObject {
	if len(g.spell.found) == 0 || g.Text != g.spell.checked || g.Size().Width <= 0 {
		return nil
	}
	e := &g.Entry
	row, col := e.CursorRow, e.CursorColumn
	defer func() { e.CursorRow, e.CursorColumn = row, col }()
	starts := rowStarts(e)
	at := func(r, c int) fyne.Position { e.CursorRow, e.CursorColumn = r, c; return e.CursorPosition() }
	height := fyne.MeasureText("Ấg", theme.TextSize(), e.TextStyle).Height
	red := theme.Color(theme.ColorNameError)
	var objs []fyne.CanvasObject
	for _, m := range g.spell.found {
		from := utf8.RuneCountInString(g.Text[:m.Start])
		to := from + utf8.RuneCountInString(m.Word)
		for r, b := range starts {
			end := len([]rune(g.Text))
			if r+1 < len(starts) {
				end = starts[r+1]
			}
			lo, hi := max(from, b), min(to, end)
			if lo >= hi {
				continue
			}
			p0, p1 := at(r, lo-b), at(r, hi-b)
			line := canvas.NewRectangle(red)
			line.Move(fyne.NewPos(p0.X, p0.Y+theme.InputBorderSize()+height))
			line.Resize(fyne.NewSize(max(p1.X-p0.X, 2), 2))
			objs = append(objs, line)
		}
	}
	return objs
}

// speller is the check with the person's own words.
func (u *UI) speller() *vietnamese.Speller {
	if u.spellWith != u.setting(prefSpellWords) || u.spellCheck == nil {
		u.spellWith = u.setting(prefSpellWords)
		u.spellCheck = vietnamese.NewSpeller(strings.Split(u.spellWith, "\n"))
	}
	return u.spellCheck
}

// spellFields are the fields the spell check reads, in the article's
// order, each with its name for the list.
func (e *editor) spellFields() []spellField {
	fields := []spellField{{lang.L("Headline"), &e.headline.growEntry}, {lang.L("Sapo"), &e.sapo.growEntry}}
	for _, b := range e.body.blocks {
		switch b := b.(type) {
		case *textBlock:
			fields = append(fields, spellField{lang.L("Body"), &b.growEntry})
		case *figureBlock:
			if b.caption != nil {
				fields = append(fields, spellField{lang.L("Caption"), b.caption})
			}
		}
	}
	return fields
}

type spellField struct {
	name string
	g    *growEntry
}

// checkSpelling checks every field whose text changed since its last check.
func (e *editor) checkSpelling(force bool) {
	sp := e.u.speller()
	for _, f := range e.spellFields() {
		f.g.checkSpelling(sp, force)
	}
}

// spellingChanged checks again after a pause in typing.
func (e *editor) spellingChanged() {
	e.u.debounce(&e.spellTimer, e.u.SpellDelay, func() { e.checkSpelling(false) })
}

// showSpelling lists the words that cannot be Vietnamese, each with its
// fixes, and what to do with it.
func (u *UI) showSpelling() {
	u.ed.checkSpelling(false)
	list := container.NewVBox()
	var fill func()
	fill = func() {
		list.RemoveAll()
		for _, f := range u.ed.spellFields() {
			for _, m := range f.g.spell.found {
				list.Add(u.spellRow(f, m, func() { u.ed.checkSpelling(true); fill() }))
			}
		}
		if len(list.Objects) == 0 {
			list.Add(widget.NewLabel(lang.L("No word here that cannot be Vietnamese.")))
		}
		list.Refresh()
	}
	fill()
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(520, 320))
	dialog.NewCustom(lang.L("Check spelling"), lang.L("Close"), scroll, u.win).Show()
}

// spellRow is one word of the list: where it is, in its context, its fixes
// and "Add to my words".
func (u *UI) spellRow(f spellField, m vietnamese.Misspelling, done func()) fyne.CanvasObject {
	text := f.g.Text
	lo, hi := max(0, m.Start-30), min(len(text), m.End+30)
	// Whole words around it.
	if lo > 0 {
		if i := strings.IndexByte(text[lo:m.Start], ' '); i >= 0 {
			lo += i + 1
		} else {
			lo = m.Start
		}
	}
	if hi < len(text) {
		if i := strings.LastIndexByte(text[m.End:hi], ' '); i >= 0 {
			hi = m.End + i
		} else {
			hi = m.End
		}
	}
	context := widget.NewRichText(
		&widget.TextSegment{Text: f.name + ": …" + text[lo:m.Start], Style: widget.RichTextStyleInline},
		&widget.TextSegment{Text: m.Word, Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameError, TextStyle: fyne.TextStyle{Bold: true}}},
		&widget.TextSegment{Text: text[m.End:hi] + "…", Style: widget.RichTextStyleInline},
	)
	context.Wrapping = fyne.TextWrapWord
	buttons := container.NewHBox()
	checked := f.g.spell.checked
	for _, s := range m.Suggestions {
		b := widget.NewButton(s, func() {
			if f.g.Text != checked {
				done() // the text changed meanwhile: list it again
				return
			}
			f.g.SetText(text[:m.Start] + s + text[m.End:])
			done()
		})
		b.Importance = widget.HighImportance
		buttons.Add(b)
	}
	if len(m.Suggestions) == 0 {
		buttons.Add(widget.NewLabel(lang.L("No fix to suggest")))
	}
	buttons.Add(widget.NewButton(fmt.Sprintf(lang.L("Add “%s” to my words"), m.Word), func() {
		words := strings.TrimSpace(u.setting(prefSpellWords) + "\n" + m.Word)
		u.setSetting(prefSpellWords, words, true)
		done()
	}))
	return container.NewVBox(context, buttons, widget.NewSeparator())
}
