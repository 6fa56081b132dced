package ui

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// Fyne's file dialog names its places in English ("Home", "Computer",
// "Documents"…) and has no field to type or paste a path. showFileDialog
// mends both on the dialog as Fyne draws it (through its public parts: a
// pop-up, containers, a split and scrolls; if a later Fyne draws it
// otherwise, the dialog simply stays as Fyne made it), and opens it in the
// folder last used.

// placeNames are the dialog's places, for the translation files.
var placeNames = []string{"Home", "Computer", "App Files", "Desktop", "Documents", "Downloads", "Music", "Pictures", "Videos"}

// showFileDialog shows d at dir (when it exists) with translated places
// and, with pick, a path field: a typed file is taken by pick (the dialog
// closes), a typed folder is opened in the dialog.
func (u *UI) showFileDialog(d *dialog.FileDialog, dir string, pick func(path string)) {
	if dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return
	}
	var places *widget.List
	var nameScroll *container.Scroll
	var footer *fyne.Container
	var visit func(o fyne.CanvasObject, parent *fyne.Container)
	visit = func(o fyne.CanvasObject, parent *fyne.Container) {
		switch x := o.(type) {
		case *widget.PopUp:
			visit(x.Content, nil)
		case *fyne.Container:
			for _, c := range x.Objects {
				visit(c, x)
			}
		case *container.Split:
			visit(x.Leading, nil)
			visit(x.Trailing, nil)
		case *container.Scroll:
			if _, ok := x.Content.(*widget.Label); ok && nameScroll == nil && parent != nil {
				nameScroll, footer = x, parent
			}
			visit(x.Content, nil)
		case *widget.List:
			if places == nil {
				places = x
			}
		}
	}
	visit(top, nil)
	if places != nil && places.UpdateItem != nil {
		update := places.UpdateItem
		places.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
			update(id, item)
			if c, ok := item.(*fyne.Container); ok && len(c.Objects) > 1 {
				if l, ok := c.Objects[1].(*widget.Label); ok && fynePlaces[l.Text] {
					l.SetText(lang.L(l.Text))
				}
			}
		}
		places.Refresh()
	}
	if footer == nil || pick == nil {
		return
	}
	path := widget.NewEntry()
	path.SetPlaceHolder(lang.L("Or type or paste the path of a file or folder, then Enter"))
	path.OnSubmitted = func(s string) {
		p := expandPath(strings.TrimSpace(s))
		info, err := os.Stat(p)
		switch {
		case p == "":
		case err != nil:
			u.status.SetText(lang.L("No file or folder at that path: ") + p)
		case info.IsDir():
			if l, err := storage.ListerForURI(storage.NewFileURI(p)); err == nil {
				d.SetLocation(l)
			}
		default:
			d.Hide()
			pick(p)
		}
	}
	for i, o := range footer.Objects {
		if o == nameScroll {
			footer.Objects[i] = container.NewBorder(nil, nil, nil, nameScroll, path)
		}
	}
	footer.Refresh()
}

// expandPath makes "~/…" the home folder's and a path in quotes (as
// Windows' "Copy as path" gives it) plain.
func expandPath(p string) string {
	p = strings.Trim(p, "\"'")
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	return p
}

// picturesDir is where photos were last added from, or else the person's
// Pictures folder, or "".
func (u *UI) picturesDir() string {
	if d := u.setting(prefPhotoDir); d != "" {
		if info, err := os.Stat(d); err == nil && info.IsDir() {
			return d
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		for _, name := range []string{"Pictures", "Ảnh", "Hình ảnh"} {
			if info, err := os.Stat(filepath.Join(home, name)); err == nil && info.IsDir() {
				return filepath.Join(home, name)
			}
		}
	}
	return ""
}

// fynePlaces are the names Fyne's file dialog gives its places, which it
// does not translate; the others are drives (C:, Z:) and stay as they are.
var fynePlaces = map[string]bool{"Home": true, "Computer": true, "Desktop": true, "Documents": true,
	"Downloads": true, "Music": true, "Pictures": true, "Videos": true}
