package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/store"
)

// The history groups versions into writing sessions, says who made each
// (the newsroom's marked with the editor's name) and what changed in a
// line, and a person can name a version, which then stands on its own.
func TestHistoryInSessions(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.Local)
	h.desk.SetSystemClock(func() time.Time { return at })
	save := func(a fielddesk.Article, base fielddesk.ID) fielddesk.Revision {
		r, err := h.desk.Save(ctx, a, base)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r1 := save(fielddesk.Article{Headline: "Giá lúa", Body: "Giá lúa tăng.", Language: "vi"}, "")
	at = at.Add(3 * time.Minute)
	a := r1.Article
	a.Body = "Giá lúa tăng mạnh ở Lào Cai."
	r2 := save(a, r1.ID)
	at = at.Add(50 * time.Minute) // a long pause: a new session
	a.Headline = "Giá lúa tăng"
	a.Body += " Nông dân vui."
	r3 := save(a, r2.ID)
	// The editor's edit arrives from the newsroom.
	ed := a
	ed.Body = "Giá lúa tăng mạnh ở Lào Cai, nông dân vui."
	rev := fielddesk.Revision{ID: fielddesk.NewID(), Base: r3.ID, Saved: at.Add(10 * time.Minute).UTC(), Article: ed}
	if _, _, err := h.desk.ApplyPulled(ctx, []store.Pulled{{Revision: rev, Status: fielddesk.StatusDraft,
		Audit: []fielddesk.AuditEntry{{At: rev.Saved, User: "bientap", Kind: "revision", Revision: rev.ID}}}}, "c"); err != nil {
		t.Fatal(err)
	}
	h.desk.SetSystemClock(time.Now)
	h.u.refreshList()
	h.settle()
	h.u.list.Select(0)
	h.settle()
	h.shortcut(fyne.KeyH, fyne.KeyModifierShortcutDefault)
	h.settle()
	list := find[*widget.List](h.u.win.Canvas())
	if list == nil || list.Length() != 3 {
		t.Fatalf("history rows: %v, want three sessions", list)
	}
	row := func(i int) string {
		o := list.CreateItem()
		list.UpdateItem(i, o)
		return labelTexts(t, o)
	}
	if r := row(0); !strings.Contains(r, "the newsroom: bientap") || !strings.Contains(r, "current") {
		t.Errorf("newest row: %q", r)
	}
	if r := row(1); !strings.Contains(r, "you") || !strings.Contains(r, "+4 −0 words") || !strings.Contains(r, "changed: headline") {
		t.Errorf("second row: %q", r)
	}
	if r := row(2); !strings.Contains(r, "09:00–09:03") || !strings.Contains(r, "2 versions") || !strings.Contains(r, "first version") {
		t.Errorf("oldest row: %q", r)
	}
	// Name the first version: it stands apart from the one after it.
	list.Select(2)
	h.settle()
	test.Tap(findButton(h.u.win.Canvas(), "Name this version…"))
	h.settle()
	entry := findWhere(h.u.win.Canvas(), func(e *vnEntry) bool { return e.PlaceHolder == "For example: before the editor's cuts" })
	if entry == nil {
		t.Fatal("no name field")
	}
	entry.SetText("bản gửi đầu")
	test.Tap(findButton(h.u.win.Canvas(), "Save"))
	h.settle()
	hist, _ := h.desk.History(ctx, r1.Article.ID)
	named := ""
	for _, x := range hist {
		if x.ID == r2.ID {
			named = x.Name
		}
	}
	if named != "bản gửi đầu" {
		t.Errorf("the version's name: %q", named)
	}
	if list.Length() != 4 || !strings.Contains(row(2), "★ bản gửi đầu") {
		t.Errorf("after naming: %d rows, row 2 %q", list.Length(), row(2))
	}
}
