package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk/vietnamese"
)

// exportFormats are File › Export's choices, by the format's code.
var exportFormats = []struct{ code, ext, label string }{
	{"md", ".md", "Markdown bundle (the article and its photos, to open in FieldDesk again)"},
	{"html", ".html", "Web page (HTML, as it will be published)"},
	{"ninjs", ".json", "IPTC ninjs (for newsroom systems)"},
}

// showExport asks for a format, then for the file, and exports the open
// article (saved first) with the same code as the export command.
func (u *UI) showExport() {
	e := u.ed
	if e.article.ID == "" {
		dialog.ShowInformation(lang.L("Export"), lang.L("This article has not been saved yet."), u.win)
		return
	}
	if !e.flush() {
		return
	}
	var labels []string
	for _, f := range exportFormats {
		labels = append(labels, lang.L(f.label))
	}
	choice := widget.NewRadioGroup(labels, nil)
	choice.SetSelected(labels[0])
	dialog.ShowCustomConfirm(lang.L("Export"), lang.L("Choose the file…"), lang.L("Cancel"), choice, func(ok bool) {
		if !ok {
			return
		}
		for i, l := range labels {
			if l == choice.Selected {
				u.chooseExportFile(exportFormats[i].code, exportFormats[i].ext)
			}
		}
	}, u.win)
}

func (u *UI) chooseExportFile(format, ext string) {
	name := vietnamese.Slug(strings.TrimSpace(u.ed.headline.Text), 60)
	if name == "" {
		name = "bai-viet"
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError(lang.L("Could not export"), err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if filepath.Ext(path) == "" {
			path += ext
		}
		u.exportTo(format, path)
	}, u.win)
	d.SetFileName(name + ext)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	u.showFileDialog(d, "", nil) // a save dialog has its own name field
}

// exportTo exports the open article to path in the background.
func (u *UI) exportTo(format, path string) {
	id := u.ed.article.ID
	var err error
	u.background(func() { err = u.backend.ExportFile(u.ctx, id, format, path) }, func() {
		if err != nil {
			u.showError(lang.L("Could not export"), err)
			return
		}
		u.status.SetText(fmt.Sprintf(lang.L("Exported to %s"), path))
	})
}
