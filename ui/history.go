package ui

import (
	"fmt"
	"strings"
	"time"

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
	var review fielddesk.Review
	var err error
	u.background(func() {
		hist, err = u.backend.History(u.ctx, id)
		if err == nil {
			review, _ = u.backend.ReviewOf(u.ctx, id) // who made the newsroom's versions
		}
	}, func() {
		if err != nil {
			u.showError(lang.L("Could not read the history"), err)
			return
		}
		u.historyDialog(id, hist, authorsOf(review))
	})
}

// authorsOf maps revisions to the newsroom account that made them, from
// the audit log.
func authorsOf(r fielddesk.Review) map[fielddesk.ID]string {
	out := map[fielddesk.ID]string{}
	for _, a := range r.Audit {
		if a.Revision != "" && (a.Kind == "revision" || a.Kind == "merge") && a.User != "" {
			out[a.Revision] = a.User
		}
	}
	return out
}

// SessionGap ends a writing session in the history: versions saved less
// than this apart, by the same person, are one session.
const SessionGap = 15 * time.Minute

// historySession is a run of versions one person saved without a long
// pause (newest first), or a named version on its own.
type historySession struct {
	revs []fielddesk.RevisionInfo // newest first
	by   string                   // the newsroom account, or "" for this desk
	gist string                   // what changed, in a line (filled in the background)
}

func (s historySession) newest() fielddesk.RevisionInfo { return s.revs[0] }

// sessions groups a history (newest first) into writing sessions.
func sessions(hist []fielddesk.RevisionInfo, authors map[fielddesk.ID]string) []historySession {
	var out []historySession
	for _, h := range hist {
		by := ""
		if h.Received {
			by = authors[h.ID]
			if by == "" {
				by = "?"
			}
		}
		if n := len(out); n > 0 {
			cur := &out[n-1]
			last := cur.revs[len(cur.revs)-1] // the oldest so far
			if cur.by == by && last.Saved.Sub(h.Saved) < SessionGap && h.Name == "" && last.Name == "" && h.RestoredFrom == "" && last.RestoredFrom == "" {
				cur.revs = append(cur.revs, h)
				continue
			}
		}
		out = append(out, historySession{revs: []fielddesk.RevisionInfo{h}, by: by})
	}
	return out
}

func (u *UI) historyDialog(id fielddesk.ID, hist []fielddesk.RevisionInfo, authors map[fielddesk.ID]string) {
	preview := widget.NewRichText()
	preview.Wrapping = fyne.TextWrapWord
	var selected fielddesk.ID
	restore := widget.NewButton(lang.L("Restore this version"), nil)
	restore.Importance = widget.HighImportance
	restore.Disable()
	name := widget.NewButtonWithIcon(lang.L("Name this version…"), theme.DocumentCreateIcon(), nil)
	name.Disable()
	groups := sessions(hist, authors)
	every := false // list every version instead of sessions
	rows := func() []historySession {
		if !every {
			return groups
		}
		var out []historySession
		for _, g := range groups {
			for _, r := range g.revs {
				out = append(out, historySession{revs: []fielddesk.RevisionInfo{r}, by: g.by})
			}
		}
		return out
	}
	shown := rows()
	list := widget.NewList(
		func() int { return len(shown) },
		func() fyne.CanvasObject {
			title := widget.NewLabel("")
			title.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("")
			detail.SizeName = theme.SizeNameCaptionText
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.New(tightRows{}, title, detail)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(shown) {
				return
			}
			g := shown[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(u.sessionTitle(g, i == 0))
			box.Objects[1].(*widget.Label).SetText(u.sessionDetail(g))
		},
	)
	var d dialog.Dialog
	current := -1
	changes := widget.NewCheck(lang.L("Show what changed from the version before (word by word)"), nil)
	everyCheck := widget.NewCheck(lang.L("Every version"), nil)
	show := func(i int) {
		if i < 0 || i >= len(shown) {
			return
		}
		h := shown[i].newest()
		var rev, older fielddesk.Revision
		var err error
		diff := changes.Checked
		prev := previousOf(hist, shown[i])
		u.background(func() {
			rev, err = u.backend.Revision(u.ctx, id, h.ID)
			if err == nil && diff && prev != "" {
				older, err = u.backend.Revision(u.ctx, id, prev)
			}
		}, func() {
			if err != nil {
				u.showError(lang.L("Could not read the history"), err)
				return
			}
			if i != current {
				return
			}
			if diff && prev != "" {
				preview.Segments = diffSegments(older, rev)
			} else {
				doc := render.Parse(rev.Article, rev.Saved)
				preview.Segments = segments(doc.Blocks(), rev.Article.Language, u.thumbnail)
			}
			preview.Refresh()
		})
	}
	changes.OnChanged = func(bool) { show(current) }
	list.OnSelected = func(i widget.ListItemID) {
		h := shown[i].newest()
		selected, current = h.ID, i
		if h.ID == hist[0].ID {
			restore.Disable()
		} else {
			restore.Enable()
		}
		name.Enable()
		show(i)
	}
	everyCheck.OnChanged = func(on bool) {
		every = on
		shown = rows()
		list.UnselectAll()
		list.Refresh()
		if len(shown) > 0 {
			list.Select(0)
		}
	}
	u.fillGists(id, hist, groups, func() { shown = rows(); list.Refresh() })
	name.OnTapped = func() {
		u.nameVersion(id, selected, hist, func() {
			// A named version stands on its own: group again.
			groups = sessions(hist, authors)
			shown = rows()
			list.Refresh()
			u.fillGists(id, hist, groups, func() { shown = rows(); list.Refresh() })
		})
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
	left := container.NewBorder(everyCheck, nil, nil, nil, list)
	bottom := container.NewHBox(restore, name)
	split := container.NewHSplit(left, container.NewBorder(changes, bottom, nil, nil, container.NewVScroll(preview)))
	split.Offset = 0.4
	d = dialog.NewCustom(lang.L("History"), lang.L("Close"), split, u.win)
	d.Resize(fyne.NewSize(min(1000, u.win.Canvas().Size().Width-40), min(640, u.win.Canvas().Size().Height-40)))
	d.Show()
	if len(shown) > 0 {
		list.Select(0)
	}
}

// previousOf is the version before a row: the one before the session's
// oldest (for a session), or before the version itself.
func previousOf(hist []fielddesk.RevisionInfo, row historySession) fielddesk.ID {
	oldest := row.revs[len(row.revs)-1].ID
	for i, h := range hist {
		if h.ID == oldest && i+1 < len(hist) {
			return hist[i+1].ID
		}
	}
	return ""
}

// sessionTitle is a history row's first line: when, how many versions, who.
func (u *UI) sessionTitle(g historySession, current bool) string {
	newest, oldest := g.newest(), g.revs[len(g.revs)-1]
	when := newest.Saved.Local().Format("02/01 15:04")
	if len(g.revs) > 1 {
		when = oldest.Saved.Local().Format("02/01 15:04") + "–" + newest.Saved.Local().Format("15:04")
	}
	who := lang.L("you")
	if g.by != "" {
		who = fmt.Sprintf(lang.L("the newsroom: %s"), g.by)
		if g.by == "?" {
			who = lang.L("the newsroom")
		}
	}
	text := when + " · " + who
	if len(g.revs) > 1 {
		text += " · " + fmt.Sprintf(lang.L("%d versions"), len(g.revs))
	}
	if newest.Name != "" {
		text = "★ " + newest.Name + " · " + text
	}
	if newest.RestoredFrom != "" {
		text += " · " + lang.L("restored")
	}
	if current {
		text += " · " + lang.L("current")
	}
	return text
}

// sessionDetail is a history row's second line: the length and what changed.
func (u *UI) sessionDetail(g historySession) string {
	text := u.wordCount(g.newest().Words)
	if g.gist != "" {
		text += " · " + g.gist
	}
	return text
}

// fillGists works out, in the background, what each session changed and
// redraws the list when done.
func (u *UI) fillGists(id fielddesk.ID, hist []fielddesk.RevisionInfo, groups []historySession, done func()) {
	gists := make([]string, len(groups))
	u.work.run(func() {
		cache := map[fielddesk.ID]fielddesk.Article{}
		get := func(rev fielddesk.ID) (fielddesk.Article, bool) {
			if a, ok := cache[rev]; ok {
				return a, true
			}
			r, err := u.backend.Revision(u.ctx, id, rev)
			if err != nil {
				return fielddesk.Article{}, false
			}
			cache[rev] = r.Article
			return r.Article, true
		}
		for i, g := range groups {
			prev := previousOf(hist, g)
			if prev == "" {
				gists[i] = lang.L("first version")
				continue
			}
			newer, ok1 := get(g.newest().ID)
			older, ok2 := get(prev)
			if !ok1 || !ok2 {
				continue
			}
			gists[i] = changeLine(older, newer)
		}
	}, func() {
		for i := range groups {
			groups[i].gist = gists[i]
		}
		done()
	})
}

// changeLine says in a few words what changed between two versions.
func changeLine(older, newer fielddesk.Article) string {
	added, removed, fields := fielddesk.ChangeGist(older, newer)
	var parts []string
	if added > 0 || removed > 0 {
		parts = append(parts, fmt.Sprintf(lang.L("+%d −%d words"), added, removed))
	}
	if len(fields) > 0 {
		var names []string
		for _, f := range fields {
			names = append(names, strings.ToLower(fieldTitle(f)))
		}
		parts = append(parts, fmt.Sprintf(lang.L("changed: %s"), strings.Join(names, ", ")))
	}
	if len(parts) == 0 {
		return lang.L("no change in the text")
	}
	return strings.Join(parts, "; ")
}

// nameVersion asks for a name for a version ("sent to the desk") and keeps it.
func (u *UI) nameVersion(id, rev fielddesk.ID, hist []fielddesk.RevisionInfo, done func()) {
	entry := u.newEntry(lang.L("For example: before the editor's cuts"))
	for _, h := range hist {
		if h.ID == rev {
			entry.SetText(h.Name)
		}
	}
	dialog.ShowForm(lang.L("Name this version"), lang.L("Save"), lang.L("Cancel"), []*widget.FormItem{widget.NewFormItem(lang.L("Name"), entry)}, func(ok bool) {
		if !ok {
			return
		}
		text := strings.TrimSpace(entry.Text)
		var err error
		u.background(func() { err = u.backend.NameRevision(u.ctx, id, rev, text) }, func() {
			if err != nil {
				u.showError(lang.L("Could not name the version"), err)
				return
			}
			for i := range hist {
				if hist[i].ID == rev {
					hist[i].Name = fielddesk.NFC(text)
				}
			}
			done()
		})
	}, u.win)
}

// diffSegments shows what changed between two revisions, field by field,
// word by word: removed words in red italics, added words in green bold.
func diffSegments(older, newer fielddesk.Revision) []widget.RichTextSegment {
	headStyle := captionStyle(false)
	headStyle.Inline = false // a line of its own: the field titles start below it
	head := &widget.TextSegment{Style: headStyle, Text: fmt.Sprintf(lang.L("From %s to %s. Removed words are red, added words green."),
		older.Saved.Local().Format("02/01 15:04:05"), newer.Saved.Local().Format("02/01 15:04:05"))}
	out := []widget.RichTextSegment{head}
	fields, formatting := readableDiff(older.Article, newer.Article)
	if formatting {
		out = append(out, &widget.TextSegment{Style: widget.RichTextStyleSubHeading, Text: fieldTitle("body")},
			&widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: lang.L("Only the formatting changed (bold, italics, headings, lists, quotes or links).")})
	}
	if len(fields) == 0 && !formatting {
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
