package ui

import (
	"bytes"
	"io"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// Ctrl+Z undoes by word across paragraphs, splits, joins, pastes and
// photo moves, and Ctrl+Y and Ctrl+Shift+Z redo; the undone text is what
// gets saved.
func TestBodyUndoRedoAcrossParagraphs(t *testing.T) {
	h := newHarness(t)
	u := h.u
	body := u.ed.body
	undo := func() { u.win.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{}) }
	redoY := func() { u.win.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutRedo{}) }
	redoShiftZ := func() {
		u.win.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	}
	first := body.FirstText()
	u.win.Canvas().Focus(first)
	typeKeys(first, "Giá lúa tăng")
	if body.Text() != "Giá lúa tăng" {
		t.Fatalf("typed %q", body.Text())
	}
	undo()
	if got := body.Text(); got != "Giá lúa" {
		t.Errorf("one undo after typing three words: %q, want the last word gone", got)
	}
	redoY()
	if got := body.Text(); got != "Giá lúa tăng" {
		t.Errorf("Ctrl+Y: %q", got)
	}
	typeKeys(u.ed.body.focused, ".\n\nNông dân vui.")
	if got := body.Text(); got != "Giá lúa tăng.\n\nNông dân vui." || len(body.blocks) != 2 {
		t.Fatalf("after a split: %q in %d blocks", got, len(body.blocks))
	}
	undo() // "vui."
	undo() // "dân"
	undo() // "Nông": the new paragraph is empty
	if got := body.Text(); got != "Giá lúa tăng." || len(body.blocks) != 2 {
		t.Errorf("undoing the new paragraph's words: %q in %d blocks", got, len(body.blocks))
	}
	undo() // the split
	if got := body.Text(); got != "Giá lúa tăng." || len(body.blocks) != 1 {
		t.Errorf("undoing back over the split: %q in %d blocks", got, len(body.blocks))
	}
	for range 4 {
		redoShiftZ()
	}
	if got := body.Text(); got != "Giá lúa tăng.\n\nNông dân vui." {
		t.Errorf("Ctrl+Shift+Z back: %q", got)
	}
	// A join (with its space) and a paste are steps of their own.
	second := body.blocks[1].(*textBlock)
	second.CursorRow, second.CursorColumn = 0, 0
	u.win.Canvas().Focus(second)
	second.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if got := body.Text(); got != "Giá lúa tăng. Nông dân vui." {
		t.Errorf("join: %q", got)
	}
	undo()
	if got := body.Text(); got != "Giá lúa tăng.\n\nNông dân vui." || len(body.blocks) != 2 {
		t.Errorf("undo of the join: %q in %d blocks", got, len(body.blocks))
	}
	last := body.blocks[1].(*textBlock)
	last.CursorColumn = len([]rune(last.Text))
	u.win.Canvas().Focus(last)
	last.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText(" Thêm một câu dán vào.")})
	undo()
	if got := body.Text(); got != "Giá lúa tăng.\n\nNông dân vui." {
		t.Errorf("undo of a paste: %q", got)
	}
	// A photo placed, then moved: two steps.
	data := jpegBytes(t, 40, 30)
	u.ed.addPhoto("lua.jpg", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	h.settle()
	var fb *figureBlock
	for _, b := range body.blocks {
		if f, ok := b.(*figureBlock); ok {
			fb = f
		}
	}
	if fb == nil {
		t.Fatal("no photo")
	}
	withPhoto := body.Text()
	body.MoveFigure(fb, -1)
	u.win.Canvas().Focus(body.FirstText())
	undo()
	if got := body.Text(); got != withPhoto {
		t.Errorf("undo of a photo move:\n%q\nwant\n%q", got, withPhoto)
	}
	undo()
	if got := body.Text(); got != "Giá lúa tăng.\n\nNông dân vui." {
		t.Errorf("undo of placing the photo: %q", got)
	}
	h.pumpFor(100e6)
	h.settle()
	if got := h.latest().Article.Body; got != "Giá lúa tăng.\n\nNông dân vui." {
		t.Errorf("saved after the undos: %q", got)
	}
}

// Ctrl+A selects the whole body: Ctrl+C copies every paragraph, typing
// replaces it all (one step Ctrl+Z takes back), and a click ends it.
func TestSelectAllCopiesTheWholeBody(t *testing.T) {
	h := newHarness(t)
	u := h.u
	body := u.ed.body
	first := body.FirstText()
	u.win.Canvas().Focus(first)
	typeKeys(first, "Một.\n\nHai.\n\nBa.")
	ft := body.blocks[2].(*textBlock)
	ft.TypedShortcut(&fyne.ShortcutSelectAll{})
	clip := test.NewClipboard()
	ft.TypedShortcut(&fyne.ShortcutCopy{Clipboard: clip})
	if got := clip.Content(); got != "Một.\n\nHai.\n\nBa." {
		t.Errorf("Ctrl+A, Ctrl+C copied %q", got)
	}
	ft.TypedShortcut(&fyne.ShortcutSelectAll{})
	ft.TypedRune('X')
	if got := body.Text(); got != "X" {
		t.Errorf("typing over Ctrl+A: %q", got)
	}
	u.win.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
	u.win.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
	if got := body.Text(); got != "Một.\n\nHai.\n\nBa." {
		t.Errorf("undo after replacing everything: %q", got)
	}
	b := body.blocks[1].(*textBlock)
	b.TypedShortcut(&fyne.ShortcutSelectAll{})
	b.MouseDown(&desktop.MouseEvent{})
	b.TypedRune('!')
	if got := body.Text(); got == "!" {
		t.Error("a click did not end the Ctrl+A selection")
	}
}
