package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
)

// fakeSyncer stands in for the engine: the window's side of the interface
// is what this test is about.
type fakeSyncer struct {
	mu     sync.Mutex
	status fielddesk.SyncStatus
	kicks  int
	logins []string
	policy string
	wanted []string
	pin    string // when set, logins need this pin
}

func (f *fakeSyncer) SyncStatus() fielddesk.SyncStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}
func (f *fakeSyncer) SyncNow() { f.mu.Lock(); f.kicks++; f.mu.Unlock() }
func (f *fakeSyncer) LoginWindow(ctx context.Context, server, user, password string, trust fielddesk.ServerTrust) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pin != "" && trust.Pin != f.pin {
		// A server whose certificate only a pin makes trusted.
		return fmt.Errorf("log in to %s: %w", server, &fielddesk.UntrustedCertificateError{Fingerprint: f.pin, Reason: "no authority this computer trusts signed it"})
	}
	if password != "đúng" {
		return errors.New("log in to " + server + ": wrong user name or password")
	}
	f.logins = append(f.logins, server+" "+user)
	f.status.Configured, f.status.Server, f.status.User = true, server, user
	return nil
}
func (f *fakeSyncer) WantOriginals(ctx context.Context, hashes []string) error {
	f.mu.Lock()
	f.wanted = append(f.wanted, hashes...)
	f.mu.Unlock()
	return nil
}
func (f *fakeSyncer) SetOriginals(ctx context.Context, policy string) error {
	f.mu.Lock()
	f.policy = policy
	f.mu.Unlock()
	return nil
}

// walk calls fn on o and everything inside it, widgets' parts included.
func walk(t *testing.T, o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(t, c, fn)
		}
	case fyne.Widget:
		for _, c := range test.TempWidgetRenderer(t, x).Objects() {
			walk(t, c, fn)
		}
	}
}

// labelTexts is the text of the visible labels in o.
func labelTexts(t *testing.T, o fyne.CanvasObject) string {
	var out []string
	walk(t, o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text != "" {
			out = append(out, l.Text)
		}
	})
	return strings.Join(out, "\n")
}

// Send marks the article submitted and queues it; the button says so; the
// engine is asked to sync; a draft that is not sent stays out of the queue.
func TestSendToNewsroom(t *testing.T) {
	h := newHarness(t)
	s := &fakeSyncer{status: fielddesk.SyncStatus{Configured: true, Server: "https://toasoan.example.vn", User: "lethib", Online: true}}
	h.u.SetSyncer(s)
	test.Type(h.u.ed.headline, "Lũ quét ở Bát Xát")
	h.settle()
	if box, _ := h.desk.Outbox(context.Background()); len(box.Articles) != 0 {
		t.Fatalf("a draft is queued: %+v", box)
	}
	h.shortcut(fyne.KeyReturn, fyne.KeyModifierShortcutDefault)
	h.settle()
	rev := h.latest()
	if rev.Article.Status != fielddesk.StatusSubmitted {
		t.Fatalf("status after sending: %s", rev.Article.Status)
	}
	if box, _ := h.desk.Outbox(context.Background()); len(box.Articles) != 1 {
		t.Errorf("outbox after sending: %+v", box)
	}
	if h.u.sendButton.Text != "Sent" || !h.u.sendButton.Disabled() {
		t.Errorf("send button: %q disabled=%v", h.u.sendButton.Text, h.u.sendButton.Disabled())
	}
	if s.kicks == 0 {
		t.Error("sending did not wake the sync engine")
	}
	if !strings.Contains(h.u.status.Text, "next sync") {
		t.Errorf("status line: %q", h.u.status.Text)
	}
	// The sync that sends it says so: the line no longer says "next sync".
	st := s.SyncStatus()
	st.ArticlesWaiting = 1
	st.LastSync = time.Now().Add(time.Second)
	h.u.showSync(st)
	if !strings.Contains(h.u.status.Text, "next sync") {
		t.Errorf("a sync that left the article waiting: %q", h.u.status.Text)
	}
	st.ArticlesWaiting, st.LastSync = 0, time.Now().Add(2*time.Second)
	h.u.showSync(st)
	if want := "Delivered to the newsroom at " + st.LastSync.Local().Format("15:04"); h.u.status.Text != want+"." {
		t.Errorf("after the sync that sent it: %q, want %q", h.u.status.Text, want)
	}
	// An edit after sending keeps the status and queues itself.
	test.Type(h.u.ed.headline, " (cập nhật)")
	h.settle()
	if r := h.latest(); r.Article.Status != fielddesk.StatusSubmitted || !strings.HasSuffix(r.Article.Headline, "(cập nhật)") {
		t.Errorf("after an edit: %s %q", r.Article.Status, r.Article.Headline)
	}
	// The list says it was sent.
	if len(h.u.items) != 1 || h.u.items[0].Status != fielddesk.StatusSubmitted {
		t.Errorf("list: %+v", h.u.items)
	}
}

// The sync area shows what the engine reports: offline, what waits, a bar
// per photo, the last error in plain words, the time of the next try.
func TestSyncPanelShowsTheEngine(t *testing.T) {
	h := newHarness(t)
	if txt := labelTexts(t, h.u.sync.box); !strings.Contains(txt, "Not connected") {
		t.Errorf("without a server: %q", txt)
	}
	s := &fakeSyncer{status: fielddesk.SyncStatus{Configured: true}}
	h.u.SetSyncer(s)
	st := fielddesk.SyncStatus{Configured: true, Server: "https://toasoan.example.vn", Online: false,
		ArticlesWaiting: 2, LastError: "sending photos: no link to the server: dial tcp: connection refused", ErrorKind: fielddesk.SyncNoLink,
		NextTry: time.Now().Add(time.Minute), LastSync: time.Date(2026, 11, 26, 7, 30, 0, 0, time.Local),
		Photos: []fielddesk.PhotoProgress{
			{Hash: strings.Repeat("a", 64), Done: 300 << 10, Total: 1200 << 10},
			{Hash: strings.Repeat("b", 64), Done: 0, Total: 3 << 20, Waiting: "original waits for an unmetered link"},
		}}
	h.u.SyncChanged(st)
	h.settle()
	txt := labelTexts(t, h.u.sync.box)
	for _, want := range []string{"Offline", "2 article(s)", "2 photo(s), 3.9 MB", "Last sync: 26/11 07:30", "no link to the newsroom server", "Trying again at", "original waits for an unmetered link"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the panel lacks %q:\n%s", want, txt)
		}
	}
	var bars []*widget.ProgressBar
	walk(t, h.u.sync.photos, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.ProgressBar); ok {
			bars = append(bars, b)
		}
	})
	if len(bars) != 2 || bars[0].Value != 300<<10 || bars[0].Max != 1200<<10 {
		t.Errorf("progress bars: %d", len(bars))
	}
	// Many updates in a burst are drawn once, with the last of them.
	drawn := h.u.sync.draws
	for i := range 50 {
		st.Photos[0].Done = int64(i) << 10
		h.u.SyncChanged(st)
	}
	h.settle()
	if got := h.u.sync.draws - drawn; got != 1 {
		t.Errorf("50 updates in a burst drawn %d times, want once", got)
	}
	bars = nil
	walk(t, h.u.sync.photos, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.ProgressBar); ok {
			bars = append(bars, b)
		}
	})
	if len(bars) != 2 || bars[0].Value != 49<<10 {
		t.Errorf("after the burst the bar shows %v, want the last update (%d)", bars, 49<<10)
	}
	if !h.u.sync.now.Visible() {
		t.Error("no Sync now button")
	}
	test.Tap(h.u.sync.now)
	if s.kicks != 1 {
		t.Errorf("Sync now kicked %d times", s.kicks)
	}
}

// Logging in from the window: a wrong password is said plainly and the
// dialog stays; the right one connects.
func TestLoginDialog(t *testing.T) {
	h := newHarness(t)
	s := &fakeSyncer{}
	h.u.SetSyncer(s)
	test.Tap(h.u.sync.login)
	h.settle()
	over := h.u.win.Canvas().Overlays().Top()
	if over == nil {
		t.Fatal("no login dialog")
	}
	var entries []*widget.Entry
	var buttons []*widget.Button
	walk(t, over, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			entries = append(entries, x)
		case *widget.Button:
			buttons = append(buttons, x)
		}
	})
	if len(entries) < 3 {
		t.Fatalf("%d entries in the dialog", len(entries))
	}
	var connect *widget.Button
	for _, b := range buttons {
		if b.Text == "Connect" {
			connect = b
		}
	}
	if connect == nil {
		t.Fatal("no Connect button")
	}
	entries[0].SetText("https://toasoan.example.vn")
	entries[1].SetText("lethib")
	entries[2].SetText("sai")
	test.Tap(connect)
	h.settle()
	if len(s.logins) != 0 || !strings.Contains(labelTexts(t, over), "Wrong user name or password") {
		t.Errorf("wrong password: logins %v, dialog %q", s.logins, labelTexts(t, over))
	}
	entries[2].SetText("đúng")
	test.Tap(connect)
	h.settle()
	if len(s.logins) != 1 || h.u.win.Canvas().Overlays().Top() != nil {
		t.Errorf("right password: logins %v, dialog still open %v", s.logins, h.u.win.Canvas().Overlays().Top() != nil)
	}
	if !strings.Contains(h.u.status.Text, "Connected to toasoan.example.vn as lethib") {
		t.Errorf("status: %q", h.u.status.Text)
	}
}

// The login dialog names a certificate it does not trust with its
// fingerprint, and a person who compared it can trust it with one tap.
func TestLoginDialogTrustsACertificateOnRequest(t *testing.T) {
	h := newHarness(t)
	s := &fakeSyncer{pin: "AB:CD:EF"}
	h.u.SetSyncer(s)
	test.Tap(h.u.sync.login)
	h.settle()
	over := h.u.win.Canvas().Overlays().Top()
	var entries []*widget.Entry
	buttons := map[string]*widget.Button{}
	walk(t, over, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			entries = append(entries, x)
		case *widget.Button:
			buttons[x.Text] = x
		}
	})
	entries[0].SetText("https://192.168.1.10:8443")
	entries[1].SetText("lethib")
	entries[2].SetText("đúng")
	test.Tap(buttons["Connect"])
	h.settle()
	if txt := labelTexts(t, over); !strings.Contains(txt, "not trusted") || !strings.Contains(txt, "AB:CD:EF") || strings.Contains(txt, "x509") {
		t.Errorf("the dialog says %q", txt)
	}
	trust := buttons["Trust this certificate"]
	if trust == nil || !trust.Visible() {
		t.Fatal("no button to trust the certificate")
	}
	test.Tap(trust)
	h.settle()
	if len(s.logins) != 1 || h.u.win.Canvas().Overlays().Top() != nil {
		t.Errorf("after trusting: logins %v, dialog open %v", s.logins, h.u.win.Canvas().Overlays().Top() != nil)
	}
}

// The Review menu lists what this person's role may do (a correspondent
// sees no Publish), and changes with the role; the sync area names an
// article by its headline, never by its ID, even when the list shows
// only a search.
func TestMenusAndNamesFollowThePerson(t *testing.T) {
	h := newHarness(t)
	has := func(label string) bool {
		for _, m := range h.u.win.MainMenu().Items {
			for _, it := range m.Items {
				if it.Label == label {
					return true
				}
			}
		}
		return false
	}
	if has("Publish") || has("Spike") || !has("Withdraw") {
		t.Errorf("a correspondent's menus: Publish %v, Spike %v, Withdraw %v", has("Publish"), has("Spike"), has("Withdraw"))
	}
	s := &fakeSyncer{status: fielddesk.SyncStatus{Configured: true, User: "tbt", Role: fielddesk.RoleEditor}}
	h.u.SetSyncer(s)
	h.settle()
	if !has("Publish") {
		t.Error("an editor's Review menu has no Publish")
	}

	rev := h.arrive(fielddesk.Article{Headline: "Lũ ở Yên Bái", Body: "Nước lên."}, fielddesk.StatusSubmitted)
	h.u.refreshList()
	h.settle()
	h.u.filter.SetText("không có bài nào như thế")
	h.pumpFor(100 * time.Millisecond)
	h.settle()
	s.status.Photos = []fielddesk.PhotoProgress{{Hash: strings.Repeat("a", 64), Article: rev.Article.ID, Total: 1 << 20}}
	h.u.showSync(s.status)
	if txt := labelTexts(t, h.u.sync.box); !strings.Contains(txt, "Photo of “Lũ ở Yên Bái”") || strings.Contains(txt, string(rev.Article.ID)) {
		t.Errorf("the sync area says:\n%s", txt)
	}
	h.u.newArticle()
	if h.u.words.Text != "No words yet" {
		t.Errorf("an empty article's counts: %q", h.u.words.Text)
	}
}

// The first time originals wait because this computer cannot tell what
// the link costs, the window asks once; "Send on any connection" sets the
// policy to always.
func TestAsksOnceAboutALinkOfUnknownCost(t *testing.T) {
	h := newHarness(t)
	s := &fakeSyncer{status: fielddesk.SyncStatus{Configured: true, Server: "https://toasoan.example.vn", User: "lethib", Role: fielddesk.RoleCorrespondent,
		Originals: "unmetered", LinkCostUnknown: true,
		Photos: []fielddesk.PhotoProgress{{Hash: strings.Repeat("b", 64), Total: 4 << 20, Waiting: "original waits: this link's cost is unknown"}}}}
	h.u.SetSyncer(s)
	h.settle()
	txt := labelTexts(t, h.u.win.Canvas().Overlays().Top())
	if !strings.Contains(txt, "1 full-size photo(s), 4.0 MB") {
		t.Fatalf("no question, or it says %q", txt)
	}
	test.Tap(findButton(h.u.win.Canvas(), "Send on any connection"))
	h.settle()
	s.mu.Lock()
	policy, kicks := s.policy, s.kicks
	s.mu.Unlock()
	if policy != "always" || kicks == 0 {
		t.Errorf("policy %q, syncs asked %d", policy, kicks)
	}
	h.u.showSync(s.SyncStatus())
	h.settle()
	if h.u.win.Canvas().Overlays().Top() != nil {
		t.Error("asked twice")
	}
}
