package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/client"
)

// The whole way: a correspondent sends two of three articles with photos
// (renditions, then originals); drafts stay home; an editor of the desk
// receives both with their photos; edits after sending go again.
func TestSendAndReceiveOverLoopback(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	c := newDevice(t, n, "lethib", store.OriginalsAlways)
	draft := c.write("Bản nháp chưa gửi")
	big := c.write("Lũ quét ở Bát Xát", 2400) // a rendition goes first
	small := c.write("Chợ phiên Bắc Hà", 300)
	c.send(big.Article.ID)
	c.send(small.Article.ID)

	rep, err := c.c.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 2 || rep.PhotosSent != 3 { // big: rendition + original; small: original only
		t.Errorf("report: %+v", rep)
	}
	on := n.serverArticles()
	if len(on) != 2 {
		t.Fatalf("the server holds %d articles, want 2", len(on))
	}
	if _, ok := on[draft.Article.ID]; ok {
		t.Error("a draft left the machine")
	}
	for _, r := range []fielddesk.Revision{big, small} {
		got := on[r.Article.ID]
		if got.Article.Status != fielddesk.StatusSubmitted || got.Article.Body != r.Article.Body {
			t.Errorf("%s on the server: %+v", r.Article.Headline, got.Article)
		}
		for _, p := range r.Article.Photos {
			if sum := n.photoSHA(p.Hash); sum != p.Hash {
				t.Errorf("photo %s on the server has hash %s", p.Hash, sum)
			}
		}
	}
	if !n.hasRendition(big.Article.Photos[0].Hash) {
		t.Error("no rendition of the big photo on the server")
	}
	st := c.c.Status()
	if !st.Online || st.ArticlesWaiting != 0 || len(st.Photos) != 0 || st.LastSync.IsZero() {
		t.Errorf("status after: %+v", st)
	}

	// The editor's device receives both, photos included, renditions first.
	e := newDevice(t, n, "bientap", store.OriginalsAlways)
	rep, err = e.c.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Received != 2 || rep.PhotosIn != 3 {
		t.Errorf("editor's report: %+v", rep)
	}
	got, err := e.desk.Latest(ctx, big.Article.ID)
	if err != nil || got.Article.Headline != big.Article.Headline {
		t.Fatalf("the editor's copy: %v %+v", err, got.Article)
	}
	h := big.Article.Photos[0].Hash
	if fileSHA(t, e.desk.PhotoPath(h)) != h || !e.desk.HasRendition(h) {
		t.Error("the editor lacks the photo or its rendition")
	}
	list, _ := e.desk.List(ctx)
	if len(list) != 2 {
		t.Errorf("fielddesk list on the editor's device shows %d articles", len(list))
	}

	// An edit after sending is queued by the save itself and goes next time.
	a := big.Article
	a.Body += "\n\nCập nhật: nước đã rút."
	edited, err := c.desk.Save(ctx, a, "")
	if err != nil {
		t.Fatal(err)
	}
	if box, _ := c.desk.Outbox(ctx); len(box.Articles) != 1 {
		t.Errorf("outbox after an edit: %+v", box)
	}
	if _, err := c.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n.serverArticles()[a.ID].ID != edited.ID {
		t.Error("the edit did not reach the server")
	}
	if _, err := e.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.desk.Latest(ctx, a.ID); got.ID != edited.ID {
		t.Error("the editor did not receive the edit")
	}
}

// With originals set to "never" only renditions go; the editor sees the
// article with them, asks for an original, and it goes on the next sync.
func TestRenditionsFirstAndOriginalsOnRequest(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	c := newDevice(t, n, "lethib", store.OriginalsNever)
	r := c.write("Ruộng bậc thang mùa nước đổ", 2400)
	c.send(r.Article.ID)
	if _, err := c.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	h := r.Article.Photos[0].Hash
	if st, _ := n.photoState(h); st.Complete || !n.hasRendition(h) {
		t.Fatalf("server: original complete %v, rendition %v; want only the rendition", st.Complete, n.hasRendition(h))
	}
	st := c.c.Status()
	if len(st.Photos) != 1 || st.Photos[0].Waiting == "" {
		t.Errorf("the status should show the original waiting: %+v", st.Photos)
	}
	e := newDevice(t, n, "bientap", store.OriginalsAlways)
	if _, err := e.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	path, original, err := e.desk.PhotoFile(h)
	if err != nil || original {
		t.Fatalf("the editor should hold the rendition: %s %v %v", path, original, err)
	}
	// With only the rendition the editor's desk shows and exports the photo.
	if thumb, err := e.desk.Thumbnail(ctx, h); err != nil || thumb == "" {
		t.Errorf("thumbnail from the rendition: %q %v", thumb, err)
	}
	var page strings.Builder
	if err := e.desk.Export(ctx, r.Article.ID, desk.ExportOptions{Format: desk.FormatHTML, Embed: true}, &page); err != nil || !strings.Contains(page.String(), "data:image/jpeg;base64,") {
		t.Errorf("export with the rendition: %v", err)
	}
	out := filepath.Join(t.TempDir(), "bai.md")
	if err := e.desk.Export(ctx, r.Article.ID, desk.ExportOptions{Format: desk.FormatMarkdown, Out: out}, io.Discard); err != nil {
		t.Errorf("export to a folder with the rendition: %v", err)
	}
	if err := e.c.WantOriginals(ctx, []string{h}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := n.photoState(h); !st.Complete {
		t.Fatal("the wanted original did not go")
	}
	if _, err := e.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, original, _ := e.desk.PhotoFile(h); !original {
		t.Error("the editor did not receive the original")
	}
	// A correspondent cannot ask.
	if err := c.c.WantOriginals(ctx, []string{h}); err == nil {
		t.Error("a correspondent asked for an original")
	}
}

// All twenty queued texts are acknowledged before the first photo byte.
func TestTextGoesBeforePhotos(t *testing.T) {
	n := startNewsroom(t)
	c := newDevice(t, n, "lethib", store.OriginalsAlways)
	c.opt.BatchSize = 5 // several pushes
	c.c = client.New(c.desk.DB, c.opt)
	for i := range 20 {
		r := c.write("Tin số "+string(rune('A'+i)), 200+i*10) // small: no renditions
		c.send(r.Article.ID)
	}
	rep, err := c.c.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 20 || rep.PhotosSent != 20 {
		t.Errorf("report: %+v", rep)
	}
	log := n.requests()
	lastPush := slices.Index(log, "PUT /v1/photos/{hash}")
	for i, l := range log {
		if l == "POST /v1/push" && i > lastPush {
			t.Fatalf("a push after the first photo byte: %v", log)
		}
	}
	if pushes := strings.Count(strings.Join(log, "\n"), "POST /v1/push"); pushes != 4 {
		t.Errorf("%d pushes for 20 mutations in batches of 5", pushes)
	}
}

// A captive portal answers 200 to anything: nothing counts as delivered.
func TestABare200IsNotAnAcknowledgement(t *testing.T) {
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>Đăng nhập Wi-Fi quán cà phê</html>"))
	}))
	defer portal.Close()
	n := startNewsroom(t)
	c := newDevice(t, n, "lethib", "")
	r := c.write("Tin khẩn", 200)
	c.send(r.Article.ID)
	acct, _ := c.desk.Account(context.Background())
	acct.Server = portal.URL
	// Same device: keep its counters, only the address changes for this test.
	acct2 := acct
	if err := c.desk.SetAccount(context.Background(), acct2); err != nil {
		t.Fatal(err)
	}
	_, err := c.c.Sync(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Wi-Fi login page") {
		t.Fatalf("err = %v", err)
	}
	if box, _ := c.desk.Outbox(context.Background()); len(box.Articles) != 1 {
		t.Errorf("the article left the outbox on a bare 200: %+v", box)
	}
	if st := c.c.Status(); st.Online || st.LastError == "" {
		t.Errorf("status: %+v", st)
	}
}

// A server of another protocol version is named as such.
func TestProtocolMismatchIsSaidPlainly(t *testing.T) {
	future := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("FieldDesk-Protocol", "3")
		w.WriteHeader(http.StatusUpgradeRequired)
		w.Write([]byte(`{"error":"this server speaks FieldDesk protocol 3: update the app","code":"protocol_version"}`))
	}))
	defer future.Close()
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := client.New(db, client.Options{})
	_, err = c.Login(context.Background(), future.URL, "lethib", password)
	if !errors.Is(err, client.ErrProtocol) || !strings.Contains(err.Error(), "update the app") {
		t.Fatalf("err = %v", err)
	}
	// A server older than the app: the newsroom must update, not the correspondent.
	past := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("FieldDesk-Protocol", "1")
		w.WriteHeader(http.StatusUpgradeRequired)
		w.Write([]byte(`{"error":"this server speaks FieldDesk protocol 1 and the app sent \"2\": update the app","code":"protocol_version"}`))
	}))
	defer past.Close()
	_, err = c.Login(context.Background(), past.URL, "lethib", password)
	if !errors.Is(err, client.ErrProtocol) || !strings.Contains(err.Error(), "the newsroom must update its server") {
		t.Fatalf("older server: %v", err)
	}
}

func TestWrongPasswordAndBadAddress(t *testing.T) {
	n := startNewsroom(t)
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := client.New(db, client.Options{})
	if _, err := c.Login(context.Background(), n.URL, "lethib", "sai"); err == nil || !strings.Contains(err.Error(), "wrong user name or password") {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := c.Login(context.Background(), "tòa soạn", "lethib", password); !errors.Is(err, fielddesk.ErrInvalid) {
		t.Errorf("bad address: %v", err)
	}
	if _, err := c.Sync(context.Background()); !errors.Is(err, store.ErrNotLoggedIn) {
		t.Errorf("sync before login: %v", err)
	}
}

// An article sent while a big photo is on its way goes at once, not after
// the photo: the upload yields at its next frame and goes on afterwards.
func TestTextOvertakesAPhotoOnItsWay(t *testing.T) {
	n := startNewsroom(t)
	c := newDevice(t, n, "lethib", store.OriginalsAlways)
	big := c.write("Ảnh lớn", 1800)
	c.send(big.Article.ID)
	h := big.Article.Photos[0].Hash
	n.proxy.SetRate(128 << 10)
	done := make(chan error, 1)
	go func() { _, err := c.c.Sync(context.Background()); done <- err }()
	waitFor(t, 60*time.Second, "the photo's upload to start", func() bool {
		st, _ := n.photoState(h)
		return st.Have > 0 || n.hasRendition(h)
	})
	urgent := c.write("Tin khẩn: sạt lở vùi nhà dân")
	c.send(urgent.Article.ID)
	c.c.Kick()
	waitFor(t, 60*time.Second, "the urgent article on the server", func() bool {
		_, ok := n.serverArticles()[urgent.Article.ID]
		return ok
	})
	if st, _ := n.photoState(h); st.Complete {
		t.Error("the urgent text arrived only after the whole photo")
	}
	n.proxy.SetRate(0)
	if err := <-done; err != nil {
		t.Fatalf("the exchange: %v", err)
	}
	checkServerHolds(t, n, c, map[fielddesk.ID]bool{big.Article.ID: true, urgent.Article.ID: true})
}

// A laptop whose clock fell back to 2000 takes the newsroom's time from
// the first answer of a sync: what it saves afterwards is dated now.
func TestSyncSetsAWrongClockRight(t *testing.T) {
	n := startNewsroom(t)
	c := newDevice(t, n, "lethib", store.OriginalsAlways)
	start := time.Now()
	c.desk.SetSystemClock(func() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Since(start)) })
	if _, err := c.c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := c.desk.Clock()
	if !st.Behind || st.Trusted.Sub(time.Now()).Abs() > time.Minute {
		t.Errorf("after a sync on a clock of 2000: %+v", st)
	}
	if r := c.write("Sau khi đồng bộ"); r.Saved.Sub(time.Now()).Abs() > time.Minute {
		t.Errorf("saved at %s", r.Saved)
	}
}

// Without NetworkManager the link's cost is unknown: originals wait (and
// the status says why, for the window to ask), an editor's request still
// goes at once, and once the person chooses "always" they go.
func TestOriginalsOnALinkOfUnknownCost(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	c := &device{t: t, dir: t.TempDir()}
	c.opt = client.Options{DeviceName: "máy", Stall: 2 * time.Second, MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		LinkCost: func() (bool, bool) { return true, false }}
	c.open()
	t.Cleanup(c.close)
	if _, err := c.c.Login(ctx, n.URL, "lethib", password); err != nil {
		t.Fatal(err)
	}
	r := c.write("Ruộng bậc thang", 2400, 2400)
	c.send(r.Article.ID)
	if _, err := c.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	first, second := r.Article.Photos[0].Hash, r.Article.Photos[1].Hash
	st := c.c.Status()
	if !st.LinkCostUnknown || len(st.Photos) != 2 || st.Photos[0].Waiting != "original waits: this link's cost is unknown" {
		t.Fatalf("status: unknown %v, photos %+v", st.LinkCostUnknown, st.Photos)
	}
	if s, _ := n.photoState(first); s.Complete {
		t.Fatal("an original went on a link of unknown cost")
	}
	e := newDevice(t, n, "bientap", store.OriginalsAlways)
	if _, err := e.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.c.WantOriginals(ctx, []string{first}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if s, _ := n.photoState(first); !s.Complete {
		t.Error("the editor's request was not honoured on a link of unknown cost")
	}
	if s, _ := n.photoState(second); s.Complete {
		t.Error("an original nobody asked for went")
	}
	if err := c.c.SetOriginals(ctx, store.OriginalsAlways); err != nil {
		t.Fatal(err)
	}
	if _, err := c.c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if s, _ := n.photoState(second); !s.Complete || c.c.Status().LinkCostUnknown {
		t.Errorf("after choosing always: complete %v, unknown %v", s.Complete, c.c.Status().LinkCostUnknown)
	}
}
