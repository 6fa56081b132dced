package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// editor is the form for one article. It saves by itself shortly after
// typing stops; every save is a new revision.
type editor struct {
	u       *UI
	content *container.Scroll
	// conflicts are the open revision's conflicts (saves keep them; the
	// review pane resolves them).
	conflicts []fielddesk.Conflict

	agency, byline, category, location, tags *vnEntry
	headline                                 *lineField
	sapo                                     *growField
	language                                 *widget.Select
	// urgent marks breaking news ("Tin nóng", ninjs urgency 1 to 3):
	// Alt+N, said on the Send button.
	urgent   bool
	body     *bodyEditor
	sapoHint *widget.Label
	// notice is the top of the form: the editor's request for changes,
	// in plain sight where the correspondent writes.
	notice *fyne.Container

	// article holds what the form does not: ID, creation time, status.
	article fielddesk.Article
	photos  map[string]fielddesk.Photo // every photo this article has used
	base    fielddesk.ID               // the revision the form was loaded from or last saved as
	savedAt time.Time
	// session changes whenever another article is loaded, so late answers
	// for the previous one are ignored.
	session int
	loading bool
	edits   int // bumped on every change
	saved   int // the value of edits at the last successful save
	saving  bool
	again   bool // another save was asked for while one was running
	timer   *time.Timer
	// maxWait runs from the first edit not yet saved: steady typing,
	// which keeps pushing timer back, is saved anyway (AutosaveMaxWait).
	maxWait *time.Timer
	retry   *time.Timer
	cards   map[string][]*canvas.Image // photo hash -> card images waiting for the thumbnail
	// spellTimer checks the spelling again after a pause in typing.
	spellTimer *time.Timer
}

func newEditor(u *UI) *editor {
	e := &editor{u: u, photos: map[string]fielddesk.Photo{}, cards: map[string][]*canvas.Image{}}
	line := func(placeholder string) *vnEntry {
		en := u.newEntry(placeholder)
		en.OnChanged = func(string) { e.changed() }
		return en
	}
	relayout := func() {
		if e.content != nil {
			e.content.Refresh()
			e.body.updateVisible()
		}
	}
	// Vietnamese headlines are long: the headline wraps over as many lines as it needs.
	e.headline = newLineField(relayout, vnInput{method: u.typingMethod, legacy: u.askConvert}, func() { u.win.Canvas().FocusNext() })
	e.headline.SetPlaceHolder(lang.L("Headline"))
	e.headline.TextStyle.Bold = true
	e.headline.OnChanged = func(string) { e.headline.fit(); e.changed() }
	e.sapo = newGrowField(2, relayout, vnInput{method: u.typingMethod, legacy: u.askConvert})
	e.sapo.SetPlaceHolder(lang.L("Sapo: the lead paragraph, in one or two sentences"))
	e.sapo.OnChanged = func(string) { e.sapo.fit(); e.changed() }
	e.agency = line("TTXVN")
	e.byline = line(lang.L("Byline"))
	e.category = line(lang.L("Category"))
	e.location = line(lang.L("Place, province"))
	e.tags = line(lang.L("tag, tag, …"))
	e.language = widget.NewSelect([]string{"vi", "en"}, func(string) { e.changed() })
	e.body = newBodyEditor(e.changed, func(f fyne.Focusable) { u.win.Canvas().Focus(f) })
	e.body.method = u.typingMethod
	e.body.legacy = u.askConvert
	e.body.photoCard = e.photoCard
	e.body.grown = relayout

	meta := container.New(&formGrid{},
		widget.NewLabel(lang.L("Agency")), e.agency, widget.NewLabel(lang.L("Byline")), e.byline,
		widget.NewLabel(lang.L("Category")), e.category, widget.NewLabel(lang.L("Location")), e.location,
		widget.NewLabel(lang.L("Tags")), e.tags, widget.NewLabel(lang.L("Language")), e.language,
	)
	bodyLabel := widget.NewLabelWithStyle(lang.L("Body: Ctrl+B bold, Ctrl+I italic; the Format menu makes headings, lists, quotes and links"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	bodyLabel.Wrapping = fyne.TextWrapWord
	docScroll := func() *container.Scroll { return e.content }
	e.sapoHint = widget.NewLabel("")
	e.sapoHint.Importance = widget.WarningImportance
	e.sapoHint.Wrapping = fyne.TextWrapWord
	e.sapoHint.Hide()
	e.notice = container.NewVBox()
	form := container.NewVBox(e.notice, withScrollPass(container.NewStack(e.headline, e.headline.spellLayer()), docScroll),
		withScrollPass(container.NewStack(e.sapo, e.sapo.spellLayer()), docScroll), e.sapoHint, meta, widget.NewSeparator(), bodyLabel, e.body.box, newTail(e.body))
	e.content = container.NewVScroll(container.NewPadded(form))
	e.body.attachScroll(e.content)
	return e
}

// namedField is a field of the form by the name the settings use for
// the place being edited: the widget that takes the focus and its Entry.
type namedField struct {
	name  string
	w     fyne.Focusable
	entry *widget.Entry
}

// fields are the form's fields other than the body.
func (e *editor) fields() []namedField {
	return []namedField{
		{"headline", e.headline, &e.headline.Entry}, {"sapo", e.sapo, &e.sapo.Entry},
		{"agency", e.agency, &e.agency.Entry}, {"byline", e.byline, &e.byline.Entry},
		{"category", e.category, &e.category.Entry}, {"location", e.location, &e.location.Entry},
		{"tags", e.tags, &e.tags.Entry},
	}
}

// place is the field with the keyboard focus and the cursor in it (the
// headline's start when the focus is elsewhere).
func (e *editor) place() editPlace {
	focused := e.u.win.Canvas().Focused()
	for _, f := range e.fields() {
		if focused != nil && focused == f.w {
			return editPlace{field: f.name, off: f.entry.CursorTextOffset()}
		}
	}
	if t := e.body.focused; t != nil && focused == fyne.Focusable(t) {
		return editPlace{field: "body", block: e.body.index(t), off: t.CursorTextOffset()}
	}
	return editPlace{field: "headline"}
}

// goTo puts the keyboard focus and the cursor back at a place, and
// scrolls it into view.
func (e *editor) goTo(p editPlace) {
	var target fyne.Focusable
	var entry *widget.Entry
	var obj fyne.CanvasObject
	if p.field == "body" {
		for i := min(p.block, len(e.body.blocks)-1); i >= 0 && i < len(e.body.blocks); i++ {
			if t, ok := e.body.blocks[i].(*textBlock); ok {
				target, entry, obj = t, &t.Entry, t.view
				if i != p.block {
					p.off = 0
				}
				break
			}
		}
	} else {
		for _, f := range e.fields() {
			if f.name == p.field {
				target, entry, obj = f.w, f.entry, f.w.(fyne.CanvasObject)
			}
		}
	}
	if target == nil {
		target, entry, obj, p = e.headline, &e.headline.Entry, fyne.CanvasObject(e.headline), editPlace{}
	}
	setCursorOffset(entry, p.off)
	e.scrollTo(obj)
	e.u.win.Canvas().Focus(target)
	entry.Refresh()
}

// scrollTo scrolls the form so that obj is in view, a little below the top.
func (e *editor) scrollTo(obj fyne.CanvasObject) { e.body.reveal(obj) }

// formGrid lays out label/field pairs in two columns of pairs.
type formGrid struct{}

func (formGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i := 0; i+3 < len(objs); i += 4 {
		rw := objs[i].MinSize().Width + objs[i+1].MinSize().Width + objs[i+2].MinSize().Width + objs[i+3].MinSize().Width
		w = max(w, rw+3*theme.Padding())
		h += max(objs[i+1].MinSize().Height, objs[i+3].MinSize().Height) + theme.Padding()
	}
	return fyne.NewSize(w, h)
}

func (formGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	var labelW float32
	for i := 0; i < len(objs); i += 2 {
		labelW = max(labelW, objs[i].MinSize().Width)
	}
	fieldW := (size.Width - 2*labelW - 3*pad) / 2
	var y float32
	for i := 0; i+3 < len(objs); i += 4 {
		rowH := max(objs[i+1].MinSize().Height, objs[i+3].MinSize().Height)
		x := float32(0)
		for k := 0; k < 4; k++ {
			w := labelW
			if k%2 == 1 {
				w = fieldW
			}
			objs[i+k].Move(fyne.NewPos(x, y))
			objs[i+k].Resize(fyne.NewSize(w, rowH))
			x += w + pad
		}
		y += rowH + pad
	}
}

// changed records an edit and (re)starts the autosave and preview timers.
func (e *editor) changed() {
	if e.loading {
		return
	}
	e.edits++
	e.u.debounce(&e.timer, e.u.AutosaveDelay, e.autosave)
	if e.maxWait == nil {
		e.maxWait = time.AfterFunc(e.u.AutosaveMaxWait, func() { e.u.work.do(e.autosave) })
	}
	e.u.schedulePreview()
	e.spellingChanged()
}

func (e *editor) dirty() bool { return e.edits != e.saved }

// urgentDefault is the urgency the Breaking news box gives (ninjs: 1 is
// kept for the rare flash; 2 is breaking news).
const urgentDefault = 2

// collect reads the form into an article.
func (e *editor) collect() fielddesk.Article {
	a := e.article
	a.Headline = e.headline.Text
	a.Sapo = e.sapo.Text
	a.Agency = e.agency.Text
	a.Byline = e.byline.Text
	a.Category = e.category.Text
	a.Location = e.location.Text
	a.Language = e.language.Selected
	switch {
	case e.urgent && !fielddesk.IsUrgent(a.Urgency):
		a.Urgency = urgentDefault
	case !e.urgent && fielddesk.IsUrgent(a.Urgency):
		a.Urgency = 0
	}
	a.Body = e.body.Text()
	a.Tags = nil
	for _, t := range strings.Split(e.tags.Text, ",") {
		if t = strings.TrimSpace(t); t != "" {
			a.Tags = append(a.Tags, t)
		}
	}
	a.Photos = nil
	for _, h := range fielddesk.PhotoRefs(a.Body) {
		if p, ok := e.photos[h]; ok {
			a.Photos = append(a.Photos, p)
		}
	}
	return a
}

// isBlank reports whether a new article has nothing worth saving yet.
func (e *editor) isBlank(a fielddesk.Article) bool {
	return a.ID == "" && strings.TrimSpace(a.Headline+a.Sapo+a.Body) == ""
}

func (e *editor) autosave() { e.save(false) }

func (e *editor) stopMaxWait() {
	if e.maxWait != nil {
		e.maxWait.Stop()
		e.maxWait = nil
	}
}

// saveNow saves at once (Ctrl+S), even when nothing changed since the last save.
func (e *editor) saveNow() { e.save(true) }

// save writes a revision in the background. The status line says "saved"
// only once the store has made it durable.
func (e *editor) save(force bool) {
	if e.timer != nil {
		e.timer.Stop()
	}
	e.stopMaxWait() // the edits so far go now (or right after the save under way)
	if !e.dirty() && !force {
		return
	}
	if e.saving {
		e.again = true
		return
	}
	a := e.collect()
	if e.isBlank(a) {
		return
	}
	e.saving = true
	edits, session, base := e.edits, e.session, e.base
	e.u.status.SetText(lang.L("Saving…"))
	var rev fielddesk.Revision
	var err error
	e.u.background(func() { rev, err = e.u.backend.Save(e.u.ctx, a, base) }, func() {
		e.saving = false
		if session == e.session {
			e.afterSave(rev, err, edits)
		}
		if e.again {
			e.again = false
			e.save(false)
		}
	})
}

// afterSave updates the form's state with a save's outcome.
func (e *editor) afterSave(rev fielddesk.Revision, err error, edits int) {
	if err == nil && edits < e.saved {
		return // a newer save (made while this one ran) already counts
	}
	if errors.Is(err, fielddesk.ErrNotAllowed) && e.article.ID != "" {
		// The article moved into a state that forbids editing before this
		// save (a sync brought it): the text goes into a new draft.
		e.u.reloadOpen(true)
		return
	}
	if err != nil {
		e.u.status.SetText(fmt.Sprintf(lang.L("Not saved: %s. Your text is still here; FieldDesk tries again in a few seconds."), explainLine(err)))
		e.u.status.Importance = widget.DangerImportance
		e.u.status.Refresh()
		if e.retry != nil {
			e.retry.Stop()
		}
		e.retry = time.AfterFunc(e.u.RetryDelay, func() { e.u.work.do(func() { e.save(true) }) })
		return
	}
	wasNew := e.article.ID == ""
	e.u.headlines[rev.Article.ID] = rev.Article.Headline
	e.article.ID = rev.Article.ID
	e.article.Created = rev.Article.Created
	e.article.Status = rev.Article.Status
	e.base = rev.ID
	e.savedAt = rev.Saved
	e.saved = edits
	e.u.updateSendButton()
	e.u.status.Importance = widget.MediumImportance
	e.u.status.SetText(fmt.Sprintf(lang.L("Saved at %s"), rev.Saved.Local().Format("15:04:05")))
	e.u.setTitle(rev.Article.Headline)
	e.u.rememberOpen(false)
	e.u.rememberPlacement(false)
	e.u.checkClock()
	if wasNew {
		e.u.refreshList()
	} else {
		e.u.updateListItem(rev)
	}
}

func explainLine(err error) string {
	// The line goes on after it ("…: %s. Your text is still here"): no stop of its own.
	return strings.TrimRight(strings.ReplaceAll(explain(err), "\n", " "), ". ")
}

// saveBlocking saves on the calling goroutine (used when the window closes).
func (e *editor) saveBlocking() error {
	if !e.dirty() {
		return nil
	}
	a := e.collect()
	if e.isBlank(a) {
		return nil
	}
	rev, err := e.u.backend.Save(e.u.ctx, a, e.base)
	if errors.Is(err, fielddesk.ErrNotAllowed) && a.ID != "" {
		// The article can no longer change here (a sync brought a state
		// that forbids it): the text is kept as a new draft.
		e.becomeNewDraft()
		if rev, err = e.u.backend.Save(e.u.ctx, e.collect(), ""); err == nil {
			e.u.keptAsDraft(fmt.Sprintf(lang.L("“%s” can no longer change: the newsroom moved it on. What you typed is kept as a new draft."), a.Headline))
		}
	}
	if err != nil {
		return err
	}
	e.afterSave(rev, nil, e.edits)
	return nil
}

// flush saves pending changes before another article is shown.
//
// Before another article replaces this one in the form, its changes are
// saved at once (a few milliseconds); if that fails the switch is refused,
// so no word is dropped with the form. It reports whether the switch may go on.
func (e *editor) flush() bool {
	if err := e.saveBlocking(); err != nil {
		e.u.showError(lang.L("Could not save"), err)
		return false
	}
	return true
}

// clear shows an empty new article.
func (e *editor) clear() {
	e.show(fielddesk.Revision{Article: fielddesk.Article{
		Language: fielddesk.DefaultLanguage,
		Byline:   e.u.setting(prefByline),
		Agency:   e.u.setting(prefAgency),
	}})
	e.u.status.SetText(lang.L("New article: it is saved as soon as you type"))
}

// open loads the newest revision of an article, after saving the current one.
func (e *editor) open(id fielddesk.ID) { e.openAt(id, editPlace{}) }

// openAt opens an article with the cursor at a place (the zero place: the
// form's top, no focus).
func (e *editor) openAt(id fielddesk.ID, at editPlace) {
	if !e.flush() {
		e.u.selectCurrent()
		return
	}
	var rev fielddesk.Revision
	var err error
	e.u.background(func() { rev, err = e.u.backend.Latest(e.u.ctx, id) }, func() {
		if err != nil {
			e.u.showError(lang.L("Could not open the article"), err)
			return
		}
		e.opened(rev)
		if at != (editPlace{}) {
			e.goTo(at)
		}
	})
}

// opened shows a revision just loaded from the store.
func (e *editor) opened(rev fielddesk.Revision) {
	e.show(rev)
	e.u.status.SetText(fmt.Sprintf(lang.L("Saved at %s"), rev.Saved.Local().Format("02/01/2006 15:04:05")))
	e.u.rememberOpen(false)
}

// reopenLast opens the article that was open when the window last closed
// (or the app stopped), at the place being edited. It reports whether
// there was one to open.
func (e *editor) reopenLast() bool {
	last, ok := parseLastOpen(e.u.setting(prefLastOpen))
	if !ok {
		return false
	}
	var rev fielddesk.Revision
	var err error
	e.u.background(func() {
		rev, err = e.u.backend.Latest(e.u.ctx, fielddesk.ID(last.id))
		trashed, terr := e.u.backend.Trashed(e.u.ctx)
		for _, s := range trashed {
			if s.ID == rev.Article.ID && terr == nil {
				err = fmt.Errorf("article %s is in the trash: %w", s.ID, fielddesk.ErrNotFound)
			}
		}
	}, func() {
		if e.article.ID != "" || e.dirty() {
			return // meanwhile the person opened or began another
		}
		if err != nil {
			// Gone (deleted, or a new data folder): a new article, as on a first start.
			fyne.LogError("reopen the last article", err)
			e.u.setSetting(prefLastOpen, "", false)
			e.u.win.Canvas().Focus(e.headline)
			return
		}
		e.opened(rev)
		e.u.selectCurrent()
		e.goTo(last.place)
	})
	return true
}

// show puts a revision in the form.
func (e *editor) show(rev fielddesk.Revision) {
	if e.timer != nil {
		e.timer.Stop()
	}
	e.stopMaxWait()
	if e.retry != nil {
		e.retry.Stop()
	}
	a := rev.Article
	e.session++
	e.loading = true
	e.article = fielddesk.Article{ID: a.ID, Created: a.Created, Status: a.Status}
	if e.article.Status == "" {
		e.article.Status = fielddesk.StatusDraft
	}
	e.u.updateSendButton()
	e.base = rev.ID
	e.savedAt = rev.Saved
	e.photos = map[string]fielddesk.Photo{}
	for _, p := range a.Photos {
		e.photos[p.Hash] = p
	}
	e.headline.SetText(a.Headline)
	e.sapo.SetText(a.Sapo)
	e.agency.SetText(a.Agency)
	e.byline.SetText(a.Byline)
	e.category.SetText(a.Category)
	e.location.SetText(a.Location)
	e.tags.SetText(strings.Join(a.Tags, ", "))
	e.urgent = fielddesk.IsUrgent(a.Urgency)
	e.u.updateSendButton()
	if a.Language == "" {
		a.Language = fielddesk.DefaultLanguage
	}
	if a.Language != "vi" && a.Language != "en" {
		e.language.Options = []string{"vi", "en", a.Language}
	}
	e.language.SetSelected(a.Language)
	e.cards = map[string][]*canvas.Image{}
	e.body.SetText(a.Body)
	e.loading = false
	e.edits, e.saved, e.again = 0, 0, false
	e.u.status.Importance = widget.MediumImportance
	e.u.setTitle(a.Headline)
	e.conflicts = a.Conflicts
	e.u.renderPreview()
	e.checkSpelling(false)
	switch {
	case e.u.editLocked() != nil:
		e.u.setReading(true) // its text can no longer change
	case e.u.canRead():
		if e.u.review.article != a.ID {
			e.u.setReading(true) // an editor opens an article to read it first
		}
	case e.u.review.reading:
		e.u.setReading(false)
	}
	e.u.loadReview()
}

// photoCard is a placed photo in the body: thumbnail, caption, credit and
// buttons to move or remove it.
func (e *editor) photoCard(f fielddesk.Figure, fb *figureBlock) fyne.CanvasObject {
	img := canvas.NewImageFromResource(theme.FileImageIcon())
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(160, 120))
	if path := e.u.thumbnail(f.Hash); path != "" {
		img.File, img.Resource = path, nil
	} else {
		e.cards[f.Hash] = append(e.cards[f.Hash], img)
	}
	// A caption shows whole: it grows with its text.
	caption := newGrowField(2, e.body.grown, vnInput{method: e.u.typingMethod, legacy: e.u.askConvert})
	caption.SetPlaceHolder(lang.L("Caption: what the photo shows"))
	caption.SetText(f.Caption)
	credit := e.u.newEntry(lang.L("Photographer (credit)"))
	credit.SetText(f.Credit)
	update := func(string) { caption.fit(); e.body.UpdateFigure(fb, caption.Text, credit.Text) }
	caption.OnChanged, credit.OnChanged = update, update
	name := f.Hash[:12]
	if p, ok := e.photos[f.Hash]; ok {
		name = fmt.Sprintf("%s · %d×%d", p.Name, p.Width, p.Height)
	}
	info := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	info.Truncation = fyne.TextTruncateEllipsis
	up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { e.body.MoveFigure(fb, -1) })
	down := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { e.body.MoveFigure(fb, +1) })
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { e.body.RemoveFigure(fb) })
	buttons := container.NewVBox(up, down, remove)
	fb.caption = &caption.growEntry
	captionView := withScrollPass(container.NewStack(caption, caption.spellLayer()), func() *container.Scroll { return e.content })
	return widget.NewCard("", "", container.NewBorder(nil, nil, img, buttons, container.NewVBox(info, captionView, credit)))
}

// thumbnailReady puts a thumbnail that has just been made into the cards waiting for it.
func (e *editor) thumbnailReady(hash, path string) {
	for _, img := range e.cards[hash] {
		img.File, img.Resource = path, nil
		img.Refresh()
	}
	delete(e.cards, hash)
}

// addPhoto stores a picture and places it after the paragraph being edited.
func (e *editor) addPhoto(name string, open func() (io.ReadCloser, error)) {
	session := e.session
	var p fielddesk.Photo
	var err error
	e.u.status.SetText(fmt.Sprintf(lang.L("Adding photo %s…"), name))
	e.u.background(func() {
		var r io.ReadCloser
		if r, err = open(); err != nil {
			return
		}
		defer r.Close()
		p, err = e.u.backend.AddPhoto(e.u.ctx, name, r)
	}, func() {
		if err != nil {
			e.u.status.SetText(fmt.Sprintf(lang.L("Photo %s was not added"), name))
			e.u.showError(fmt.Sprintf(lang.L("Could not add the photo %s"), name), err)
			return
		}
		if session != e.session {
			return
		}
		e.photos[p.Hash] = p
		e.body.InsertFigure(fielddesk.Figure{Hash: p.Hash})
		e.u.status.SetText(fmt.Sprintf(lang.L("Photo %s added: write its caption and credit"), name))
	})
}

func (u *UI) addPhotoDialog() {
	remember := func(path string) {
		if dir := filepath.Dir(path); dir != "" && dir != u.setting(prefPhotoDir) {
			u.setSetting(prefPhotoDir, dir, false)
		}
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(lang.L("Could not open the file"), err)
			return
		}
		if r == nil {
			return
		}
		remember(r.URI().Path())
		u.ed.addPhoto(r.URI().Name(), func() (io.ReadCloser, error) { return r, nil })
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".JPG", ".JPEG", ".png", ".PNG", ".gif", ".webp"}))
	u.showFileDialog(d, u.picturesDir(), func(path string) {
		remember(path)
		u.ed.addPhoto(filepath.Base(path), func() (io.ReadCloser, error) { return os.Open(path) })
	})
}

// dropped adds pictures dragged onto the window.
func (u *UI) dropped(_ fyne.Position, uris []fyne.URI) {
	for _, uri := range uris {
		uri := uri
		u.ed.addPhoto(uri.Name(), func() (io.ReadCloser, error) { return storage.Reader(uri) })
	}
}

// updateListItem refreshes one article's line after a save without reloading the list.
func (u *UI) updateListItem(rev fielddesk.Revision) {
	if u.sortAZ || strings.TrimSpace(u.filter.Text) != "" {
		u.refreshList() // the order depends on the text: ask again
		return
	}
	for i, s := range u.items {
		if s.ID == rev.Article.ID {
			u.items[i].Headline = rev.Article.Headline
			u.items[i].Snippet, u.items[i].Matches = "", nil
			u.items[i].Updated = rev.Saved
			u.items[i].Words = rev.Words
			u.items[i].Head = rev.ID
			u.items[i].Status = rev.Article.Status
			if i != 0 {
				// Newest first: the article just saved moves to the top.
				it := u.items[i]
				copy(u.items[1:i+1], u.items[:i])
				u.items[0] = it
				u.list.UnselectAll()
				u.list.Refresh()
				u.selectCurrent()
			} else {
				u.list.RefreshItem(i)
			}
			return
		}
	}
	u.refreshList()
}

// restyle rewrites every text of the article in a tone-mark style and
// returns how many words changed. Changed fields count as edits (and save).
func (e *editor) restyle(style vietnamese.ToneStyle) int {
	total := 0
	for _, f := range []*widget.Entry{&e.headline.Entry, &e.sapo.Entry, &e.byline.Entry, &e.category.Entry, &e.location.Entry, &e.tags.Entry} {
		if out, n := vietnamese.ApplyToneStyle(f.Text, style); n > 0 {
			f.SetText(out)
			total += n
		}
	}
	if out, n := vietnamese.ApplyToneStyle(e.body.Text(), style); n > 0 {
		e.body.SetText(out)
		total += n
		e.changed()
	}
	return total
}
