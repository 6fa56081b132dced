package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/photo"
	"github.com/fielddesk/fielddesk/render"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// UI is the main window and everything in it.
type UI struct {
	app     fyne.App
	win     fyne.Window
	backend Backend
	work    worker
	// tips names the toolbar icons under the pointer (tooltip.go).
	tips *tips
	// outer splits the list from the editor (main) and the preview (right).
	outer *container.Split
	ctx   context.Context

	// AutosaveDelay is how long after the last keystroke the article is saved.
	AutosaveDelay time.Duration
	// AutosaveMaxWait is the longest an edit waits for its save while
	// typing goes on without a pause (a power cut loses at most that).
	AutosaveMaxWait time.Duration
	// PreviewDelay is how long after the last keystroke the preview is redrawn.
	PreviewDelay time.Duration
	// FilterDelay is how long after the last keystroke in the search box the list is filtered.
	FilterDelay time.Duration
	// RetryDelay is how long after a failed save it is tried again.
	RetryDelay time.Duration
	// SpellDelay is how long after the last keystroke the spelling is checked again.
	SpellDelay time.Duration
	// spellCheck is the spell check with the person's words (spellWith).
	spellCheck *vietnamese.Speller
	spellWith  string

	filter      *vnEntry
	sortAZ      bool // list by headline in Vietnamese order instead of newest first
	list        *widget.List
	items       []fielddesk.Hit
	filterTimer *time.Timer

	ed *editor

	preview      *widget.RichText
	previewPane  fyne.CanvasObject
	main         *container.Split
	right        *container.Split // the preview over the review pane
	previewShown bool
	// previewNarrowed: the window is too narrow, the preview stepped aside;
	// previewForced: Ctrl+P brought it back all the same.
	previewNarrowed, previewForced bool
	previewTimer                   *time.Timer
	thumbs                         map[string]string // photo hash -> thumbnail file, UI goroutine only
	thumbsAsked                    map[string]bool

	// method is the Vietnamese typing method of every field; lastMethod
	// is the one Alt+Z turns back on.
	method       vietnamese.Method
	lastMethod   vietnamese.Method
	methodButton *widget.Button

	status   *widget.Label
	words    *widget.Label
	busy     *widget.ProgressBarInfinite
	busyJobs int

	syncState
	sendButton *widget.Button

	settings folderSettings
	screen   Screen
	menuRole fielddesk.Role // the role the Review menu was made for
	// clockWarned: the wrong system clock was reported (once a session).
	clockWarned bool
	// linkCostAsking: the question about links of unknown cost is open.
	linkCostAsking bool
	// awaitingDelivery: the status line says something goes with the next
	// sync (one after deliverySince); the sync that sends it says so.
	awaitingDelivery bool
	deliverySince    time.Time
	// headlines are the headlines seen in the list, by article, to name an
	// article the list does not show now (a search, the queue).
	headlines map[fielddesk.ID]string

	review      *reviewPane
	editorPane  fyne.CanvasObject
	queueMode   bool // the list shows the review queue
	queueLabel  *widget.Label
	leftColumn  *fyne.Container // the list's column (laid out again when queueLabel changes)
	orderSelect *widget.Select
	notified    map[fielddesk.ID]bool // decisions already notified, UI goroutine only
}

// New builds the main window over backend. Call Show, then run the app.
func New(a fyne.App, backend Backend) *UI {
	return newUI(a, backend, fyne.Do)
}

// newUI is New with the function that runs callbacks on the UI goroutine.
func newUI(a fyne.App, backend Backend, do func(func())) *UI {
	u := &UI{
		app: a, backend: backend, ctx: context.Background(),
		AutosaveDelay: 1500 * time.Millisecond, AutosaveMaxWait: 1500 * time.Millisecond, PreviewDelay: 250 * time.Millisecond, FilterDelay: 250 * time.Millisecond,
		RetryDelay: 5 * time.Second, SpellDelay: 400 * time.Millisecond,
		thumbs: map[string]string{}, thumbsAsked: map[string]bool{}, notified: map[fielddesk.ID]bool{},
		headlines:    map[fielddesk.ID]string{},
		previewShown: true,
	}
	u.work.do = do
	u.loadSettings()
	u.method = vietnamese.Telex
	if saved := u.setting(prefTyping); saved != "" {
		u.method = vietnamese.ParseMethod(saved)
	}
	u.lastMethod = u.method
	u.win = a.NewWindow("FieldDesk")
	u.win.Resize(DefaultWindowSize) // placeWindow fits it to the screen once shown
	u.win.SetCloseIntercept(u.closeWindow)
	u.win.SetOnDropped(u.dropped)
	u.build()
	return u
}

// DataChanged tells the window that something else changed the data
// folder (a headless command run through the window): it lists the
// articles again and reloads the open one. Call it on the UI goroutine.
func (u *UI) DataChanged() {
	u.refreshList()
	u.reloadOpen(true)
}

// Window is the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Show shows the window and loads the article list.
func (u *UI) Show() {
	u.win.Show()
	u.placeWindow()
	u.refreshList()
	if !u.ed.reopenLast() {
		u.win.Canvas().Focus(u.ed.headline)
	}
	u.checkClock()
	u.checkRecovery()
}

// build makes the window's content and menu in the current language.
func (u *UI) build() {
	u.status = widget.NewLabel(lang.L("No article open"))
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.words = widget.NewLabel("")
	u.busy = widget.NewProgressBarInfinite()
	u.busy.Hide()

	u.filter = u.newEntry(lang.L("Search headline and text (Ctrl+F)"))
	u.filter.OnChanged = func(string) { u.debounce(&u.filterTimer, u.FilterDelay, u.refreshList) }
	u.list = widget.NewList(
		func() int { return len(u.items) },
		func() fyne.CanvasObject {
			title := widget.NewLabel("")
			title.TextStyle.Bold = true
			title.Truncation = fyne.TextTruncateEllipsis
			meta := widget.NewRichText()
			meta.Truncation = fyne.TextTruncateEllipsis
			return container.New(tightRows{}, title, meta)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(u.items) {
				return
			}
			s := u.items[i]
			box := o.(*fyne.Container)
			title := s.Headline
			if title == "" {
				title = lang.L("(no headline)")
			}
			box.Objects[0].(*widget.Label).SetText(title)
			meta := box.Objects[1].(*widget.RichText)
			if s.Snippet != "" {
				meta.Segments = snippetSegments(s.Snippet, s.Matches)
			} else if u.queueMode {
				meta.Segments = []widget.RichTextSegment{&widget.TextSegment{Style: captionStyle(false), Text: u.queueLine(s.Summary)}}
			} else {
				line := fmt.Sprintf("%s · %s · %s", statusName(s.Status), s.Updated.Local().Format("02/01 15:04"), u.wordCount(s.Words))
				if s.Conflicts > 0 {
					line += " · " + fmt.Sprintf(lang.L("%d conflict(s)"), s.Conflicts)
				}
				meta.Segments = []widget.RichTextSegment{&widget.TextSegment{Style: captionStyle(false), Text: line}}
			}
			meta.Refresh()
		},
	)
	u.list.OnSelected = func(i widget.ListItemID) {
		if i < len(u.items) && u.items[i].ID != u.ed.article.ID {
			u.ed.open(u.items[i].ID)
		}
	}
	newBtn := widget.NewButtonWithIcon(lang.L("New article"), theme.DocumentCreateIcon(), u.newArticle)
	newBtn.Importance = widget.HighImportance
	order := widget.NewSelect([]string{lang.L("Newest first"), lang.L("Headline A–Z"), lang.L("Review queue, oldest first")}, nil)
	switch {
	case u.queueMode:
		order.SetSelected(lang.L("Review queue, oldest first"))
	case u.sortAZ:
		order.SetSelected(lang.L("Headline A–Z"))
	default:
		order.SetSelected(lang.L("Newest first"))
	}
	order.OnChanged = func(v string) {
		u.sortAZ = v == lang.L("Headline A–Z")
		u.queueMode = v == lang.L("Review queue, oldest first")
		u.refreshList()
	}
	u.orderSelect = order
	u.queueLabel = widget.NewLabel("")
	u.queueLabel.Wrapping = fyne.TextWrapWord
	u.queueLabel.SizeName = theme.SizeNameCaptionText
	u.queueLabel.Hide()
	u.sync = u.newSyncPanel()
	left := newSideColumn(container.NewVBox(newBtn, u.filter, order, u.queueLabel), u.list, u.sync.box)
	u.leftColumn = left

	// A rebuild (the language changed) keeps the article, the place
	// being edited and the panes' sizes as the person left them.
	var current fielddesk.ID
	var place editPlace
	if u.ed != nil {
		current, place = u.ed.article.ID, u.ed.place()
	}
	offsets := []float64{0.22, 0.55, 0.62}
	if u.outer != nil {
		offsets = []float64{u.outer.Offset, u.main.Offset, u.right.Offset}
	}
	u.ed = newEditor(u)

	u.preview = widget.NewRichText()
	u.preview.Wrapping = fyne.TextWrapWord
	u.previewPane = container.NewVScroll(container.NewPadded(u.preview))

	u.tips = newTips(u.work.do)
	tool := func(icon fyne.Resource, name, keys string, action func()) widget.ToolbarItem {
		return newTipButton(u.tips, icon, func() string {
			return strings.TrimSuffix(lang.L(name), "…") + " (" + keys + ")"
		}, action)
	}
	toolbar := widget.NewToolbar(
		tool(theme.DocumentCreateIcon(), "New article", "Ctrl+N", u.newArticle),
		tool(theme.DocumentSaveIcon(), "Save now", "Ctrl+S", u.saveNow),
		tool(theme.FileImageIcon(), "Add photo…", "Ctrl+Shift+I", u.addPhotoDialog),
		tool(theme.HistoryIcon(), "History…", "Ctrl+H", u.showHistory),
		widget.NewToolbarSeparator(),
		tool(theme.VisibilityIcon(), "Preview", "Ctrl+P", u.togglePreview),
		tool(theme.WarningIcon(), "Breaking news", "Alt+N", u.toggleUrgent),
		widget.NewToolbarSpacer(),
		tool(theme.SettingsIcon(), "Settings…", "Ctrl+,", u.showSettings),
	)
	u.methodButton = widget.NewButton(methodLabel(u.method), u.cycleMethod)
	u.methodButton.Importance = widget.LowImportance
	u.sendButton = widget.NewButtonWithIcon(lang.L("Send to newsroom"), theme.MailSendIcon(), u.send)
	u.sendButton.Importance = widget.HighImportance
	u.editorPane = container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(u.sendButton, u.methodButton), toolbar), nil, nil, nil, u.ed.content)
	u.review = u.newReviewPane()
	right := container.NewVSplit(u.previewPane, u.review.scroll)
	right.Offset = offsets[2]
	u.right = right
	u.main = container.NewHSplit(u.editorPane, right)
	u.main.Offset = offsets[1]
	if !u.previewShown {
		u.previewPane.Hide()
		if u.outer == nil {
			u.main.Offset = 0.7
		}
	}
	outer := container.NewHSplit(left, container.New(narrowEditor{u}, u.main))
	outer.Offset = offsets[0]
	u.outer = outer
	statusBar := container.NewBorder(nil, nil, nil, container.NewHBox(u.busy, u.words), u.status)
	u.win.SetContent(container.NewStack(container.NewBorder(nil, statusBar, nil, nil, outer), u.tips.layer))
	u.win.SetMainMenu(u.menu())
	if current != "" {
		u.ed.openAt(current, place)
	} else {
		u.ed.clear()
	}
	if u.syncer != nil {
		u.showSync(u.syncer.SyncStatus())
	} else {
		u.showSync(fielddesk.SyncStatus{})
	}
}

func shortcut(key fyne.KeyName, mod fyne.KeyModifier) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: mod}
}

// menu is the main menu; its shortcuts work wherever the focus is.
func (u *UI) menu() *fyne.MainMenu {
	item := func(label string, sc fyne.Shortcut, action func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, action)
		it.Shortcut = sc
		return it
	}
	ctrl := fyne.KeyModifierShortcutDefault
	file := fyne.NewMenu(lang.L("File"),
		item(lang.L("New article"), shortcut(fyne.KeyN, ctrl), u.newArticle),
		item(lang.L("Save now"), shortcut(fyne.KeyS, ctrl), u.saveNow),
		fyne.NewMenuItemSeparator(),
		item(lang.L("Add photo…"), shortcut(fyne.KeyI, ctrl|fyne.KeyModifierShift), u.addPhotoDialog),
		item(lang.L("History…"), shortcut(fyne.KeyH, ctrl), u.showHistory),
		item(lang.L("Export…"), shortcut(fyne.KeyE, ctrl|fyne.KeyModifierShift), u.showExport),
		item(lang.L("Move to the trash"), shortcut(fyne.KeyDelete, ctrl), u.trashOpen),
		fyne.NewMenuItemSeparator(),
		item(lang.L("Send to newsroom"), shortcut(fyne.KeyReturn, ctrl), u.send),
		item(lang.L("Breaking news"), shortcut(fyne.KeyN, fyne.KeyModifierAlt), u.toggleUrgent),
		item(lang.L("Sync now"), shortcut(fyne.KeyR, ctrl|fyne.KeyModifierShift), u.syncNow),
		fyne.NewMenuItem(lang.L("Connect to the newsroom…"), u.showLogin),
		fyne.NewMenuItemSeparator(),
		item(lang.L("Settings…"), shortcut(fyne.KeyComma, ctrl), u.showSettings),
	)
	format := fyne.NewMenu(lang.L("Format"),
		item(lang.L("Bold"), shortcut(fyne.KeyB, ctrl), u.bold),
		item(lang.L("Italic"), shortcut(fyne.KeyI, ctrl), u.italic),
		fyne.NewMenuItemSeparator(),
		item(lang.L("Heading"), shortcut(fyne.KeyH, ctrl|fyne.KeyModifierShift), u.heading),
		item(lang.L("List"), shortcut(fyne.KeyL, ctrl|fyne.KeyModifierShift), u.bullets),
		fyne.NewMenuItem(lang.L("Quote"), u.quote),
		item(lang.L("Link…"), shortcut(fyne.KeyK, ctrl), u.link),
		fyne.NewMenuItemSeparator(),
		item(lang.L("Check spelling…"), shortcut(fyne.KeyF7, fyne.KeyModifierAlt), u.showSpelling),
	)
	typing := fyne.NewMenu(lang.L("Typing"),
		item(lang.L("Vietnamese typing on/off"), shortcut(fyne.KeyZ, fyne.KeyModifierAlt), u.toggleMethod),
		fyne.NewMenuItem("Telex", func() { u.setMethod(vietnamese.Telex) }),
		fyne.NewMenuItem("VNI", func() { u.setMethod(vietnamese.VNI) }),
		fyne.NewMenuItem(lang.L("Off (the system's keyboard)"), func() { u.setMethod(vietnamese.Off) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Apply the house tone style to this article"), u.applyToneStyle),
	)
	view := fyne.NewMenu(lang.L("View"),
		item(lang.L("Find"), shortcut(fyne.KeyF, ctrl), u.focusFilter),
		item(lang.L("Preview"), shortcut(fyne.KeyP, ctrl), u.togglePreview),
		item(lang.L("Review queue"), shortcut(fyne.KeyQ, ctrl|fyne.KeyModifierShift), u.showQueue),
		fyne.NewMenuItem(lang.L("Trash…"), u.showTrash),
	)
	alt := fyne.KeyModifierAlt
	review := fyne.NewMenu(lang.L("Review"))
	role := u.role()
	u.menuRole = role
	for _, a := range fielddesk.Actions() {
		if a == fielddesk.ActionSend || !roleMayEver(a, role) {
			continue // File › Send to newsroom, Ctrl+Enter; another role's actions
		}
		review.Items = append(review.Items, item(actionLabel(a), shortcut(actionKeys[a], alt), func() { u.act(a) }))
	}
	review.Items = append(review.Items, fyne.NewMenuItemSeparator(),
		item(lang.L("Comment"), shortcut(fyne.KeyM, alt), func() { u.win.Canvas().Focus(u.review.comment) }),
		item(lang.L("Read / edit the text"), shortcut(fyne.KeyE, ctrl), u.toggleReading),
	)
	return fyne.NewMainMenu(file, format, typing, view, review)
}

// debounce (re)starts a timer that calls fn on the UI goroutine after d.
func (u *UI) debounce(t **time.Timer, d time.Duration, fn func()) {
	if *t != nil {
		(*t).Stop()
	}
	*t = time.AfterFunc(d, func() { u.work.do(fn) })
}

// background runs work off the UI goroutine with the busy indicator on,
// then done on the UI goroutine.
func (u *UI) background(work func(), done func()) {
	u.busyJobs++
	u.busy.Show()
	u.work.run(work, func() {
		u.busyJobs--
		if u.busyJobs == 0 {
			// Stop first: a hidden ProgressBarInfinite is never refreshed,
			// so Hide alone leaves its animation repainting the whole
			// window 60 times a second (a core's worth with a long article).
			u.busy.Stop()
			u.busy.Hide()
		}
		if done != nil {
			done()
		}
	})
}

// setListNote shows text above the article list (empty: nothing), and
// gives it its room: the column is laid out again when the note appears,
// goes or changes (a wrapped line more would cover the list's first article).
func (u *UI) setListNote(text string) {
	if text == u.queueLabel.Text && u.queueLabel.Visible() == (text != "") {
		return
	}
	u.queueLabel.SetText(text)
	if text == "" {
		u.queueLabel.Hide()
	} else {
		u.queueLabel.Show()
	}
	if u.leftColumn != nil {
		u.leftColumn.Layout.Layout(u.leftColumn.Objects, u.leftColumn.Size())
	}
}

func (u *UI) refreshList() {
	q, sortAZ, queue := u.filter.Text, u.sortAZ, u.queueMode
	var items []fielddesk.Hit
	var err error
	u.work.run(func() {
		if strings.TrimSpace(q) != "" {
			items, err = u.backend.Search(u.ctx, q)
			return
		}
		var list []fielddesk.Summary
		if queue {
			list, err = u.backend.ReviewQueue(u.ctx)
		} else {
			list, err = u.backend.List(u.ctx)
		}
		for _, s := range list {
			items = append(items, fielddesk.Hit{Summary: s})
		}
		if sortAZ {
			vietnamese.SortFunc(items, func(h fielddesk.Hit) string { return h.Headline })
		}
	}, func() {
		behind := errors.Is(err, fielddesk.ErrIndexBehind)
		if err != nil && !behind {
			u.showError(lang.L("Could not list the articles"), err)
			return
		}
		if q != u.filter.Text || queue != u.queueMode {
			return // a newer search is on its way
		}
		if behind {
			// The articles are safe and in the list; only the search may miss some.
			u.setListNote(lang.L("This search may miss some articles: the search index could not be updated yet (the articles themselves are safe). FieldDesk keeps trying."))
		} else if queue && strings.TrimSpace(q) == "" {
			var sums []fielddesk.Summary
			for _, h := range items {
				sums = append(sums, h.Summary)
			}
			u.setListNote(queueCounts(sums))
		} else {
			u.setListNote("")
		}
		u.items = items
		for _, it := range items {
			u.headlines[it.ID] = it.Headline
		}
		u.list.UnselectAll()
		u.list.Refresh()
		u.selectCurrent()
	})
}

func captionStyle(bold bool) widget.RichTextStyle {
	st := widget.RichTextStyleInline
	st.SizeName = theme.SizeNameCaptionText
	st.TextStyle.Bold = bold
	if !bold {
		st.ColorName = theme.ColorNamePlaceHolder
	}
	return st
}

// snippetSegments shows a search snippet with the matched words in bold.
func snippetSegments(snippet string, matches [][2]int) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	at := 0
	for _, m := range matches {
		if m[0] < at || m[1] > len(snippet) {
			continue
		}
		if m[0] > at {
			out = append(out, &widget.TextSegment{Style: captionStyle(false), Text: snippet[at:m[0]]})
		}
		out = append(out, &widget.TextSegment{Style: captionStyle(true), Text: snippet[m[0]:m[1]]})
		at = m[1]
	}
	if at < len(snippet) {
		out = append(out, &widget.TextSegment{Style: captionStyle(false), Text: snippet[at:]})
	}
	return out
}

// selectCurrent highlights the open article in the list without reopening it.
func (u *UI) selectCurrent() {
	if u.ed.article.ID == "" {
		u.list.UnselectAll()
		return
	}
	for i, s := range u.items {
		if s.ID == u.ed.article.ID {
			u.list.Select(i)
			return
		}
	}
}

// setTitle names the open article in the window title, as desktop editors do.
func (u *UI) setTitle(headline string) {
	if headline == "" {
		u.win.SetTitle("FieldDesk")
		return
	}
	u.win.SetTitle(headline + " – FieldDesk")
}

func (u *UI) focusFilter() {
	u.win.Canvas().Focus(u.filter)
}

func (u *UI) newArticle() {
	if !u.ed.flush() {
		return
	}
	u.ed.clear()
	u.rememberOpen(false)
	u.list.UnselectAll()
	u.win.Canvas().Focus(u.ed.headline)
}

func (u *UI) saveNow() { u.ed.saveNow() }

func (u *UI) togglePreview() {
	if u.previewNarrowed {
		// Stepped aside for a narrow window: the person wants it anyway.
		u.previewNarrowed, u.previewForced = false, true
	} else {
		u.previewShown = !u.previewShown
	}
	if u.previewShown {
		u.previewPane.Show()
		if !u.review.reading {
			u.main.SetOffset(0.55)
		}
		u.renderPreview()
	} else {
		u.previewPane.Hide()
		if !u.review.reading {
			u.main.SetOffset(0.7)
		}
	}
	u.fitRight()
}

// fitRight hides the right-hand column when neither the preview nor the
// review pane is in it, so the editor takes the window instead of leaving
// an empty strip beside it.
func (u *UI) fitRight() {
	if u.right == nil {
		return
	}
	if u.previewPane.Visible() || u.review.scroll.Visible() {
		u.right.Show()
	} else {
		u.right.Hide()
	}
	u.main.Refresh()
}

// showQueue lists the review queue, oldest submitted first.
func (u *UI) showQueue() {
	u.orderSelect.SetSelected(lang.L("Review queue, oldest first"))
}

// schedulePreview redraws the preview shortly after typing stops.
func (u *UI) schedulePreview() {
	u.debounce(&u.previewTimer, u.PreviewDelay, u.renderPreview)
}

// renderPreview updates the counts and draws the article being edited from
// the same parse as the published HTML.
func (u *UI) renderPreview() {
	a := u.ed.collect().Normalized()
	u.updateCounts(a)
	if !u.previewShown {
		return
	}
	at := u.ed.savedAt
	if at.IsZero() {
		at = u.now()
	}
	doc := render.Parse(a, at)
	u.preview.Segments = segments(doc.Blocks(), a.Language, u.thumbnail)
	u.preview.Refresh()
}

// LongArticleWords is the length from which an article should have a sapo.
const LongArticleWords = 600

// updateCounts shows the length, the reading time and the sapo's length,
// and a gentle warning when a long article has no sapo.
func (u *UI) updateCounts(a fielddesk.Article) {
	words := a.Words()
	speed := u.settingInt(prefReadingSpeed, DefaultReadingSpeed)
	minutes := max(1, (words+speed/2)/max(speed, 1))
	lng := uiLanguage()
	if words == 0 {
		u.words.SetText(lang.L("No words yet"))
	} else {
		u.words.SetText(fmt.Sprintf(lang.L("%s words · %d min read · sapo %s characters"),
			vietnamese.FormatInt(words, lng), minutes, vietnamese.FormatInt(utf8.RuneCountInString(a.Sapo), lng)))
	}
	if words > LongArticleWords && strings.TrimSpace(a.Sapo) == "" {
		u.ed.sapoHint.SetText(fmt.Sprintf(lang.L("This article has %s words: readers and editors expect a sapo."), vietnamese.FormatInt(words, lng)))
		u.ed.sapoHint.Show()
	} else {
		u.ed.sapoHint.Hide()
	}
}

// DefaultReadingSpeed is the reading speed, in words (syllables) a minute,
// unless the settings say otherwise.
const DefaultReadingSpeed = 220

// thumbnail returns a photo's thumbnail file if known, and otherwise asks the
// backend for it and redraws the preview when it arrives.
func (u *UI) thumbnail(hash string) string {
	if p, ok := u.thumbs[hash]; ok {
		return p
	}
	if !u.thumbsAsked[hash] {
		u.thumbsAsked[hash] = true
		var path string
		var err error
		u.work.run(func() { path, err = u.backend.Thumbnail(u.ctx, hash) }, func() {
			if err != nil {
				fyne.LogError("thumbnail "+hash, err)
				return
			}
			u.thumbs[hash] = path
			u.ed.thumbnailReady(hash, path)
			u.renderPreview()
		})
	}
	return ""
}

func (u *UI) wordCount(n int) string {
	return fmt.Sprintf(lang.L("%s words"), vietnamese.FormatInt(n, uiLanguage()))
}

func statusName(s fielddesk.Status) string {
	switch s {
	case fielddesk.StatusDraft:
		return lang.L("Draft")
	case fielddesk.StatusSubmitted:
		return lang.L("Sent")
	case fielddesk.StatusInReview:
		return lang.L("In review")
	case fielddesk.StatusChangesRequested:
		return lang.L("Changes requested")
	case fielddesk.StatusApproved:
		return lang.L("Approved")
	case fielddesk.StatusPublished:
		return lang.L("Published")
	case fielddesk.StatusScheduled:
		return lang.L("Scheduled")
	case fielddesk.StatusCorrecting:
		return lang.L("Being corrected")
	case fielddesk.StatusUpdating:
		return lang.L("Being updated")
	case fielddesk.StatusSpiked:
		return lang.L("Spiked")
	case fielddesk.StatusKilled:
		return lang.L("Killed")
	}
	return string(s)
}

// showError shows what went wrong in the user's language, with the detail.
func (u *UI) showError(what string, err error) {
	fyne.LogError(what, err)
	msg := what + "\n\n" + explain(err)
	d := dialog.NewError(errors.New(msg), u.win)
	d.Show()
}

// explain turns an error into a sentence for the user.
func explain(err error) string {
	if msg, ok := explainWorkflow(err); ok {
		return msg
	}
	var verr *fielddesk.ValidationError
	var full *fielddesk.DiskFullError
	switch {
	case errors.As(err, &full):
		return fmt.Sprintf(lang.L("the disk is full (%s free, FieldDesk needs %s): delete or move some files, and saving resumes by itself"),
			sizeText(full.Free, uiLanguage()), sizeText(full.Need, uiLanguage()))
	case errors.Is(err, photo.ErrTooLarge):
		return lang.L("The picture is too large: FieldDesk takes pictures up to 50 megapixels.") + "\n" + err.Error()
	case errors.Is(err, photo.ErrNotImage):
		return lang.L("This file is not a picture FieldDesk can use (JPEG, PNG, GIF or WebP).")
	case errors.As(err, &verr):
		msg := lang.L("Please check these fields:")
		for _, p := range verr.Problems {
			msg += "\n• " + lang.L(p.Field) + ": " + p.Message
		}
		return msg
	case errors.Is(err, fielddesk.ErrNotFound):
		return lang.L("It is no longer in the data folder.") + "\n" + err.Error()
	case errors.Is(err, fielddesk.ErrFileBusy):
		return lang.L("Another program (often an antivirus scanning a new file) is holding a file FieldDesk needs. Nothing saved before is lost; FieldDesk tries again by itself.") + "\n" + err.Error()
	case errors.Is(err, fielddesk.ErrReadOnly):
		return lang.L("The disk holding the data folder takes no writes (a write-protected card, or a disk the system made read-only). What was saved can still be read.") + "\n" + err.Error()
	case errors.Is(err, fielddesk.ErrDiskGone):
		return lang.L("The disk holding the data folder is not there (a USB drive or memory card pulled out?). Put it back: what was saved is on it.") + "\n" + err.Error()
	}
	return err.Error()
}

// Close saves what is being written and closes the window, as the window's
// close button does.
func (u *UI) Close() { u.closeWindow() }

// closeWindow saves what is being written before the window closes. If the
// save fails, the user decides whether to close anyway.
func (u *UI) closeWindow() {
	u.rememberPlacement(true)
	if err := u.ed.saveBlocking(); err != nil {
		dialog.ShowConfirm(lang.L("Could not save"),
			explain(err)+"\n\n"+lang.L("Close anyway and lose the latest changes?"),
			func(ok bool) {
				if ok {
					u.win.Close()
				}
			}, u.win)
		return
	}
	u.rememberOpen(true)
	u.win.Close()
}

// GraphicsFailed is what to tell a person whose computer cannot open the
// window (its graphics driver offers no OpenGL 2.1), in their language.
func GraphicsFailed() string {
	return lang.L("FieldDesk could not open its window: this computer's graphics driver does not offer OpenGL 2.1, which the window needs. Update the graphics driver (from the maker of the laptop or of its graphics chip), or, on a virtual machine or remote desktop, turn on 3D acceleration. Your articles are safe in the data folder, and the fielddesk commands (fielddesk help) work without a window.")
}

// settings
func (u *UI) showSettings() {
	names := map[string]string{"": lang.L("Follow the system"), "vi": "Tiếng Việt", "en": "English"}
	var options []string
	for _, code := range Languages {
		options = append(options, names[code])
	}
	prefs := u.app.Preferences()
	langSel := widget.NewSelect(options, nil)
	langSel.SetSelected(names[prefs.String(prefLanguage)])
	// The byline and agency type Vietnamese like every prose field.
	byline := u.newEntry(lang.L("Your name, as it appears under your articles"))
	byline.SetText(u.setting(prefByline))
	agency := u.newEntry("TTXVN")
	agency.SetText(u.setting(prefAgency))
	styleNames := map[vietnamese.ToneStyle]string{vietnamese.NewStyle: lang.L("New (hoà, khoẻ, thuỷ)"), vietnamese.OldStyle: lang.L("Old (hòa, khỏe, thủy)")}
	styleSel := widget.NewSelect([]string{styleNames[vietnamese.NewStyle], styleNames[vietnamese.OldStyle]}, nil)
	styleSel.SetSelected(styleNames[u.toneStyle()])
	speed := widget.NewEntry()
	speed.SetText(fmt.Sprint(u.settingInt(prefReadingSpeed, DefaultReadingSpeed)))
	speed.Validator = func(s string) error {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err != nil || n < 50 || n > 1000 {
			return errors.New(lang.L("a number of words a minute, from 50 to 1000"))
		}
		return nil
	}
	originals := originalsNames()
	origSel := widget.NewSelect([]string{originals["never"], originals["unmetered"], originals["always"]}, nil)
	current := "unmetered"
	if u.syncer != nil && u.syncer.SyncStatus().Originals != "" {
		current = u.syncer.SyncStatus().Originals
	}
	origSel.SetSelected(originals[current])
	if u.syncer == nil || !u.syncer.SyncStatus().Configured {
		origSel.Disable()
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Language"), langSel),
		widget.NewFormItem(lang.L("House tone style"), styleSel),
		widget.NewFormItem(lang.L("Reading speed (words a minute)"), speed),
		widget.NewFormItem(lang.L("Default byline"), byline),
		widget.NewFormItem(lang.L("Default agency"), agency),
		widget.NewFormItem(lang.L("Send full-size photos"), origSel),
	)
	d := dialog.NewCustomConfirm(lang.L("Settings"), lang.L("Save"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			return
		}
		for st, name := range styleNames {
			if name == styleSel.Selected {
				u.setSetting(prefToneStyle, string(st), true)
			}
		}
		if n, err := strconv.Atoi(strings.TrimSpace(speed.Text)); err == nil && n >= 50 && n <= 1000 {
			u.setSetting(prefReadingSpeed, strconv.Itoa(n), true)
		}
		for policy, name := range originals {
			if name == origSel.Selected && policy != current && u.syncer != nil {
				var err error
				u.background(func() { err = u.syncer.SetOriginals(u.ctx, policy) }, func() {
					if err != nil {
						u.showError(lang.L("Could not change the photo setting"), err)
					}
				})
			}
		}
		u.setSetting(prefByline, fielddesk.NFC(strings.TrimSpace(byline.Text)), true)
		u.setSetting(prefAgency, fielddesk.NFC(strings.TrimSpace(agency.Text)), true)
		code := ""
		for c, n := range names {
			if n == langSel.Selected {
				code = c
			}
		}
		if code != prefs.String(prefLanguage) {
			prefs.SetString(prefLanguage, code)
			if err := u.ed.saveBlocking(); err != nil {
				u.showError(lang.L("Could not save"), err)
				return
			}
			SetLanguage(code)
			u.build()
			u.refreshList()
		}
	}, u.win)
	d.Resize(fyne.NewSize(520, 300))
	d.Show()
}
