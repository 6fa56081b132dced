package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fielddesk/fielddesk/desk"
)

// underlineCount is how many red lines are drawn under g's words.
func underlineCount(g *growEntry) int {
	if g.spell.lines == nil {
		return 0
	}
	return len(g.underlines())
}

// A word that cannot be Vietnamese is underlined after a pause in typing,
// in the body and the headline; Alt+F7 lists it with its fix, and the fix
// replaces it (and is saved); a word added to the person's words is never
// flagged again, in this window or the next.
func TestSpellingIsUnderlinedAndFixed(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, dir)
	u := h.u
	u.SpellDelay = 20 * time.Millisecond
	blk := u.ed.body.blocks[0].(*textBlock)
	blk.SetText("Bà con tiếnh nói rằng đường đã thông, nhạc kái vang lên.")
	u.ed.headline.SetText("Đường mới ở Y Tý")
	h.pumpFor(200 * time.Millisecond)
	h.settle()
	if n := underlineCount(&blk.growEntry); n != 2 {
		t.Fatalf("%d words underlined in the body; want tiếnh and kái (found %+v)", n, blk.spell.found)
	}
	if n := underlineCount(&u.ed.headline.growEntry); n != 0 {
		t.Errorf("a correct headline has %d underlines", n)
	}
	u.ed.headline.SetText("Đường mới ở Y Tý: tiếngs khèn")
	h.pumpFor(200 * time.Millisecond)
	h.settle()
	if n := underlineCount(&u.ed.headline.growEntry); n != 1 {
		t.Errorf("the headline's Telex key left: %d underlines", n)
	}

	h.shortcut(fyne.KeyF7, fyne.KeyModifierAlt)
	h.settle()
	dlg := u.win.Canvas().Overlays().Top()
	if dlg == nil {
		t.Fatal("Alt+F7 opened nothing")
	}
	// The list goes in the article's order: the headline's word first.
	test.Tap(button(t, dlg, "tiếng"))
	h.settle()
	if got := u.ed.headline.Text; got != "Đường mới ở Y Tý: tiếng khèn" {
		t.Fatalf("the headline after the fix: %q", got)
	}
	test.Tap(button(t, dlg, "tiếng"))
	h.settle()
	if got := blk.Text; got != "Bà con tiếng nói rằng đường đã thông, nhạc kái vang lên." {
		t.Fatalf("the body after the fix: %q", got)
	}
	test.Tap(button(t, dlg, "Add “kái” to my words"))
	h.pumpFor(200 * time.Millisecond)
	h.settle()
	if !strings.Contains(labelTexts(t, dlg), "No word here that cannot be Vietnamese.") {
		t.Errorf("the list after every fix: %q", labelTexts(t, dlg))
	}
	if n := underlineCount(&blk.growEntry) + underlineCount(&u.ed.headline.growEntry); n != 0 {
		t.Errorf("%d underlines left", n)
	}
	h.pumpFor(300 * time.Millisecond)
	h.settle()
	if got := h.latest(); !strings.Contains(got.Article.Body, "tiếng nói") || got.Article.Headline != "Đường mới ở Y Tý: tiếng khèn" {
		t.Errorf("saved: %q / %q", got.Article.Headline, got.Article.Body)
	}
	id := h.latest().Article.ID
	h.close()

	h2 := newHarnessIn(t, dir)
	if settings, _ := h2.desk.Settings(); !strings.Contains(settings[prefSpellWords], "kái") {
		t.Fatalf("the person's words in the data folder: %q", settings[prefSpellWords])
	}
	h2.u.SpellDelay = 20 * time.Millisecond
	h2.u.ed.open(id)
	h2.settle()
	b2 := h2.u.ed.body.blocks[0].(*textBlock)
	if !strings.Contains(b2.Text, "kái") || b2.spell.checked != b2.Text {
		t.Fatalf("the article was not opened and checked: %q (checked %q)", b2.Text, b2.spell.checked)
	}
	if n := underlineCount(&b2.growEntry); n != 0 {
		t.Errorf("the next window flags %d words (%+v)", n, b2.spell.found)
	}
}

// BenchmarkSpellCheckAfterAPause is the check that runs after a pause in
// typing in a 6,000-word article open in the window: the paragraph typed
// in is checked again and its underlines drawn (the others are not read).
func BenchmarkSpellCheckAfterAPause(b *testing.B) {
	u := benchUI(b)
	u.ed.body.SetText(articleText(6000) + "\n\nBà con tiếnh nói.")
	u.ed.checkSpelling(true)
	blk := u.ed.body.blocks[0].(*textBlock)
	texts := []string{blk.Text + " kái", blk.Text}
	u.ed.loading = true // no autosave: only the check is measured
	i := 0
	for b.Loop() {
		blk.SetText(texts[i%2])
		i++
		u.ed.checkSpelling(false)
	}
}

// BenchmarkSpellCheckArticle6000 is the check of a whole 6,000-word article
// as it opens.
func BenchmarkSpellCheckArticle6000(b *testing.B) {
	u := benchUI(b)
	u.ed.body.SetText(articleText(6000))
	for b.Loop() {
		u.ed.checkSpelling(true)
	}
}

// benchUI is a window on a new data folder, for benchmarks; its callbacks
// run at once.
func benchUI(b *testing.B) *UI {
	a := test.NewTempApp(b)
	d, err := desk.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	u := newUI(a, d, func(fn func()) {})
	u.win.Resize(fyne.NewSize(1366, 768))
	u.win.Show()
	return u
}
