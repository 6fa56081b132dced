package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
)

// fakeScreen is a screen of a given size; the window's position is where
// the last Move put it (or where a person dragged it: pos).
type fakeScreen struct {
	areas []Rect
	pos   fyne.Position
	moved bool
}

func (s *fakeScreen) WorkAreas(fyne.Window) []Rect { return s.areas }
func (s *fakeScreen) Position(fyne.Window) (fyne.Position, bool) {
	return s.pos, true
}
func (s *fakeScreen) Move(_ fyne.Window, p fyne.Position) { s.pos, s.moved = p, true }

func screenOf(w, h float32) *fakeScreen {
	return &fakeScreen{areas: []Rect{{Size: fyne.NewSize(w, h)}}}
}

// rowsShown is how many whole articles the list shows.
func rowsShown(u *UI) int {
	return int(u.list.Size().Height / (u.list.CreateItem().MinSize().Height + 1))
}

// On a 1366×768 laptop (a 40-pixel taskbar) the window opens inside the
// screen, status line included; at 1024×600 everything still fits and the
// list shows several articles, even when the sync area has much to say.
func TestWindowFitsSmallScreens(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h float32
	}{{"1366×768 with a taskbar", 1366, 728}, {"1024×600 netbook", 1024, 600}} {
		t.Run(tc.name, func(t *testing.T) {
			screen := screenOf(tc.w, tc.h)
			h := newHarnessWith(t, test.NewTempApp(t), t.TempDir(), func(u *UI) { u.SetScreen(screen) })
			for i := range 12 {
				if _, err := h.desk.Save(context.Background(), fielddesk.Article{Headline: fmt.Sprintf("Bài số %d về mùa lúa ở Lào Cai", i), Language: "vi", Body: "Nội dung."}, ""); err != nil {
					t.Fatal(err)
				}
			}
			s := &fakeSyncer{}
			s.status = fielddesk.SyncStatus{Configured: true, Server: "https://toasoan.example.vn", LastError: "dial tcp: i/o timeout", Problems: map[fielddesk.ID]string{"01X": "bị từ chối"}}
			for i := range 8 {
				s.status.Photos = append(s.status.Photos, fielddesk.PhotoProgress{Hash: fmt.Sprintf("%064d", i), Total: 3 << 20})
			}
			h.u.SetSyncer(s)
			h.u.refreshList()
			h.settle()
			size := h.u.win.Canvas().Size()
			if size.Width+frame.Width > tc.w || size.Height+frame.Height > tc.h {
				t.Errorf("the window is %v on a %v×%v work area", size, tc.w, tc.h)
			}
			if min := h.u.win.Content().MinSize(); min.Width > size.Width || min.Height > size.Height {
				t.Errorf("the content needs %v, more than the %v window", min, size)
			}
			if !screen.moved || screen.pos.X < 0 || screen.pos.Y < frameTop || screen.pos.X+size.Width > tc.w || screen.pos.Y+size.Height > tc.h {
				t.Errorf("the window was put at %v (moved %v), size %v", screen.pos, screen.moved, size)
			}
			if n := rowsShown(h.u); n < 4 {
				t.Errorf("the list shows %d articles", n)
			}
		})
	}
}

// The window comes back at the size and place it had, made to fit a
// smaller screen, and the article that was open comes back with the
// cursor where it was (also after a crash: both are kept with every save).
func TestWindowAndArticleComeBack(t *testing.T) {
	dir := t.TempDir()
	screen := screenOf(1920, 1040)
	h := newHarnessWith(t, test.NewTempApp(t), dir, func(u *UI) { u.SetScreen(screen) })
	ed := h.u.ed
	h.u.win.Canvas().Focus(ed.headline)
	typeLikeDriver(&ed.headline.vnEntry, "Mua lua")
	first := ed.body.FirstText()
	h.u.win.Canvas().Focus(first)
	typeKeys(first, "Đoạn một.\n\nĐoạn hai.\n\nĐoạn ba có nhiều chữ.")
	third := ed.body.blocks[2].(*textBlock)
	third.CursorRow, third.CursorColumn = 0, 8
	h.u.win.Canvas().Focus(third)
	screen.pos = fyne.NewPos(300, 200) // dragged there
	h.u.win.Resize(fyne.NewSize(700, 700))
	third.TypedRune('X') // "Đoạn ba Xcó …"
	h.pumpFor(200e6)
	h.settle()
	id := ed.article.ID
	if id == "" {
		t.Fatal("nothing saved")
	}
	// No clean close: the settings kept with the last save must do.
	h.close()

	screen = screenOf(1024, 600)
	h = newHarnessWith(t, test.NewTempApp(t), dir, func(u *UI) { u.SetScreen(screen) })
	h.settle()
	u := h.u
	if u.ed.article.ID != id {
		t.Fatalf("after a restart the open article is %q, want %q", u.ed.article.ID, id)
	}
	if got := u.ed.body.Text(); got != "Đoạn một.\n\nĐoạn hai.\n\nĐoạn ba Xcó nhiều chữ." {
		t.Errorf("body %q", got)
	}
	focused, ok := u.win.Canvas().Focused().(*textBlock)
	if !ok || u.ed.body.index(focused) != 2 || focused.CursorColumn != 9 {
		t.Errorf("the cursor is in %T at column %v, want the third paragraph at column 9", u.win.Canvas().Focused(), focused)
	}
	size := u.win.Canvas().Size()
	if size.Width != 700 || size.Height+frame.Height > 600 {
		t.Errorf("window size %v, want 700 wide and fitted to 600 high", size)
	}
	if screen.pos.X != 300 || screen.pos.Y+size.Height > 600 {
		t.Errorf("window at %v, want x 300 and inside the screen", screen.pos)
	}

	// A clean close after opening a new article: the next start opens a new one.
	u.newArticle()
	u.Close()
	h.close()
	h = newHarnessWith(t, test.NewTempApp(t), dir, nil)
	if h.u.ed.article.ID != "" {
		t.Errorf("after closing on a new article, %q was opened", h.u.ed.article.ID)
	}
}

// Ctrl+P on a draft with nothing to review gives the editor the whole
// width: no empty strip is left where the preview was.
func TestHidingThePreviewLeavesNoEmptyStrip(t *testing.T) {
	h := newHarness(t)
	u := h.u
	test.Type(u.ed.headline, "Tin")
	h.settle()
	before := u.editorPane.Size().Width
	h.shortcut(fyne.KeyP, fyne.KeyModifierShortcutDefault)
	h.settle()
	if u.right.Visible() {
		t.Error("the empty right column is still there")
	}
	if after := u.editorPane.Size().Width; after <= before*1.3 {
		t.Errorf("the editor is %v wide with the preview hidden, %v with it", after, before)
	}
	h.shortcut(fyne.KeyP, fyne.KeyModifierShortcutDefault)
	h.settle()
	if !u.right.Visible() || !u.previewPane.Visible() {
		t.Error("Ctrl+P again does not bring the preview back")
	}
}

// In a narrow window the preview steps aside by itself, and comes back
// when the window is wide again.
func TestPreviewStepsAsideInANarrowWindow(t *testing.T) {
	h := newHarness(t)
	u := h.u
	u.win.Resize(fyne.NewSize(820, 600))
	h.settle()
	if u.previewPane.Visible() {
		t.Errorf("at 820 wide the preview is %v wide beside the editor", u.previewPane.Size().Width)
	}
	// Ctrl+P brings it back all the same, and it stays.
	h.shortcut(fyne.KeyP, fyne.KeyModifierShortcutDefault)
	h.settle()
	if !u.previewPane.Visible() {
		t.Error("Ctrl+P in a narrow window does not show the preview")
	}
	h.shortcut(fyne.KeyP, fyne.KeyModifierShortcutDefault)
	h.settle()
	u.win.Resize(fyne.NewSize(1280, 760))
	h.settle()
	if u.previewPane.Visible() {
		t.Error("hidden by Ctrl+P, the preview came back by itself")
	}
	h.shortcut(fyne.KeyP, fyne.KeyModifierShortcutDefault)
	h.settle()
	u.win.Resize(fyne.NewSize(820, 600))
	h.settle()
	u.win.Resize(fyne.NewSize(1280, 760))
	h.settle()
	if !u.previewPane.Visible() {
		t.Error("the preview did not come back when the window widened")
	}
}

// tipText is the tip shown, or "".
func tipText(t *tips) string {
	if t.shown == nil {
		return ""
	}
	return t.shown.(*fyne.Container).Objects[1].(*widget.Label).Text
}

// The toolbar's icons say what they do and their shortcut when the
// pointer rests on one, and the tip goes when it leaves or clicks.
func TestToolbarIconsHaveTips(t *testing.T) {
	h := newHarness(t)
	h.u.tips.delay = 10 * time.Millisecond
	var icons []*tipButton
	walk(t, h.u.win.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*tipButton); ok {
			icons = append(icons, b)
		}
	})
	if len(icons) != 7 {
		t.Fatalf("%d toolbar icons with tips, want 7", len(icons))
	}
	var names []string
	for _, b := range icons {
		b.MouseIn(&desktop.MouseEvent{})
		h.pumpFor(50 * time.Millisecond)
		names = append(names, tipText(h.u.tips))
		b.MouseOut()
		if got := tipText(h.u.tips); got != "" {
			t.Errorf("the tip %q stays after the pointer left", got)
		}
	}
	want := []string{"New article (Ctrl+N)", "Save now (Ctrl+S)", "Add photo (Ctrl+Shift+I)", "History (Ctrl+H)", "Preview (Ctrl+P)", "Breaking news (Alt+N)", "Settings (Ctrl+,)"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("tips %q, want %q", names, want)
	}
	// Under the icon, inside the window.
	icons[6].MouseIn(&desktop.MouseEvent{})
	h.pumpFor(50 * time.Millisecond)
	tip := h.u.tips.shown
	if tip == nil {
		t.Fatal("no tip on the last icon")
	}
	if right := tip.Position().X + tip.Size().Width; right > h.u.win.Canvas().Size().Width {
		t.Errorf("the tip ends at %v, past the window's %v", right, h.u.win.Canvas().Size().Width)
	}
	test.Tap(icons[0]) // a click takes it away and acts
	if tipText(h.u.tips) != "" {
		t.Error("the tip stays after a click")
	}
	icons[6].MouseOut()
}

// Switching the interface language rebuilds the window as the person left
// it: the panes' sizes, the open article and the place being edited.
func TestLanguageSwitchKeepsTheWindowAsItWas(t *testing.T) {
	h := newHarness(t)
	u := h.u
	u.win.Canvas().Focus(u.ed.headline)
	typeLikeDriver(&u.ed.headline.vnEntry, "Mua lua")
	first := u.ed.body.FirstText()
	u.win.Canvas().Focus(first)
	typeKeys(first, "Đoạn một.\n\nĐoạn hai có chữ.")
	second := u.ed.body.blocks[1].(*textBlock)
	u.win.Canvas().Focus(second)
	setCursorOffset(&second.Entry, 5)
	h.settle()
	id := u.ed.article.ID
	u.outer.SetOffset(0.3)
	u.main.SetOffset(0.4)
	u.right.SetOffset(0.8)

	u.build() // what Settings does after SetLanguage
	h.settle()
	if u.ed.article.ID != id {
		t.Fatalf("after the rebuild the open article is %q, want %q", u.ed.article.ID, id)
	}
	if got := []float64{u.outer.Offset, u.main.Offset, u.right.Offset}; got[0] != 0.3 || got[1] != 0.4 || got[2] != 0.8 {
		t.Errorf("pane sizes after the rebuild: %v, want [0.3 0.4 0.8]", got)
	}
	focused, ok := u.win.Canvas().Focused().(*textBlock)
	if !ok || u.ed.body.index(focused) != 1 || focused.CursorTextOffset() != 5 {
		t.Errorf("the cursor after the rebuild: %T", u.win.Canvas().Focused())
	}
}
