package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// On a computer whose clock falls back to 2000 the window says so once,
// plainly, and dates nothing 2000: the preview's dateline is the store's
// time.
func TestWrongClockIsSaidOnceAndDatesStayRight(t *testing.T) {
	h := newHarness(t)
	u := h.u
	test.Type(u.ed.headline, "Trước")
	h.pumpFor(100 * time.Millisecond)
	h.settle()
	year := time.Now().Year()
	start := time.Now()
	h.desk.SetSystemClock(func() time.Time { return time.Date(2000, 1, 1, 7, 0, 0, 0, time.Local).Add(time.Since(start)) })
	u.newArticle()
	test.Type(u.ed.headline, "Sau khi")
	h.pumpFor(100 * time.Millisecond)
	h.settle()
	if !strings.Contains(labelTexts(t, u.win.Canvas().Overlays().Top()), "This computer's clock says 01/01/2000") {
		t.Fatalf("no word about the clock; status %q", u.status.Text)
	}
	u.win.Canvas().Overlays().Top().Hide()
	u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())
	test.Type(u.ed.headline, " mất điện")
	h.pumpFor(100 * time.Millisecond)
	h.settle()
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("the clock was reported twice")
	}
	if rev := h.latest(); rev.Saved.Year() != year {
		t.Errorf("saved in %d", rev.Saved.Year())
	}
	u.newArticle()
	u.renderPreview()
	if got := previewText(u); strings.Contains(got, "2000") || !strings.Contains(got, time.Now().Format("2006")) {
		t.Errorf("a new article's dateline: %q", got)
	}
}
