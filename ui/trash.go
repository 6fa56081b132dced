package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
)

// Deleting: a draft goes to the trash (File › Move to the trash,
// Ctrl+Delete), where it stays whole until it is restored or the trash is
// emptied (View › Trash). An article the newsroom has is withdrawn through
// the workflow instead; one in an editor's hands is theirs to spike.

// openHeadline is the open article's headline as the person sees it.
func (u *UI) openHeadline() string {
	if h := strings.TrimSpace(u.ed.headline.Text); h != "" {
		return h
	}
	if h := strings.TrimSpace(u.ed.article.Headline); h != "" {
		return h
	}
	return lang.L("(no headline)")
}

// trashOpen moves the open article to the trash, or says what to do
// instead when the newsroom has it.
func (u *UI) trashOpen() {
	e := u.ed
	if e.article.ID == "" && !e.dirty() {
		u.status.SetText(lang.L("Nothing to move to the trash: this new article has no words yet."))
		return
	}
	if err := e.saveBlocking(); err != nil {
		u.showError(lang.L("Could not save"), err)
		return
	}
	headline := u.openHeadline()
	switch status := e.article.Status; status {
	case fielddesk.StatusDraft, "":
	case fielddesk.StatusSubmitted:
		d := dialog.NewConfirm(lang.L("Withdraw this article?"),
			fmt.Sprintf(lang.L("“%s” was sent to the newsroom. Withdraw it from review? It becomes a draft again, and once the newsroom has the withdrawal it can go to the trash."), headline),
			func(ok bool) {
				if ok {
					u.act(fielddesk.ActionWithdraw)
				}
			}, u.win)
		d.SetConfirmText(lang.L("Withdraw"))
		d.SetDismissText(lang.L("Cancel"))
		d.Show()
		return
	default:
		dialog.ShowInformation(lang.L("The newsroom has this article"),
			fmt.Sprintf(lang.L("“%s” is “%s” at the newsroom: it cannot be deleted from here. An editor can spike it."), headline, statusName(status)), u.win)
		return
	}
	id, session := e.article.ID, e.session
	var err error
	u.background(func() { err = u.backend.Trash(u.ctx, id) }, func() {
		if errors.Is(err, fielddesk.ErrNotAllowed) {
			dialog.ShowInformation(lang.L("Not yet"), fmt.Sprintf(lang.L("The withdrawal of “%s” has not reached the newsroom yet. Sync, then move it to the trash."), headline), u.win)
			return
		}
		if err != nil {
			u.showError(lang.L("Could not move the article to the trash"), err)
			return
		}
		if session == e.session {
			e.clear()
			u.rememberOpen(false)
			u.win.Canvas().Focus(e.headline)
		}
		u.refreshList()
		u.status.SetText(fmt.Sprintf(lang.L("“%s” is in the trash. View › Trash brings it back."), headline))
	})
}

// showTrash lists the trash: restore one, or empty it all.
func (u *UI) showTrash() {
	var items []fielddesk.Summary
	var err error
	u.background(func() { items, err = u.backend.Trashed(u.ctx) }, func() {
		if err != nil {
			u.showError(lang.L("Could not read the trash"), err)
			return
		}
		u.trashDialog(items)
	})
}

func (u *UI) trashDialog(items []fielddesk.Summary) {
	var d dialog.Dialog
	rows := container.NewVBox()
	if len(items) == 0 {
		rows.Add(widget.NewLabel(lang.L("The trash is empty.")))
	}
	for _, s := range items {
		headline := s.Headline
		if strings.TrimSpace(headline) == "" {
			headline = lang.L("(no headline)")
		}
		title := widget.NewLabel(headline)
		title.TextStyle.Bold = true
		title.Truncation = fyne.TextTruncateEllipsis
		when := lang.L("being deleted")
		if !s.Trashed.IsZero() {
			when = fmt.Sprintf(lang.L("in the trash since %s"), s.Trashed.Local().Format("02/01/2006 15:04"))
		}
		info := widget.NewLabel(when + " · " + u.wordCount(s.Words))
		info.Importance = widget.LowImportance
		id := s.ID
		restore := widget.NewButton(lang.L("Restore"), func() {
			var err error
			u.background(func() { err = u.backend.Untrash(u.ctx, id) }, func() {
				if err != nil {
					u.showError(lang.L("Could not restore the article"), err)
					return
				}
				d.Hide()
				u.refreshList()
				u.status.SetText(fmt.Sprintf(lang.L("“%s” is back in the list."), headline))
			})
		})
		restore.Disable()
		if !s.Trashed.IsZero() {
			restore.Enable()
		}
		rows.Add(container.NewBorder(nil, nil, nil, restore, container.NewVBox(title, info)))
	}
	empty := widget.NewButton(lang.L("Empty the trash…"), func() {
		c := dialog.NewConfirm(lang.L("Empty the trash?"),
			fmt.Sprintf(lang.L("Delete %d articles for good? Their words, versions and photos are removed from this computer; this cannot be undone."), len(items)),
			func(ok bool) {
				if !ok {
					return
				}
				var n int
				var err error
				u.background(func() { n, err = u.backend.EmptyTrash(u.ctx) }, func() {
					d.Hide()
					if err != nil {
						u.showError(lang.L("Could not empty the trash"), err)
						return
					}
					u.status.SetText(fmt.Sprintf(lang.L("%d articles deleted for good."), n))
				})
			}, u.win)
		c.SetConfirmText(lang.L("Delete for good"))
		c.SetDismissText(lang.L("Cancel"))
		c.Show()
	})
	empty.Importance = widget.DangerImportance
	if len(items) == 0 {
		empty.Disable()
	}
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(480, min(float32(len(items)+1)*64, 360)))
	d = dialog.NewCustom(lang.L("Trash"), lang.L("Close"), container.NewBorder(nil, empty, nil, nil, scroll), u.win)
	d.Show()
}
