package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	rules "github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/render"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// TestEditorialLoop is the whole loop over loopback with real stores: the
// correspondent sends, the editor asks for changes, the correspondent
// revises offline while the editor edits another paragraph, both sync and
// the merge is clean; then both edit the same paragraph, the merge keeps a
// conflict, the editor resolves it, approves and publishes.
func TestEditorialLoop(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	reporter := newDevice(t, n, "lethib", store.OriginalsAlways)
	editor := newDevice(t, n, "bientap", store.OriginalsAlways)

	paras := []string{
		"(TTXVN) – Mưa lớn kéo dài gây lũ quét ở huyện Bát Xát.",
		"Nhiều hộ dân ở xã Y Tý bị cô lập.",
		"Lực lượng cứu hộ đã có mặt.",
		"Chính quyền địa phương đang thống kê thiệt hại.",
	}
	photo, err := reporter.desk.AddPhoto(ctx, "cau-treo.jpg", bytes.NewReader(noiseJPEG(t, 800, 600, 7)))
	if err != nil {
		t.Fatal(err)
	}
	figure := fielddesk.Figure{Hash: photo.Hash, Caption: "Cầu treo bị cuốn trôi", Credit: "(Ảnh: Lê Thị B)"}.Markdown()
	paras = append(paras, figure)
	rev, err := reporter.desk.Save(ctx, fielddesk.Article{Headline: "Lũ quét ở Bát Xát", Body: fielddesk.JoinParagraphs(paras),
		Language: "vi", Category: "Thời sự", Byline: "Lê Thị B", Photos: []fielddesk.Photo{photo}}, "")
	if err != nil {
		t.Fatal(err)
	}
	id := rev.Article.ID
	if _, err := reporter.desk.Act(ctx, id, fielddesk.ActionSend, ""); err != nil {
		t.Fatal(err)
	}
	reporter.syncUntilDone(3)

	// The editor's queue holds it; a decision the workflow forbids is refused here first.
	editor.syncUntilDone(3)
	q, err := editor.desk.Queue(ctx, nil)
	if err != nil || len(q) != 1 || q[0].ID != id || q[0].Status != fielddesk.StatusSubmitted {
		t.Fatalf("editor's queue: %+v, %v", q, err)
	}
	if _, err := editor.desk.Act(ctx, id, fielddesk.ActionPublish, ""); !errors.Is(err, fielddesk.ErrNotAllowed) {
		t.Fatalf("publishing a submitted article: %v", err)
	}
	act(t, editor, id, fielddesk.ActionTake, "")
	if _, err := editor.desk.Comment(ctx, id, 2, "Bao nhiêu hộ? Cần số liệu cụ thể.", ""); err != nil {
		t.Fatal(err)
	}
	act(t, editor, id, fielddesk.ActionRequestChanges, "Bổ sung số hộ bị cô lập.")
	if box, _ := editor.desk.Outbox(ctx); !slices.Contains(box.Articles, id) {
		t.Errorf("the editor's outbox does not show the decisions waiting: %+v", box)
	}
	_, erep := editor.syncUntilDone(3)
	if srv, _ := n.review(ctx, id); srv.Status != fielddesk.StatusChangesRequested {
		t.Fatalf("server holds %s after the editor's sync (%+v)", srv.Status, erep)
	}

	_, rep := reporter.syncUntilDone(3)
	if st := status(t, reporter, id); st != fielddesk.StatusChangesRequested {
		t.Fatalf("the reporter sees %s", st)
	}
	if !slices.ContainsFunc(rep.News, func(e fielddesk.Event) bool {
		return e.Action == fielddesk.ActionRequestChanges && e.Author == "bientap"
	}) {
		t.Errorf("the decision is not among the news: %+v", rep.News)
	}
	review, err := reporter.desk.ReviewOf(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var comment fielddesk.Event
	for _, e := range review.Events {
		if e.Kind == fielddesk.EventComment {
			comment = e
		}
	}
	if comment.Paragraph != 2 || comment.Quote != paras[1] || comment.Author != "bientap" || comment.Device == "" {
		t.Errorf("the comment as the reporter has it: %+v", comment)
	}
	if len(review.Audit) != 0 {
		t.Errorf("a correspondent received the audit log: %+v", review.Audit)
	}

	// Apart: the reporter revises paragraph 2 (offline), the editor paragraph 4.
	mine := slices.Clone(paras)
	mine[1] = "Khoảng 120 hộ dân ở xã Y Tý bị cô lập."
	edit(t, reporter, id, mine)
	if _, err := reporter.desk.Comment(ctx, id, 0, "Đã bổ sung: 120 hộ.", comment.ID); err != nil {
		t.Fatal(err)
	}
	act(t, reporter, id, fielddesk.ActionSend, "")
	theirs := slices.Clone(paras)
	theirs[3] = "Chính quyền huyện Bát Xát đang thống kê thiệt hại."
	edit(t, editor, id, theirs)
	editor.syncUntilDone(3)
	_, rep = reporter.syncUntilDone(3)
	if rep.Merged != 1 {
		t.Errorf("report %+v: want the revision merged", rep)
	}
	editor.syncUntilDone(3)
	reporter.syncUntilDone(3)
	want := fielddesk.JoinParagraphs([]string{paras[0], mine[1], paras[2], theirs[3], figure})
	for _, d := range []*device{reporter, editor} {
		got := latest(t, d, id)
		if got.Article.Body != want || len(got.Article.Conflicts) != 0 {
			t.Fatalf("after the clean merge: %q, conflicts %+v\nwant %q", got.Article.Body, got.Article.Conflicts, want)
		}
	}
	if st := status(t, editor, id); st != fielddesk.StatusSubmitted {
		t.Fatalf("resubmitted article is %s at the editor's", st)
	}

	// Round two: both change paragraph 3.
	act(t, editor, id, fielddesk.ActionTake, "")
	p3 := fielddesk.Paragraphs(want)
	byEditor := slices.Clone(p3)
	byEditor[2] = "Lực lượng cứu hộ của bộ đội biên phòng đã có mặt."
	edit(t, editor, id, byEditor)
	byReporter := slices.Clone(p3)
	byReporter[2] = "Lực lượng cứu hộ đã có mặt từ sáng sớm."
	edit(t, reporter, id, byReporter)
	editor.syncUntilDone(3)
	reporter.syncUntilDone(3)
	editor.syncUntilDone(3)
	got := latest(t, editor, id)
	if len(got.Article.Conflicts) != 1 {
		t.Fatalf("conflicts %+v", got.Article.Conflicts)
	}
	c := got.Article.Conflicts[0]
	if c.Ours != byEditor[2] || c.Theirs != byReporter[2] || c.OursBy != "bientap" || c.TheirsBy != "lethib" || c.Paragraph != 3 {
		t.Errorf("conflict %+v", c)
	}
	act(t, editor, id, fielddesk.ActionApprove, "")
	if _, err := editor.desk.Act(ctx, id, fielddesk.ActionPublish, ""); err == nil || !strings.Contains(err.Error(), "conflict") {
		t.Fatalf("publishing with a conflict: %v", err)
	}
	combined := "Lực lượng cứu hộ của bộ đội biên phòng đã có mặt từ sáng sớm."
	if _, err := editor.desk.ResolveConflict(ctx, id, c.ID, combined); err != nil {
		t.Fatal(err)
	}
	act(t, editor, id, fielddesk.ActionPublish, "")
	editor.syncUntilDone(3)
	reporter.syncUntilDone(3)

	final := slices.Clone(p3)
	final[2] = combined
	for _, d := range []*device{reporter, editor} {
		got := latest(t, d, id)
		if got.Article.Body != fielddesk.JoinParagraphs(final) || len(got.Article.Conflicts) != 0 || got.Article.Status != fielddesk.StatusPublished {
			t.Errorf("final: %s %q %+v", got.Article.Status, got.Article.Body, got.Article.Conflicts)
		}
	}
	srv, err := n.review(ctx, id)
	if err != nil || srv.Status != fielddesk.StatusPublished {
		t.Fatalf("server: %s %v", srv.Status, err)
	}
	// The audit log names every transition and revision with who and which device.
	var steps []string
	for _, a := range srv.Audit {
		if a.User == "" || a.Device == "" || a.At.IsZero() {
			t.Errorf("audit entry without who, device or time: %+v", a)
		}
		if a.Kind == "transition" {
			steps = append(steps, a.User+":"+string(a.Action))
		}
	}
	// (The first send is the article's first revision, not a transition.)
	wantSteps := []string{"bientap:take", "bientap:request-changes", "lethib:send", "bientap:take", "bientap:approve", "bientap:publish"}
	if !slices.Equal(steps, wantSteps) {
		t.Errorf("transitions in the audit log: %v\nwant %v", steps, wantSteps)
	}
	if edAudit, _ := editor.desk.ReviewOf(ctx, id); len(edAudit.Audit) != len(srv.Audit) {
		t.Errorf("the editor's device holds %d audit entries; the server %d", len(edAudit.Audit), len(srv.Audit))
	}

	// The page, the feed and the ninjs carry the final text and the photo.
	pubs, err := rules.New(n.db).Published(ctx, time.Time{}, 10, nil)
	if err != nil || len(pubs) != 1 {
		t.Fatalf("published: %+v %v", pubs, err)
	}
	page := get(t, n.URL+"/articles/"+pubs[0].Slug)
	// Both devices know where it was published (the window links to it).
	for _, d := range []*device{reporter, editor} {
		if r, err := d.desk.ReviewOf(ctx, id); err != nil || r.Slug != pubs[0].Slug {
			t.Errorf("the device holds the address %q (%v), want %q", r.Slug, err, pubs[0].Slug)
		}
	}
	feed := get(t, n.URL+"/feed.atom")
	ninjs := get(t, n.URL+"/v1/published")
	for name, doc := range map[string]string{"page": page, "feed": feed, "ninjs": ninjs} {
		for _, want := range []string{combined, "120 hộ dân", "Chính quyền huyện Bát Xát", "/media/" + photo.Hash, "Cầu treo bị cuốn trôi"} {
			if !strings.Contains(doc, want) {
				t.Errorf("the %s lacks %q", name, want)
			}
		}
	}
	if img := get(t, n.URL+"/media/"+photo.Hash+"?size=original"); img != string(mustRead(t, reporter.desk.PhotoPath(photo.Hash))) {
		t.Errorf("the published photo is not the reporter's original")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func act(t *testing.T, d *device, id fielddesk.ID, a fielddesk.Action, comment string) {
	t.Helper()
	if _, err := d.desk.Act(context.Background(), id, a, comment); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
}

func edit(t *testing.T, d *device, id fielddesk.ID, paras []string) {
	t.Helper()
	head := latest(t, d, id)
	head.Article.Body = fielddesk.JoinParagraphs(paras)
	if _, err := d.desk.Save(context.Background(), head.Article, head.ID); err != nil {
		t.Fatal(err)
	}
}

func latest(t *testing.T, d *device, id fielddesk.ID) fielddesk.Revision {
	t.Helper()
	rev, err := d.desk.Latest(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func status(t *testing.T, d *device, id fielddesk.ID) fielddesk.Status {
	return latest(t, d, id).Article.Status
}

// A spiked article comes back: the desk's editor restores it to its
// correspondent with a reason (refused without one, on the editor's laptop
// already); the correspondent's laptop gets it as a draft with the reason
// among the news, edits it and sends it again; the audit log says who
// restored it and why.
func TestASpikedArticleIsRestoredToItsCorrespondent(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	reporter := newDevice(t, n, "lethib", store.OriginalsAlways)
	editor := newDevice(t, n, "bientap", store.OriginalsAlways)
	paras := []string{"(TTXVN) – Sạt lở đất ở xã Y Tý.", "Chưa có thiệt hại về người."}
	rev, err := reporter.desk.Save(ctx, fielddesk.Article{Headline: "Sạt lở ở Y Tý", Body: fielddesk.JoinParagraphs(paras), Language: "vi"}, "")
	if err != nil {
		t.Fatal(err)
	}
	id := rev.Article.ID
	act(t, reporter, id, fielddesk.ActionSend, "")
	reporter.syncUntilDone(3)
	editor.syncUntilDone(3)
	act(t, editor, id, fielddesk.ActionTake, "")
	act(t, editor, id, fielddesk.ActionSpike, "")
	editor.syncUntilDone(3)
	reporter.syncUntilDone(3)
	if st := status(t, reporter, id); st != fielddesk.StatusSpiked {
		t.Fatalf("the reporter sees %s after the spike", st)
	}
	if _, err := reporter.desk.Act(ctx, id, fielddesk.ActionRestore, "Tôi muốn viết tiếp."); !errors.Is(err, fielddesk.ErrNotAllowed) {
		t.Fatalf("a correspondent restores: %v", err)
	}
	if _, err := editor.desk.Act(ctx, id, fielddesk.ActionRestore, " "); !errors.Is(err, fielddesk.ErrNotAllowed) || !strings.Contains(err.Error(), "why it comes back") {
		t.Fatalf("a restore without a reason: %v", err)
	}
	reason := "Sự việc có diễn biến mới: viết tiếp, bổ sung số hộ phải di dời."
	act(t, editor, id, fielddesk.ActionRestore, reason)
	editor.syncUntilDone(3)
	srv, err := n.review(ctx, id)
	if err != nil || srv.Status != fielddesk.StatusDraft {
		t.Fatalf("the server holds %s after the restore (%v)", srv.Status, err)
	}
	last := srv.Audit[len(srv.Audit)-1]
	if last.Action != fielddesk.ActionRestore || last.User != "bientap" || last.Note != reason || last.From != fielddesk.StatusSpiked || last.To != fielddesk.StatusDraft {
		t.Fatalf("the audit log's last entry: %+v", last)
	}

	_, rep := reporter.syncUntilDone(3)
	if st := status(t, reporter, id); st != fielddesk.StatusDraft {
		t.Fatalf("the reporter sees %s after the restore", st)
	}
	if !slices.ContainsFunc(rep.News, func(e fielddesk.Event) bool {
		return e.Action == fielddesk.ActionRestore && e.Author == "bientap" && e.Text == reason
	}) {
		t.Errorf("the restore and its reason are not among the news: %+v", rep.News)
	}
	paras = append(paras, "Khoảng 30 hộ dân phải di dời khẩn cấp.")
	edit(t, reporter, id, paras)
	act(t, reporter, id, fielddesk.ActionSend, "")
	reporter.syncUntilDone(3)
	editor.syncUntilDone(3)
	q, err := editor.desk.Queue(ctx, nil)
	if err != nil || len(q) != 1 || q[0].ID != id || q[0].Status != fielddesk.StatusSubmitted {
		t.Fatalf("the editor's queue after it was sent again: %+v, %v", q, err)
	}
	if got := latest(t, editor, id); got.Article.Body != fielddesk.JoinParagraphs(paras) {
		t.Errorf("the editor has %q", got.Article.Body)
	}
}

// Who holds an article, between two editors' desktops and a
// correspondent's: the one who takes it holds it and the other is refused
// its decisions on their own laptop (offline, at once); the article sent
// again after changes goes back to the editor who asked, not to the
// common queue; an assign hands it to the other editor, who is told; a
// decision refused by the newsroom puts the hold back as it was.
func TestWhoHoldsAnArticleAcrossDesktops(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	if _, err := rules.New(n.db).AddUser(ctx, "bientap2", fielddesk.RoleEditor, "laocai", password); err != nil {
		t.Fatal(err)
	}
	reporter := newDevice(t, n, "lethib", store.OriginalsAlways)
	an := newDevice(t, n, "bientap", store.OriginalsAlways)
	binh := newDevice(t, n, "bientap2", store.OriginalsAlways)
	rev, err := reporter.desk.Save(ctx, fielddesk.Article{Headline: "Lũ quét ở Bát Xát",
		Body: "(TTXVN) – Mưa lớn gây lũ quét ở huyện Bát Xát.", Language: "vi"}, "")
	if err != nil {
		t.Fatal(err)
	}
	id := rev.Article.ID
	act(t, reporter, id, fielddesk.ActionSend, "")
	reporter.syncUntilDone(3)
	holder := func(d *device) (string, time.Time) {
		t.Helper()
		q, err := d.desk.Queue(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range q {
			if s.ID == id {
				r, err := d.desk.ReviewOf(ctx, id)
				if err != nil || r.Holder != s.Holder || !r.Held.Equal(s.Held) {
					t.Fatalf("the queue says %q since %v, the article %q since %v (%v)", s.Holder, s.Held, r.Holder, r.Held, err)
				}
				return s.Holder, s.Held
			}
		}
		t.Fatalf("the article is not in the queue: %+v", q)
		return "", time.Time{}
	}

	an.syncUntilDone(3)
	act(t, an, id, fielddesk.ActionTake, "")
	if h, since := holder(an); h != "bientap" || since.IsZero() {
		t.Fatalf("after the take, on the taker's desktop: held by %q since %v", h, since)
	}
	an.syncUntilDone(3)
	binh.syncUntilDone(3)
	if h, _ := holder(binh); h != "bientap" {
		t.Fatalf("the other editor sees it held by %q", h)
	}
	// Refused on binh's own laptop, naming the holder.
	var he *fielddesk.HolderError
	if _, err := binh.desk.Act(ctx, id, fielddesk.ActionApprove, ""); !errors.As(err, &he) || he.Holder != "bientap" || !errors.Is(err, fielddesk.ErrNotAllowed) {
		t.Fatalf("the other editor approves: %v", err)
	}

	// Changes requested, sent again: it goes back to bientap.
	act(t, an, id, fielddesk.ActionRequestChanges, "Bổ sung số hộ bị cô lập.")
	an.syncUntilDone(3)
	reporter.syncUntilDone(3)
	edit(t, reporter, id, []string{"(TTXVN) – Mưa lớn gây lũ quét ở huyện Bát Xát.", "Khoảng 120 hộ dân bị cô lập."})
	act(t, reporter, id, fielddesk.ActionSend, "")
	reporter.syncUntilDone(3)
	binh.syncUntilDone(3)
	if h, _ := holder(binh); h != "bientap" || status(t, binh, id) != fielddesk.StatusSubmitted {
		t.Fatalf("the article sent again is held by %q (%s); want it back with bientap", h, status(t, binh, id))
	}
	if _, err := binh.desk.Act(ctx, id, fielddesk.ActionTake, ""); !errors.As(err, &he) {
		t.Fatalf("the other editor takes the article sent back to bientap: %v", err)
	}

	// bientap hands it to bientap2, who is told.
	an.syncUntilDone(3)
	act(t, an, id, fielddesk.ActionTake, "")
	if _, err := an.desk.Act(ctx, id, fielddesk.ActionAssign, ""); !errors.Is(err, fielddesk.ErrInvalid) {
		t.Fatalf("an assign to nobody: %v", err)
	}
	if _, err := an.desk.Assign(ctx, id, "bientap2", "Anh Bình theo dõi Bát Xát, nhờ anh duyệt."); err != nil {
		t.Fatal(err)
	}
	if h, _ := holder(an); h != "bientap2" {
		t.Fatalf("after the assign, on the assigner's desktop: held by %q", h)
	}
	an.syncUntilDone(3)
	_, rep := binh.syncUntilDone(3)
	if h, _ := holder(binh); h != "bientap2" {
		t.Fatalf("the new holder's desktop: held by %q", h)
	}
	if !slices.ContainsFunc(rep.News, func(e fielddesk.Event) bool {
		return e.Action == fielddesk.ActionAssign && e.Assignee == "bientap2" && e.Author == "bientap"
	}) {
		t.Errorf("the assign is not among the new holder's news: %+v", rep.News)
	}
	if _, err := an.desk.Act(ctx, id, fielddesk.ActionApprove, ""); !errors.As(err, &he) || he.Holder != "bientap2" {
		t.Fatalf("the former holder approves: %v", err)
	}

	// An assign the newsroom refuses (not an editor of the desk) puts the
	// hold back on the desktop that made it.
	if _, err := binh.desk.Assign(ctx, id, "tranvanc", ""); err != nil {
		t.Fatal(err)
	}
	if h, _ := holder(binh); h != "tranvanc" {
		t.Fatalf("before the newsroom's answer: held by %q", h)
	}
	binh.syncUntilDone(3)
	if h, _ := holder(binh); h != "bientap2" {
		t.Fatalf("after the newsroom refused the assign: held by %q", h)
	}
	act(t, binh, id, fielddesk.ActionApprove, "")
	act(t, binh, id, fielddesk.ActionPublish, "")
	binh.syncUntilDone(3)
	if srv, err := n.review(ctx, id); err != nil || srv.Status != fielddesk.StatusPublished || srv.Holder != "" {
		t.Fatalf("the server: %s, held by %q (%v)", srv.Status, srv.Holder, err)
	}
}

// A correction and an update at the same address, end to end over a link
// that cuts every few kilobytes: publish, correct with a note, edit,
// publish again; the address serves the corrected text with the note, the
// feed's entry keeps its id with a new updated time, the ninjs item is
// version 2 and usable, version 1 is still there, the audit log says who
// corrected what and why; then an update the same way (version 3).
func TestACorrectionAndAnUpdateKeepTheAddress(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	reporter := newDevice(t, n, "lethib", store.OriginalsAlways)
	editor := newDevice(t, n, "bientap", store.OriginalsAlways)
	paras := []string{"(TTXVN) – Lũ quét ở huyện Bát Xát làm 12 hộ dân bị cô lập.", "Lực lượng cứu hộ đã có mặt."}
	rev, err := reporter.desk.Save(ctx, fielddesk.Article{Headline: "Lũ quét ở Bát Xát", Body: fielddesk.JoinParagraphs(paras), Language: "vi"}, "")
	if err != nil {
		t.Fatal(err)
	}
	id := rev.Article.ID
	act(t, reporter, id, fielddesk.ActionSend, "")
	reporter.syncUntilDone(3)
	editor.syncUntilDone(3)
	for _, a := range []fielddesk.Action{fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionPublish} {
		act(t, editor, id, a, "")
	}
	editor.syncUntilDone(3)
	pubs, err := rules.New(n.db).Published(ctx, time.Time{}, 10, nil)
	if err != nil || len(pubs) != 1 {
		t.Fatalf("published: %+v %v", pubs, err)
	}
	slug, first := pubs[0].Slug, pubs[0]
	site := "http://" + n.ln.Addr().String() // readers' side: not over the correspondents' link
	feedID := "<id>urn:fielddesk:article:" + string(id) + "</id>"

	n.proxy.SetCutEvery(3 << 10)
	n.proxy.SetLatency(20 * time.Millisecond)
	defer n.proxy.SetCutEvery(0)

	// The editor's app refuses to edit a published article; a correction
	// needs a note.
	if _, err := editor.desk.Act(ctx, id, fielddesk.ActionCorrect, ""); !errors.Is(err, fielddesk.ErrNotAllowed) {
		t.Fatalf("a correction without a note: %v", err)
	}
	note := "Số hộ bị cô lập là 120, không phải 12."
	act(t, editor, id, fielddesk.ActionCorrect, note)
	if st := status(t, editor, id); st != fielddesk.StatusCorrecting {
		t.Fatalf("after correct: %s", st)
	}
	corrected := []string{"(TTXVN) – Lũ quét ở huyện Bát Xát làm 120 hộ dân bị cô lập.", paras[1]}
	edit(t, editor, id, corrected)
	// Meanwhile the article is online as it was.
	editor.syncUntilDone(30)
	if page := get(t, site+"/articles/"+slug); !strings.Contains(page, "12 hộ dân") || strings.Contains(page, "Đính chính") {
		t.Errorf("while the correction is made, the page shows:\n%s", page)
	}
	reporter.syncUntilDone(30)
	if st := status(t, reporter, id); st != fielddesk.StatusCorrecting {
		t.Errorf("the correspondent sees %s", st)
	}
	if _, err := reporter.desk.Save(ctx, latest(t, reporter, id).Article, latest(t, reporter, id).ID); !errors.Is(err, fielddesk.ErrNotAllowed) {
		t.Errorf("the correspondent edits the article being corrected: %v", err)
	}
	act(t, editor, id, fielddesk.ActionPublish, "")
	editor.syncUntilDone(30)

	page := get(t, site+"/articles/"+slug)
	pub, _, err := rules.New(n.db).PublishedArticle(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	at := pub.Notes[0].At.In(vietnamese.Newsroom).Format("15:04, 02/01/2006")
	wantNote := "Đính chính: " + note + " (cập nhật lúc " + at + ")"
	if !strings.Contains(page, "120 hộ dân") || strings.Contains(page, "làm 12 hộ") || !strings.Contains(page, wantNote) {
		t.Errorf("the corrected page lacks the text or %q:\n%s", wantNote, page)
	}
	if pub.VersionNumber() != 2 || !pub.Published.Equal(first.Published) || !pub.Updated.After(first.Updated) {
		t.Errorf("the publication after the correction: version %d, published %v (was %v), updated %v (was %v)",
			pub.VersionNumber(), pub.Published, first.Published, pub.Updated, first.Updated)
	}
	if v1 := get(t, site+"/articles/"+slug+"/versions/1"); !strings.Contains(v1, "làm 12 hộ") || !strings.Contains(v1, "phiên bản 1") {
		t.Errorf("version 1:\n%s", v1)
	}
	if !strings.Contains(page, `href="/articles/`+slug+`/versions/1"`) {
		t.Error("the page does not link its earlier version")
	}
	feed := get(t, site+"/feed.atom")
	if strings.Count(feed, feedID) != 1 || !strings.Contains(feed, "<updated>"+pub.Updated.UTC().Format(time.RFC3339)+"</updated>") ||
		!strings.Contains(feed, "Đính chính: "+note) {
		t.Errorf("the feed after the correction:\n%s", feed)
	}
	var ninjs struct {
		Items []render.NinJS `json:"items"`
	}
	if err := json.Unmarshal([]byte(get(t, site+"/v1/published")), &ninjs); err != nil || len(ninjs.Items) != 1 {
		t.Fatalf("ninjs: %v %+v", err, ninjs)
	}
	if it := ninjs.Items[0]; it.Version != "2" || it.PubStatus != "usable" || !strings.Contains(it.Bodies[0].Value, "Đính chính: "+note) {
		t.Errorf("the ninjs item after the correction: version %q, %s, body %q", it.Version, it.PubStatus, it.Bodies[0].Value)
	}
	srv, _ := n.review(ctx, id)
	found := false
	for _, a := range srv.Audit {
		found = found || a.Action == fielddesk.ActionCorrect && a.User == "bientap" && a.Note == note && a.From == fielddesk.StatusPublished
	}
	if !found {
		t.Errorf("the audit log does not say who corrected what and why: %+v", srv.Audit)
	}

	// An update, the same way, with what is new.
	act(t, editor, id, fielddesk.ActionUpdate, "Thêm số liệu thiệt hại.")
	edit(t, editor, id, append(slices.Clone(corrected), "Thiệt hại ước tính 5 tỷ đồng."))
	act(t, editor, id, fielddesk.ActionPublish, "")
	editor.syncUntilDone(30)
	page = get(t, site+"/articles/"+slug)
	pub, _, _ = rules.New(n.db).PublishedArticle(ctx, slug)
	upd := "Cập nhật lúc " + pub.Notes[1].At.In(vietnamese.Newsroom).Format("15:04, 02/01/2006") + ": Thêm số liệu thiệt hại."
	if pub.VersionNumber() != 3 || !strings.Contains(page, "5 tỷ đồng") || !strings.Contains(page, wantNote) || !strings.Contains(page, upd) {
		t.Errorf("after the update: version %d, page:\n%s", pub.VersionNumber(), page)
	}
	if v2 := get(t, site+"/articles/"+slug+"/versions/2"); !strings.Contains(v2, wantNote) || strings.Contains(v2, "5 tỷ đồng") {
		t.Errorf("version 2:\n%s", v2)
	}
	if n.proxy.Cuts.Load() == 0 {
		t.Error("the link was never cut")
	}
	reporter.syncUntilDone(30)
	if st := status(t, reporter, id); st != fielddesk.StatusPublished {
		t.Errorf("the correspondent sees %s at the end", st)
	}
}
