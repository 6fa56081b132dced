package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk/assets"
)

// pathField is the path field added to the open file dialog.
func pathField(t *testing.T, c fyne.Canvas) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	walk(t, c.Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && found == nil && e.PlaceHolder == "Or type or paste the path of a file or folder, then Enter" {
			found = e
		}
	})
	if found == nil {
		t.Fatal("the file dialog has no path field")
	}
	return found
}

// The photo dialog takes a typed or pasted path (quoted as Windows copies
// it): a folder opens in the dialog, a file is added and the dialog
// closes; the next time it opens in that folder.
func TestPhotoDialogTakesATypedPath(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir := filepath.Join(t.TempDir(), "Ảnh ruộng lúa")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "lua chin.jpg")
	if err := os.WriteFile(file, jpegBytes(t, 60, 40), 0o644); err != nil {
		t.Fatal(err)
	}
	u.win.Canvas().Focus(u.ed.body.FirstText())
	u.addPhotoDialog()
	path := pathField(t, u.win.Canvas())
	path.SetText(dir)
	path.OnSubmitted(path.Text)
	if u.win.Canvas().Overlays().Top() == nil {
		t.Fatal("a typed folder closed the dialog")
	}
	path.SetText(`"` + file + `"`)
	path.OnSubmitted(path.Text)
	h.settle()
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays open after a typed file")
	}
	var fig *figureBlock
	for _, b := range u.ed.body.blocks {
		if f, ok := b.(*figureBlock); ok {
			fig = f
		}
	}
	if fig == nil {
		t.Fatalf("no photo added from the typed path; body %q, status %q", u.ed.body.Text(), u.status.Text)
	}
	if got := u.picturesDir(); got != dir {
		t.Errorf("the next dialog opens in %q, want %q", got, dir)
	}
	// A path to nothing is said, and the dialog stays.
	u.addPhotoDialog()
	path = pathField(t, u.win.Canvas())
	path.SetText(filepath.Join(dir, "khong-co.jpg"))
	path.OnSubmitted(path.Text)
	if u.win.Canvas().Overlays().Top() == nil || u.status.Text == "" {
		t.Errorf("a path to nothing: dialog %v, status %q", u.win.Canvas().Overlays().Top() != nil, u.status.Text)
	}
	test.Tap(button(t, u.win.Canvas().Overlays().Top(), "Cancel"))
}

// Every place the file dialog names has a Vietnamese name.
func TestFileDialogPlacesAreTranslated(t *testing.T) {
	data, err := assets.Translations.ReadFile("translations/vi.json")
	if err != nil {
		t.Fatal(err)
	}
	var vi map[string]any
	if err := json.Unmarshal(data, &vi); err != nil {
		t.Fatal(err)
	}
	for _, p := range placeNames {
		if s, _ := vi[p].(string); s == "" || s == p {
			t.Errorf("the place %q has no Vietnamese name", p)
		}
	}
	// The places list the dialog draws goes through the translation.
	h := newHarness(t)
	h.u.addPhotoDialog()
	var places *widget.List
	walk(t, h.u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.List); ok && places == nil {
			places = l
		}
	})
	if places == nil {
		t.Fatal("no places list in the dialog")
	}
	item := places.CreateItem()
	places.UpdateItem(0, item)
	label := item.(*fyne.Container).Objects[1].(*widget.Label)
	label.SetText("Computer")
	places.UpdateItem(0, item) // Fyne sets "Home", the wrapper translates it
	if label.Text != "Home" {
		t.Errorf("the first place reads %q", label.Text)
	}
}
