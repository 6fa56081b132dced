package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// Syncer is what the window needs from the sync engine (sync/client's
// Client). It works in the background; the window only shows its status
// and passes on what the user asks.
type Syncer interface {
	SyncStatus() fielddesk.SyncStatus
	// SyncNow asks for an exchange at once.
	SyncNow()
	// LoginWindow logs this device in, trusting the server's certificate
	// as trust says (nothing more than the public authorities when empty);
	// the password is not kept. An error wrapping a
	// *fielddesk.UntrustedCertificateError names the certificate shown.
	LoginWindow(ctx context.Context, server, user, password string, trust fielddesk.ServerTrust) error
	// SetOriginals sets when full-size photos go: never, unmetered or always.
	SetOriginals(ctx context.Context, policy string) error
	// WantOriginals asks the newsroom for the full-size photos (an editor
	// holding only their small copies): their authors' apps send them first.
	WantOriginals(ctx context.Context, hashes []string) error
}

// syncPanel is the sync status area under the article list.
type syncPanel struct {
	box      *fyne.Container
	state    *widget.Label
	waiting  *widget.Label
	last     *widget.Label
	problem  *widget.Label
	photos   *fyne.Container
	now      *widget.Button
	login    *widget.Button
	shown    fielddesk.SyncStatus
	lastSeen time.Time // LastSync when the list was last refreshed
	draws    int       // times the panel was drawn (bursts of updates draw once)
}

// maxPhotoBars is how many photo progress bars the panel shows at once.
const maxPhotoBars = 4

func (u *UI) newSyncPanel() *syncPanel {
	p := &syncPanel{
		state: widget.NewLabel(""), waiting: widget.NewLabel(""), last: widget.NewLabel(""),
		problem: widget.NewLabel(""), photos: container.NewVBox(),
	}
	for _, l := range []*widget.Label{p.state, p.waiting, p.last, p.problem} {
		l.Wrapping = fyne.TextWrapWord
	}
	// The details in small type: the list above keeps its room.
	for _, l := range []*widget.Label{p.waiting, p.last} {
		l.SizeName = theme.SizeNameCaptionText
	}
	p.state.TextStyle.Bold = true
	p.problem.Importance = widget.DangerImportance
	p.now = widget.NewButtonWithIcon(lang.L("Sync now"), theme.ViewRefreshIcon(), u.syncNow)
	p.login = widget.NewButtonWithIcon(lang.L("Connect to the newsroom…"), theme.LoginIcon(), u.showLogin)
	// Only one of the two buttons shows at a time: a VBox gives the
	// column the width of the one shown (a grid would double it).
	p.box = container.NewVBox(widget.NewSeparator(), p.state, p.waiting, p.photos, p.last, p.problem, p.now, p.login)
	return p
}

// SetSyncer connects the window to the sync engine.
func (u *UI) SetSyncer(s Syncer) {
	u.syncer = s
	u.showSync(s.SyncStatus())
}

// SyncChanged tells the window the engine's status changed; it may be
// called from any goroutine, as often as the engine likes: the window
// redraws at most a few times a second.
func (u *UI) SyncChanged(s fielddesk.SyncStatus) {
	u.syncMu.Lock()
	u.syncLatest = s
	pending := u.syncPending
	u.syncPending = true
	u.syncMu.Unlock()
	if pending {
		return
	}
	u.work.pending.Add(1)
	time.AfterFunc(200*time.Millisecond, func() {
		u.work.do(func() {
			defer u.work.pending.Add(-1)
			u.syncMu.Lock()
			s := u.syncLatest
			u.syncPending = false
			u.syncMu.Unlock()
			u.showSync(s)
		})
	})
}

type syncState struct {
	syncMu      sync.Mutex
	syncLatest  fielddesk.SyncStatus
	syncPending bool
	syncer      Syncer
	sync        *syncPanel
}

func (u *UI) syncNow() {
	if u.syncer == nil || !u.syncer.SyncStatus().Configured {
		u.showLogin()
		return
	}
	u.syncer.SyncNow()
	u.sync.state.SetText(lang.L("Connecting to the newsroom…"))
}

// showSync draws the engine's status (UI goroutine).
func (u *UI) showSync(s fielddesk.SyncStatus) {
	p := u.sync
	if p == nil {
		return
	}
	p.shown = s
	p.draws++
	if u.win != nil && u.menuRole != u.role() {
		u.win.SetMainMenu(u.menu()) // the Review menu lists the new role's actions
	}
	if u.syncer == nil || !s.Configured {
		p.state.SetText(lang.L("Not connected to a newsroom: articles stay on this computer."))
		p.waiting.Hide()
		p.last.Hide()
		p.problem.Hide()
		p.photos.RemoveAll()
		p.now.Hide()
		p.login.Show()
		return
	}
	p.login.Hide()
	p.now.Show()
	lg := uiLanguage()
	switch {
	case s.Syncing:
		p.state.SetText(fmt.Sprintf(lang.L("Sending to %s…"), hostOf(s.Server)))
	case s.Online:
		p.state.SetText(fmt.Sprintf(lang.L("Online: %s"), hostOf(s.Server)))
	default:
		p.state.SetText(lang.L("Offline: everything waits here safely"))
	}
	var waits []string
	if s.ArticlesWaiting > 0 {
		waits = append(waits, fmt.Sprintf(lang.L("%s article(s)"), vietnamese.FormatInt(s.ArticlesWaiting, lg)))
	}
	if n := len(s.Photos); n > 0 {
		waits = append(waits, fmt.Sprintf(lang.L("%s photo(s), %s"), vietnamese.FormatInt(n, lg), sizeText(s.BytesWaiting(), lg)))
	}
	if len(waits) == 0 {
		p.waiting.SetText(lang.L("Nothing waits to be sent."))
	} else {
		p.waiting.SetText(lang.L("Waiting: ") + strings.Join(waits, "; "))
	}
	p.waiting.Show()
	p.photos.RemoveAll()
	for i, ph := range s.Photos {
		if i == maxPhotoBars {
			p.photos.Add(widget.NewLabel(fmt.Sprintf(lang.L("and %s more"), vietnamese.FormatInt(len(s.Photos)-i, lg))))
			break
		}
		bar := widget.NewProgressBar()
		bar.Max = float64(max(ph.Total, 1))
		bar.SetValue(float64(min(ph.Done, ph.Total)))
		copyName := lang.L("original")
		if ph.Rendition {
			copyName = lang.L("small copy first")
		}
		done, total := sizeText(min(ph.Done, ph.Total), lg), sizeText(ph.Total, lg)
		bar.TextFormatter = func() string { return fmt.Sprintf("%s: %s / %s", copyName, done, total) }
		bar.Refresh()
		what := u.photoName(ph)
		if ph.Waiting != "" {
			what += ": " + lang.L(ph.Waiting)
		}
		label := widget.NewLabel(what)
		label.Truncation = fyne.TextTruncateEllipsis
		label.SizeName = theme.SizeNameCaptionText
		p.photos.Add(container.NewVBox(label, bar))
	}
	if s.LastSync.IsZero() {
		p.last.SetText(lang.L("Never synced yet."))
	} else {
		p.last.SetText(fmt.Sprintf(lang.L("Last sync: %s"), s.LastSync.Local().Format("02/01 15:04")))
	}
	p.last.Show()
	var problems []string
	if s.LastError != "" && !s.Syncing {
		msg := fmt.Sprintf(lang.L("Last try failed: %s"), explainSync(s))
		if !s.NextTry.IsZero() && s.NextTry.After(time.Now()) {
			msg += " " + fmt.Sprintf(lang.L("Trying again at %s."), s.NextTry.Local().Format("15:04:05"))
		}
		problems = append(problems, msg)
	}
	for id, why := range s.Problems {
		problems = append(problems, fmt.Sprintf(lang.L("Not taken by the newsroom: %s (%s)"), u.headlineOf(id), why))
	}
	p.problem.SetText(strings.Join(problems, "\n"))
	p.problem.Hidden = len(problems) == 0
	p.problem.Refresh()
	u.askLinkCost(s)
	u.tellKeptAsDraft(s.KeptAsDraft)
	// Articles may have arrived (an editor's device): list them.
	touched := u.notify(s.News)
	if u.awaitingDelivery && s.LastSync.After(u.deliverySince) && s.ArticlesWaiting == 0 && !s.Syncing {
		u.awaitingDelivery = false
		u.status.SetText(fmt.Sprintf(lang.L("Delivered to the newsroom at %s."), s.LastSync.Local().Format("15:04")))
	}
	if !s.LastSync.IsZero() && !s.LastSync.Equal(p.lastSeen) {
		p.lastSeen = s.LastSync
		u.refreshList()
		u.reloadOpen(touched) // one read of the open article per sync
	} else if touched {
		u.reloadOpen(true)
	}
}

// tellKeptAsDraft says once (kept in the data folder) of each article the
// newsroom had moved on while this computer changed it: what was typed
// here is a new draft, in the list.
func (u *UI) tellKeptAsDraft(kept map[fielddesk.ID]fielddesk.ID) {
	told := strings.Fields(u.setting(prefKeptTold))
	var lines []string
	for article, draft := range kept {
		if slices.Contains(told, string(draft)) {
			continue
		}
		told = append(told, string(draft))
		lines = append(lines, fmt.Sprintf(lang.L("%s can no longer change: the newsroom moved it on while this computer changed it. What you typed is kept as a new draft, in the list."), u.headlineOf(article)))
	}
	if len(lines) == 0 {
		return
	}
	const keep = 50 // the newest are enough: an answer is not repeated
	told = told[max(0, len(told)-keep):]
	u.setSetting(prefKeptTold, strings.Join(told, " "), false)
	msg := strings.Join(lines, "\n")
	u.status.SetText(msg)
	u.app.SendNotification(fyne.NewNotification(lang.L("Kept as a new draft"), msg))
	u.refreshList()
}

// explainSync says the engine's last failure in the person's language by
// its kind, or as the engine put it when it has none.
func explainSync(s fielddesk.SyncStatus) string {
	switch s.ErrorKind {
	case fielddesk.SyncNoLink:
		return lang.L("no link to the newsroom server (the connection dropped or is missing).")
	case fielddesk.SyncUnauthorized:
		return lang.L("the newsroom no longer knows this computer: connect again.")
	case fielddesk.SyncServerOlder:
		return lang.L("the newsroom server is older than this app: ask the newsroom to update it.")
	case fielddesk.SyncAppOlder:
		return lang.L("the app and the newsroom server are different versions: update the app.")
	case fielddesk.SyncPortal:
		return lang.L("a Wi-Fi login page answered instead of the newsroom: open a browser and log in to the Wi-Fi.")
	case fielddesk.SyncServerFull:
		return lang.L("the newsroom server's disk is full: nothing is lost, FieldDesk tries again later.")
	case fielddesk.SyncServerUnavailable:
		return lang.L("the newsroom server cannot reach its storage for a moment: nothing is lost, FieldDesk tries again shortly.")
	case fielddesk.SyncDiskFull:
		return lang.L("this computer's disk is full: delete or move some files.")
	case fielddesk.SyncUntrusted:
		return lang.L("the newsroom server's certificate is not the one this computer trusts: ask the newsroom, then connect again.")
	case fielddesk.SyncTooLarge:
		return lang.L("the newsroom's server refuses an article this long: ask the newsroom to raise its request size limit.")
	}
	return s.LastError
}

func hostOf(server string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(server, "https://"), "http://")
	return strings.TrimSuffix(s, "/")
}

// sizeText writes a byte count for people.
func sizeText(n int64, lg string) string {
	switch {
	case n >= 1<<20:
		s := fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		if lg == "vi" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case n >= 1<<10:
		return vietnamese.FormatInt(int(n>>10), lg) + " KB"
	}
	return vietnamese.FormatInt(int(n), lg) + " B"
}

// headlineOf names an article by its headline for the sync area, never
// by its ID.
func (u *UI) headlineOf(id fielddesk.ID) string {
	if id == u.ed.article.ID && strings.TrimSpace(u.ed.headline.Text) != "" {
		return "“" + strings.TrimSpace(u.ed.headline.Text) + "”"
	}
	if h := u.headlines[id]; h != "" {
		return "“" + h + "”"
	}
	return lang.L("an article without a headline")
}

func (u *UI) photoName(ph fielddesk.PhotoProgress) string {
	if ph.Article == u.ed.article.ID {
		if p, ok := u.ed.photos[ph.Hash]; ok && p.Name != "" {
			return p.Name
		}
	}
	return fmt.Sprintf(lang.L("Photo of %s"), u.headlineOf(ph.Article))
}

// showLogin asks for the newsroom server and an account, and logs in.
func (u *UI) showLogin() {
	if u.syncer == nil {
		return
	}
	st := u.syncer.SyncStatus()
	server := widget.NewEntry()
	server.SetPlaceHolder("https://toasoan.example.vn")
	server.SetText(st.Server)
	user := widget.NewEntry()
	user.SetText(st.User)
	password := widget.NewPasswordEntry()
	errLabel := widget.NewLabel("")
	errLabel.Importance = widget.DangerImportance
	errLabel.Wrapping = fyne.TextWrapWord
	errLabel.Hide()
	form := container.NewVBox(widget.NewForm(
		widget.NewFormItem(lang.L("Newsroom server"), server),
		widget.NewFormItem(lang.L("User name"), user),
		widget.NewFormItem(lang.L("Password"), password),
	), errLabel)
	// A newsroom's own certificate: its authority's file, or the
	// fingerprint the person compared and chose to trust.
	var trust fielddesk.ServerTrust
	caLabel := widget.NewLabel("")
	caLabel.Hide()
	trustButton := widget.NewButtonWithIcon(lang.L("Trust this certificate"), theme.ConfirmIcon(), nil)
	trustButton.Hide()
	caButton := widget.NewButtonWithIcon(lang.L("Newsroom's certificate authority file…"), theme.FileIcon(), func() {
		dialog.ShowFileOpen(func(rc fyne.URIReadCloser, err error) {
			if err != nil || rc == nil {
				return
			}
			defer rc.Close()
			pem, err := io.ReadAll(io.LimitReader(rc, 1<<20))
			if err != nil {
				return
			}
			trust.CAPEM, trust.Pin = pem, ""
			caLabel.SetText(fmt.Sprintf(lang.L("Trusting the authority in %s"), rc.URI().Name()))
			caLabel.Show()
		}, u.win)
	})
	caButton.Importance = widget.LowImportance
	form.Add(container.NewHBox(caButton, trustButton))
	form.Add(caLabel)
	var d *dialog.CustomDialog
	connect := widget.NewButtonWithIcon(lang.L("Connect"), theme.LoginIcon(), nil)
	connect.Importance = widget.HighImportance
	connect.OnTapped = func() {
		connect.Disable()
		trustButton.Hide()
		errLabel.SetText(lang.L("Connecting…"))
		errLabel.Importance = widget.MediumImportance
		errLabel.Show()
		s, n, pw, tr := server.Text, user.Text, password.Text, trust
		var err error
		u.background(func() { err = u.syncer.LoginWindow(u.ctx, s, n, pw, tr) }, func() {
			connect.Enable()
			if err != nil {
				errLabel.Importance = widget.DangerImportance
				errLabel.SetText(loginError(err))
				var untrusted *fielddesk.UntrustedCertificateError
				if errors.As(err, &untrusted) {
					fp := untrusted.Fingerprint
					trustButton.OnTapped = func() {
						trust = fielddesk.ServerTrust{Pin: fp}
						caLabel.SetText(fmt.Sprintf(lang.L("Trusting the certificate %s"), fp))
						caLabel.Show()
						connect.OnTapped()
					}
					trustButton.Show()
				}
				return
			}
			d.Hide()
			u.status.SetText(fmt.Sprintf(lang.L("Connected to %s as %s"), hostOf(s), n))
			u.showSync(u.syncer.SyncStatus())
		})
	}
	password.OnSubmitted = func(string) { connect.OnTapped() }
	d = dialog.NewCustomWithoutButtons(lang.L("Connect to the newsroom"), form, u.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("Cancel"), func() { d.Hide() }), connect})
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
	u.win.Canvas().Focus(server)
	if st.Server != "" {
		u.win.Canvas().Focus(password)
	}
}

func loginError(err error) string {
	msg := err.Error()
	var untrusted *fielddesk.UntrustedCertificateError
	if errors.As(err, &untrusted) {
		if untrusted.Changed {
			return fmt.Sprintf(lang.L("The server's certificate is not the one this computer trusts for it (it is now %s). Someone may be in the way, or the newsroom changed it: ask the newsroom before trusting it."), untrusted.Fingerprint)
		}
		return fmt.Sprintf(lang.L("The server's certificate is not trusted (the link itself works). Its fingerprint is %s: compare it with the one the newsroom gave you, then trust it, or choose the newsroom's authority file."), untrusted.Fingerprint)
	}
	switch {
	case strings.Contains(msg, "wrong user name or password"):
		return lang.L("Wrong user name or password.")
	case strings.Contains(msg, "too many failed logins"):
		return lang.L("Too many failed tries: wait a few minutes.")
	case strings.Contains(msg, "write it as"):
		return lang.L("Write the server address as https://name.of.server")
	case strings.Contains(msg, "no link to the server"):
		return lang.L("Cannot reach the server: check the address and the connection.")
	}
	return msg
}

// originalsNames are the photo originals policies as the settings show them.
func originalsNames() map[string]string {
	return map[string]string{
		"never":     lang.L("Never (small copies only)"),
		"unmetered": lang.L("Only on Wi-Fi or cable (not on mobile data)"),
		"always":    lang.L("Always"),
	}
}

// send marks the open article submitted and queues it for the newsroom.
func (u *UI) send() {
	e := u.ed
	if err := e.saveBlocking(); err != nil {
		u.showError(lang.L("Could not save"), err)
		return
	}
	if e.article.ID == "" {
		u.status.SetText(lang.L("Write something first: an empty article is not sent."))
		return
	}
	if e.article.Status == fielddesk.StatusChangesRequested {
		u.act(fielddesk.ActionSend)
		return
	}
	if e.article.Status != fielddesk.StatusDraft {
		u.status.SetText(lang.L("Already sent: your edits go to the newsroom by themselves."))
		return
	}
	id, session := e.article.ID, e.session
	var rev fielddesk.Revision
	var err error
	u.background(func() {
		// Act sends a new article as its first revision, and one the
		// newsroom knows (withdrawn earlier) as a decision.
		if _, err = u.backend.Act(u.ctx, id, fielddesk.ActionSend, ""); err == nil {
			rev, err = u.backend.Latest(u.ctx, id)
		}
	}, func() {
		if err != nil {
			u.showError(lang.L("Could not send"), err)
			return
		}
		if session == e.session {
			e.article.Status = rev.Article.Status
			e.base = rev.ID
			u.updateSendButton()
		}
		u.updateListItem(rev)
		msg := lang.L("Sent to the newsroom's queue: it goes with the next sync.")
		if u.syncer == nil || !u.syncer.SyncStatus().Configured {
			msg = lang.L("Queued for the newsroom: connect to the newsroom to send it.")
		} else {
			u.syncer.SyncNow()
			u.awaitDelivery()
		}
		u.status.SetText(msg)
	})
}

// awaitDelivery notes that the status line says something goes "with the
// next sync": once a sync has sent everything, the line says it went.
func (u *UI) awaitDelivery() {
	if u.syncer != nil {
		u.deliverySince, u.awaitingDelivery = u.syncer.SyncStatus().LastSync, true
	}
}

// updateSendButton shows whether the open article can be sent.
func (u *UI) updateSendButton() {
	if u.sendButton == nil {
		return
	}
	importance := widget.HighImportance
	if u.ed.urgent {
		importance = widget.DangerImportance // red: breaking news
	}
	switch u.ed.article.Status {
	case fielddesk.StatusDraft:
		u.sendButton.SetText(lang.L("Send to newsroom"))
		if u.ed.urgent {
			u.sendButton.SetText(lang.L("Send breaking news"))
		}
		u.sendButton.Enable()
	case fielddesk.StatusChangesRequested:
		u.sendButton.SetText(lang.L("Send again"))
		u.sendButton.Enable()
	default:
		u.sendButton.SetText(lang.L("Sent"))
		u.sendButton.Disable()
	}
	if u.sendButton.Importance != importance {
		u.sendButton.Importance = importance
		u.sendButton.Refresh()
	}
}

// toggleUrgent marks the open article as breaking news, or no longer
// (Alt+N): it goes before everything else waiting, and tops the editors'
// queue. The Send button says it, in red.
func (u *UI) toggleUrgent() {
	e := u.ed
	e.urgent = !e.urgent
	e.changed()
	u.updateSendButton()
	if e.urgent {
		u.status.SetText(lang.L("Breaking news: it goes to the newsroom before everything else waiting here, and tops the editors' queue (Alt+N again to undo)."))
	} else {
		u.status.SetText(lang.L("No longer breaking news."))
	}
}

// prefLinkCostAsked: the person answered whether originals go on links of
// unknown cost (once a data folder).
const prefLinkCostAsked = "link_cost_asked"

// askLinkCost asks, the first time originals wait because the system cannot
// tell what this link costs (no NetworkManager), whether to send them on
// any link: otherwise they would wait for ever without a word.
func (u *UI) askLinkCost(s fielddesk.SyncStatus) {
	if !s.LinkCostUnknown || u.linkCostAsking || u.setting(prefLinkCostAsked) != "" || u.syncer == nil {
		return
	}
	var n int
	var size int64
	for _, ph := range s.Photos {
		if !ph.Rendition && ph.Waiting != "" {
			n++
			size += ph.Total - ph.Done
		}
	}
	if n == 0 {
		return
	}
	u.linkCostAsking = true
	msg := fmt.Sprintf(lang.L("FieldDesk cannot tell whether this connection is charged by the megabyte (this computer does not say). %s full-size photo(s), %s, wait for a connection known to be free; the newsroom already has their small copies, and an editor's request for one is sent at once. Send full-size photos on any connection from now on? Settings can change this later."),
		vietnamese.FormatInt(n, uiLanguage()), sizeText(size, uiLanguage()))
	d := dialog.NewConfirm(lang.L("Send full-size photos on this connection?"), msg, func(send bool) {
		u.linkCostAsking = false
		u.setSetting(prefLinkCostAsked, "yes", false)
		if !send {
			return
		}
		var err error
		u.background(func() { err = u.syncer.SetOriginals(u.ctx, "always") }, func() {
			if err != nil {
				u.showError(lang.L("Could not change the photo setting"), err)
				return
			}
			u.syncer.SyncNow()
		})
	}, u.win)
	d.SetConfirmText(lang.L("Send on any connection"))
	d.SetDismissText(lang.L("Keep them waiting"))
	d.Show()
}
