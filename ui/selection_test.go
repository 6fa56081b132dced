package ui

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// keys sends what the driver sends to the focused object: KeyDown, the
// key, KeyUp (Shift held for the keys between shiftDown and shiftUp).
type keys struct {
	t *testing.T
	u *UI
}

func (k keys) focused() *textBlock {
	k.t.Helper()
	t, ok := k.u.win.Canvas().Focused().(*textBlock)
	if !ok {
		k.t.Fatalf("the focus is on %T, not a paragraph", k.u.win.Canvas().Focused())
	}
	return t
}

func (k keys) shiftDown() { k.focused().KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft}) }
func (k keys) shiftUp()   { k.focused().KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft}) }

func (k keys) press(name fyne.KeyName, times int) {
	for range times {
		k.focused().TypedKey(&fyne.KeyEvent{Name: name})
	}
}

func (k keys) shortcut(s fyne.Shortcut) { k.focused().TypedShortcut(s) }

// bodyOf fills the body with paragraphs and puts the cursor at off in
// paragraph block.
func bodyOf(h *harness, md string, block, off int) *bodyEditor {
	body := h.u.ed.body
	first := body.FirstText()
	h.u.win.Canvas().Focus(first)
	first.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText(md)})
	h.settle()
	t := body.blocks[block].(*textBlock)
	h.u.win.Canvas().Focus(t)
	setCursorOffset(&t.Entry, off)
	return body
}

const threeParagraphs = "Giá lúa tăng mạnh.\n\nNông dân vui mừng.\n\nThương lái đến sớm."

// Shift+arrows carry a selection past a paragraph's edge and back; it
// shows in each paragraph, Ctrl+C copies it as Markdown with its
// paragraph breaks, and Backspace deletes it as one undo step.
func TestShiftArrowsSelectAcrossParagraphs(t *testing.T) {
	h := newHarness(t)
	k := keys{t, h.u}
	body := bodyOf(h, threeParagraphs, 0, len([]rune("Giá lúa ")))
	k.shiftDown()
	k.press(fyne.KeyEnd, 1)   // "tăng mạnh." in the first paragraph (the Entry's own)
	k.press(fyne.KeyRight, 1) // past its end: the next paragraph's start
	k.press(fyne.KeyDown, 1)  // to the second paragraph's end (it is one row)
	k.press(fyne.KeyDown, 1)  // on into the third, at its column
	k.press(fyne.KeyLeft, 2)
	k.shiftUp()
	if !body.hasSpan() {
		t.Fatal("no selection across paragraphs after Shift+Down past the edge")
	}
	p := func(i int) *textBlock { return body.blocks[i].(*textBlock) }
	if got := p(0).SelectedText(); got != "tăng mạnh." {
		t.Errorf("first paragraph shows %q selected", got)
	}
	if got := p(1).SelectedText(); got != "Nông dân vui mừng." {
		t.Errorf("second paragraph shows %q selected, want all of it", got)
	}
	third := p(2).SelectedText()
	if third == "" || !strings.HasPrefix("Thương lái đến sớm.", third) {
		t.Errorf("third paragraph shows %q selected, want its start", third)
	}
	if k.focused() != p(2) {
		t.Error("the keyboard focus did not follow the selection's head")
	}
	// An Entry draws its selection only while focused: the others are
	// marked by the body, on each row they cover.
	if n := len(p(0).marks.Objects); n != 1 {
		t.Errorf("the first paragraph (one row selected) has %d marks", n)
	}
	if n := len(p(1).marks.Objects); n < 1 {
		t.Errorf("the second paragraph has %d marks", n)
	}
	if n := len(p(2).marks.Objects); n != 0 {
		t.Errorf("the focused paragraph has %d marks beside its own selection", n)
	}
	clip := test.NewClipboard()
	k.shortcut(&fyne.ShortcutCopy{Clipboard: clip})
	want := "tăng mạnh.\n\nNông dân vui mừng.\n\n" + third
	if got := clip.Content(); got != want {
		t.Errorf("Ctrl+C copied %q, want %q", got, want)
	}

	// Shift+Up twice shrinks it back into the second paragraph.
	k.shiftDown()
	k.press(fyne.KeyUp, 2)
	k.shiftUp()
	if got := p(2).SelectedText(); got != "" {
		t.Errorf("after Shift+Up the third paragraph still shows %q", got)
	}
	k.press(fyne.KeyBackspace, 1)
	if body.hasSpan() {
		t.Error("Backspace left the selection")
	}
	for i, b := range body.blocks {
		if n := len(b.(*textBlock).marks.Objects); n != 0 {
			t.Errorf("paragraph %d keeps %d selection marks", i, n)
		}
	}
	if got := body.Text(); !strings.HasPrefix(got, "Giá lúa ") || strings.Contains(got, "tăng") || !strings.HasSuffix(got, "\n\nThương lái đến sớm.") {
		t.Errorf("after Backspace the body is %q", got)
	}
	typeKeys(k.focused(), "X")
	if got := body.Text(); !strings.HasPrefix(got, "Giá lúa X") {
		t.Errorf("typing after the deletion: %q", got)
	}
	k.shortcut(&fyne.ShortcutUndo{}) // the X
	k.shortcut(&fyne.ShortcutUndo{}) // the deletion
	if got := body.Text(); got != threeParagraphs {
		t.Errorf("two undos: %q, want the three paragraphs back", got)
	}
	h.settle()
	if got := h.latest().Article.Body; got != threeParagraphs {
		t.Errorf("saved body %q", got)
	}
}

// Shift+click in another paragraph selects from the cursor to there;
// typing replaces the selection; pasting paragraphs over a selection
// puts them in its place.
func TestShiftClickSelectsAcrossParagraphs(t *testing.T) {
	h := newHarness(t)
	k := keys{t, h.u}
	body := bodyOf(h, threeParagraphs, 0, len([]rune("Giá lúa ")))
	third := body.blocks[2].(*textBlock)
	setCursorOffset(&third.Entry, len([]rune("Thương lái")))
	at := third.CursorPosition().Add(fyne.NewPos(1, 4))
	third.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}, Button: desktop.MouseButtonPrimary, Modifier: fyne.KeyModifierShift})
	third.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}, Button: desktop.MouseButtonPrimary, Modifier: fyne.KeyModifierShift})
	if !body.hasSpan() {
		t.Fatal("Shift+click in the third paragraph made no selection")
	}
	clip := test.NewClipboard()
	k.shortcut(&fyne.ShortcutCopy{Clipboard: clip})
	if got, want := clip.Content(), "tăng mạnh.\n\nNông dân vui mừng.\n\nThương lái"; got != want {
		t.Errorf("copied %q, want %q", got, want)
	}
	typeKeys(k.focused(), "và")
	if got, want := body.Text(), "Giá lúa và đến sớm."; got != want {
		t.Errorf("typing over the selection: %q, want %q", got, want)
	}
	if len(body.blocks) != 1 {
		t.Errorf("%d blocks left, want one paragraph", len(body.blocks))
	}

	// A click without Shift ends a selection; paste over one splits.
	body = bodyOf(h, "\n\n"+threeParagraphs, 0, 0)
	body.SetText(threeParagraphs)
	first := body.FirstText()
	h.u.win.Canvas().Focus(first)
	setCursorOffset(&first.Entry, 0)
	k.shiftDown()
	k.press(fyne.KeyDown, 3)
	k.shiftUp()
	k.shortcut(&fyne.ShortcutPaste{Clipboard: pastedText("Một.\n\nHai.")})
	if got := body.Text(); !strings.HasPrefix(got, "Một.\n\nHai.") || strings.Contains(got, "Nông") {
		t.Errorf("paste over the selection: %q", got)
	}
}

// A mouse drag that leaves its paragraph selects on into the ones under
// the pointer; Ctrl+X cuts it, photo included, and Ctrl+Z brings it back.
func TestDragSelectsAcrossParagraphsAndPhotos(t *testing.T) {
	h := newHarness(t)
	k := keys{t, h.u}
	body := bodyOf(h, threeParagraphs, 0, 0)
	data := jpegBytes(t, 40, 30)
	h.u.ed.addPhoto("ruong.jpg", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }) // after the first paragraph
	h.settle()
	if len(body.blocks) != 4 {
		t.Fatalf("%d blocks after adding a photo", len(body.blocks))
	}
	before := body.Text()
	first := body.blocks[0].(*textBlock)
	setCursorOffset(&first.Entry, len([]rune("Giá ")))
	start := first.CursorPosition().AddXY(1, 4)
	first.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: start}, Button: desktop.MouseButtonPrimary})
	// The pointer goes down to the third paragraph (block 3), in its text.
	third := body.blocks[3].(*textBlock)
	y := third.view.Position().Y - first.view.Position().Y + 8
	setCursorOffset(&third.Entry, len([]rune("Thương")))
	end := fyne.NewPos(third.CursorPosition().X+1, y)
	prev := start
	for _, p := range []fyne.Position{start.AddXY(20, 0), start.AddXY(20, first.Size().Height+4), end} {
		first.pass.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p}, Dragged: fyne.Delta{DX: p.X - prev.X, DY: p.Y - prev.Y}})
		prev = p
	}
	first.pass.DragEnd()
	first.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: end}, Button: desktop.MouseButtonPrimary})
	if !body.hasSpan() {
		t.Fatal("the drag made no selection across paragraphs")
	}
	if got := body.blocks[2].(*textBlock).SelectedText(); got != "Nông dân vui mừng." {
		t.Errorf("the paragraph the drag passed over shows %q selected", got)
	}
	clip := test.NewClipboard()
	k.shortcut(&fyne.ShortcutCut{Clipboard: clip})
	cut := clip.Content()
	if !strings.HasPrefix(cut, "lúa tăng mạnh.\n\n![") || !strings.HasSuffix(cut, "Nông dân vui mừng.\n\nThương") {
		t.Errorf("cut %q, want from “lúa” through the photo to “Thương”", cut)
	}
	if got, want := body.Text(), "Giá  lái đến sớm."; got != want {
		t.Errorf("after the cut the body is %q, want %q", got, want)
	}
	k.shortcut(&fyne.ShortcutUndo{})
	if got := body.Text(); got != before {
		t.Errorf("undo of the cut: %q, want %q", got, before)
	}
	if len(body.blocks) != 4 {
		t.Errorf("undo brought back %d blocks, want 4 (the photo too)", len(body.blocks))
	}
}

// Ctrl+A selects the whole body (every paragraph shows it), Ctrl+C copies
// it all, and an arrow key ends it where the arrow points.
func TestSelectAllAndArrowEndsIt(t *testing.T) {
	h := newHarness(t)
	k := keys{t, h.u}
	body := bodyOf(h, threeParagraphs, 1, 3)
	k.shortcut(&fyne.ShortcutSelectAll{})
	for i, b := range body.blocks {
		if got, want := b.(*textBlock).SelectedText(), b.markdown(); got != want {
			t.Errorf("paragraph %d shows %q selected, want all", i, got)
		}
	}
	clip := test.NewClipboard()
	k.shortcut(&fyne.ShortcutCopy{Clipboard: clip})
	if got := clip.Content(); got != threeParagraphs {
		t.Errorf("Ctrl+A, Ctrl+C copied %q", got)
	}
	k.press(fyne.KeyRight, 1)
	if body.hasSpan() {
		t.Fatal("Right did not end the selection")
	}
	for i, b := range body.blocks {
		if got := b.(*textBlock).SelectedText(); got != "" {
			t.Errorf("paragraph %d still shows %q selected", i, got)
		}
	}
	last := body.blocks[2].(*textBlock)
	if k.focused() != last || last.CursorTextOffset() != len([]rune(last.Text)) {
		t.Errorf("Right put the cursor in %v at %d, want the body's end", k.focused() == last, last.CursorTextOffset())
	}
	if got := body.Text(); got != threeParagraphs {
		t.Errorf("the body changed: %q", got)
	}
}

// offsetAt finds the place under a point in a word-wrapped paragraph, as
// the cursor's own position says, on every row.
func TestOffsetAtFollowsWrappedRows(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("Người dân xã Tà Xùa vui mừng đón mùa lúa mới. ", 12)
	body := bodyOf(h, strings.TrimSpace(long), 0, 0)
	p := body.blocks[0].(*textBlock)
	h.u.win.Resize(fyne.NewSize(800, 700))
	h.settle()
	if rows := len(rowStarts(&p.Entry)); rows < 3 {
		t.Fatalf("the paragraph has %d rows at this width, the test needs a wrapped one", rows)
	}
	for _, off := range []int{0, 7, 60, 150, 300, len([]rune(p.Text)) - 1} {
		setCursorOffset(&p.Entry, off)
		if got := p.CursorTextOffset(); got != off {
			t.Errorf("setCursorOffset(%d) put the cursor at %d", off, got)
		}
		pos := p.CursorPosition().AddXY(1, 3)
		if got := offsetAt(&p.Entry, pos); got != off {
			t.Errorf("offsetAt(the cursor's place at %d) = %d", off, got)
		}
	}
}

// Undo puts the cursor back where the undone typing was, also on the
// third drawn row of a word-wrapped paragraph (a cursor kept as row and
// column of the text's lines came back on the first row).
func TestUndoPutsTheCursorBackInAWrappedParagraph(t *testing.T) {
	h := newHarness(t)
	long := strings.TrimSpace(strings.Repeat("Người dân xã Tà Xùa vui mừng đón mùa lúa mới. ", 12))
	body := bodyOf(h, long, 0, 0)
	p := body.blocks[0].(*textBlock)
	h.settle()
	if rows := len(rowStarts(&p.Entry)); rows < 3 {
		t.Fatalf("the paragraph has %d rows, the test needs a wrapped one", rows)
	}
	at := rowStarts(&p.Entry)[2] + 5
	setCursorOffset(&p.Entry, at)
	typeKeys(p, "X")
	if got := []rune(body.Text())[at]; got != 'X' {
		t.Fatalf("typed %q at %d", got, at)
	}
	p.TypedShortcut(&fyne.ShortcutUndo{})
	p = body.blocks[0].(*textBlock)
	if body.Text() != long {
		t.Fatalf("undo left %q", body.Text())
	}
	if got := p.CursorTextOffset(); got != at {
		t.Errorf("after undo the cursor is at %d, want %d (row %d)", got, at, p.CursorRow)
	}
}
