package ui

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fielddesk/fielddesk"
)

// pressTab does what the desktop driver does with Tab (shift: Shift+Tab):
// a field that accepts tabs gets the key, otherwise the focus moves.
func pressTab(c fyne.Canvas, shift bool) {
	if t, ok := c.Focused().(fyne.Tabbable); ok && t.AcceptsTab() {
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
		return
	}
	if shift {
		c.FocusPrevious()
	} else {
		c.FocusNext()
	}
}

// Tab and Shift+Tab move between the fields (the sapo, a paragraph, a
// caption: multi-line fields too) and never leave a tab character; a
// pasted tab becomes a space, or four spaces that indent a Markdown line.
func TestTabMovesBetweenFields(t *testing.T) {
	h := newHarness(t)
	u := h.u
	c := u.win.Canvas()
	ed := u.ed
	c.Focus(ed.headline)
	typeLikeDriver(&ed.headline.vnEntry, "Gia lua")
	pressTab(c, false)
	if c.Focused() != ed.sapo {
		t.Fatalf("Tab in the headline went to %T, want the sapo", c.Focused())
	}
	typeLikeDriver(&ed.sapo.vnEntry, "Lead")
	pressTab(c, false)
	if c.Focused() != ed.agency {
		t.Errorf("Tab in the sapo went to %T, want the agency", c.Focused())
	}
	pressTab(c, true)
	if c.Focused() != ed.sapo {
		t.Errorf("Shift+Tab went to %T, want the sapo", c.Focused())
	}

	first := ed.body.FirstText()
	c.Focus(first)
	typeKeys(first, "Một đoạn.")
	data := jpegBytes(t, 40, 30)
	u.ed.addPhoto("anh.jpg", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	h.settle()
	pressTab(c, false)
	caption, ok := c.Focused().(*growField)
	if !ok || caption.PlaceHolder != "Caption: what the photo shows" {
		t.Fatalf("Tab after the paragraph went to %T, want the photo's caption", c.Focused())
	}
	typeLikeDriver(&caption.vnEntry, "Cau treo")
	pressTab(c, false)
	credit, ok := c.Focused().(*vnEntry)
	if !ok || credit.PlaceHolder != "Photographer (credit)" {
		t.Fatalf("Tab in the caption went to %T, want the credit", c.Focused())
	}
	typeLikeDriver(credit, "Nguyen Van A")
	// A paste with tabs, in the body and in the sapo.
	c.Focus(first)
	first.CursorColumn = len([]rune(first.Text))
	first.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText(" Hai\tcột.\n\t- lùi vào")})
	c.Focus(ed.sapo)
	ed.sapo.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText("\tthêm")})
	h.pumpFor(100e6)
	h.settle()
	a := h.latest().Article
	for field, text := range map[string]string{"headline": a.Headline, "sapo": a.Sapo, "body": a.Body} {
		if strings.Contains(text, "\t") {
			t.Errorf("the %s holds a tab: %q", field, text)
		}
	}
	f, ok := fielddesk.ParseFigureOf(a.Body, a.Photos[0].Hash)
	if !ok || f.Caption != "Cau treo" || f.Credit != "Nguyen Van A" {
		t.Errorf("caption and credit: %+v (body %q)", f, a.Body)
	}
	if !strings.Contains(a.Body, "Hai cột.\n    - lùi vào") {
		t.Errorf("pasted text in the body: %q", a.Body)
	}
}
