package client_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"math/rand"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/internal/servertest"
	rules "github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/client"
	"github.com/fielddesk/fielddesk/sync/internal/faultnet"
	"github.com/fielddesk/fielddesk/sync/server"
)

const password = "mật khẩu đủ dài"

// newsroom is a real server (store in a temp dir, HTTP on loopback) behind a
// fault proxy.
type newsroom struct {
	t testing.TB
	// b is the server's backend (servertest: the embedded store, or
	// PostgreSQL and S3); db its records, photos its photo bytes.
	b      servertest.Backend
	db     rules.Backend
	photos blobs.Store
	// next, if not nil, is the backend the next open starts on.
	next  func(testing.TB) servertest.Backend
	srv   *http.Server
	ln    net.Listener
	proxy *faultnet.Proxy
	URL   string // through the proxy

	mu   sync.Mutex
	log  []string // "METHOD route" of every request, in order
	puts []string // the photos (hashes) of every upload request, in order
	// The server's schedule loop (publishing on time), stopped with it.
	stopSchedule context.CancelFunc
	schedule     chan struct{}
}

func startNewsroom(t testing.TB) *newsroom {
	t.Helper()
	n := &newsroom{t: t}
	n.start(t)
	return n
}

// start opens the newsroom (on n.next's backend, if set), adds its
// accounts and puts the fault proxy in front.
func (n *newsroom) start(t testing.TB) {
	t.Helper()
	n.open()
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role fielddesk.Role
		desk string
	}{{"lethib", fielddesk.RoleCorrespondent, "laocai"}, {"tranvanc", fielddesk.RoleCorrespondent, "yenbai"}, {"bientap", fielddesk.RoleEditor, "laocai"}} {
		if _, err := rules.New(n.db).AddUser(ctx, u.name, u.role, u.desk, password); err != nil {
			t.Fatal(err)
		}
	}
	p, err := faultnet.Start(n.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	n.proxy = p
	n.URL = "http://" + p.Addr()
	t.Cleanup(func() {
		p.Close()
		n.stop()
	})
}

// open starts the server on its data folder (again after stop, on a new port
// the proxy is pointed at).
func (n *newsroom) open() {
	switch {
	case n.next != nil: // a backend of the test's choosing
		n.b, n.next = n.next(n.t), nil
	case n.b.Records == nil:
		n.b = servertest.Open(n.t)
	default:
		n.b = n.b.Reopen(n.t)
	}
	n.db, n.photos = n.b.Records, n.b.Photos
	api := server.New(n.db, n.photos, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	n.schedule = make(chan struct{})
	go func(done chan struct{}) { api.RunSchedule(ctx); close(done) }(n.schedule)
	n.stopSchedule = cancel
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		n.t.Fatal(err)
	}
	n.ln = ln
	n.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		n.log = append(n.log, r.Method+" "+route(r.URL.Path))
		if r.Method == "PUT" {
			n.puts = append(n.puts, strings.TrimPrefix(r.URL.Path, "/v1/photos/"))
		}
		n.mu.Unlock()
		api.ServeHTTP(w, r)
	})}
	go n.srv.Serve(ln)
	if n.proxy != nil {
		n.proxy.SetTarget(ln.Addr().String())
	}
}

func route(path string) string {
	if strings.HasPrefix(path, "/v1/photos/") && len(path) == len("/v1/photos/")+64 {
		return "/v1/photos/{hash}"
	}
	return path
}

// stop stops the server as a crash would: connections dropped, store closed.
func (n *newsroom) stop() {
	if n.srv == nil {
		return
	}
	n.srv.Close()
	n.stopSchedule()
	<-n.schedule
	n.b.Close()
	n.srv = nil
}

func (n *newsroom) requests() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.log...)
}

// device is a desktop data folder with its sync engine.
type device struct {
	t    testing.TB
	dir  string
	desk *desk.Desk
	c    *client.Client
	opt  client.Options
}

func newDevice(t testing.TB, n *newsroom, user, originals string) *device {
	t.Helper()
	d := &device{t: t, dir: t.TempDir()}
	d.opt = client.Options{DeviceName: "máy " + user, Stall: 2 * time.Second, MinBackoff: 10 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond, Metered: func() bool { return false }}
	d.open()
	t.Cleanup(d.close)
	if _, err := d.c.Login(context.Background(), n.URL, user, password); err != nil {
		t.Fatal(err)
	}
	if originals != "" {
		if err := d.c.SetOriginals(context.Background(), originals); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func (d *device) open() {
	dk, err := desk.Open(d.dir)
	if err != nil {
		d.t.Fatal(err)
	}
	d.desk = dk
	d.c = client.New(dk.DB, d.opt)
}

func (d *device) close() {
	if d.desk != nil {
		d.c.Close()
		d.desk.Close()
		d.desk = nil
	}
}

// write saves a new article with photos (JPEG files of random pixels of the
// given sizes) and returns its revision.
func (d *device) write(headline string, photoSides ...int) fielddesk.Revision {
	d.t.Helper()
	ctx := context.Background()
	a := fielddesk.Article{Headline: headline, Sapo: "(TTXVN) – " + headline, Body: "Nước sông Hồng dâng cao.", Language: "vi"}
	for i, side := range photoSides {
		p, err := d.desk.AddPhoto(ctx, fmt.Sprintf("anh-%d.jpg", i), bytes.NewReader(noiseJPEG(d.t, side, side*3/4, rand.Int63())))
		if err != nil {
			d.t.Fatal(err)
		}
		a.Photos = append(a.Photos, p)
		a.Body += fmt.Sprintf("\n\n![Ảnh %d](photo:%s \"(Ảnh: Nguyễn Văn A)\")", i, p.Hash)
	}
	rev, err := d.desk.Save(ctx, a, "")
	if err != nil {
		d.t.Fatal(err)
	}
	return rev
}

func (d *device) send(id fielddesk.ID) fielddesk.Revision {
	d.t.Helper()
	rev, err := d.desk.Send(context.Background(), id)
	if err != nil {
		d.t.Fatal(err)
	}
	return rev
}

// syncUntilDone runs exchanges until one succeeds with nothing waiting that
// could go, and returns how many tries it took.
func (d *device) syncUntilDone(max int) (int, client.Report) {
	d.t.Helper()
	var last error
	for i := 1; i <= max; i++ {
		rep, err := d.c.Sync(context.Background())
		if err == nil {
			return i, rep
		}
		last = err
		d.t.Logf("try %d: %v", i, err)
	}
	d.t.Fatalf("still failing after %d tries: %v", max, last)
	return 0, client.Report{}
}

// noiseJPEG is a JPEG of random pixels (it does not compress).
func noiseJPEG(t testing.TB, w, h int, seed int64) []byte {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng.Read(img.Pix)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fileSHA(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
}

// photoSHA is the SHA-256 of the photo the server holds.
func (n *newsroom) photoSHA(hash string) string {
	n.t.Helper()
	o, err := n.photos.Open(context.Background(), blobs.Original(hash))
	if err != nil {
		n.t.Fatalf("photo %s on the server: %v", hash[:12], err)
	}
	defer o.Close()
	h := sha256.New()
	if _, err := io.Copy(h, o); err != nil {
		n.t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// review is what the server holds of an article's review.
func (n *newsroom) review(ctx context.Context, id fielddesk.ID) (fielddesk.Review, error) {
	return n.rules().Review(ctx, id, true)
}

// rules are the newsroom's rules over the server's store.
func (n *newsroom) rules() *rules.Newsroom { return rules.New(n.db) }

// changes is the newest revisions of the articles the server changed, in
// the order of its change log (at most limit).
func (n *newsroom) changes(ctx context.Context, limit int) ([]fielddesk.Revision, error) {
	changes, _, err := n.rules().Changes(ctx, 0, limit, nil, false)
	revs := make([]fielddesk.Revision, len(changes))
	for i, c := range changes {
		revs[i] = c.Revision
	}
	return revs, err
}

// serverArticles is every article's newest revision on the server.
func (n *newsroom) serverArticles() map[fielddesk.ID]fielddesk.Revision {
	n.t.Helper()
	revs, err := n.changes(context.Background(), 100000)
	if err != nil {
		n.t.Fatal(err)
	}
	out := map[fielddesk.ID]fielddesk.Revision{}
	for _, r := range revs {
		out[r.Article.ID] = r
	}
	return out
}

func clientFor(d *device) *client.Client { return client.New(d.desk.DB, d.opt) }

// photoState is how much of a photo the server holds from any of the
// newsroom's users (each user's uploads are kept apart).
func (n *newsroom) photoState(hash string) (store.PhotoState, error) {
	var best store.PhotoState
	for _, u := range []string{"lethib", "tranvanc", "bientap"} {
		st, _, err := n.uploadStatus(u, hash)
		if err != nil {
			return st, err
		}
		if st.Complete || st.Have > best.Have {
			best = st
		}
	}
	return best, nil
}

// uploadStatus is what user's uploads hold of a photo on the server: the
// whole photo once the user holds it, else the verified prefix of the
// user's own upload.
func (n *newsroom) uploadStatus(user, hash string) (store.PhotoState, bool, error) {
	ctx := context.Background()
	held, rendition, err := n.rules().PhotoHolds(context.Background(), user, hash)
	if err != nil {
		return store.PhotoState{}, false, err
	}
	if held {
		if size, err := n.photos.Stat(ctx, blobs.Original(hash)); err == nil {
			return store.PhotoState{Hash: hash, Have: size, Complete: true}, rendition, nil
		}
	}
	p, err := n.photos.Progress(ctx, blobs.Upload{Area: blobs.Area(user), Hash: hash})
	return store.PhotoState{Hash: hash, Have: p.Have}, rendition, err
}

// hasRendition reports whether one of the newsroom's users filed a
// rendition of the photo.
func (n *newsroom) hasRendition(hash string) bool {
	for _, u := range []string{"lethib", "tranvanc", "bientap"} {
		if _, r, err := n.rules().PhotoHolds(context.Background(), u, hash); err == nil && r {
			return true
		}
	}
	return false
}
