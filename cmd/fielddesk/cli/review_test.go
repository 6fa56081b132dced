package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
	rules "github.com/fielddesk/fielddesk/newsroom"
)

// The review commands from scripts, against a real server: queue, review,
// comment, comments, conflicts, resolve and diff, each acting locally and
// delivered by sync.
func TestReviewCommands(t *testing.T) {
	sdb, srv := newsroom(t)
	ctx := context.Background()
	must := mustRun(t)
	pw := passwordFile(t)
	rep, ed := loginAs(t, srv.URL, pw, "lethib"), loginAs(t, srv.URL, pw, "bientap")
	id := submitted(t, rep, ed, "---\nheadline: \"Lũ quét ở Bát Xát\"\n---\nĐoạn một.\n\nĐoạn hai có số liệu cũ.\n\nĐoạn ba.\n")

	var q struct {
		Counts   map[string]int `json:"counts"`
		Articles []queueLine    `json:"articles"`
	}
	if err := json.Unmarshal([]byte(must("--data", ed, "queue", "--json")), &q); err != nil {
		t.Fatal(err)
	}
	if q.Counts["submitted"] != 1 || len(q.Articles) != 1 || string(q.Articles[0].ID) != id {
		t.Fatalf("queue: %+v", q)
	}
	// Refusals name the role and the state; a kill needs a reason.
	if _, errOut, code := run(t, "--data", rep, "review", id, "approve"); code != 1 || !strings.Contains(errOut, "correspondent") {
		t.Errorf("a correspondent approving: %d %q", code, errOut)
	}
	if _, errOut, code := run(t, "--data", ed, "review", id, "publish"); code != 1 || !strings.Contains(errOut, "submitted") {
		t.Errorf("publishing a submitted article: %d %q", code, errOut)
	}
	if _, errOut, code := run(t, "--data", ed, "review", id, "take", "--comment", ""); code != 0 {
		t.Fatalf("take: %q", errOut)
	}
	if _, errOut, code := run(t, "--data", ed, "review", id, "request-changes"); code != 1 || !strings.Contains(errOut, "comment") {
		t.Errorf("request-changes without a comment: %d %q", code, errOut)
	}
	if _, errOut, code := run(t, "--data", ed, "comment", id, "--paragraph", "9", "Sai"); code != 1 || !strings.Contains(errOut, "3 paragraphs") {
		t.Errorf("comment on paragraph 9: %d %q", code, errOut)
	}
	must("--data", ed, "comment", id, "--paragraph", "2", "Số liệu này của năm nào?")
	must("--data", ed, "review", id, "request-changes", "--comment", "Cập nhật số liệu.")
	must("--data", ed, "sync", "--once")

	out := must("--data", rep, "sync", "--once")
	if !strings.Contains(out, "decision: "+id+" request-changes by bientap (now changes_requested): Cập nhật số liệu.") {
		t.Errorf("the reporter's sync does not tell of the decision:\n%s", out)
	}
	out = must("--data", rep, "comments", id)
	if !strings.Contains(out, "bientap  on paragraph 2") || !strings.Contains(out, "Số liệu này của năm nào?") {
		t.Errorf("comments:\n%s", out)
	}

	// Both edit paragraph 2: a conflict, resolved from the command line.
	edit := func(data, para string) {
		t.Helper()
		d := openDesk(t, data)
		head, err := d.Latest(ctx, fielddesk.ID(id))
		if err == nil {
			ps := fielddesk.Paragraphs(head.Article.Body)
			ps[1] = para
			head.Article.Body = fielddesk.JoinParagraphs(ps)
			_, err = d.Save(ctx, head.Article, head.ID)
		}
		d.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	edit(rep, "Đoạn hai có số liệu năm 2026.")
	edit(ed, "Đoạn hai có số liệu mới.")
	must("--data", rep, "send", id)
	must("--data", ed, "sync", "--once")
	must("--data", rep, "sync", "--once")
	must("--data", ed, "sync", "--once")
	out = must("--data", ed, "conflicts", id)
	if !strings.Contains(out, "paragraph 2") || !strings.Contains(out, "now (bientap): Đoạn hai có số liệu mới.") ||
		!strings.Contains(out, "other (lethib): Đoạn hai có số liệu năm 2026.") {
		t.Fatalf("conflicts:\n%s", out)
	}
	if list := must("--data", ed, "conflicts"); !strings.Contains(list, id) {
		t.Errorf("conflicts list:\n%s", list)
	}
	if _, errOut, code := run(t, "--data", ed, "resolve", id, "--paragraph", "3", "--take", "mine"); code != 1 || !strings.Contains(errOut, "no conflict on paragraph 3") {
		t.Errorf("resolve a paragraph without a conflict: %d %q", code, errOut)
	}
	// The editor takes the reporter's version ("theirs", seen from the editor).
	must("--data", ed, "resolve", id, "--paragraph", "2", "--take", "theirs")
	if out := must("--data", ed, "conflicts", id); !strings.Contains(out, "no conflicts") {
		t.Errorf("after resolving:\n%s", out)
	}
	diff := must("--data", ed, "diff", id)
	if !strings.Contains(diff, "[-mới-]") || !strings.Contains(diff, "{+năm 2026+}") {
		t.Errorf("diff:\n%s", diff)
	}
	must("--data", ed, "review", id, "take")
	must("--data", ed, "review", id, "approve")
	must("--data", ed, "review", id, "publish")
	must("--data", ed, "sync", "--once")
	if _, errOut, code := run(t, "--data", ed, "review", id, "kill"); code != 1 || !strings.Contains(errOut, "reason") {
		t.Errorf("kill without a reason: %d %q", code, errOut)
	}
	must("--data", rep, "sync", "--once")
	list := must("--data", rep, "list")
	if !strings.Contains(list, "published") {
		t.Errorf("the reporter's list:\n%s", list)
	}
	if r, _ := sdb.ReviewOf(ctx, fielddesk.ID(id)); r.Status != fielddesk.StatusPublished {
		t.Errorf("server: %s", r.Status)
	}
	if head, _ := sdb.Latest(ctx, fielddesk.ID(id)); !strings.Contains(head.Article.Body, "năm 2026") || len(head.Article.Conflicts) != 0 {
		t.Errorf("published text: %q %+v", head.Article.Body, head.Article.Conflicts)
	}
}

func openDesk(t *testing.T, dir string) *desk.Desk {
	t.Helper()
	d, err := desk.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Who holds what, from scripts: queue shows the holder and since when,
// another editor's decision is refused naming the holder, review ID assign
// USER hands the article on, queue --mine lists what one holds.
func TestHoldAndAssignCommands(t *testing.T) {
	sdb, srv := newsroom(t)
	ctx := context.Background()
	if _, err := rules.New(sdb).AddUser(ctx, "bientap2", fielddesk.RoleEditor, "laocai", "mật khẩu đủ dài"); err != nil {
		t.Fatal(err)
	}
	must := mustRun(t)
	pw := passwordFile(t)
	rep, an, binh := loginAs(t, srv.URL, pw, "lethib"), loginAs(t, srv.URL, pw, "bientap"), loginAs(t, srv.URL, pw, "bientap2")
	id := submitted(t, rep, an, "---\nheadline: \"Lũ quét ở Bát Xát\"\nurgency: 2\n---\nĐoạn một.\n")
	must("--data", an, "review", id, "take")
	must("--data", an, "sync", "--once")
	must("--data", binh, "sync", "--once")

	out := must("--data", binh, "queue")
	if !strings.Contains(out, "HELD BY") || !strings.Contains(out, "bientap (0s)") || !strings.Contains(out, "BREAKING in_review") {
		t.Errorf("queue does not say who holds the article:\n%s", out)
	}
	var q struct {
		Articles []queueLine `json:"articles"`
	}
	if err := json.Unmarshal([]byte(must("--data", binh, "queue", "--json")), &q); err != nil || len(q.Articles) != 1 ||
		q.Articles[0].Holder != "bientap" || q.Articles[0].Held.IsZero() || q.Articles[0].HeldFor == "" {
		t.Fatalf("queue --json: %+v %v", q, err)
	}
	if out := must("--data", binh, "queue", "--mine"); strings.Contains(out, id) {
		t.Errorf("queue --mine lists an article another holds:\n%s", out)
	}
	if _, errOut, code := run(t, "--data", binh, "review", id, "approve"); code != 1 || !strings.Contains(errOut, "bientap holds") {
		t.Errorf("another editor approves: %d %q", code, errOut)
	}
	for _, args := range [][]string{{"review", id, "assign"}, {"review", id, "approve", "bientap2"}} {
		if _, errOut, code := run(t, append([]string{"--data", an}, args...)...); code != 1 || !strings.Contains(errOut, "review ID") {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	if out := must("--data", an, "review", id, "assign", "bientap2", "--comment", "Nhờ anh duyệt."); !strings.Contains(out, "handed to bientap2") {
		t.Errorf("assign says %q", out)
	}
	must("--data", an, "sync", "--once")
	out = must("--data", binh, "sync", "--once")
	if !strings.Contains(out, "decision: "+id+" handed to bientap2 by bientap: Nhờ anh duyệt.") {
		t.Errorf("the new holder's sync does not tell of the assign:\n%s", out)
	}
	if out := must("--data", binh, "queue", "--mine"); !strings.Contains(out, id) || !strings.Contains(out, "bientap2 (") {
		t.Errorf("queue --mine of the new holder:\n%s", out)
	}
	if out := must("--data", binh, "comments", id); !strings.Contains(out, "held by bientap2 since") || !strings.Contains(out, "assign (in_review → in_review) to bientap2: Nhờ anh duyệt.") {
		t.Errorf("comments:\n%s", out)
	}
	must("--data", binh, "review", id, "approve")
	must("--data", binh, "sync", "--once")
	if r, _ := sdb.ReviewOf(ctx, fielddesk.ID(id)); r.Status != fielddesk.StatusApproved || r.Holder != "bientap2" {
		t.Errorf("server: %s held by %q", r.Status, r.Holder)
	}
}

// A correction from a script: review ID correct needs --comment, the
// article can then be edited by the editor and published again at the
// same address, with the note.
func TestCorrectFromTheCommandLine(t *testing.T) {
	sdb, srv := newsroom(t)
	ctx := context.Background()
	must := mustRun(t)
	pw := passwordFile(t)
	rep, ed := loginAs(t, srv.URL, pw, "lethib"), loginAs(t, srv.URL, pw, "bientap")
	id := submitted(t, rep, ed, "---\nheadline: \"Lũ quét ở Bát Xát\"\n---\nLũ làm 12 hộ bị cô lập.\n")
	for _, a := range []string{"take", "approve", "publish"} {
		must("--data", ed, "review", id, a)
	}
	must("--data", ed, "sync", "--once")
	if _, errOut, code := run(t, "--data", ed, "review", id, "correct"); code != 1 || !strings.Contains(errOut, "what was wrong") {
		t.Errorf("correct without --comment: %d %q", code, errOut)
	}
	if out := must("--data", ed, "review", id, "correct", "--comment", "Là 120 hộ, không phải 12."); !strings.Contains(out, "published → correcting") {
		t.Errorf("correct says %q", out)
	}
	d := openDesk(t, ed)
	head, err := d.Latest(ctx, fielddesk.ID(id))
	if err == nil {
		head.Article.Body = "Lũ làm 120 hộ bị cô lập."
		_, err = d.Save(ctx, head.Article, head.ID)
	}
	d.Close()
	if err != nil {
		t.Fatalf("the editor edits the article being corrected: %v", err)
	}
	must("--data", ed, "review", id, "publish")
	must("--data", ed, "sync", "--once")
	pubs, err := rules.New(sdb).Published(ctx, time.Time{}, 10, nil)
	if err != nil || len(pubs) != 1 || pubs[0].VersionNumber() != 2 || pubs[0].Revision.Article.Body != "Lũ làm 120 hộ bị cô lập." ||
		len(pubs[0].Notes) != 1 || pubs[0].Notes[0].Text != "Là 120 hộ, không phải 12." {
		t.Fatalf("published: %+v %v", pubs, err)
	}
}

// Publishing on time from a script: review ID publish --at TIME (an
// embargo with --embargo), a time in the past or not a time refused by
// name, unschedule to take it back.
func TestPublishAtFromTheCommandLine(t *testing.T) {
	sdb, srv := newsroom(t)
	ctx := context.Background()
	must := mustRun(t)
	pw := passwordFile(t)
	rep, ed := loginAs(t, srv.URL, pw, "lethib"), loginAs(t, srv.URL, pw, "bientap")
	id := submitted(t, rep, ed, "---\nheadline: \"Giá lúa tăng\"\n---\nGiá lúa tăng.\n")
	must("--data", ed, "review", id, "take")
	must("--data", ed, "review", id, "approve")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"publish", "--at", "2020-01-01T06:00+07:00"}, "is past"},
		{[]string{"publish", "--at", "sáng mai"}, "is not a time"},
		{[]string{"publish", "--embargo"}, "--embargo needs --at"},
		{[]string{"approve", "--at", "2030-01-01 06:00"}, "go with publish"},
	} {
		if _, errOut, code := run(t, append([]string{"--data", ed, "review", id}, c.args...)...); code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q, want %q", c.args, code, errOut, c.want)
		}
	}
	out := must("--data", ed, "review", id, "publish", "--at", "2030-01-02 06:00", "--embargo")
	if q := must("--data", ed, "queue"); !strings.Contains(q, "scheduled 06:00 02/01") {
		t.Errorf("the queue does not say when:\n%s", q)
	}
	if !strings.Contains(out, "embargoed until 06:00 02/01/2030 (2030-01-01T23:00:00Z)") {
		t.Errorf("publish --at says %q", out)
	}
	must("--data", ed, "sync", "--once")
	if r, _ := sdb.ReviewOf(ctx, fielddesk.ID(id)); r.Status != fielddesk.StatusScheduled || !r.Embargo ||
		!r.Due.Equal(time.Date(2030, 1, 1, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("server: %s due %v embargo %v", r.Status, r.Due, r.Embargo)
	}
	must("--data", ed, "review", id, "unschedule")
	must("--data", ed, "sync", "--once")
	if r, _ := sdb.ReviewOf(ctx, fielddesk.ID(id)); r.Status != fielddesk.StatusApproved || !r.Due.IsZero() {
		t.Errorf("server after unschedule: %s due %v", r.Status, r.Due)
	}
}

// mustRun runs the command line and fails the test on an error.
func mustRun(t *testing.T) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		out, errOut, code := run(t, args...)
		if code != 0 {
			t.Fatalf("%v: %d %q", args, code, errOut)
		}
		return out
	}
}

// passwordFile is a file holding the test accounts' password.
func passwordFile(t *testing.T) string {
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("mật khẩu đủ dài\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return pw
}

// loginAs is a new data folder logged in to server as user.
func loginAs(t *testing.T, server, pw, user string) string {
	t.Helper()
	dir := t.TempDir()
	mustRun(t)("--data", dir, "login", "--server", server, "--user", user, "--password-file", pw)
	return dir
}

// submitted imports the bundle text into rep, sends it, and brings it to
// ed's desk; it returns its ID.
func submitted(t *testing.T, rep, ed, bundle string) string {
	t.Helper()
	must := mustRun(t)
	src := filepath.Join(t.TempDir(), "bai.md")
	if err := os.WriteFile(src, []byte(bundle), 0o644); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(must("--data", rep, "import", src))
	must("--data", rep, "send", id)
	must("--data", rep, "sync", "--once")
	must("--data", ed, "sync", "--once")
	return id
}
