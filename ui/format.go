package ui

import (
	"errors"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Formatting for people who have never heard of Markdown: Ctrl+B, Ctrl+I,
// and the Format menu for a heading, a list, a quote and a link. The body
// keeps Markdown as its stored form; the paragraph boxes show headings in
// bold and quotes in italics.

// formatTarget is the body paragraph being edited, or nil (with a word in
// the status line) when the cursor is elsewhere.
func (u *UI) formatTarget() *textBlock {
	t, ok := u.win.Canvas().Focused().(*textBlock)
	if !ok {
		u.status.SetText(lang.L("Put the cursor in the body first: formatting is for the body's text."))
		return nil
	}
	return t
}

// wrapSelection puts mark before and after the selected text (or, with
// nothing selected, puts the cursor between a pair of marks to type in).
func (u *UI) wrapSelection(mark string) {
	t := u.formatTarget()
	if t == nil {
		return
	}
	t.ed.checkpoint()
	sel := t.SelectedText()
	if sel == "" {
		t.Entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText(mark + mark)})
		t.CursorColumn -= len([]rune(mark))
		t.Refresh()
		return
	}
	// Spaces selected at the ends stay outside the marks ("**giá** lúa").
	lead := sel[:len(sel)-len(strings.TrimLeft(sel, " "))]
	trail := sel[len(strings.TrimRight(sel, " ")):]
	core := strings.TrimSpace(sel)
	if strings.HasPrefix(core, mark) && strings.HasSuffix(core, mark) && len(core) >= 2*len(mark) {
		core = core[len(mark) : len(core)-len(mark)] // a second press takes it off
	} else {
		core = mark + core + mark
	}
	t.Entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText(lead + core + trail)})
}

func (u *UI) bold()   { u.wrapSelection("**") }
func (u *UI) italic() { u.wrapSelection("*") }

// setLinePrefix makes the paragraph a heading, a list or a quote (every
// line starting with prefix), or back to plain text if it already is.
func (u *UI) setLinePrefix(prefix string) {
	t := u.formatTarget()
	if t == nil {
		return
	}
	t.ed.checkpoint()
	lines := strings.Split(t.Text, "\n")
	all := true
	for _, l := range lines {
		if !strings.HasPrefix(l, prefix) {
			all = false
		}
	}
	for i, l := range lines {
		l = strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(l, "## "), "- "), "> "), " ")
		if !all {
			l = prefix + l
		}
		lines[i] = l
		if prefix == "## " && !all {
			break // a heading is one line
		}
	}
	row, col := t.CursorRow, t.CursorColumn
	t.SetText(strings.Join(lines, "\n"))
	t.CursorRow, t.CursorColumn = row, col
	t.Refresh()
}

func (u *UI) heading() { u.setLinePrefix("## ") }
func (u *UI) bullets() { u.setLinePrefix("- ") }
func (u *UI) quote()   { u.setLinePrefix("> ") }

// link asks for an address and makes the selected words a link to it.
func (u *UI) link() {
	t := u.formatTarget()
	if t == nil {
		return
	}
	sel := strings.TrimSpace(t.SelectedText())
	words := widget.NewEntry()
	words.SetText(sel)
	words.SetPlaceHolder(lang.L("The words readers click"))
	addr := widget.NewEntry()
	addr.SetPlaceHolder("https://")
	addr.Validator = func(s string) error {
		p, err := url.Parse(strings.TrimSpace(s))
		if err != nil || (p.Scheme != "http" && p.Scheme != "https" && p.Scheme != "mailto") || (p.Host == "" && p.Scheme != "mailto") {
			return errors.New(lang.L("an address starting with https:// or http://"))
		}
		return nil
	}
	d := dialog.NewForm(lang.L("Link"), lang.L("Add the link"), lang.L("Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.L("Words"), words),
		widget.NewFormItem(lang.L("Address"), addr),
	}, func(ok bool) {
		if !ok {
			return
		}
		text := strings.TrimSpace(words.Text)
		if text == "" {
			text = strings.TrimSpace(addr.Text)
		}
		u.win.Canvas().Focus(t)
		t.ed.checkpoint()
		t.Entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText("[" + text + "](" + strings.TrimSpace(addr.Text) + ")")})
	}, u.win)
	d.Resize(fyne.NewSize(480, 220))
	d.Show()
}

// styleParagraph shows a heading in bold and a quote in italics in its box.
func (t *textBlock) styleParagraph() {
	st := fyne.TextStyle{}
	switch trim := strings.TrimLeft(t.Text, " "); {
	case strings.HasPrefix(trim, "#"):
		st.Bold = true
	case strings.HasPrefix(trim, ">"):
		st.Italic = true
	}
	if st != t.TextStyle {
		t.TextStyle = st
		t.lastText = "" // the style changes the width the text takes
		t.Refresh()
		t.fit()
	}
}
