package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/render"
)

// showHistory lists the open article's revisions; picking one previews it,
// and Restore makes it the newest revision.
func (u *UI) showHistory() {
	e := u.ed
	if e.article.ID == "" {
		dialog.ShowInformation(lang.L("History"), lang.L("This article has not been saved yet."), u.win)
		return
	}
	if err := e.saveBlocking(); err != nil {
		u.showError(lang.L("Could not save"), err)
		return
	}
	id := e.article.ID
	var hist []fielddesk.RevisionInfo
	var err error
	u.background(func() { hist, err = u.backend.History(u.ctx, id) }, func() {
		if err != nil {
			u.showError(lang.L("Could not read the history"), err)
			return
		}
		u.historyDialog(id, hist)
	})
}

func (u *UI) historyDialog(id fielddesk.ID, hist []fielddesk.RevisionInfo) {
	preview := widget.NewRichText()
	preview.Wrapping = fyne.TextWrapWord
	var selected fielddesk.ID
	restore := widget.NewButton(lang.L("Restore this version"), nil)
	restore.Importance = widget.HighImportance
	restore.Disable()
	list := widget.NewList(
		func() int { return len(hist) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			h := hist[i]
			text := fmt.Sprintf("%s · %s", h.Saved.Local().Format("02/01/2006 15:04:05"), u.wordCount(h.Words))
			if h.RestoredFrom != "" {
				text += " · " + lang.L("restored")
			}
			if i == 0 {
				text += " · " + lang.L("current")
			}
			o.(*widget.Label).SetText(text)
		},
	)
	var d dialog.Dialog
	list.OnSelected = func(i widget.ListItemID) {
		h := hist[i]
		selected = h.ID
		if i == 0 {
			restore.Disable()
		} else {
			restore.Enable()
		}
		var rev fielddesk.Revision
		var err error
		u.background(func() { rev, err = u.backend.Revision(u.ctx, id, h.ID) }, func() {
			if err != nil {
				u.showError(lang.L("Could not read the history"), err)
				return
			}
			doc := render.Parse(rev.Article, rev.Saved)
			preview.Segments = segments(doc.Blocks(), rev.Article.Language, u.thumbnail)
			preview.Refresh()
		})
	}
	restore.OnTapped = func() {
		var rev fielddesk.Revision
		var err error
		u.background(func() { rev, err = u.backend.Restore(u.ctx, id, selected) }, func() {
			if err != nil {
				u.showError(lang.L("Could not restore"), err)
				return
			}
			d.Hide()
			u.ed.show(rev)
			u.updateListItem(rev)
			u.status.SetText(fmt.Sprintf(lang.L("Restored the version of %s as a new version"), rev.Saved.Local().Format("15:04:05")))
		})
	}
	split := container.NewHSplit(list, container.NewBorder(nil, restore, nil, nil, container.NewVScroll(preview)))
	split.Offset = 0.35
	d = dialog.NewCustom(lang.L("History"), lang.L("Close"), split, u.win)
	d.Resize(fyne.NewSize(1000, 640))
	d.Show()
	if len(hist) > 0 {
		list.Select(0)
	}
}
