package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk"
)

// sent saves an article, sends it and records the server's acceptance.
func sent(t *testing.T, db *DB, body string) fielddesk.Revision {
	t.Helper()
	ctx := context.Background()
	rev, err := db.Save(ctx, fielddesk.Article{Headline: "Tin", Body: body, Language: "vi"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Act(ctx, rev.Article.ID, fielddesk.ActionSend, ""); err != nil {
		t.Fatal(err)
	}
	b, err := db.NextBatch(ctx, 10)
	if err != nil || len(b) != 1 || b[0].Event != nil {
		t.Fatalf("the first send is a revision: %+v %v", b, err)
	}
	if err := db.Acknowledge(ctx, []Ack{{ID: b[0].ID, Result: Applied}}); err != nil {
		t.Fatal(err)
	}
	rev, _ = db.Latest(ctx, rev.Article.ID)
	return rev
}

func TestActChecksTheWorkflowWithTheDevicesRole(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	rev := sent(t, db, "Một.")
	id := rev.Article.ID
	// Not logged in: a correspondent, who may not approve.
	_, err := db.Act(ctx, id, fielddesk.ActionApprove, "")
	var te *fielddesk.TransitionError
	if !errors.As(err, &te) || te.Role != fielddesk.RoleCorrespondent || te.From != fielddesk.StatusSubmitted {
		t.Fatalf("a correspondent approving: %v", err)
	}
	if st, _ := db.Latest(ctx, id); st.Article.Status != fielddesk.StatusSubmitted {
		t.Fatalf("a refused decision moved the article to %s", st.Article.Status)
	}
	if b, _ := db.NextBatch(ctx, 10); len(b) != 0 {
		t.Fatalf("a refused decision was queued: %+v", b)
	}
	// A withdrawal is allowed, goes after the article, and moves it at once.
	e, err := db.Act(ctx, id, fielddesk.ActionWithdraw, "")
	if err != nil || e.From != fielddesk.StatusSubmitted || e.To != fielddesk.StatusDraft {
		t.Fatalf("withdraw: %+v %v", e, err)
	}
	if st, _ := db.Latest(ctx, id); st.Article.Status != fielddesk.StatusDraft {
		t.Fatalf("withdrawn article is %s", st.Article.Status)
	}
	b, _ := db.NextBatch(ctx, 10)
	if len(b) != 1 || b[0].Event == nil || b[0].Event.ID != e.ID {
		t.Fatalf("batch %+v", b)
	}
	// The server refuses it (an editor took it meanwhile): the article goes
	// back, and the user is told why.
	if err := db.Acknowledge(ctx, []Ack{{ID: b[0].ID, Result: Rejected, Reason: "cannot withdraw an article that is in_review"}}); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.Latest(ctx, id); st.Article.Status != fielddesk.StatusSubmitted {
		t.Errorf("after the refusal the article is %s", st.Article.Status)
	}
	box, _ := db.Outbox(ctx)
	if p := box.Problems[id]; !strings.Contains(p.Reason, "withdraw") || !strings.Contains(p.Reason, "in_review") {
		t.Errorf("problem %+v", p)
	}
}

func TestCommentAnchorsToAParagraph(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	rev := sent(t, db, "Một.\n\nHai có  lỗi.\n\nBa.")
	id := rev.Article.ID
	c, err := db.Comment(ctx, id, 2, "Sửa câu này.", "")
	if err != nil || c.Quote != "Hai có  lỗi." || c.Revision != rev.ID {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := db.Comment(ctx, id, 4, "Không có đoạn này.", ""); err == nil || !strings.Contains(err.Error(), "3 paragraphs") {
		t.Errorf("a comment on paragraph 4 of 3: %v", err)
	}
	if _, err := db.Comment(ctx, id, 0, "Trả lời", fielddesk.NewID()); err == nil {
		t.Error("a reply to a comment that is not there was taken")
	}
	r, err := db.Comment(ctx, id, 0, "Đã sửa.", c.ID)
	if err != nil || r.ReplyTo != c.ID {
		t.Fatalf("reply: %+v %v", r, err)
	}
	review, _ := db.ReviewOf(ctx, id)
	if len(review.Events) != 2 {
		t.Errorf("events %+v", review.Events)
	}
	b, _ := db.NextBatch(ctx, 10)
	if len(b) != 2 || b[0].Event.ID != c.ID || b[1].Event.ID != r.ID {
		t.Errorf("comments go in the order they were made: %+v", b)
	}
}

func TestSaveKeepsConflictsUntilResolved(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	rev := sent(t, db, "Một.\n\nHai.")
	id := rev.Article.ID
	// A merge from the server brings a conflict.
	base := rev.Article
	ours, theirs := base, base
	ours.Body, theirs.Body = "Một.\n\nHai A.", "Một.\n\nHai B."
	merged := fielddesk.Merge(base, ours, theirs, fielddesk.MergeSide{By: "a"}, fielddesk.MergeSide{By: "b"})
	pulled := fielddesk.Revision{ID: fielddesk.NewID(), Base: rev.ID, Saved: rev.Saved, Article: merged}
	if _, _, err := db.ApplyPulled(ctx, []Pulled{{Revision: pulled, Status: fielddesk.StatusSubmitted}}, "c1"); err != nil {
		t.Fatal(err)
	}
	// A window that does not know about conflicts saves the article.
	head, _ := db.Latest(ctx, id)
	edited := head.Article
	edited.Conflicts = nil
	edited.Headline = "Tin mới"
	saved, err := db.Save(ctx, edited, head.ID)
	if err != nil || len(saved.Article.Conflicts) != 1 {
		t.Fatalf("a save dropped the conflict: %+v %v", saved.Article.Conflicts, err)
	}
	res, err := db.ResolveConflict(ctx, id, saved.Article.Conflicts[0].ID, "Hai B.")
	if err != nil || len(res.Article.Conflicts) != 0 || res.Article.Body != "Một.\n\nHai B." || res.Article.Headline != "Tin mới" {
		t.Fatalf("resolved: %+v %v", res.Article, err)
	}
	if l, _ := db.List(ctx); l[0].Conflicts != 0 {
		t.Errorf("the list still counts %d conflicts", l[0].Conflicts)
	}
}

// A revision from the newsroom is marked as such in the history, so the
// author can see what the editor changed.
func TestPulledRevisionsAreMarkedReceived(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	rev := sent(t, db, "Một.")
	edited := rev.Article
	edited.Body = "Một, sửa ở toà soạn."
	pulled := fielddesk.Revision{ID: fielddesk.NewID(), Base: rev.ID, Saved: rev.Saved, Article: edited}
	if _, _, err := db.ApplyPulled(ctx, []Pulled{{Revision: pulled, Status: fielddesk.StatusInReview}}, "c1"); err != nil {
		t.Fatal(err)
	}
	hist, _ := db.History(ctx, rev.Article.ID)
	if len(hist) < 2 || hist[0].ID != pulled.ID || !hist[0].Received || hist[1].Received {
		t.Fatalf("history %+v", hist)
	}
	if l, _ := db.Latest(ctx, rev.Article.ID); l.Article.Status != fielddesk.StatusInReview {
		t.Errorf("status %s", l.Article.Status)
	}
}

// An article the newsroom knows goes back by a decision, not a revision
// alone: withdrawn, edited as a draft (which stays home), then sent again.
func TestSendAgainAfterWithdrawingIsADecision(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	rev := sent(t, db, "Một.")
	id := rev.Article.ID
	if _, err := db.Act(ctx, id, fielddesk.ActionWithdraw, ""); err != nil {
		t.Fatal(err)
	}
	b, _ := db.NextBatch(ctx, 10)
	db.Acknowledge(ctx, []Ack{{ID: b[0].ID, Result: Applied}})
	draft := rev.Article
	draft.Body = "Một, sửa khi còn là bản nháp."
	if _, err := db.Save(ctx, draft, ""); err != nil {
		t.Fatal(err)
	}
	if b, _ := db.NextBatch(ctx, 10); len(b) != 0 {
		t.Fatalf("a draft's edit was queued: %+v", b)
	}
	e, err := db.Act(ctx, id, fielddesk.ActionSend, "")
	if err != nil || e.ID == "" || e.From != fielddesk.StatusDraft || e.To != fielddesk.StatusSubmitted {
		t.Fatalf("send again: %+v %v", e, err)
	}
	b, _ = db.NextBatch(ctx, 10)
	if len(b) != 2 || b[0].Event != nil || b[0].Revision.Article.Body != draft.Body || b[1].Event == nil || b[1].Event.Action != fielddesk.ActionSend {
		t.Fatalf("the edit, then the decision: %+v", b)
	}
}
