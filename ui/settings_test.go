package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The settings dialog types Vietnamese (Telex), and what it saves belongs
// to the data folder: a second account's window on the same machine (same
// app, another folder) does not inherit the first's byline, and the first
// finds it again in its folder.
func TestSettingsTypeVietnameseAndStayWithTheDataFolder(t *testing.T) {
	a := test.NewTempApp(t)
	first := newHarnessOn(t, a, t.TempDir())
	first.u.showSettings()
	first.settle()
	byline := findWhere(first.u.win.Canvas(), func(e *vnEntry) bool {
		return e.PlaceHolder == "Your name, as it appears under your articles"
	})
	if byline == nil {
		t.Fatal("the settings dialog has no byline field that types Vietnamese")
	}
	first.u.win.Canvas().Focus(byline)
	typeLikeDriver(byline, "Nguyeenx Vawn An")
	save := findWhere(first.u.win.Canvas(), func(b *widget.Button) bool { return b.Text == "Save" })
	test.Tap(save)
	first.settle()
	if got := first.u.setting(prefByline); got != "Nguyễn Văn An" {
		t.Fatalf("byline saved as %q, want Nguyễn Văn An", got)
	}
	stored, err := first.desk.Settings()
	if err != nil || stored[prefByline] != "Nguyễn Văn An" {
		t.Fatalf("the data folder holds %q (%v)", stored, err)
	}
	first.u.newArticle()
	if first.u.ed.byline.Text != "Nguyễn Văn An" {
		t.Errorf("a new article's byline is %q", first.u.ed.byline.Text)
	}

	second := newHarnessOn(t, a, t.TempDir())
	second.u.newArticle()
	if got := second.u.ed.byline.Text; got != "" {
		t.Errorf("another data folder's new article has the byline %q", got)
	}
	if a.Preferences().String(prefByline) != "" {
		t.Errorf("the byline went into the machine's preferences")
	}
}
