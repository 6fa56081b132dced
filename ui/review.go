package ui

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// The editorial loop in the window: under the preview, the review pane
// shows where the article stands (a "changes requested" banner with the
// editor's note, conflicts to resolve), the decisions this person may take
// as buttons (with Alt+letter shortcuts, also in the Review menu), and the
// comments, grouped beside the paragraph they are about, with replies.
// Editors read articles from their desk with the editing fields hidden
// until they choose to edit (Ctrl+E).

// reviewPane is the review column under the preview.
type reviewPane struct {
	scroll    *container.Scroll
	status    *widget.Label
	banner    *fyne.Container
	actions   *fyne.Container
	conflicts *fyne.Container
	changed   *fyne.Container
	threads   *fyne.Container
	paragraph *widget.Select
	comment   *vnEntry
	post      *widget.Button
	audit     *fyne.Container

	article fielddesk.ID
	review  fielddesk.Review
	// paraOptions maps the paragraph picker's options to paragraph numbers.
	paraOptions []string
	// reading: an editor reads the article; the editing fields are hidden.
	reading bool
	// small lists the open article's photos this device holds only as
	// small copies (read off the UI goroutine by loadReview).
	small []string
}

// publishedLink is the address of a published article on the newsroom's
// site (nil when it is not known: no slug yet, or no server).
func (u *UI) publishedLink(slug string) *url.URL {
	if slug == "" || u.syncer == nil {
		return nil
	}
	base, err := url.Parse(strings.TrimRight(u.syncer.SyncStatus().Server, "/"))
	if err != nil || base.Host == "" {
		return nil
	}
	return base.JoinPath("articles", slug)
}

// actionKeys are the review shortcuts: Alt and the action's first letter.
var actionKeys = map[fielddesk.Action]fyne.KeyName{
	fielddesk.ActionTake: fyne.KeyT, fielddesk.ActionRequestChanges: fyne.KeyR, fielddesk.ActionApprove: fyne.KeyA,
	fielddesk.ActionPublish: fyne.KeyP, fielddesk.ActionSpike: fyne.KeyS, fielddesk.ActionKill: fyne.KeyK,
	fielddesk.ActionWithdraw: fyne.KeyW, fielddesk.ActionSend: fyne.KeyEnter,
	fielddesk.ActionRestore:    fyne.KeyU, // un-spike (R is request changes)
	fielddesk.ActionAssign:     fyne.KeyG, // giao: hand to another editor
	fielddesk.ActionCorrect:    fyne.KeyC,
	fielddesk.ActionUpdate:     fyne.KeyD, // diễn biến mới (U is restore)
	fielddesk.ActionSchedule:   fyne.KeyH, // hẹn giờ
	fielddesk.ActionUnschedule: fyne.KeyX,
	fielddesk.ActionRelease:    fyne.KeyL,
}

func actionLabel(a fielddesk.Action) string {
	switch a {
	case fielddesk.ActionSend:
		return lang.L("Send again")
	case fielddesk.ActionWithdraw:
		return lang.L("Withdraw")
	case fielddesk.ActionTake:
		return lang.L("Take for review")
	case fielddesk.ActionRequestChanges:
		return lang.L("Request changes…")
	case fielddesk.ActionApprove:
		return lang.L("Approve")
	case fielddesk.ActionPublish:
		return lang.L("Publish")
	case fielddesk.ActionSpike:
		return lang.L("Spike")
	case fielddesk.ActionKill:
		return lang.L("Kill…")
	case fielddesk.ActionRestore:
		return lang.L("Restore to its correspondent…")
	case fielddesk.ActionAssign:
		return lang.L("Hand to another editor…")
	case fielddesk.ActionCorrect:
		return lang.L("Correct…")
	case fielddesk.ActionUpdate:
		return lang.L("Update…")
	case fielddesk.ActionSchedule:
		return lang.L("Publish at a time…")
	case fielddesk.ActionUnschedule:
		return lang.L("Cancel the schedule")
	case fielddesk.ActionRelease:
		return lang.L("Publish now, before its time")
	}
	return string(a)
}

func (u *UI) newReviewPane() *reviewPane {
	p := &reviewPane{
		status:    widget.NewLabel(""),
		banner:    container.NewVBox(),
		actions:   container.NewVBox(),
		conflicts: container.NewVBox(),
		changed:   container.NewVBox(),
		threads:   container.NewVBox(),
		audit:     container.NewVBox(),
	}
	p.status.TextStyle.Bold = true
	p.paragraph = widget.NewSelect(nil, nil)
	p.comment = u.newEntry(lang.L("Write a comment (Alt+M)"))
	p.comment.MultiLine = true
	p.comment.Wrapping = fyne.TextWrapWord
	p.comment.SetMinRowsVisible(2)
	p.post = widget.NewButtonWithIcon(lang.L("Comment"), theme.MailReplyIcon(), u.postComment)
	form := container.NewBorder(nil, nil, nil, p.post, container.NewVBox(p.paragraph, p.comment))
	heading := widget.NewLabel(lang.L("Comments"))
	heading.TextStyle.Bold = true
	body := container.NewVBox(p.status, p.banner, p.actions, p.conflicts, p.changed, widget.NewSeparator(), heading, p.threads, form, p.audit)
	p.scroll = container.NewVScroll(container.NewPadded(body))
	return p
}

// me is the user this device is logged in as ("" when it is not).
func (u *UI) me() string {
	if u.syncer != nil {
		return u.syncer.SyncStatus().User
	}
	return ""
}

// role is this device's role at the newsroom (a correspondent when not connected).
func (u *UI) role() fielddesk.Role {
	if u.syncer != nil {
		if r := u.syncer.SyncStatus().Role; r.Valid() {
			return r
		}
	}
	return fielddesk.RoleCorrespondent
}

// loadReview reads the open article's review and draws it.
func (u *UI) loadReview() {
	id := u.ed.article.ID
	if id == "" {
		u.drawReview(fielddesk.Review{Status: fielddesk.StatusDraft})
		return
	}
	var r fielddesk.Review
	var hist []fielddesk.RevisionInfo
	var err error
	var hashes, small []string
	for h := range u.ed.photos {
		hashes = append(hashes, h)
	}
	u.work.run(func() {
		r, err = u.backend.ReviewOf(u.ctx, id)
		if err == nil {
			hist, err = u.backend.History(u.ctx, id)
		}
		for _, h := range hashes {
			if _, original, err := u.backend.PhotoFile(h); err == nil && !original {
				small = append(small, h)
			}
		}
	}, func() {
		if id != u.ed.article.ID {
			return // another article was opened meanwhile
		}
		if err != nil {
			if !errors.Is(err, fielddesk.ErrNotFound) {
				u.showError(lang.L("Could not read the comments"), err)
			}
			r = fielddesk.Review{Status: u.ed.article.Status}
		}
		u.review.small = small
		u.drawReview(r)
		u.drawChanged(id, hist, authorsOf(r))
	})
}

// drawReview fills the review pane for the open article.
func (u *UI) drawReview(r fielddesk.Review) {
	p := u.review
	p.article, p.review = u.ed.article.ID, r
	u.ed.notice.RemoveAll()
	if r.Status == "" {
		r.Status = u.ed.article.Status
	}
	// A draft nobody has commented on has nothing to review yet.
	if r.Status == fielddesk.StatusDraft && len(r.Events) == 0 && len(u.ed.conflicts) == 0 {
		p.scroll.Hide()
		u.fitRight()
		return
	}
	p.scroll.Show()
	u.fitRight()
	p.status.SetText(fmt.Sprintf(lang.L("Status: %s"), statusName(r.Status)))
	if u.ed.urgent {
		p.status.SetText(p.status.Text + " · " + lang.L("BREAKING"))
	}
	heldByOther := false
	if line := u.holderLine(r); line != "" {
		p.status.SetText(p.status.Text + "\n" + line)
		heldByOther = r.Holder != u.me() && u.role() == fielddesk.RoleEditor
	}

	p.banner.RemoveAll()
	switch r.Status {
	case fielddesk.StatusChangesRequested:
		last := lastDecision(r.Events, fielddesk.ActionRequestChanges)
		text := lang.L("Changes requested")
		if last.Author != "" {
			text = fmt.Sprintf(lang.L("Changes requested by %s"), last.Author)
		}
		if last.Text != "" {
			text += ": " + last.Text
		}
		if u.role() == fielddesk.RoleCorrespondent {
			text += "\n" + lang.L("Revise the article, then send it again (Ctrl+Enter).")
		}
		p.banner.Add(bannerCard(text, theme.WarningIcon()))
		if n := countParagraphComments(r.Events); n > 0 {
			text += "\n" + fmt.Sprintf(lang.L("%d comment(s) on paragraphs: shown under them, in the body."), n)
		}
		// The same, at the top of the form the correspondent revises.
		u.ed.notice.Add(widget.NewCard("", "", bannerCard(text, theme.WarningIcon())))
	case fielddesk.StatusKilled:
		last := lastDecision(r.Events, fielddesk.ActionKill)
		p.banner.Add(bannerCard(fmt.Sprintf(lang.L("Withdrawn after publication: %s"), last.Text), theme.ErrorIcon(), widget.DangerImportance))
	case fielddesk.StatusPublished:
		p.banner.Add(bannerCard(lang.L("Published."), theme.ConfirmIcon(), widget.SuccessImportance))
		if link := u.publishedLink(r.Slug); link != nil {
			p.banner.Add(widget.NewHyperlink(lang.L("Read it on the newsroom's site"), link))
		}
	case fielddesk.StatusScheduled:
		text := fmt.Sprintf(lang.L("Scheduled: the newsroom publishes it at %s, even if nobody is online."), newsroomTime(r.Due))
		if r.Embargo {
			text = fmt.Sprintf(lang.L("Embargoed until %s: nothing of it is public before; the newsroom publishes it then."), newsroomTime(r.Due))
		}
		p.banner.Add(bannerCard(text+"\n"+lang.L("Change the time with Alt+H, or cancel it with Alt+X."), theme.HistoryIcon()))
	case fielddesk.StatusCorrecting, fielddesk.StatusUpdating:
		last := lastDecision(r.Events, fielddesk.ActionCorrect)
		text := lang.L("Being corrected")
		if r.Status == fielddesk.StatusUpdating {
			last = lastDecision(r.Events, fielddesk.ActionUpdate)
			text = lang.L("Being updated")
		}
		if last.Author != "" {
			text += " (" + last.Author + ")"
		}
		if last.Text != "" {
			text += ": " + last.Text
		}
		text += "\n" + lang.L("Readers see the published version until it is published again (Alt+P); then it is replaced at the same address, with this note at its end.")
		p.banner.Add(bannerCard(text, theme.WarningIcon()))
		if link := u.publishedLink(r.Slug); link != nil {
			p.banner.Add(widget.NewHyperlink(lang.L("Read it on the newsroom's site"), link))
		}
	}

	p.actions.RemoveAll()
	buttons := container.NewHBox()
	// Spike and kill sit apart, at the row's far end, never next to take.
	dangerous := container.NewHBox()
	for _, a := range fielddesk.ActionsFor(u.role(), r.Status) {
		if a == fielddesk.ActionSend && r.Status == fielddesk.StatusDraft {
			continue // the Send button above does this
		}
		if heldByOther && fielddesk.CheckHolder(a, u.me(), u.role(), r.Holder, r.Held) != nil {
			continue // the holder's decisions (said in the status line)
		}
		b := widget.NewButton(actionLabel(a)+" ("+shortcutText(a)+")", func() { u.act(a) })
		if a == fielddesk.ActionApprove || a == fielddesk.ActionPublish || a == fielddesk.ActionSend {
			b.Importance = widget.HighImportance
		}
		if a == fielddesk.ActionKill || a == fielddesk.ActionSpike {
			b.Importance = widget.DangerImportance
			dangerous.Add(b)
			continue
		}
		buttons.Add(b)
	}
	var locked *widget.Label
	if err := u.editLocked(); err != nil {
		locked = widget.NewLabel(explain(err))
		locked.Wrapping = fyne.TextWrapWord
		locked.Importance = widget.LowImportance
	} else if u.canRead() {
		label := lang.L("Edit text (Ctrl+E)")
		if !p.reading {
			label = lang.L("Read (Ctrl+E)")
		}
		buttons.Add(widget.NewButtonWithIcon(label, theme.DocumentCreateIcon(), u.toggleReading))
	}
	if len(buttons.Objects) > 0 || len(dangerous.Objects) > 0 {
		p.actions.Add(container.NewBorder(nil, nil, nil, dangerous, buttons))
	}
	if heldByOther {
		held := widget.NewLabel(fmt.Sprintf(lang.L("Only %s (or an admin) decides on this article. To take it over, ask them to hand it to you."), r.Holder))
		held.Wrapping = fyne.TextWrapWord
		held.Importance = widget.LowImportance
		p.actions.Add(held)
	}
	if locked != nil {
		p.actions.Add(locked) // a wrapping label needs the row's width: below the buttons
	}

	u.drawConflicts()
	u.drawOriginals()
	u.drawThreads()

	p.audit.RemoveAll()
	if len(r.Audit) > 0 {
		var lines []string
		for _, a := range r.Audit {
			lines = append(lines, auditLine(a))
		}
		log := widget.NewLabel(strings.Join(lines, "\n"))
		log.Wrapping = fyne.TextWrapWord
		log.SizeName = theme.SizeNameCaptionText
		p.audit.Add(widget.NewAccordion(widget.NewAccordionItem(fmt.Sprintf(lang.L("Audit log (%d)"), len(r.Audit)), log)))
	}
	p.scroll.Refresh()
}

func shortcutText(a fielddesk.Action) string {
	if a == fielddesk.ActionSend {
		return "Ctrl+Enter"
	}
	return "Alt+" + string(actionKeys[a])
}

func bannerCard(text string, icon fyne.Resource, importance ...widget.Importance) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	if len(importance) > 0 {
		l.Importance = importance[0]
	}
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l)
}

// lastDecision is the newest decision of that action among events.
func lastDecision(events []fielddesk.Event, a fielddesk.Action) fielddesk.Event {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Kind == fielddesk.EventTransition && events[i].Action == a {
			return events[i]
		}
	}
	return fielddesk.Event{}
}

func auditLine(a fielddesk.AuditEntry) string {
	what := a.Kind
	switch a.Kind {
	case "transition":
		what = fmt.Sprintf("%s (%s → %s)", a.Action, a.From, a.To)
	case "revision", "merge":
		what = a.Kind + " " + shortID(a.Revision)
	}
	line := fmt.Sprintf("%s · %s · %s · %s", a.At.Local().Format("02/01 15:04"), a.User, shortID(fielddesk.ID(a.Device)), what)
	if a.Note != "" {
		line += " · " + a.Note
	}
	return line
}

func shortID(id fielddesk.ID) string {
	if len(id) > 8 {
		return string(id[len(id)-6:])
	}
	return string(id)
}

// drawOriginals offers an editor the full-size photos of the open article
// when this device holds only their small copies.
func (u *UI) drawOriginals() {
	p := u.review
	r := u.role()
	if u.syncer == nil || (r != fielddesk.RoleEditor && r != fielddesk.RoleAdmin) {
		return
	}
	small := p.small
	if len(small) == 0 {
		return
	}
	var b *widget.Button
	b = widget.NewButtonWithIcon(fmt.Sprintf(lang.L("Ask for the full-size photos (%d)"), len(small)), theme.DownloadIcon(), func() {
		b.Disable()
		var err error
		u.background(func() { err = u.syncer.WantOriginals(u.ctx, small) }, func() {
			if err != nil {
				b.Enable()
				u.showError(lang.L("Could not ask for the photos"), err)
				return
			}
			u.status.SetText(lang.L("Asked: the correspondent's app sends the full-size photos first at its next sync; they come here after."))
			u.kickSync()
		})
	})
	p.actions.Add(b)
}

// drawChanged offers what changed when the newest revision came from the
// newsroom (an editor's edit, or a merge): the words, not a guess.
func (u *UI) drawChanged(id fielddesk.ID, hist []fielddesk.RevisionInfo, authors map[fielddesk.ID]string) {
	p := u.review
	p.changed.RemoveAll()
	if len(hist) < 2 || !hist[0].Received {
		return
	}
	newer, older := hist[0].ID, hist[1].ID
	for _, h := range hist[1:] {
		if h.ID == hist[0].Base {
			older = h.ID
		}
	}
	// Named by who changed it (the correspondent's own edit, seen on an
	// editor's desk, is the correspondent's, not "the newsroom's").
	label := lang.L("Changed in the newsroom: see what changed")
	if by := authors[newer]; by != "" {
		label = fmt.Sprintf(lang.L("Changed by %s: see what changed"), by)
	}
	b := widget.NewButtonWithIcon(label, theme.HistoryIcon(), func() { u.showChanges(id, older, newer) })
	p.changed.Add(b)
}

// showChanges shows the word diff between two revisions of an article.
func (u *UI) showChanges(id, older, newer fielddesk.ID) {
	var a, b fielddesk.Revision
	var err error
	u.background(func() {
		a, err = u.backend.Revision(u.ctx, id, older)
		if err == nil {
			b, err = u.backend.Revision(u.ctx, id, newer)
		}
	}, func() {
		if err != nil {
			u.showError(lang.L("Could not read the history"), err)
			return
		}
		rt := widget.NewRichText(diffSegments(a, b)...)
		rt.Wrapping = fyne.TextWrapWord
		d := dialog.NewCustom(lang.L("What changed"), lang.L("Close"), container.NewVScroll(rt), u.win)
		d.Resize(fyne.NewSize(820, 600))
		d.Show()
	})
}

// drawConflicts lists the open article's conflicts, each with a button
// that shows both versions side by side.
func (u *UI) drawConflicts() {
	p := u.review
	p.conflicts.RemoveAll()
	cs := u.ed.conflicts
	if len(cs) == 0 {
		return
	}
	p.conflicts.Add(bannerCard(fmt.Sprintf(lang.L("%d parts were changed differently by two people: choose what to keep before publishing."), len(cs)), theme.WarningIcon()))
	for _, c := range cs {
		b := widget.NewButtonWithIcon(fmt.Sprintf(lang.L("Resolve %s…"), conflictPlace(c)), theme.ContentCopyIcon(), func() { u.showConflict(c) })
		p.conflicts.Add(b)
	}
}

// conflictPlace names where a conflict is: a paragraph, or a field.
func conflictPlace(c fielddesk.Conflict) string {
	if c.Field == "body" {
		return fmt.Sprintf(lang.L("paragraph %d"), c.Paragraph)
	}
	return fieldTitle(c.Field)
}

// countParagraphComments counts the comments about a paragraph.
func countParagraphComments(events []fielddesk.Event) int {
	n := 0
	for _, e := range events {
		if e.Kind == fielddesk.EventComment && e.ReplyTo == "" && e.Paragraph > 0 {
			n++
		}
	}
	return n
}

// showNotesInBody puts each comment about a paragraph under that
// paragraph in the body being edited, with its replies.
func (u *UI) showNotesInBody(roots []fielddesk.Event, replies map[fielddesk.ID][]fielddesk.Event, body string) {
	notes := map[int][]string{}
	for _, e := range roots {
		if e.Kind != fielddesk.EventComment {
			continue
		}
		a := fielddesk.AnchorComment(e, body)
		if a.Paragraph <= 0 || a.Gone {
			continue
		}
		who := e.Author
		if who == "" {
			who = lang.L("unknown")
		}
		notes[a.Paragraph] = append(notes[a.Paragraph], fmt.Sprintf("%s: %s", who, e.Text))
		for _, r := range replies[e.ID] {
			notes[a.Paragraph] = append(notes[a.Paragraph], fmt.Sprintf("    ↳ %s: %s", r.Author, r.Text))
		}
	}
	u.ed.body.SetNotes(notes)
}

// drawThreads shows the comments: general ones first, then by paragraph,
// each with its replies, and fills the paragraph picker.
func (u *UI) drawThreads() {
	p := u.review
	body := u.ed.collect().Body
	paras := fielddesk.Paragraphs(body)
	p.paraOptions = []string{lang.L("The whole article")}
	for i, para := range paras {
		p.paraOptions = append(p.paraOptions, fmt.Sprintf("¶%d: %s", i+1, paragraphGist(para, 50)))
	}
	selected := p.paragraph.SelectedIndex()
	p.paragraph.Options = p.paraOptions
	if selected < 0 || selected >= len(p.paraOptions) {
		selected = 0
	}
	p.paragraph.SetSelectedIndex(selected)

	p.threads.RemoveAll()
	replies := map[fielddesk.ID][]fielddesk.Event{}
	var roots []fielddesk.Event
	for _, e := range p.review.Events {
		switch {
		case e.Kind == fielddesk.EventComment && e.ReplyTo != "":
			replies[e.ReplyTo] = append(replies[e.ReplyTo], e)
		case e.Kind == fielddesk.EventComment, e.Text != "":
			roots = append(roots, e) // decisions with a note are part of the conversation
		}
	}
	u.showNotesInBody(roots, replies, body)
	if len(roots) == 0 {
		empty := widget.NewLabel(lang.L("No comments yet."))
		empty.Importance = widget.LowImportance
		p.threads.Add(empty)
		return
	}
	// Group by the paragraph each comment belongs beside now.
	groups := map[int][]fielddesk.Event{}
	var order []int
	anchors := map[fielddesk.ID]fielddesk.Anchor{}
	for _, e := range roots {
		a := fielddesk.AnchorComment(e, body)
		anchors[e.ID] = a
		if _, ok := groups[a.Paragraph]; !ok {
			order = append(order, a.Paragraph)
		}
		groups[a.Paragraph] = append(groups[a.Paragraph], e)
	}
	sortInts(order)
	for _, para := range order {
		head := lang.L("On the whole article")
		if para > 0 {
			head = fmt.Sprintf(lang.L("Beside paragraph %d: “%s”"), para, paragraphGist(paras[para-1], 60))
		}
		h := widget.NewLabel(head)
		h.TextStyle.Italic = true
		h.Wrapping = fyne.TextWrapWord
		p.threads.Add(h)
		for _, e := range groups[para] {
			a := anchors[e.ID]
			p.threads.Add(u.commentCard(e, a, replies[e.ID]))
		}
	}
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// paragraphGist is the start of a paragraph for a label; a photo shows as its caption.
func paragraphGist(para string, n int) string {
	if f, ok := fielddesk.ParseFigure(para); ok {
		return "[" + lang.L("photo") + "] " + f.Caption
	}
	para = strings.Join(strings.Fields(para), " ")
	if utf8.RuneCountInString(para) <= n {
		return para
	}
	r := []rune(para)
	return string(r[:n]) + "…"
}

// commentCard is one comment (or a decision's note) with its replies and
// a reply button.
func (u *UI) commentCard(e fielddesk.Event, a fielddesk.Anchor, replies []fielddesk.Event) fyne.CanvasObject {
	box := container.NewVBox(commentLine(e))
	if a.Moved && e.Paragraph > 0 {
		note := fmt.Sprintf(lang.L("Written about paragraph %d, which has changed since: shown beside the nearest one."), e.Paragraph)
		if a.Gone {
			note = lang.L("The paragraph it was about is gone.")
		}
		l := widget.NewLabel(note)
		l.Importance = widget.LowImportance
		l.SizeName = theme.SizeNameCaptionText
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	for _, r := range replies {
		box.Add(container.NewPadded(container.NewBorder(nil, nil, widget.NewIcon(theme.MailReplyIcon()), nil, commentLine(r))))
	}
	if e.Kind == fielddesk.EventComment {
		reply := widget.NewButtonWithIcon(lang.L("Reply"), theme.MailReplyIcon(), func() { u.replyTo(e) })
		reply.Importance = widget.LowImportance
		box.Add(container.NewHBox(reply))
	}
	return widget.NewCard("", "", box)
}

func commentLine(e fielddesk.Event) fyne.CanvasObject {
	who := e.Author
	if who == "" {
		who = lang.L("you (not sent yet)")
	}
	head := fmt.Sprintf("%s · %s", who, e.At.Local().Format("02/01 15:04"))
	if e.Kind == fielddesk.EventTransition {
		head += " · " + actionLabel(e.Action)
	}
	headStyle := captionStyle(true)
	headStyle.Inline = false
	rt := widget.NewRichText(
		&widget.TextSegment{Style: headStyle, Text: head},
		&widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: e.Text},
	)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// postComment adds the comment typed in the pane.
func (u *UI) postComment() {
	p := u.review
	text := strings.TrimSpace(p.comment.Text)
	if u.ed.article.ID == "" {
		u.status.SetText(lang.L("Save the article before commenting on it."))
		return
	}
	if text == "" {
		u.status.SetText(lang.L("Write the comment first."))
		u.win.Canvas().Focus(p.comment)
		return
	}
	if err := u.ed.saveBlocking(); err != nil {
		u.showError(lang.L("Could not save"), err)
		return
	}
	para := max(p.paragraph.SelectedIndex(), 0)
	id := u.ed.article.ID
	var err error
	u.background(func() { _, err = u.backend.Comment(u.ctx, id, para, text, "") }, func() {
		if err != nil {
			u.showError(lang.L("Could not add the comment"), err)
			return
		}
		p.comment.SetText("")
		u.status.SetText(lang.L("Comment added: it goes to the newsroom with the next sync."))
		u.loadReview()
		u.kickSync()
		u.awaitDelivery()
	})
}

func (u *UI) replyTo(parent fielddesk.Event) {
	entry := u.newEntry(lang.L("Your reply"))
	entry.MultiLine = true
	entry.Wrapping = fyne.TextWrapWord
	entry.SetMinRowsVisible(3)
	entry.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(lang.L("Write the reply first."))
		}
		return nil
	}
	id := u.ed.article.ID
	d := dialog.NewForm(lang.L("Reply"), lang.L("Reply"), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(paragraphGist(parent.Text, 60), entry)}, func(ok bool) {
			if !ok {
				return
			}
			var err error
			text := entry.Text
			u.background(func() { _, err = u.backend.Comment(u.ctx, id, 0, text, parent.ID) }, func() {
				if err != nil {
					u.showError(lang.L("Could not add the comment"), err)
					return
				}
				u.loadReview()
				u.kickSync()
			})
		}, u.win)
	d.Resize(fyne.NewSize(520, 260))
	d.Show()
	u.win.Canvas().Focus(entry)
}

func (u *UI) kickSync() {
	if u.syncer != nil && u.syncer.SyncStatus().Configured {
		u.syncer.SyncNow()
	}
}

// act takes a decision on the open article: allowed ones for this role and
// state; a note is asked for where the workflow needs one.
func (u *UI) act(a fielddesk.Action) {
	e := u.ed
	if e.article.ID == "" {
		return
	}
	if !contains(fielddesk.ActionsFor(u.role(), e.article.Status), a) {
		_, err := fielddesk.CheckTransition(u.role(), e.article.Status, a, "x")
		u.status.SetText(explain(err))
		return
	}
	if r := u.review.review; u.review.article == e.article.ID {
		if err := fielddesk.CheckHolder(a, u.me(), u.role(), r.Holder, r.Held); err != nil {
			u.status.SetText(explain(err))
			return
		}
	}
	if err := e.saveBlocking(); err != nil {
		u.showError(lang.L("Could not save"), err)
		return
	}
	if a == fielddesk.ActionRequestChanges || a == fielddesk.ActionKill || a == fielddesk.ActionRestore ||
		a == fielddesk.ActionCorrect || a == fielddesk.ActionUpdate {
		u.askNote(a) // the note's dialog is the confirmation
		return
	}
	if a == fielddesk.ActionAssign {
		u.askAssignee()
		return
	}
	if a == fielddesk.ActionSchedule {
		u.askSchedule()
		return
	}
	if a == fielddesk.ActionPublish || a == fielddesk.ActionSpike {
		u.confirmDecision(a)
		return
	}
	u.decide(a, "")
}

// confirmDecision asks before a decision that cannot be taken back
// (publishing puts the article before readers at once; a spike takes it
// out of the queue), naming the article, with the safe choice focused.
func (u *UI) confirmDecision(a fielddesk.Action) {
	headline := u.openHeadline()
	title, msg, yes := lang.L("Publish this article?"), lang.L("“%s” goes on the newsroom's site, feed and partners at once."), lang.L("Publish")
	if st := u.ed.article.Status; a == fielddesk.ActionPublish && (st == fielddesk.StatusCorrecting || st == fielddesk.StatusUpdating) {
		msg = lang.L("“%s” replaces the published version at the same address, on the site, in the feed and for partners, with the note at its end. The version before stays readable.")
	}
	if a == fielddesk.ActionSpike {
		title, msg, yes = lang.L("Spike this article?"), lang.L("“%s” leaves the review queue and will not be published; its correspondent is told."), lang.L("Spike")
	}
	id := u.ed.article.ID
	d := dialog.NewConfirm(title, fmt.Sprintf(msg, headline), func(ok bool) {
		if ok && u.ed.article.ID == id {
			u.decide(a, "")
		}
	}, u.win)
	d.SetConfirmText(yes)
	d.SetDismissText(lang.L("Cancel"))
	d.Show()
}

func contains(list []fielddesk.Action, a fielddesk.Action) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

// askNote asks for the note a decision needs (what to change; why it is killed).
func (u *UI) askNote(a fielddesk.Action) {
	prompt := lang.L("What should change? The correspondent sees this beside the article.")
	switch a {
	case fielddesk.ActionKill:
		prompt = lang.L("Why is the article withdrawn? Readers and partners are told.")
	case fielddesk.ActionRestore:
		prompt = lang.L("Why does the article come back? Its correspondent gets it as a draft, with this note.")
	case fielddesk.ActionCorrect:
		prompt = lang.L("What was wrong? Readers see this correction at the end of the article.")
	case fielddesk.ActionUpdate:
		prompt = lang.L("What is new (optional)? Readers see it at the end of the article.")
	}
	entry := u.newEntry(prompt)
	entry.MultiLine = true
	entry.Wrapping = fyne.TextWrapWord
	entry.SetMinRowsVisible(4)
	entry.Validator = func(s string) error {
		if fielddesk.WordCount(s) == 0 {
			switch a {
			case fielddesk.ActionUpdate:
				return nil
			case fielddesk.ActionKill:
				return errors.New(lang.L("A kill needs a reason."))
			case fielddesk.ActionRestore:
				return errors.New(lang.L("Say why the article comes back."))
			case fielddesk.ActionCorrect:
				return errors.New(lang.L("Say what was wrong."))
			}
			return errors.New(lang.L("Say what should change."))
		}
		return nil
	}
	d := dialog.NewForm(actionLabel(a), actionLabel(a), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("Note"), entry)}, func(ok bool) {
			if ok {
				u.decide(a, entry.Text)
			}
		}, u.win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
	u.win.Canvas().Focus(entry)
}

// askAssignee asks which editor of the desk gets the open article (the
// editors this article has seen are offered; any user name can be typed:
// the newsroom checks it) and a note for them.
func (u *UI) askAssignee() {
	r := u.review.review
	seen := map[string]bool{u.me(): true, r.Holder: true, "": true}
	var editors []string
	for _, a := range r.Audit {
		if (a.Role == fielddesk.RoleEditor || a.Role == fielddesk.RoleAdmin) && !seen[a.User] {
			seen[a.User] = true
			editors = append(editors, a.User)
		}
	}
	for _, ev := range r.Events {
		if (ev.Role == fielddesk.RoleEditor || ev.Role == fielddesk.RoleAdmin) && !seen[ev.Author] {
			seen[ev.Author] = true
			editors = append(editors, ev.Author)
		}
	}
	who := widget.NewSelectEntry(editors)
	who.SetPlaceHolder(lang.L("The editor's user name"))
	who.Validator = func(s string) error {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			return errors.New(lang.L("Say which editor gets the article."))
		case s == u.me():
			return errors.New(lang.L("That is you: use Take for review."))
		case s == r.Holder:
			return fmt.Errorf(lang.L("%s already holds the article."), s)
		}
		return nil
	}
	note := u.newEntry(lang.L("A note for them (optional)"))
	note.MultiLine = true
	note.Wrapping = fyne.TextWrapWord
	note.SetMinRowsVisible(3)
	d := dialog.NewForm(actionLabel(fielddesk.ActionAssign), lang.L("Hand over"), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("Editor"), who), widget.NewFormItem(lang.L("Note"), note)}, func(ok bool) {
			if ok {
				u.assign(strings.TrimSpace(who.Text), note.Text)
			}
		}, u.win)
	d.Resize(fyne.NewSize(560, 320))
	d.Show()
	u.win.Canvas().Focus(who)
}

// newsroomTime writes a time as the newsroom reads it: its own clock
// (Vietnam's), hour first.
func newsroomTime(t time.Time) string {
	return t.In(vietnamese.Newsroom).Format("15:04 02/01/2006")
}

// parseNewsroomTime reads a time written as newsroomTime writes it.
func parseNewsroomTime(s string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range []string{"15:04 02/01/2006", "15:04 2/1/2006", "15:04, 02/01/2006"} {
		if t, err := time.ParseInLocation(layout, s, vietnamese.Newsroom); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New(lang.L("Write the time as 06:00 07/12/2026 (hour, then day/month/year, the newsroom's time)."))
}

// askSchedule asks when the open article is published (the newsroom's
// time; 06:00 tomorrow offered), whether the time is an embargo, and a note.
func (u *UI) askSchedule() {
	r := u.review.review
	start := r.Due
	if start.IsZero() {
		n := u.now().In(vietnamese.Newsroom)
		start = time.Date(n.Year(), n.Month(), n.Day()+1, 6, 0, 0, 0, vietnamese.Newsroom)
	}
	when := widget.NewEntry()
	when.SetText(newsroomTime(start))
	when.Validator = func(s string) error {
		t, err := parseNewsroomTime(s)
		if err != nil {
			return err
		}
		if !t.After(u.now()) {
			return errors.New(lang.L("That time is past."))
		}
		return nil
	}
	embargo := widget.NewCheck(lang.L("An embargo: nothing of it is public before this time"), nil)
	embargo.SetChecked(r.Embargo)
	note := u.newEntry(lang.L("A note (optional)"))
	d := dialog.NewForm(actionLabel(fielddesk.ActionSchedule), lang.L("Schedule"), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("Publish at"), when), widget.NewFormItem("", embargo), widget.NewFormItem(lang.L("Note"), note)},
		func(ok bool) {
			if !ok {
				return
			}
			t, err := parseNewsroomTime(when.Text)
			if err != nil {
				u.status.SetText(err.Error())
				return
			}
			u.schedule(t, embargo.Checked, note.Text)
		}, u.win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
	u.win.Canvas().Focus(when)
}

// schedule has the newsroom publish the open article at t.
func (u *UI) schedule(t time.Time, embargo bool, note string) {
	e := u.ed
	id, session := e.article.ID, e.session
	var ev fielddesk.Event
	var err error
	u.background(func() { ev, err = u.backend.Schedule(u.ctx, id, t, embargo, note) }, func() {
		if err != nil {
			u.showError(lang.L("Could not do that"), err)
			return
		}
		if session == e.session {
			e.article.Status = ev.To
			u.updateSendButton()
			u.loadReview()
		}
		u.refreshList()
		u.status.SetText(fmt.Sprintf(lang.L("Scheduled for %s. It goes to the newsroom with the next sync; the newsroom publishes it then."), newsroomTime(t)))
		u.kickSync()
		u.awaitDelivery()
	})
}

// assign hands the open article to another editor through the backend.
func (u *UI) assign(editor, note string) {
	e := u.ed
	id, session := e.article.ID, e.session
	var err error
	u.background(func() { _, err = u.backend.Assign(u.ctx, id, editor, note) }, func() {
		if err != nil {
			u.showError(lang.L("Could not do that"), err)
			return
		}
		if session == e.session {
			u.loadReview()
		}
		u.refreshList()
		u.status.SetText(fmt.Sprintf(lang.L("Handed to %s. They are told with the next sync."), editor))
		u.kickSync()
		u.awaitDelivery()
	})
}

// holderLine says who holds an article and since when ("" when nobody does).
func (u *UI) holderLine(r fielddesk.Review) string {
	if r.Holder == "" {
		return ""
	}
	since := r.Held.Local().Format("15:04 02/01")
	switch {
	case r.Holder == u.me() && r.Status == fielddesk.StatusSubmitted:
		return fmt.Sprintf(lang.L("Sent back to you (you hold it since %s)."), since)
	case r.Holder == u.me():
		return fmt.Sprintf(lang.L("You hold this article since %s."), since)
	case r.Status == fielddesk.StatusSubmitted:
		return fmt.Sprintf(lang.L("Sent back to %s, who holds it since %s."), r.Holder, since)
	}
	return fmt.Sprintf(lang.L("Held by %s since %s."), r.Holder, since)
}

// decide records a decision through the backend and shows the new state.
func (u *UI) decide(a fielddesk.Action, note string) {
	e := u.ed
	id, session := e.article.ID, e.session
	var ev fielddesk.Event
	var err error
	u.background(func() { ev, err = u.backend.Act(u.ctx, id, a, note) }, func() {
		if err != nil {
			u.showError(lang.L("Could not do that"), err)
			return
		}
		if session == e.session {
			if ev.To != "" {
				e.article.Status = ev.To
			}
			u.updateSendButton()
			u.loadReview()
		}
		u.refreshList()
		u.status.SetText(fmt.Sprintf(lang.L("%s: the article is now “%s”. It goes to the newsroom with the next sync."), actionLabel(a), statusName(ev.To)))
		u.kickSync()
		u.awaitDelivery()
	})
}

// editLocked says why the open article's text cannot change for this
// person (nil when it can): published, approved for a correspondent, …
func (u *UI) editLocked() error {
	if u.ed.article.ID == "" {
		return nil
	}
	if fielddesk.CanEdit(u.role(), u.ed.article.Status) == nil {
		return nil
	}
	st := u.ed.article.Status
	if st == fielddesk.StatusApproved {
		return errors.New(lang.L("The article is approved: ask the editor to request changes before editing it."))
	}
	return fmt.Errorf(lang.L("The article is “%s”: its text can no longer change."), statusName(st))
}

// explainWorkflow says in the user's language why a decision is refused.
func explainWorkflow(err error) (string, bool) {
	var he *fielddesk.HolderError
	if errors.As(err, &he) {
		return fmt.Sprintf(lang.L("%s holds this article (since %s): only they or an admin decide on it. Ask them to hand it to you."),
			he.Holder, he.Since.Local().Format("15:04 02/01")), true
	}
	var te *fielddesk.TransitionError
	if !errors.As(err, &te) {
		return "", false
	}
	t := fielddesk.Transition{}
	for _, x := range fielddesk.Transitions {
		if x.Action == te.Action {
			t = x
		}
	}
	switch {
	case te.MissingComment && te.Action == fielddesk.ActionKill:
		return lang.L("A kill needs a reason."), true
	case te.MissingComment && te.Action == fielddesk.ActionCorrect:
		return lang.L("Say what was wrong."), true
	case te.MissingComment:
		return lang.L("Say what should change."), true
	case !contains(fielddesk.ActionsFor(te.Role, te.From), te.Action) && !roleMay(t, te.Role):
		return fmt.Sprintf(lang.L("As %s you cannot do “%s”."), roleName(te.Role), actionLabel(te.Action)), true
	}
	return fmt.Sprintf(lang.L("“%s” is not possible while the article is “%s”."), actionLabel(te.Action), statusName(te.From)), true
}

// roleMayEver reports whether a role may take an action from some state
// (the Review menu lists only those).
func roleMayEver(a fielddesk.Action, r fielddesk.Role) bool {
	for _, t := range fielddesk.Transitions {
		if t.Action == a && roleMay(t, r) {
			return true
		}
	}
	return false
}

func roleMay(t fielddesk.Transition, r fielddesk.Role) bool {
	for _, x := range t.Roles {
		if x == r {
			return true
		}
	}
	return false
}

func roleName(r fielddesk.Role) string {
	switch r {
	case fielddesk.RoleCorrespondent:
		return lang.L("a correspondent")
	case fielddesk.RoleEditor:
		return lang.L("an editor")
	case fielddesk.RoleAdmin:
		return lang.L("an admin")
	}
	return string(r)
}

// canRead reports whether the open article can be read without its
// editing fields (editors and admins reviewing).
func (u *UI) canRead() bool {
	r := u.role()
	return (r == fielddesk.RoleEditor || r == fielddesk.RoleAdmin) && u.ed.article.ID != "" && u.ed.article.Status != fielddesk.StatusDraft
}

// setReading hides (or shows) the editing fields.
func (u *UI) setReading(on bool) {
	u.review.reading = on
	if on {
		u.editorPane.Hide()
		if !u.previewShown {
			u.togglePreview()
		}
		u.main.SetOffset(0)
	} else {
		u.editorPane.Show()
		u.main.SetOffset(0.55)
	}
	u.main.Refresh()
}

func (u *UI) toggleReading() {
	if err := u.editLocked(); err != nil {
		u.status.SetText(explain(err))
		return
	}
	if !u.canRead() {
		return
	}
	u.setReading(!u.review.reading)
	u.loadReview()
}

// showConflict shows both versions of a conflicting part side by side: keep
// one, or write the version to keep.
func (u *UI) showConflict(c fielddesk.Conflict) {
	// Each side shows its own words; those the other side does not have stand out.
	spans := fielddesk.WordDiff(c.Ours, c.Theirs)
	side := func(title, by, text string, own fielddesk.DiffOp) (fyne.CanvasObject, *widget.Button) {
		if by == "" {
			by = lang.L("unknown")
		}
		var segs []widget.RichTextSegment
		if text == "" {
			segs = []widget.RichTextSegment{&widget.TextSegment{Style: widget.RichTextStyleInline, Text: lang.L("(deleted)")}}
		} else {
			segs = diffSideSegments(spans, own)
		}
		rt := widget.NewRichText(segs...)
		rt.Wrapping = fyne.TextWrapWord
		keep := widget.NewButtonWithIcon(lang.L("Keep this version"), theme.ConfirmIcon(), nil)
		keep.Importance = widget.HighImportance
		return widget.NewCard(title, fmt.Sprintf(lang.L("by %s"), by), container.NewBorder(nil, keep, nil, nil, container.NewVScroll(rt))), keep
	}
	left, keepLeft := side(lang.L("Now in the article"), c.OursBy, c.Ours, fielddesk.DiffDelete)
	right, keepRight := side(lang.L("The other version"), c.TheirsBy, c.Theirs, fielddesk.DiffInsert)
	own := u.newEntry(lang.L("Or write the version to keep"))
	own.MultiLine = true
	own.Wrapping = fyne.TextWrapWord
	own.SetMinRowsVisible(4)
	own.SetText(c.Ours)
	keepOwn := widget.NewButtonWithIcon(lang.L("Keep what I wrote"), theme.DocumentCreateIcon(), nil)
	where := conflictPlace(c)
	var d dialog.Dialog
	resolve := func(text string) {
		d.Hide()
		u.resolve(c, text)
	}
	keepLeft.OnTapped = func() { resolve(c.Ours) }
	keepRight.OnTapped = func() { resolve(c.Theirs) }
	keepOwn.OnTapped = func() { resolve(own.Text) }
	content := container.NewBorder(nil, container.NewBorder(nil, nil, nil, keepOwn, own), nil, nil, container.NewGridWithColumns(2, left, right))
	d = dialog.NewCustom(fmt.Sprintf(lang.L("Two versions of %s"), where), lang.L("Cancel"), content, u.win)
	d.Resize(fyne.NewSize(980, 560))
	d.Show()
}

// diffSideSegments writes one side of a word diff: the shared words plain,
// the side's own words (own: DiffDelete for the old side, DiffInsert for
// the new) bold in the warning colour.
func diffSideSegments(spans []fielddesk.DiffSpan, own fielddesk.DiffOp) []widget.RichTextSegment {
	return wordSegments(spans, func(op fielddesk.DiffOp) (widget.RichTextStyle, bool) {
		st := widget.RichTextStyleInline
		if op == own {
			st.ColorName = theme.ColorNameWarning
			st.TextStyle.Bold = true
		}
		return st, op == fielddesk.DiffEqual || op == own
	})
}

func (u *UI) resolve(c fielddesk.Conflict, text string) {
	e := u.ed
	if err := e.saveBlocking(); err != nil {
		u.showError(lang.L("Could not save"), err)
		return
	}
	id := e.article.ID
	var rev fielddesk.Revision
	var err error
	u.background(func() { rev, err = u.backend.ResolveConflict(u.ctx, id, c.ID, text) }, func() {
		if err != nil {
			u.showError(lang.L("Could not resolve the conflict"), err)
			return
		}
		if id == e.article.ID {
			e.show(rev)
		}
		u.updateListItem(rev)
		left := len(rev.Article.Conflicts)
		u.status.SetText(fmt.Sprintf(lang.L("Resolved. %d conflict(s) left."), left))
		u.kickSync()
	})
}

// notify tells of decisions from the newsroom that arrived (once each) and
// reports whether any concerns the open article.
func (u *UI) notify(news []fielddesk.Event) (touched bool) {
	for _, e := range news {
		if u.notified[e.ID] {
			continue
		}
		u.notified[e.ID] = true
		if e.Article == u.ed.article.ID {
			touched = true
		}
		if e.Kind == fielddesk.EventBreaking {
			body := fmt.Sprintf(lang.L("Breaking news for the desk, sent %s."), e.At.Local().Format("15:04"))
			if e.Author != "" {
				body = e.Author + ": " + body
			}
			u.app.SendNotification(fyne.NewNotification(fmt.Sprintf(lang.L("Breaking news: “%s”"), e.Text), body))
			continue
		}
		if e.Kind != fielddesk.EventTransition {
			continue
		}
		if e.Action == fielddesk.ActionAssign {
			if e.Assignee != u.me() {
				continue // tell the one who gets it
			}
			body := fmt.Sprintf(lang.L("%s handed it to you."), e.Author)
			if e.Text != "" {
				body += " " + e.Text
			}
			u.app.SendNotification(fyne.NewNotification(fmt.Sprintf(lang.L("For you: %s"), u.headlineOf(e.Article)), body))
			continue
		}
		title := fmt.Sprintf("%s: %s", statusName(e.To), u.headlineOf(e.Article))
		body := e.Author
		if e.Text != "" {
			body += ": " + e.Text
		}
		u.app.SendNotification(fyne.NewNotification(title, body))
	}
	return touched
}

// reloadOpen shows the open article's newest revision and state when
// nothing typed here waits to be saved; review also redraws its comments
// and decisions when neither changed (new ones arrived).
func (u *UI) reloadOpen(review bool) {
	e := u.ed
	id, base, session := e.article.ID, e.base, e.session
	if id == "" {
		return
	}
	var rev fielddesk.Revision
	var err error
	u.work.run(func() { rev, err = u.backend.Latest(u.ctx, id) }, func() {
		if err != nil || session != e.session {
			return
		}
		role := u.role()
		if fielddesk.CanEdit(role, rev.Article.Status) != nil && fielddesk.CanEdit(role, e.article.Status) == nil {
			e.lockedByNewsroom(rev)
			return
		}
		switch {
		case rev.ID != base && !e.dirty():
			e.show(rev)
		case rev.Article.Status != e.article.Status:
			e.article.Status = rev.Article.Status
			u.updateSendButton()
			u.loadReview()
		case review:
			u.loadReview()
		}
	})
}

// lockedByNewsroom follows the open article into a state that forbids
// editing it (published, spiked, approved for its correspondent) that came
// with a sync. Untouched, it turns read-only at once, saying why. With
// words typed here and not yet saved (typed in the race), the form
// becomes a new draft holding them, saved like any new article, and the
// newsroom's article stays as the newsroom has it: nothing typed is kept
// apart where nobody would see it, nor dropped.
func (e *editor) lockedByNewsroom(rev fielddesk.Revision) {
	u := e.u
	if !e.dirty() {
		e.show(rev)
		if err := u.editLocked(); err != nil {
			u.status.SetText(explain(err))
		}
		return
	}
	e.becomeNewDraft()
	if u.review.reading {
		u.setReading(false)
	}
	u.list.UnselectAll()
	e.changed()
	u.keptAsDraft(fmt.Sprintf(lang.L("The newsroom made “%s” %s while you were writing. What you typed is kept here, as a new draft; the newsroom's article is unchanged."),
		rev.Article.Headline, strings.ToLower(statusName(rev.Article.Status))))
	u.loadReview()
}

// becomeNewDraft makes the form a new article holding what it shows (the
// article it came from can no longer change): no save, retry or answer
// for the old article applies to it any more.
func (e *editor) becomeNewDraft() {
	if e.timer != nil {
		e.timer.Stop()
	}
	e.stopMaxWait()
	if e.retry != nil {
		e.retry.Stop()
	}
	e.session++ // answers for the old article no longer apply to the form
	e.article = fielddesk.Article{Status: fielddesk.StatusDraft}
	e.base, e.savedAt, e.conflicts = "", time.Time{}, nil
	e.saving, e.again = false, false
	e.u.updateSendButton()
	e.u.setTitle("")
}

// keptAsDraft tells the person, in the status line and a message, that
// their words went into a new draft.
func (u *UI) keptAsDraft(msg string) {
	u.status.SetText(msg)
	dialog.ShowInformation(lang.L("Kept as a new draft"), msg, u.win)
}

// queueLine is the list's second line for an article in the review queue.
func (u *UI) queueLine(s fielddesk.Summary) string {
	line := statusName(s.Status)
	if !s.Due.IsZero() {
		// When, first: the line is cut at the list's width.
		line = fmt.Sprintf(lang.L("publishes at %s"), s.Due.In(vietnamese.Newsroom).Format("15:04 02/01"))
	}
	if fielddesk.IsUrgent(s.Urgency) {
		line = lang.L("BREAKING") + " · " + line
	}
	if !s.Submitted.IsZero() {
		line += " · " + fmt.Sprintf(lang.L("waiting %s"), waited(u.now().Sub(s.Submitted)))
	}
	switch {
	case s.Holder == "":
	case s.Holder == u.me():
		line += " · " + fmt.Sprintf(lang.L("held by you for %s"), waited(u.now().Sub(s.Held)))
	default:
		line += " · " + fmt.Sprintf(lang.L("held by %s for %s"), s.Holder, waited(u.now().Sub(s.Held)))
	}
	line += " · " + u.wordCount(s.Words)
	if s.Conflicts > 0 {
		line += " · " + fmt.Sprintf(lang.L("%d conflict(s)"), s.Conflicts)
	}
	return line
}

func waited(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf(lang.L("%d min"), int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf(lang.L("%d h"), int(d.Hours()))
	}
	return fmt.Sprintf(lang.L("%d days"), int(d.Hours()/24))
}

// queueCounts is the line above the review queue.
func queueCounts(q []fielddesk.Summary) string {
	n := map[fielddesk.Status]int{}
	for _, s := range q {
		n[s.Status]++
	}
	line := fmt.Sprintf(lang.L("%d submitted · %d in review · %d changes requested · %d approved"),
		n[fielddesk.StatusSubmitted], n[fielddesk.StatusInReview], n[fielddesk.StatusChangesRequested], n[fielddesk.StatusApproved])
	if reopened := n[fielddesk.StatusCorrecting] + n[fielddesk.StatusUpdating]; reopened > 0 {
		line += " · " + fmt.Sprintf(lang.L("%d being corrected or updated"), reopened)
	}
	if n[fielddesk.StatusScheduled] > 0 {
		line += " · " + fmt.Sprintf(lang.L("%d scheduled"), n[fielddesk.StatusScheduled])
	}
	return line
}
