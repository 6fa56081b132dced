package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// Ctrl+B and Ctrl+I wrap the selected words (a second press unwraps), the
// Format menu makes a paragraph a heading, a list or a quote (shown in its
// style) and back, and every change is one step of undo; Markdown stays
// the stored form.
func TestFormattingWithoutMarkdown(t *testing.T) {
	h := newHarness(t)
	u := h.u
	body := u.ed.body
	p := body.FirstText()
	u.win.Canvas().Focus(p)
	typeKeys(p, "Giá lúa tăng mạnh")
	// Select "lúa " (the driver's Shift+Right, as a person does).
	p.CursorRow, p.CursorColumn = 0, 4
	for range 4 {
		p.Entry.KeyDown(&fyne.KeyEvent{Name: "LeftShift"})
		p.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	}
	if p.SelectedText() != "lúa " {
		t.Skipf("could not select with the test driver (got %q)", p.SelectedText())
	}
	h.shortcut(fyne.KeyB, fyne.KeyModifierShortcutDefault)
	if got := body.Text(); got != "Giá **lúa** tăng mạnh" {
		t.Errorf("Ctrl+B: %q", got)
	}
	h.shortcut(fyne.KeyH, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift)
	if got := body.Text(); got != "## Giá **lúa** tăng mạnh" || !p.TextStyle.Bold {
		t.Errorf("heading: %q, bold %v", got, p.TextStyle.Bold)
	}
	h.shortcut(fyne.KeyH, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift)
	if got := body.Text(); got != "Giá **lúa** tăng mạnh" || p.TextStyle.Bold {
		t.Errorf("heading off: %q, bold %v", got, p.TextStyle.Bold)
	}
	u.quote()
	if got := body.Text(); got != "> Giá **lúa** tăng mạnh" || !p.TextStyle.Italic {
		t.Errorf("quote: %q, italic %v", got, p.TextStyle.Italic)
	}
	p.TypedShortcut(&fyne.ShortcutUndo{})
	p = body.FirstText()
	if got := body.Text(); got != "Giá **lúa** tăng mạnh" {
		t.Errorf("undo of the quote: %q", got)
	}
	u.win.Canvas().Focus(p)
	p.CursorRow, p.CursorColumn = 0, len([]rune(p.Text))
	h.shortcut(fyne.KeyI, fyne.KeyModifierShortcutDefault)
	typeKeys(p, "nhanh")
	if got := body.Text(); got != "Giá **lúa** tăng mạnh*nhanh*" {
		t.Errorf("Ctrl+I with nothing selected, then typing: %q", got)
	}
	u.win.Canvas().Focus(u.ed.headline)
	h.shortcut(fyne.KeyB, fyne.KeyModifierShortcutDefault)
	if u.ed.headline.Text != "" || u.status.Text != "Put the cursor in the body first: formatting is for the body's text." {
		t.Errorf("Ctrl+B in the headline: %q, status %q", u.ed.headline.Text, u.status.Text)
	}
}
