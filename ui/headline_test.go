package ui

import (
	"bytes"
	"io"
	"testing"

	"fyne.io/fyne/v2"
)

// A long headline wraps over the lines it needs (nothing cut off), Enter
// in it goes on to the sapo, and a pasted new line becomes a space; a
// long caption shows whole.
func TestLongHeadlineAndCaptionShowWhole(t *testing.T) {
	h := newHarness(t)
	u := h.u
	u.win.Resize(fyne.NewSize(1024, 600))
	h.settle()
	one := u.ed.headline.MinSize().Height
	long := "Lào Cai: Hàng nghìn hộ dân ở các xã vùng cao Bát Xát, Sa Pa và Bắc Hà được hỗ trợ giống lúa mới sau trận lũ quét lịch sử cuối tháng Chín"
	u.win.Canvas().Focus(u.ed.headline)
	u.ed.headline.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText(long[:60] + "\n" + long[61:])})
	h.settle()
	if got := u.ed.headline.Text; got != long {
		t.Errorf("pasted headline %q, want the new line as a space", got)
	}
	// At most ~70 characters fit on a line of this field: the headline
	// needs two lines at least (one line and a half of padding more).
	if rows := u.ed.headline.MinSize().Height / one; rows < 1.4 {
		t.Errorf("a %d-character headline in a %v-wide field takes %.1f lines' height", len([]rune(long)), u.ed.headline.Size().Width, rows)
	}
	u.ed.headline.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if u.win.Canvas().Focused() != u.ed.sapo {
		t.Errorf("Enter in the headline went to %T, want the sapo", u.win.Canvas().Focused())
	}
	if u.ed.headline.Text != long {
		t.Errorf("Enter changed the headline: %q", u.ed.headline.Text)
	}

	data := jpegBytes(t, 40, 30)
	u.ed.addPhoto("lu.jpg", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	h.settle()
	caption := findWhere(u.win.Canvas(), func(g *growField) bool { return g.PlaceHolder == "Caption: what the photo shows" })
	if caption == nil {
		t.Fatal("no caption field")
	}
	two := caption.MinSize().Height
	caption.SetText(long + " " + long + " " + long)
	h.settle()
	if caption.MinSize().Height <= two {
		t.Errorf("a long caption keeps the height of two lines (%v)", two)
	}
}
