package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	rules "github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/store"
)

// Publishing on time, end to end over a cutting link: an editor schedules
// an approved article (with a photo) a few seconds ahead and goes
// offline; until its time nothing of it is public (page, feed, ninjs,
// media); the server stops before the time and starts again after it, and
// publishes it at once, once, not a moment early; the desktops learn it.
func TestAScheduledArticleAppearsAtItsTimeAndNotBefore(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	reporter := newDevice(t, n, "lethib", store.OriginalsAlways)
	editor := newDevice(t, n, "bientap", store.OriginalsAlways)
	rev := reporter.write("Khai mạc lễ hội hoa tam giác mạch", 400)
	id, photo := rev.Article.ID, rev.Article.Photos[0].Hash
	reporter.send(id)
	reporter.syncUntilDone(5)
	editor.syncUntilDone(5)
	act(t, editor, id, fielddesk.ActionTake, "")
	act(t, editor, id, fielddesk.ActionApprove, "")
	if _, err := editor.desk.Schedule(ctx, id, time.Now().Add(-time.Minute), false, ""); !errors.Is(err, fielddesk.ErrInvalid) {
		t.Fatalf("a schedule in the past: %v", err)
	}
	// Far enough ahead for the sync over the cutting link to land first,
	// under the race detector and Wine too.
	due := time.Now().Add(8 * time.Second).Truncate(time.Second)
	if _, err := editor.desk.Schedule(ctx, id, due, true, "Cấm đăng trước giờ khai mạc."); err != nil {
		t.Fatal(err)
	}
	if r, _ := editor.desk.ReviewOf(ctx, id); r.Status != fielddesk.StatusScheduled || !r.Due.Equal(due.UTC()) || !r.Embargo {
		t.Fatalf("on the editor's desktop: %s, due %v, embargo %v", r.Status, r.Due, r.Embargo)
	}
	n.proxy.SetCutEvery(4 << 10)
	editor.syncUntilDone(30)
	n.proxy.SetCutEvery(0)
	if r, _ := n.review(ctx, id); r.Status != fielddesk.StatusScheduled || !r.Due.Equal(due.UTC()) {
		t.Fatalf("on the server: %s, due %v", r.Status, r.Due)
	}
	site := func() string { return "http://" + n.ln.Addr().String() }
	status := func(path string) (int, string) {
		resp, err := http.Get(site() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			k, err := resp.Body.Read(buf)
			b.Write(buf[:k])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, b.String()
	}
	notPublic := func(when string) {
		t.Helper()
		if _, feed := status("/feed.atom"); strings.Contains(feed, string(id)) {
			t.Errorf("%s: the feed has the scheduled article", when)
		}
		if _, js := status("/v1/published"); strings.Contains(js, string(id)) {
			t.Errorf("%s: ninjs has the scheduled article", when)
		}
		if _, idx := status("/articles"); strings.Contains(idx, "tam giác mạch") {
			t.Errorf("%s: the index lists the scheduled article", when)
		}
		if code, _ := status("/media/" + photo); code == http.StatusOK {
			t.Errorf("%s: its photo is served", when)
		}
		if pubs, _ := rules.New(n.db).Published(ctx, time.Time{}, 10, nil); len(pubs) != 0 {
			t.Errorf("%s: published %+v", when, pubs)
		}
	}
	if time.Until(due) < time.Second {
		t.Fatalf("the schedule took until %v to reach the server, due at %v: the test cannot check what comes before", time.Now(), due)
	}
	notPublic("just scheduled")
	// The server stops before the time and comes back after it.
	time.Sleep(time.Until(due.Add(-1500 * time.Millisecond)))
	if time.Until(due) > 500*time.Millisecond {
		notPublic("a moment before its time")
	}
	n.stop()
	time.Sleep(time.Until(due.Add(1500 * time.Millisecond)))
	n.open()
	waitFor(t, 20*time.Second, "the scheduled article to be published", func() bool {
		pubs, _ := rules.New(n.db).Published(ctx, time.Time{}, 10, nil)
		return len(pubs) == 1
	})
	pubs, _ := rules.New(n.db).Published(ctx, time.Time{}, 10, nil)
	pub := pubs[0]
	if pub.Published.Before(due) || pub.VersionNumber() != 1 {
		t.Errorf("published at %v (due %v), version %d", pub.Published, due, pub.VersionNumber())
	}
	if code, page := status("/articles/" + pub.Slug); code != 200 || !strings.Contains(page, "tam giác mạch") {
		t.Errorf("the page after its time: %d", code)
	}
	var ninjs struct {
		Items []struct{ URI, PubStatus string } `json:"items"`
	}
	if _, js := status("/v1/published"); json.Unmarshal([]byte(js), &ninjs) != nil || len(ninjs.Items) != 1 || ninjs.Items[0].PubStatus != "usable" {
		t.Errorf("ninjs after its time: %s", js)
	}
	if code, _ := status("/media/" + photo); code != http.StatusOK {
		t.Errorf("its photo after its time: %d", code)
	}
	// Once: another pass of the schedule publishes nothing more.
	if ids, err := n.rules().ReleaseDue(ctx, time.Now()); err != nil || len(ids) != 0 {
		t.Errorf("a second pass released %v (%v)", ids, err)
	}
	srv, _ := n.review(ctx, id)
	releases := 0
	for _, a := range srv.Audit {
		if a.Action == fielddesk.ActionRelease {
			releases++
			if a.Device != "schedule" || !strings.Contains(a.Note, "embargoed until") || a.At.Before(due) {
				t.Errorf("the release in the audit log: %+v", a)
			}
		}
	}
	if releases != 1 || srv.Status != fielddesk.StatusPublished || !srv.Due.IsZero() {
		t.Errorf("the server: %s, %d releases, due %v", srv.Status, releases, srv.Due)
	}
	editor.syncUntilDone(5)
	if r, _ := editor.desk.ReviewOf(ctx, id); r.Status != fielddesk.StatusPublished || !r.Due.IsZero() || r.Slug != pub.Slug {
		t.Errorf("the editor's desktop after its time: %s, due %v, at %q", r.Status, r.Due, r.Slug)
	}
}

// A schedule can be changed and cancelled until its time.
func TestAScheduleIsChangedAndCancelled(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	reporter := newDevice(t, n, "lethib", store.OriginalsAlways)
	editor := newDevice(t, n, "bientap", store.OriginalsAlways)
	rev := reporter.write("Giá lúa tăng")
	id := rev.Article.ID
	reporter.send(id)
	reporter.syncUntilDone(5)
	editor.syncUntilDone(5)
	act(t, editor, id, fielddesk.ActionTake, "")
	act(t, editor, id, fielddesk.ActionApprove, "")
	first := time.Now().Add(time.Hour)
	if _, err := editor.desk.Schedule(ctx, id, first, false, ""); err != nil {
		t.Fatal(err)
	}
	later := first.Add(2 * time.Hour)
	if _, err := editor.desk.Schedule(ctx, id, later, false, ""); err != nil {
		t.Fatal(err)
	}
	// Handed to another editor, it stays scheduled for that time.
	if _, err := rules.New(n.db).AddUser(ctx, "bientap2", fielddesk.RoleEditor, "laocai", password); err != nil {
		t.Fatal(err)
	}
	if _, err := editor.desk.Assign(ctx, id, "bientap2", ""); err != nil {
		t.Fatal(err)
	}
	if r, _ := editor.desk.ReviewOf(ctx, id); r.Status != fielddesk.StatusScheduled || !r.Due.Equal(later.UTC()) {
		t.Errorf("on the desktop, after the hand-over: %s due %v", r.Status, r.Due)
	}
	editor.syncUntilDone(5)
	if due, ok, err := n.rules().NextDue(ctx); err != nil || !ok || !due.Equal(later.UTC()) {
		t.Fatalf("the server's next due: %v %v %v, want %v", due, ok, err, later)
	}
	second := newDevice(t, n, "bientap2", store.OriginalsAlways)
	second.syncUntilDone(5)
	if ids, _ := n.rules().ReleaseDue(ctx, first.Add(time.Minute)); len(ids) != 0 {
		t.Errorf("released at the old time: %v", ids)
	}
	act(t, second, id, fielddesk.ActionUnschedule, "")
	second.syncUntilDone(5)
	if _, ok, _ := n.rules().NextDue(ctx); ok {
		t.Error("a cancelled schedule is still due")
	}
	if ids, _ := n.rules().ReleaseDue(ctx, later.Add(time.Minute)); len(ids) != 0 {
		t.Errorf("released after it was cancelled: %v", ids)
	}
	if r, _ := n.review(ctx, id); r.Status != fielddesk.StatusApproved || !r.Due.IsZero() {
		t.Errorf("after the cancel: %s, due %v", r.Status, r.Due)
	}
}
