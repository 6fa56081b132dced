package client_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/store"
)

// A correspondent edits an article the editor approved meanwhile (the
// laptop had not heard yet). The server refuses the edit; the laptop keeps
// what was typed as a new draft, puts the article back to the newsroom's
// text and state, and sends nothing more of it: no word lost, none kept
// apart from the newsroom's article, no refusal left waiting.
func TestAnEditTheNewsroomLockedBecomesADraft(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	reporter := newDevice(t, n, "lethib", store.OriginalsAlways)
	editor := newDevice(t, n, "bientap", store.OriginalsAlways)

	rev := reporter.write("Lũ quét ở Bát Xát")
	id := rev.Article.ID
	act(t, reporter, id, fielddesk.ActionSend, "")
	reporter.syncUntilDone(3)
	sent := latest(t, reporter, id).Article.Body

	editor.syncUntilDone(3)
	act(t, editor, id, fielddesk.ActionTake, "")
	act(t, editor, id, fielddesk.ActionApprove, "")
	editor.syncUntilDone(3)

	// Offline, the laptop still holds it as sent: editable.
	typed := []string{sent, "Đoạn viết thêm khi bài đã được duyệt."}
	edit(t, reporter, id, typed)
	_, rep := reporter.syncUntilDone(3)
	if rep.Rejected != 1 {
		t.Errorf("report: %+v, want the edit rejected once", rep)
	}

	if got := status(t, reporter, id); got != fielddesk.StatusApproved {
		t.Errorf("the article is %q on the laptop, want approved", got)
	}
	if got := latest(t, reporter, id).Article.Body; got != sent {
		t.Errorf("the article's text on the laptop is %q, want the newsroom's %q", got, sent)
	}
	st := reporter.c.Status()
	draftID, ok := st.KeptAsDraft[id]
	if !ok {
		t.Fatalf("the status names no draft for the locked article: %+v", st)
	}
	if why, ok := st.Problems[id]; ok {
		t.Errorf("a settled refusal still shows as a problem: %q", why)
	}
	draft := latest(t, reporter, draftID)
	if draft.Article.Status != fielddesk.StatusDraft || !strings.Contains(draft.Article.Body, "Đoạn viết thêm khi bài đã được duyệt.") || draft.Article.Headline != "Lũ quét ở Bát Xát" {
		t.Errorf("the draft: %+v", draft.Article)
	}
	if list, _ := reporter.desk.List(ctx); len(list) != 2 {
		t.Errorf("the laptop lists %d articles, want the article and the draft", len(list))
	}
	box, _ := reporter.desk.Outbox(ctx)
	if len(box.Articles) != 0 {
		t.Errorf("still waiting to be sent: %+v", box.Articles)
	}
	// The refused revision stays in the article's history.
	if h, _ := reporter.desk.History(ctx, id); len(h) < 2 {
		t.Errorf("the history has %d versions", len(h))
	}

	// Nothing more goes, and no second draft comes.
	_, rep = reporter.syncUntilDone(3)
	if rep.Rejected != 0 || rep.Sent != 0 {
		t.Errorf("a second sync: %+v", rep)
	}
	if list, _ := reporter.desk.List(ctx); len(list) != 2 {
		t.Errorf("after a second sync the laptop lists %d articles", len(list))
	}
	// The server kept the approved text.
	editor.syncUntilDone(3)
	if got := latest(t, editor, id).Article.Body; got != sent {
		t.Errorf("the newsroom's text: %q", got)
	}
}
