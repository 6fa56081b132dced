package client_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/backendtest"
	"github.com/fielddesk/fielddesk/internal/servertest"
	"github.com/fielddesk/fielddesk/pgstore"
	"github.com/fielddesk/fielddesk/store"
)

// A newsroom on the embedded store (articles with photos, decisions,
// comments, a publication) moves to PostgreSQL and S3 with
// fielddesk-server migrate: nothing of it is lost (the same reviews and
// audit logs, the published page and its photo), and the devices go on
// syncing without logging in again, from where they were.
func TestMigrateToPostgres(t *testing.T) {
	if !servertest.Shared() {
		t.Skip("runs on PostgreSQL and S3 (FIELDDESK_TEST_BACKEND=postgres, as make test's second pass)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	n := &newsroom{t: t, next: func(t testing.TB) servertest.Backend { return servertest.OpenDir(t, dir) }}
	n.start(t)
	if n.b.Store == nil {
		t.Fatal("the newsroom did not start on the embedded store")
	}
	c := newDevice(t, n, "lethib", store.OriginalsAlways)
	ed := newDevice(t, n, "bientap", "")
	first := c.write("Lũ quét ở Bát Xát", 400)
	second := c.write("Sạt lở ở Sa Pa", 300)
	c.send(first.Article.ID)
	c.send(second.Article.ID)
	c.syncUntilDone(10)
	ed.syncUntilDone(10)
	id := first.Article.ID
	for _, a := range []fielddesk.Action{fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionPublish} {
		if _, err := ed.desk.Act(ctx, id, a, ""); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	if _, err := ed.desk.Comment(ctx, second.Article.ID, 0, "Cần thêm số liệu.", ""); err != nil {
		t.Fatal(err)
	}
	ed.syncUntilDone(10)
	c.syncUntilDone(10)
	before := map[fielddesk.ID]fielddesk.Review{}
	for _, r := range []fielddesk.Revision{first, second} {
		rv, err := n.review(ctx, r.Article.ID)
		if err != nil {
			t.Fatal(err)
		}
		before[r.Article.ID] = rv
	}
	slug := before[id].Slug
	if slug == "" {
		t.Fatal("not published before the move")
	}
	n.stop()

	bin := buildServer(t)
	dbURL := backendtest.Postgres(t)
	bucket := backendtest.S3(t)
	cmd := exec.Command(bin, "migrate", "--from", dir, "--to", dbURL, "--photos", bucket.URL())
	cmd.Env = append(os.Environ(), bucket.Env()...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("migrate: %v: %s", err, out)
	}
	t.Logf("%s", out)
	if !strings.Contains(string(out), "moved 3 users, ") || !strings.Contains(string(out), "2 articles") {
		t.Errorf("migrate said: %s", out)
	}
	// Again: refused, nothing changed.
	again := exec.Command(bin, "migrate", "--from", dir, "--to", dbURL, "--photos", bucket.URL())
	again.Env = cmd.Env
	if out, err := again.CombinedOutput(); err == nil || !strings.Contains(string(out), "already holds a newsroom") {
		t.Errorf("a second migrate into the same database: %v %s", err, out)
	}

	n.next = func(t testing.TB) servertest.Backend {
		db, err := pgstore.Open(ctx, dbURL, bucket.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		return servertest.Backend{Records: db, Photos: db.Blobs(), Close: db.Close}
	}
	for _, kv := range bucket.Env() {
		k, v, _ := cut(kv)
		t.Setenv(k, v)
	}
	n.open()
	if n.b.Store != nil {
		t.Fatal("the newsroom did not start on PostgreSQL")
	}
	for aid, want := range before {
		got, err := n.review(ctx, aid)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("article %s after the move:\n%+v\nwant\n%+v", aid, got, want)
		}
	}
	// The published page and its photo, served from the database and the bucket.
	for _, path := range []string{"/articles/" + slug, "/media/" + first.Article.Photos[0].Hash, "/feed.atom"} {
		resp, err := http.Get(n.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || (path == "/feed.atom" && !strings.Contains(string(body), "Lũ quét ở Bát Xát")) {
			t.Errorf("%s after the move: %d", path, resp.StatusCode)
		}
	}
	// The devices go on without logging in: a new article, an edit, a
	// decision; the editor's pull goes on from its cursor.
	third := c.write("Mưa đá ở Y Tý", 200)
	c.send(third.Article.ID)
	c.syncUntilDone(10)
	ed.syncUntilDone(10)
	if _, err := ed.desk.Act(ctx, third.Article.ID, fielddesk.ActionTake, ""); err != nil {
		t.Fatal(err)
	}
	ed.syncUntilDone(10)
	if r, err := n.review(ctx, third.Article.ID); err != nil || r.Holder != "bientap" {
		t.Errorf("the editor's decision after the move: %+v %v", r, err)
	}
	for _, d := range []*device{c, ed} {
		box, _ := d.desk.Outbox(ctx)
		if len(box.Articles) != 0 || len(box.Photos) != 0 || len(box.Problems) != 0 {
			t.Errorf("a device's outbox after the move: %+v", box)
		}
	}
	if st, err := n.photoState(third.Article.Photos[0].Hash); err != nil || !st.Complete {
		t.Errorf("the new photo: %+v %v", st, err)
	}
	if got := n.photoSHA(first.Article.Photos[0].Hash); got != first.Article.Photos[0].Hash {
		t.Errorf("the moved photo hashes to %s", got)
	}
}
