package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"golang.org/x/text/unicode/norm"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// loop stands in for the app's event loop: callbacks from background work
// and timers queue here and the test goroutine runs them, as the real
// driver runs them on its one UI goroutine.
type loop struct{ ch chan func() }

func (l *loop) do(fn func()) { l.ch <- fn }

// harness is a UI on a real store in a temporary folder.
type harness struct {
	t    *testing.T
	u    *UI
	desk *desk.Desk
	loop *loop
	// close closes the data folder (once), after the work under way.
	close func()
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessIn(t, t.TempDir())
}

// newHarnessIn is newHarness on the data folder dir.
func newHarnessIn(t *testing.T, dir string) *harness {
	t.Helper()
	return newHarnessOn(t, test.NewTempApp(t), dir)
}

// newHarnessOn is newHarnessIn in the app a (two windows of one app on
// two data folders, as two accounts of one machine).
func newHarnessOn(t *testing.T, a fyne.App, dir string) *harness {
	t.Helper()
	return newHarnessWith(t, a, dir, nil)
}

// newHarnessWith is newHarnessOn with before called on the UI before it is shown.
func newHarnessWith(t *testing.T, a fyne.App, dir string, before func(*UI)) *harness {
	t.Helper()
	d, err := desk.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l := &loop{ch: make(chan func(), 1024)}
	u := newUI(a, d, l.do)
	h := &harness{t: t, desk: d, loop: l}
	h.close = func() {
		// Background work a test left running (a list refresh, a save)
		// finishes before the store closes under it.
		for end := time.Now().Add(10 * time.Second); u.work.pending.Load() > 0 && time.Now().Before(end); {
			select {
			case fn := <-l.ch:
				fn()
			case <-time.After(10 * time.Millisecond):
			}
		}
		d.Close()
		h.close = func() {}
	}
	t.Cleanup(func() { h.close() })
	u.AutosaveDelay, u.AutosaveMaxWait = 30*time.Millisecond, 30*time.Millisecond
	u.PreviewDelay = 10 * time.Millisecond
	u.FilterDelay = 20 * time.Millisecond
	u.win.Resize(fyne.NewSize(1200, 800))
	h.u = u
	if before != nil {
		before(u)
	}
	u.Show()
	h.settle()
	return h
}

// settle runs queued callbacks until nothing has happened for a while and no
// background job is pending.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case fn := <-h.loop.ch:
			fn()
		case <-time.After(150 * time.Millisecond):
			if h.u.work.pending.Load() == 0 {
				return
			}
		case <-deadline:
			h.t.Fatal("the UI did not settle in 10 s")
		}
	}
}

// shortcut does what the driver does with a key combination: the main
// menu's item with that shortcut runs.
func (h *harness) shortcut(key fyne.KeyName, mod fyne.KeyModifier) {
	h.t.Helper()
	want := shortcut(key, mod).ShortcutName()
	for _, m := range h.u.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == want {
				it.Action()
				return
			}
		}
	}
	h.t.Fatalf("no menu item has the shortcut %s", want)
}

func (h *harness) latest() fielddesk.Revision {
	h.t.Helper()
	list, err := h.desk.List(context.Background())
	if err != nil || len(list) == 0 {
		h.t.Fatalf("nothing saved (%v)", err)
	}
	rev, err := h.desk.Latest(context.Background(), list[0].ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return rev
}

func previewText(u *UI) string {
	var b strings.Builder
	for _, s := range u.preview.Segments {
		b.WriteString(segmentText(s))
	}
	return b.String()
}

func segmentText(s widget.RichTextSegment) string {
	switch s := s.(type) {
	case *widget.ListSegment:
		var b strings.Builder
		for _, it := range s.Items {
			b.WriteString(segmentText(it) + " ")
		}
		return b.String()
	case *widget.ParagraphSegment:
		var b strings.Builder
		for _, it := range s.Texts {
			b.WriteString(segmentText(it))
		}
		return b.String()
	}
	return s.Textual() + " "
}

func TestTypingAutosavesAndPreviews(t *testing.T) {
	h := newHarness(t)
	u := h.u
	test.Type(u.ed.headline, "Mưa lũ ở Bát Xát")
	body := u.ed.body.FirstText()
	test.Type(body, "Nước dâng *rất* cao.")
	h.settle()

	rev := h.latest()
	if rev.Article.Headline != "Mưa lũ ở Bát Xát" || rev.Article.Body != "Nước dâng *rất* cao." {
		t.Fatalf("saved %q / %q", rev.Article.Headline, rev.Article.Body)
	}
	if !strings.HasPrefix(u.status.Text, "Saved at ") {
		t.Errorf("status = %q, want it to say when it was saved", u.status.Text)
	}
	if got, want := u.win.Title(), "Mưa lũ ở Bát Xát – FieldDesk"; got != want {
		t.Errorf("window title = %q, want %q", got, want)
	}
	if got := previewText(u); !strings.Contains(got, "Mưa lũ ở Bát Xát") || !strings.Contains(got, "rất") {
		t.Errorf("preview = %q, want the headline and body", got)
	}
	var italic bool
	for _, s := range u.preview.Segments {
		if ts, ok := s.(*widget.TextSegment); ok && ts.Text == "rất" && ts.Style.TextStyle.Italic {
			italic = true
		}
	}
	if !italic {
		t.Errorf("preview does not show *rất* in italics")
	}
	if len(u.items) != 1 || u.items[0].Headline != "Mưa lũ ở Bát Xát" {
		t.Errorf("list = %+v, want the new article", u.items)
	}

	// More typing makes a new revision based on the previous one.
	test.Type(body, " Dân đã sơ tán.")
	h.settle()
	rev2 := h.latest()
	if rev2.Base != rev.ID || !strings.HasSuffix(rev2.Article.Body, "Dân đã sơ tán.") {
		t.Errorf("second revision base %s body %q", rev2.Base, rev2.Article.Body)
	}
}

func TestSaveNowAndNewArticleShortcuts(t *testing.T) {
	h := newHarness(t)
	u := h.u
	u.AutosaveDelay, u.AutosaveMaxWait = time.Hour, time.Hour // only Ctrl+S can save now
	test.Type(u.ed.headline, "Tin nhanh")
	h.shortcut(fyne.KeyS, fyne.KeyModifierShortcutDefault)
	h.settle()
	if h.latest().Article.Headline != "Tin nhanh" {
		t.Fatal("Ctrl+S did not save")
	}
	h.shortcut(fyne.KeyN, fyne.KeyModifierShortcutDefault)
	h.settle()
	if u.ed.headline.Text != "" || u.ed.article.ID != "" {
		t.Errorf("Ctrl+N left %q (%s) in the editor", u.ed.headline.Text, u.ed.article.ID)
	}
	if u.win.Canvas().Focused() != u.ed.headline {
		t.Errorf("Ctrl+N should put the cursor in the headline")
	}
	h.shortcut(fyne.KeyF, fyne.KeyModifierShortcutDefault)
	if u.win.Canvas().Focused() != u.filter {
		t.Errorf("Ctrl+F did not focus the filter")
	}
	h.shortcut(fyne.KeyP, fyne.KeyModifierShortcutDefault)
	if u.previewShown || u.previewPane.Visible() {
		t.Errorf("Ctrl+P did not hide the preview")
	}
	h.shortcut(fyne.KeyP, fyne.KeyModifierShortcutDefault)
	if !u.previewPane.Visible() {
		t.Errorf("Ctrl+P did not show the preview again")
	}
}

func TestParagraphsSplitAndJoin(t *testing.T) {
	h := newHarness(t)
	ed := h.u.ed.body
	first := ed.FirstText()
	typeKeys(first, "Đoạn một.\n\nĐoạn hai.")
	h.settle()
	if got := len(ed.blocks); got != 2 {
		t.Fatalf("%d blocks after a blank line, want 2", got)
	}
	if got, want := ed.Text(), "Đoạn một.\n\nĐoạn hai."; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	second := ed.blocks[1].(*textBlock)
	if h.u.win.Canvas().Focused() != second {
		t.Errorf("the cursor should move to the new paragraph")
	}
	second.CursorRow, second.CursorColumn = 0, 0
	second.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if got, want := ed.Text(), "Đoạn một. Đoạn hai."; got != want || len(ed.blocks) != 1 {
		t.Errorf("after Backspace at the start: %q in %d blocks, want %q in 1", got, len(ed.blocks), want)
	}
	// Enter twice at the end of a paragraph starts a new one.
	first.CursorRow, first.CursorColumn = 0, len([]rune(first.Text))
	typeKeys(first, "\n\nBa")
	if got, want := ed.Text(), "Đoạn một. Đoạn hai.\n\nBa"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}

func TestHistoryRestore(t *testing.T) {
	h := newHarness(t)
	u := h.u
	test.Type(u.ed.headline, "Bản một")
	h.settle()
	first := h.latest()
	u.ed.headline.SetText("Bản hai")
	h.settle()
	if h.latest().Article.Headline != "Bản hai" {
		t.Fatal("second version not saved")
	}
	h.shortcut(fyne.KeyH, fyne.KeyModifierShortcutDefault)
	h.settle()
	list := find[*widget.List](u.win.Canvas())
	if list == nil {
		t.Fatal("the history dialog shows no list")
	}
	// Both versions were saved within a second: one session; every
	// version is one tap away.
	if list.Length() != 1 {
		t.Errorf("%d sessions, want 1", list.Length())
	}
	test.Tap(findWhere(u.win.Canvas(), func(c *widget.Check) bool { return c.Text == "Every version" }))
	h.settle()
	list.Select(1) // the older version
	h.settle()
	restore := findButton(u.win.Canvas(), "Restore this version")
	if restore == nil || restore.Disabled() {
		t.Fatal("no enabled Restore button")
	}
	test.Tap(restore)
	h.settle()
	// An irreversible step: asked first, nothing restored yet.
	if h.latest().Article.Headline != "Bản hai" {
		t.Fatal("restored before the confirmation")
	}
	confirm := findButton(u.win.Canvas(), "Restore")
	if confirm == nil {
		t.Fatal("no confirmation of the restore")
	}
	test.Tap(confirm)
	h.settle()
	rev := h.latest()
	if want := "Restored the version of " + first.Saved.Local().Format("02/01/2006 15:04:05"); !strings.HasPrefix(u.status.Text, want) {
		t.Errorf("status %q, want it to name the version restored (%s)", u.status.Text, want)
	}
	if rev.Article.Headline != "Bản một" || rev.ID == first.ID {
		t.Fatalf("after restore the newest revision is %q (%s)", rev.Article.Headline, rev.ID)
	}
	if u.ed.headline.Text != "Bản một" {
		t.Errorf("editor shows %q after restore", u.ed.headline.Text)
	}
	hist, _ := h.desk.History(context.Background(), rev.Article.ID)
	if len(hist) != 3 || hist[0].RestoredFrom != first.ID {
		t.Errorf("history = %+v, want three revisions, the newest restored from the first", hist)
	}
}

func jpegBytes(t *testing.T, w, hgt int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, hgt))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAddPhotoCaptionCreditAndMove(t *testing.T) {
	h := newHarness(t)
	u := h.u
	test.Type(u.ed.headline, "Đường mới")
	test.Type(u.ed.body.FirstText(), "Đoạn đầu.")
	data := jpegBytes(t, 80, 60)
	u.ed.addPhoto("duong.jpg", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	h.settle()
	var fb *figureBlock
	for _, b := range u.ed.body.blocks {
		if f, ok := b.(*figureBlock); ok {
			fb = f
		}
	}
	if fb == nil {
		t.Fatal("no photo card in the body")
	}
	u.ed.body.UpdateFigure(fb, "Người dân làm đường", "Nguyễn Văn A")
	u.ed.body.MoveFigure(fb, -1)
	h.settle()
	rev := h.latest()
	if len(rev.Article.Photos) != 1 || rev.Article.Photos[0].Name != "duong.jpg" || rev.Article.Photos[0].Width != 80 {
		t.Fatalf("photos = %+v", rev.Article.Photos)
	}
	want := "![Người dân làm đường](photo:" + rev.Article.Photos[0].Hash + ` "Nguyễn Văn A")` + "\n\nĐoạn đầu."
	if rev.Article.Body != want {
		t.Errorf("body = %q\nwant %q", rev.Article.Body, want)
	}
	if got := previewText(u); !strings.Contains(got, "Người dân làm đường (Ảnh: Nguyễn Văn A)") {
		t.Errorf("preview = %q, want the caption and credit", got)
	}
}

func TestAddPhotoRefusesNonImage(t *testing.T) {
	h := newHarness(t)
	u := h.u
	test.Type(u.ed.body.FirstText(), "Chữ.")
	h.settle()
	u.ed.addPhoto("ghi-chu.txt", func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("chỉ là chữ")), nil })
	h.settle()
	if strings.Contains(u.ed.body.Text(), "photo:") {
		t.Error("a text file became a photo")
	}
	if !strings.Contains(u.status.Text, "ghi-chu.txt") {
		t.Errorf("status = %q, want it to name the file", u.status.Text)
	}
	if u.win.Canvas().Overlays().Top() == nil {
		t.Error("no error dialog")
	}
}

func TestFilterFindsByBody(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.desk.Save(ctx, fielddesk.Article{Headline: "Thời tiết", Body: "Mưa ở Mường Khương."}, "")
	h.desk.Save(ctx, fielddesk.Article{Headline: "Giao thông", Body: "Đường sạt lở."}, "")
	h.u.refreshList()
	h.settle()
	if len(h.u.items) != 2 {
		t.Fatalf("%d items, want 2", len(h.u.items))
	}
	test.Type(h.u.filter, "muong khuong")
	h.settle()
	if len(h.u.items) != 1 || h.u.items[0].Headline != "Thời tiết" {
		t.Fatalf("filtered list = %+v", h.u.items)
	}
	if !strings.Contains(h.u.items[0].Snippet, "Mường Khương") {
		t.Errorf("no snippet around the match: %q", h.u.items[0].Snippet)
	}
	var bold []string
	for _, s := range snippetSegments(h.u.items[0].Snippet, h.u.items[0].Matches) {
		if ts := s.(*widget.TextSegment); ts.Style.TextStyle.Bold {
			bold = append(bold, ts.Text)
		}
	}
	if strings.Join(bold, " ") != "Mường Khương" {
		t.Errorf("highlighted %q, want the matched words", bold)
	}
}

func TestOpenArticleFromList(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	r, _ := h.desk.Save(ctx, fielddesk.Article{Headline: "Cũ", Sapo: "Sapo cũ.", Tags: []string{"a", "b"}, Body: "Một.\n\nHai."}, "")
	h.u.refreshList()
	h.settle()
	h.u.list.Select(0)
	h.settle()
	ed := h.u.ed
	if ed.article.ID != r.Article.ID || ed.headline.Text != "Cũ" || ed.tags.Text != "a, b" || len(ed.body.blocks) != 2 {
		t.Fatalf("editor shows %s %q %q with %d blocks", ed.article.ID, ed.headline.Text, ed.tags.Text, len(ed.body.blocks))
	}
	// Opening does not save anything new.
	hist, _ := h.desk.History(ctx, r.Article.ID)
	if len(hist) != 1 {
		t.Errorf("opening made %d revisions", len(hist))
	}
}

func TestCloseSavesPendingWork(t *testing.T) {
	h := newHarness(t)
	u := h.u
	u.AutosaveDelay, u.AutosaveMaxWait = time.Hour, time.Hour
	test.Type(u.ed.headline, "Viết dở")
	u.closeWindow()
	if h.latest().Article.Headline != "Viết dở" {
		t.Error("closing the window lost the text")
	}
}

// typeKeys types like a person: runes one by one, and Enter for "\n".
func typeKeys(e *textBlock, s string) {
	for _, r := range s {
		focused := e.ed.focused
		if focused == nil {
			focused = e
		}
		if r == '\n' {
			focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			continue
		}
		focused.TypedRune(r)
	}
}

// find returns the first object of type T on the canvas, dialogs first.
func find[T fyne.CanvasObject](c fyne.Canvas) T {
	return findWhere(c, func(T) bool { return true })
}

func findButton(c fyne.Canvas, label string) *widget.Button {
	return findWhere(c, func(b *widget.Button) bool { return b.Text == label })
}

// findWhere walks the dialogs, then the window's content, for the first
// object of type T that match accepts.
func findWhere[T fyne.CanvasObject](c fyne.Canvas, match func(T) bool) T {
	var found T
	ok := false
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if ok || o == nil {
			return
		}
		if t, is := o.(T); is && match(t) {
			found, ok = t, true
			return
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, ch := range x.Objects {
				walk(ch)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(x).Objects() {
				walk(ch)
			}
		}
	}
	for _, o := range c.Overlays().List() {
		walk(o)
	}
	walk(c.Content())
	return found
}

// failingSaves is the real desk with saves that fail while fail is set, as
// on a full disk or a folder that became read-only.
type failingSaves struct {
	*desk.Desk
	fail atomic.Bool
}

func (f *failingSaves) Save(ctx context.Context, a fielddesk.Article, base fielddesk.ID) (fielddesk.Revision, error) {
	if f.fail.Load() {
		return fielddesk.Revision{}, fmt.Errorf("save article: write db/000001.vlog: %w", syscall.ENOSPC)
	}
	return f.Desk.Save(ctx, a, base)
}

func TestFailedSaveIsVisibleAndRetried(t *testing.T) {
	h := newHarness(t)
	fs := &failingSaves{Desk: h.desk}
	h.u.backend = fs
	h.u.RetryDelay = 400 * time.Millisecond
	test.Type(h.u.ed.headline, "Bản đầu")
	h.settle()
	first := h.latest()

	fs.fail.Store(true)
	test.Type(h.u.ed.headline, " có sửa")
	h.settle()
	if !strings.Contains(h.u.status.Text, "Not saved") || !strings.Contains(h.u.status.Text, "no space left") {
		t.Errorf("status = %q, want a visible failure naming the cause", h.u.status.Text)
	}
	if h.u.ed.headline.Text != "Bản đầu có sửa" {
		t.Errorf("the text was lost from the editor: %q", h.u.ed.headline.Text)
	}
	if got := h.latest(); got.ID != first.ID {
		t.Errorf("a failed save changed the stored head")
	}

	fs.fail.Store(false)
	time.Sleep(500 * time.Millisecond) // the retry timer fires
	h.settle()
	if got := h.latest(); got.Article.Headline != "Bản đầu có sửa" {
		t.Errorf("after the disk recovered the retry saved %q", got.Article.Headline)
	}
	if !strings.HasPrefix(h.u.status.Text, "Saved at") {
		t.Errorf("status after retry = %q", h.u.status.Text)
	}
}

func TestDroppedPhotoIsAdded(t *testing.T) {
	h := newHarness(t)
	test.Type(h.u.ed.body.FirstText(), "Đoạn đầu.")
	path := filepath.Join(t.TempDir(), "tha-vao.jpg")
	if err := os.WriteFile(path, jpegBytes(t, 40, 30), 0o644); err != nil {
		t.Fatal(err)
	}
	h.u.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
	h.settle()
	rev := h.latest()
	if len(rev.Article.Photos) != 1 || rev.Article.Photos[0].Name != "tha-vao.jpg" {
		t.Fatalf("photos after a drop = %+v", rev.Article.Photos)
	}
}

func TestClickBelowBodyTypesAtItsEnd(t *testing.T) {
	h := newHarness(t)
	tl := find[*tail](h.u.win.Canvas())
	if tl == nil {
		t.Fatal("no space under the body to click")
	}
	test.Tap(tl)
	focused, ok := h.u.win.Canvas().Focused().(*textBlock)
	if !ok {
		t.Fatalf("focus is on %T, want the body's last paragraph", h.u.win.Canvas().Focused())
	}
	test.Type(focused, "Chữ đầu tiên.")
	if got := h.u.ed.body.Text(); got != "Chữ đầu tiên." {
		t.Errorf("body = %q", got)
	}
}

// typeLikeDriver types as the GLFW driver delivers keys: a key event for the
// key, then the character.
func typeLikeDriver(e *vnEntry, s string) {
	for _, r := range s {
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyName(strings.ToUpper(string(r)))})
		e.TypedRune(r)
	}
}

func TestTelexInEveryField(t *testing.T) {
	h := newHarness(t)
	u := h.u
	if u.method != vietnamese.Telex {
		t.Fatalf("default typing method = %s, want telex", u.method)
	}
	// The driver sends a key event beside every typed character, as GLFW does.
	typeLikeDriver(&u.ed.headline.vnEntry, "Vieejt Nam")
	test.Type(u.ed.body.FirstText(), "Dduwowngf leen thoon ddax xong, xem Facebook.")
	test.Type(u.ed.sapo, "(TTXVN) Nuwowcs soong Hoongf")
	if got := u.ed.headline.Text; got != "Việt Nam" {
		t.Errorf("headline = %q, want Việt Nam", got)
	}
	if got := u.ed.body.Text(); got != "Đường lên thôn đã xong, xem Facebook." {
		t.Errorf("body = %q", got)
	}
	if got := u.ed.sapo.Text; got != "(TTXVN) Nước sông Hồng" {
		t.Errorf("sapo = %q", got)
	}
	// Enter ends a word, so a non-Vietnamese word is given back first.
	tags := u.ed.tags
	test.Type(tags, "text")
	tags.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := tags.Text; got != "text" {
		t.Errorf("tags after Enter = %q, want text", got)
	}
	// Backspace inside a word takes back its last letter.
	u.ed.headline.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if got := u.ed.headline.Text; got != "Việt Na" {
		t.Errorf("after Backspace: %q", got)
	}
	h.settle()
	if got := h.latest().Article.Headline; got != "Việt Na" {
		t.Errorf("saved headline = %q", got)
	}

	// Alt+Z turns it off: keys stay as typed; again turns Telex back on.
	h.shortcut(fyne.KeyZ, fyne.KeyModifierAlt)
	if u.methodButton.Text != "Typing: off" {
		t.Errorf("the toolbar shows %q with typing off", u.methodButton.Text)
	}
	test.Type(u.ed.byline, "Lee Thij B")
	if got := u.ed.byline.Text; got != "Lee Thij B" {
		t.Errorf("byline with typing off = %q", got)
	}
	h.shortcut(fyne.KeyZ, fyne.KeyModifierAlt)
	if u.method != vietnamese.Telex {
		t.Errorf("Alt+Z did not bring Telex back")
	}
	u.cycleMethod()
	test.Type(u.ed.location, "Lao2 Cai")
	if got := u.ed.location.Text; got != "Lào Cai" || u.methodButton.Text != "VN · VNI" {
		t.Errorf("VNI: location %q, button %q", got, u.methodButton.Text)
	}
}

func TestCountsAndSapoHint(t *testing.T) {
	h := newHarness(t)
	u := h.u
	u.method = vietnamese.Off
	long := strings.TrimSpace(strings.Repeat("người dân góp công ", 170)) // 680 words
	u.ed.body.FirstText().SetText(long)
	h.settle()
	if !u.ed.sapoHint.Visible() || !strings.Contains(u.ed.sapoHint.Text, "680") {
		t.Errorf("no sapo hint for a 680-word article without sapo (%v %q)", u.ed.sapoHint.Visible(), u.ed.sapoHint.Text)
	}
	if got := u.words.Text; got != "680 words · 3 min read · sapo 0 characters" {
		t.Errorf("counts = %q", got)
	}
	test.Type(u.ed.sapo, "Sapo ngắn.")
	h.settle()
	if u.ed.sapoHint.Visible() {
		t.Error("the hint stays after a sapo was written")
	}
	if got := u.words.Text; got != "682 words · 3 min read · sapo 10 characters" {
		t.Errorf("counts = %q", got)
	}
}

func TestHouseToneStyle(t *testing.T) {
	h := newHarness(t)
	u := h.u
	u.method = vietnamese.Off
	test.Type(u.ed.headline, "Hòa bình và sức khỏe")
	test.Type(u.ed.body.FirstText(), "Công trình thủy lợi của xã.")
	h.settle()
	u.applyToneStyle() // the default house style is the new one
	h.settle()
	if u.ed.headline.Text != "Hoà bình và sức khoẻ" || u.ed.body.Text() != "Công trình thuỷ lợi của xã." {
		t.Errorf("after restyle: %q / %q", u.ed.headline.Text, u.ed.body.Text())
	}
	if got := h.latest().Article.Headline; got != "Hoà bình và sức khoẻ" {
		t.Errorf("restyled headline not saved: %q", got)
	}
	lbl := findWhere(u.win.Canvas(), func(l *widget.Label) bool { return strings.Contains(l.Text, "3 words changed") })
	if lbl == nil {
		t.Error("no message saying how many words changed")
	}
}

func TestPasteLegacyTextAsksThenConverts(t *testing.T) {
	h := newHarness(t)
	u := h.u
	want := "Người dân đã hiến đất làm đường."
	legacy := vietnamese.Encode(want, vietnamese.TCVN3)
	body := u.ed.body.FirstText()
	u.win.Canvas().Focus(body)
	body.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText(legacy)})
	if body.Text != "" {
		t.Fatalf("pasted before asking: %q", body.Text)
	}
	lbl := findWhere(u.win.Canvas(), func(l *widget.Label) bool { return strings.Contains(l.Text, "TCVN3") })
	if lbl == nil || !strings.Contains(lbl.Text, legacy) {
		t.Fatal("no question naming TCVN3 and the text")
	}
	test.Tap(findButton(u.win.Canvas(), "Convert"))
	if body.Text != want {
		t.Errorf("after Convert: %q, want %q", body.Text, want)
	}
	// English is pasted as is, and NFD arrives as NFC.
	u.ed.headline.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText(norm.NFD.String("Đảng bộ and the committee"))})
	if got := u.ed.headline.Text; got != "Đảng bộ and the committee" || !norm.NFC.IsNormalString(got) {
		t.Errorf("headline after paste = %q", got)
	}
}

func TestListSortsHeadlinesInVietnameseOrder(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, hl := range []string{"Đường mới", "Ăn Tết", "Dân vận", "An ninh", "Bắc Hà"} {
		h.desk.Save(ctx, fielddesk.Article{Headline: hl}, "")
	}
	sel := findWhere(h.u.win.Canvas(), func(s *widget.Select) bool { return len(s.Options) > 0 && s.Options[0] == "Newest first" })
	if sel == nil {
		t.Fatal("no sort choice above the list")
	}
	sel.SetSelected("Headline A–Z")
	h.settle()
	var got []string
	for _, it := range h.u.items {
		got = append(got, it.Headline)
	}
	if strings.Join(got, "|") != "An ninh|Ăn Tết|Bắc Hà|Dân vận|Đường mới" {
		t.Errorf("A–Z = %v", got)
	}
}
