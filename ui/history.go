package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
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
	current := -1
	changes := widget.NewCheck(lang.L("Show what changed from the version before (word by word)"), nil)
	show := func(i int) {
		h := hist[i]
		var rev, older fielddesk.Revision
		var err error
		diff := changes.Checked && i+1 < len(hist)
		u.background(func() {
			rev, err = u.backend.Revision(u.ctx, id, h.ID)
			if err == nil && diff {
				older, err = u.backend.Revision(u.ctx, id, hist[i+1].ID)
			}
		}, func() {
			if err != nil {
				u.showError(lang.L("Could not read the history"), err)
				return
			}
			if i != current {
				return
			}
			if diff {
				preview.Segments = diffSegments(older, rev)
			} else {
				doc := render.Parse(rev.Article, rev.Saved)
				preview.Segments = segments(doc.Blocks(), rev.Article.Language, u.thumbnail)
			}
			preview.Refresh()
		})
	}
	changes.OnChanged = func(bool) {
		if current >= 0 {
			show(current)
		}
	}
	list.OnSelected = func(i widget.ListItemID) {
		h := hist[i]
		selected, current = h.ID, i
		if i == 0 {
			restore.Disable()
		} else {
			restore.Enable()
		}
		show(i)
	}
	restore.OnTapped = func() {
		var chosen fielddesk.RevisionInfo
		for _, h := range hist {
			if h.ID == selected {
				chosen = h
			}
		}
		// Named by the version restored, never by the time of restoring.
		when := chosen.Saved.Local().Format("02/01/2006 15:04:05")
		ask := dialog.NewConfirm(lang.L("Restore this version?"),
			fmt.Sprintf(lang.L("The text of %s (%s) becomes the article's text again. The text now is kept in the history."), when, u.wordCount(chosen.Words)),
			func(ok bool) {
				if !ok {
					return
				}
				var rev fielddesk.Revision
				var err error
				u.background(func() { rev, err = u.backend.Restore(u.ctx, id, chosen.ID) }, func() {
					if err != nil {
						u.showError(lang.L("Could not restore"), err)
						return
					}
					d.Hide()
					u.ed.show(rev)
					u.updateListItem(rev)
					u.status.SetText(fmt.Sprintf(lang.L("Restored the version of %s as a new version"), when))
				})
			}, u.win)
		ask.SetConfirmText(lang.L("Restore"))
		ask.SetDismissText(lang.L("Cancel"))
		ask.Show()
	}
	split := container.NewHSplit(list, container.NewBorder(changes, restore, nil, nil, container.NewVScroll(preview)))
	split.Offset = 0.35
	d = dialog.NewCustom(lang.L("History"), lang.L("Close"), split, u.win)
	d.Resize(fyne.NewSize(1000, 640))
	d.Show()
	if len(hist) > 0 {
		list.Select(0)
	}
}

// diffSegments shows what changed between two revisions, field by field,
// word by word: removed words in red italics, added words in green bold.
func diffSegments(older, newer fielddesk.Revision) []widget.RichTextSegment {
	head := &widget.TextSegment{Style: captionStyle(false), Text: fmt.Sprintf(lang.L("From %s to %s. Removed words are red, added words green."),
		older.Saved.Local().Format("02/01 15:04:05"), newer.Saved.Local().Format("02/01 15:04:05"))}
	out := []widget.RichTextSegment{head}
	fields := fielddesk.DiffArticles(older.Article, newer.Article)
	if len(fields) == 0 {
		return append(out, &widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: lang.L("The text is the same.")})
	}
	for _, f := range fields {
		out = append(out, &widget.TextSegment{Style: widget.RichTextStyleSubHeading, Text: fieldTitle(f.Field)})
		out = append(out, wordSegments(f.Spans, func(op fielddesk.DiffOp) (widget.RichTextStyle, bool) {
			st := widget.RichTextStyleInline
			switch op {
			case fielddesk.DiffDelete:
				st.ColorName = theme.ColorNameError
				st.TextStyle.Italic = true
			case fielddesk.DiffInsert:
				st.ColorName = theme.ColorNameSuccess
				st.TextStyle.Bold = true
			}
			return st, true
		})...)
		out = append(out, &widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: ""})
	}
	return out
}

func fieldTitle(f string) string {
	switch f {
	case "headline":
		return lang.L("Headline")
	case "sapo":
		return lang.L("Sapo")
	case "body":
		return lang.L("Body")
	case "byline":
		return lang.L("Byline")
	case "tags":
		return lang.L("Tags")
	case "category":
		return lang.L("Category")
	case "location":
		return lang.L("Place")
	case "agency":
		return lang.L("Agency")
	case "language":
		return lang.L("Language")
	}
	return f
}

// wordSegments writes the spans of a word diff that style keeps, in the
// style it gives each kind; paragraph breaks inside a span start new lines.
func wordSegments(spans []fielddesk.DiffSpan, style func(fielddesk.DiffOp) (widget.RichTextStyle, bool)) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	for _, sp := range spans {
		st, keep := style(sp.Op)
		if !keep {
			continue
		}
		for j, part := range strings.Split(sp.Text, "\n") {
			if j > 0 {
				out = append(out, &widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: ""})
			}
			if part != "" {
				out = append(out, &widget.TextSegment{Style: st, Text: part})
			}
		}
	}
	return out
}
