package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
)

// A sync brings "published" for the article open on a correspondent's
// desk. Untouched, it turns read-only at once and says why. With words
// typed in the race (not yet saved), they are kept in a new draft and the
// newsroom's article stays as the newsroom has it.
func TestArticleLockedByASyncStaysWhatTheNewsroomHas(t *testing.T) {
	for _, typed := range []bool{false, true} {
		name := map[bool]string{false: "untouched", true: "typed in the race"}[typed]
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.u.AutosaveDelay, h.u.AutosaveMaxWait = time.Hour, time.Hour // the race: nothing saved yet
			s := &fakeSyncer{status: fielddesk.SyncStatus{Configured: true, User: "lethib", Role: fielddesk.RoleCorrespondent}}
			h.u.SetSyncer(s)
			h.login(fielddesk.RoleCorrespondent)
			sent := h.arrive(fielddesk.Article{Headline: "Giá lúa tăng", Body: "Đoạn một."}, fielddesk.StatusSubmitted)
			h.u.refreshList()
			h.settle()
			h.u.list.Select(0)
			h.settle()
			if !h.u.editorPane.Visible() || h.u.ed.article.ID != sent.Article.ID {
				t.Fatal("the sent article is not open for editing")
			}
			if typed {
				first := h.u.ed.body.FirstText()
				h.u.win.Canvas().Focus(first)
				first.CursorColumn = len([]rune(first.Text))
				typeKeys(first, " Thêm câu mới.")
			}
			h.arrive(sent.Article, fielddesk.StatusPublished)
			h.u.showSync(fielddesk.SyncStatus{Configured: true, User: "lethib", Role: fielddesk.RoleCorrespondent, LastSync: time.Now()})
			h.settle()

			ctx := context.Background()
			published, err := h.desk.Latest(ctx, sent.Article.ID)
			if err != nil || published.Article.Body != "Đoạn một." || published.Article.Status != fielddesk.StatusPublished {
				t.Fatalf("the newsroom's article became %q (%s, %v)", published.Article.Body, published.Article.Status, err)
			}
			if !typed {
				if h.u.editorPane.Visible() {
					t.Error("the published article is still editable")
				}
				if !strings.Contains(h.u.status.Text, "can no longer change") {
					t.Errorf("status line: %q", h.u.status.Text)
				}
				return
			}
			if h.u.ed.article.ID == sent.Article.ID || !h.u.editorPane.Visible() {
				t.Fatalf("the form still edits the published article")
			}
			if !strings.Contains(h.u.status.Text, "kept here, as a new draft") {
				t.Errorf("status line: %q", h.u.status.Text)
			}
			h.u.ed.saveNow()
			h.settle()
			list, err := h.desk.List(ctx)
			if err != nil || len(list) != 2 {
				t.Fatalf("%d articles, want the published one and a new draft (%v)", len(list), err)
			}
			var draft fielddesk.Summary
			for _, a := range list {
				if a.ID != sent.Article.ID {
					draft = a
				}
			}
			rev, err := h.desk.Latest(ctx, draft.ID)
			if err != nil || rev.Article.Status != fielddesk.StatusDraft || rev.Article.Body != "Đoạn một. Thêm câu mới." || rev.Article.Headline != "Giá lúa tăng" {
				t.Errorf("the new draft: %+v %v", rev.Article, err)
			}
			if h.u.ed.article.ID != draft.ID {
				t.Errorf("the form edits %q, want the new draft %q", h.u.ed.article.ID, draft.ID)
			}
		})
	}
}

// A save that reaches the store after the state changed is refused there
// (ErrNotAllowed), and its text goes into a new draft instead of retrying
// forever.
func TestSaveRefusedByTheStateBecomesADraft(t *testing.T) {
	h := newHarness(t)
	h.login(fielddesk.RoleCorrespondent)
	sent := h.arrive(fielddesk.Article{Headline: "Giá lúa tăng", Body: "Đoạn một."}, fielddesk.StatusSubmitted)
	h.u.refreshList()
	h.settle()
	h.u.list.Select(0)
	h.settle()
	h.arrive(sent.Article, fielddesk.StatusPublished) // no sync news yet: the form does not know
	first := h.u.ed.body.FirstText()
	h.u.win.Canvas().Focus(first)
	first.CursorColumn = len([]rune(first.Text))
	typeKeys(first, " Câu nữa.")
	h.pumpFor(300 * time.Millisecond)
	h.settle()
	list, _ := h.desk.List(context.Background())
	if len(list) != 2 || h.u.ed.article.ID == sent.Article.ID || h.u.ed.article.ID == "" {
		t.Fatalf("%d articles, form on %q: the refused text did not become a saved draft", len(list), h.u.ed.article.ID)
	}
	if rev, _ := h.desk.Latest(context.Background(), h.u.ed.article.ID); rev.Article.Body != "Đoạn một. Câu nữa." {
		t.Errorf("the draft holds %q", rev.Article.Body)
	}
}

// The same when the form is left before the autosave (another article
// opened, the window closed): the words go into a new draft, and the
// person is told.
func TestLeavingALockedArticleKeepsTheWordsAsADraft(t *testing.T) {
	h := newHarness(t)
	h.u.AutosaveDelay, h.u.AutosaveMaxWait = time.Hour, time.Hour
	h.login(fielddesk.RoleCorrespondent)
	sent := h.arrive(fielddesk.Article{Headline: "Giá lúa tăng", Body: "Đoạn một."}, fielddesk.StatusSubmitted)
	h.u.refreshList()
	h.settle()
	h.u.list.Select(0)
	h.settle()
	h.arrive(sent.Article, fielddesk.StatusPublished)
	first := h.u.ed.body.FirstText()
	h.u.win.Canvas().Focus(first)
	first.CursorColumn = len([]rune(first.Text))
	typeKeys(first, " Câu cuối.")
	h.u.newArticle() // saves what is in the form first
	h.settle()
	list, _ := h.desk.List(context.Background())
	if len(list) != 2 {
		t.Fatalf("%d articles, want the published one and a draft", len(list))
	}
	for _, s := range list {
		rev, _ := h.desk.Latest(context.Background(), s.ID)
		if s.ID == sent.Article.ID && rev.Article.Body != "Đoạn một." {
			t.Errorf("the published article became %q", rev.Article.Body)
		}
		if s.ID != sent.Article.ID && (rev.Article.Body != "Đoạn một. Câu cuối." || rev.Article.Status != fielddesk.StatusDraft) {
			t.Errorf("the draft: %q (%s)", rev.Article.Body, rev.Article.Status)
		}
	}
	if txt := labelTexts(t, h.u.win.Canvas().Overlays().Top()); !strings.Contains(txt, "kept as a new draft") {
		t.Errorf("the person was told %q", txt)
	}
}

// When the engine kept an edit the newsroom refused as a new draft, the
// window says so once, naming the article, also across restarts.
func TestKeptAsDraftIsToldOnce(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, dir)
	s := &fakeSyncer{status: fielddesk.SyncStatus{Configured: true, Server: "https://toasoan.example.vn", User: "lethib", Online: true}}
	h.u.SetSyncer(s)
	orig := h.arrive(fielddesk.Article{Headline: "Lũ quét ở Bát Xát", Body: "Chữ."}, fielddesk.StatusApproved)
	h.u.refreshList()
	h.settle()
	st := s.SyncStatus()
	st.KeptAsDraft = map[fielddesk.ID]fielddesk.ID{orig.Article.ID: fielddesk.NewID()}
	h.u.showSync(st)
	if !strings.Contains(h.u.status.Text, "“Lũ quét ở Bát Xát” can no longer change: the newsroom moved it on while") || !strings.Contains(h.u.status.Text, "new draft") {
		t.Fatalf("status line: %q", h.u.status.Text)
	}
	h.u.status.SetText("")
	h.u.showSync(st)
	if h.u.status.Text != "" {
		t.Errorf("told twice: %q", h.u.status.Text)
	}
	h.settle()
	h.close()

	h = newHarnessIn(t, dir)
	h.u.SetSyncer(s)
	h.u.status.SetText("")
	h.u.showSync(st)
	if h.u.status.Text != "" {
		t.Errorf("told again after a restart: %q", h.u.status.Text)
	}
}
