package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/longtext"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/client"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// Articles at the largest size the limits allow go the whole way: five of
// them (more than one push may carry) leave the correspondent's laptop in
// one sync, the server keeps them across a restart, an editor of the desk
// receives them all (more than one pull answer may carry), and every data
// folder involved opens again and finds them.
func TestLongestArticlesGoTheWholeWay(t *testing.T) {
	if testing.Short() {
		t.Skip("moves about 20 MB of text")
	}
	n := startNewsroom(t)
	ctx := context.Background()
	c := newDevice(t, n, "lethib", store.OriginalsAlways)
	patient(c) // a push of 8 MB takes the server a while under -race
	var sent []fielddesk.Revision
	for i := range 5 {
		body := longtext.Body(fielddesk.MaxBodyBytes - 200*1024)
		if i == 0 {
			body = longtext.Table(60000)[:fielddesk.MaxBodyBytes-1024] // a table as long as a body may be
		}
		rev, err := c.desk.Save(ctx, fielddesk.Article{Headline: "Kết quả bầu cử số " + string(rune('1'+i)), Body: body, Language: "vi"}, "")
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, c.send(rev.Article.ID))
	}
	rep, err := c.c.Sync(ctx)
	if err != nil {
		t.Fatalf("sync: %v (report %+v)", err, rep)
	}
	if rep.Sent != len(sent) {
		t.Errorf("sent %d, want %d", rep.Sent, len(sent))
	}

	// The server restarts: its folder opens, and it still has them.
	n.stop()
	n.open()
	on := n.serverArticles()
	for _, r := range sent {
		if got := on[r.Article.ID]; got.Article.Body != r.Article.Body {
			t.Errorf("%s: the server holds %d bytes of body, want %d", r.Article.Headline, len(got.Article.Body), len(r.Article.Body))
		}
	}
	if db := n.b.Store; db != nil { // the embedded store indexes what it holds
		if hits, err := db.Search(ctx, "bầu cử"); err != nil || len(hits) != len(sent) {
			t.Errorf("server search = %d hits, %v", len(hits), err)
		}
	}

	ed := newDevice(t, n, "bientap", "")
	patient(ed)
	if _, err := ed.c.Sync(ctx); err != nil {
		t.Fatalf("the editor's sync: %v", err)
	}
	ed.close()
	ed.open()
	patient(ed)
	list, err := ed.desk.List(ctx)
	if err != nil || len(list) != len(sent) {
		t.Fatalf("the editor's folder lists %d articles, %v; want %d", len(list), err, len(sent))
	}
	for _, r := range sent {
		got, err := ed.desk.Latest(ctx, r.Article.ID)
		if err != nil || got.Article.Body != r.Article.Body {
			t.Errorf("%s on the editor's device: %d bytes, %v", r.Article.Headline, len(got.Article.Body), err)
		}
	}
}

// A proxy before the server with a smaller body limit than the protocol's
// (nginx's default is 1 MB) answers 413 without a FieldDesk header: the
// batch goes again at once in halves, and an article too long for the
// proxy even alone is named as the newsroom's limit to raise.
func TestA413GoesInHalves(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	var limit atomic.Int64
	var refused atomic.Int64
	target, _ := url.Parse(n.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit.Load() {
			refused.Add(1)
			w.WriteHeader(http.StatusRequestEntityTooLarge) // nginx's page, no FieldDesk header
			io.WriteString(w, "<html><body><h1>413 Request Entity Too Large</h1></body></html>")
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	limit.Store(1 << 30)
	c := newDevice(t, &newsroom{t: t, URL: proxy.URL, db: n.db, photos: n.photos}, "lethib", store.OriginalsAlways)
	var ids []fielddesk.ID
	for i := range 6 {
		rev, err := c.desk.Save(ctx, fielddesk.Article{Headline: "Bảng số " + string(rune('1'+i)), Body: codes(int64(i), 300<<10)}, "")
		if err != nil {
			t.Fatal(err)
		}
		c.send(rev.Article.ID)
		ids = append(ids, rev.Article.ID)
	}
	one, all := compressedPushSize(t, c, 1), compressedPushSize(t, c, len(ids))
	limit.Store(max(one+4<<10, all/2)) // not all six in one request
	rep, err := c.c.Sync(ctx)
	if err != nil || rep.Sent != len(ids) {
		t.Fatalf("through a proxy with a smaller limit: sent %d, %v", rep.Sent, err)
	}
	if refused.Load() == 0 {
		t.Error("the proxy never refused: the test did not test halving")
	}
	on := n.serverArticles()
	for _, id := range ids {
		if _, ok := on[id]; !ok {
			t.Errorf("article %s did not arrive", id)
		}
	}

	// One article the proxy refuses even alone.
	rev, err := c.desk.Save(ctx, fielddesk.Article{Headline: "Bảng quá dài", Body: codes(99, 300<<10)}, "")
	if err != nil {
		t.Fatal(err)
	}
	c.send(rev.Article.ID)
	limit.Store(one / 4)
	_, err = c.c.Sync(ctx)
	if !errors.Is(err, client.ErrTooLargeForServer) {
		t.Fatalf("an article the proxy refuses alone: %v", err)
	}
	if st := c.c.Status(); st.ErrorKind != fielddesk.SyncTooLarge || !strings.Contains(st.LastError, "client_max_body_size") {
		t.Errorf("status: %q (%s)", st.LastError, st.ErrorKind)
	}
	if st := c.c.Status(); st.ArticlesWaiting != 1 {
		t.Errorf("%d articles wait; the refused one must stay queued", st.ArticlesWaiting)
	}
}

// compressedPushSize is the size of the first n queued mutations as one
// compressed push.
func compressedPushSize(t *testing.T, d *device, n int) int64 {
	t.Helper()
	batch, err := d.desk.DB.NextBatch(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	req := wire.PushRequest{DeviceID: "x"}
	for _, o := range batch {
		req.Mutations = append(req.Mutations, wire.Mutation{ID: o.ID, Revision: o.Revision, Event: o.Event})
	}
	b, _ := json.Marshal(req)
	return int64(len(wire.Compress(b)))
}

// codes is a body of n bytes of random record codes ("mã 5f1c2a9e."), text
// that compresses about as little as real prose.
func codes(seed int64, n int) string {
	rng := rand.New(rand.NewSource(seed))
	var b strings.Builder
	for b.Len() < n {
		fmt.Fprintf(&b, "Hồ sơ mã %08x. ", rng.Uint32())
	}
	return b.String()
}

// patient gives a device's engine the default progress deadline instead
// of the tests' short one.
func patient(d *device) {
	d.opt.Stall = client.DefaultStall
	d.c.Close()
	d.c = clientFor(d)
}
