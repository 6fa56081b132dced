package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
)

// topButton is the button labelled label in the topmost dialog.
func topButton(t *testing.T, c fyne.Canvas, label string) *widget.Button {
	t.Helper()
	return button(t, c.Overlays().Top(), label)
}

// Ctrl+Delete moves the open draft to the trash (out of the list, the
// form cleared); View › Trash lists it and brings it back; emptying the
// trash, confirmed, deletes it for good.
func TestTrashFromTheWindow(t *testing.T) {
	h := newHarness(t)
	u := h.u
	ctx := context.Background()
	u.win.Canvas().Focus(u.ed.headline)
	typeLikeDriver(&u.ed.headline.vnEntry, "Bai bo di")
	h.settle()
	id := u.ed.article.ID
	if id == "" {
		t.Fatal("nothing saved")
	}
	h.shortcut(fyne.KeyDelete, fyne.KeyModifierShortcutDefault)
	h.settle()
	if list, _ := h.desk.List(ctx); len(list) != 0 {
		t.Errorf("the list still holds %+v", list)
	}
	if u.ed.article.ID != "" || u.ed.headline.Text != "" {
		t.Errorf("the form still shows %q (%s)", u.ed.headline.Text, u.ed.article.ID)
	}
	if !strings.Contains(u.status.Text, "Bai bo di") || !strings.Contains(u.status.Text, "trash") {
		t.Errorf("status line: %q", u.status.Text)
	}

	u.showTrash()
	h.settle()
	if text := labelTexts(t, u.win.Canvas().Overlays().Top()); !strings.Contains(text, "Bai bo di") {
		t.Fatalf("the trash shows %q", text)
	}
	test.Tap(topButton(t, u.win.Canvas(), "Restore"))
	h.settle()
	if list, _ := h.desk.List(ctx); len(list) != 1 || list[0].ID != id {
		t.Errorf("after Restore the list holds %+v", list)
	}
	if !strings.Contains(u.status.Text, "back in the list") {
		t.Errorf("status line after restoring: %q", u.status.Text)
	}

	// Open it again, trash it, and empty the trash.
	u.ed.open(id)
	h.settle()
	h.shortcut(fyne.KeyDelete, fyne.KeyModifierShortcutDefault)
	h.settle()
	u.showTrash()
	h.settle()
	test.Tap(topButton(t, u.win.Canvas(), "Empty the trash…"))
	if text := labelTexts(t, u.win.Canvas().Overlays().Top()); !strings.Contains(text, "Delete 1 articles for good") {
		t.Errorf("the confirmation says %q", text)
	}
	test.Tap(topButton(t, u.win.Canvas(), "Delete for good"))
	h.settle()
	if _, err := h.desk.Latest(ctx, id); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("after emptying the trash the article reads: %v", err)
	}
	if trashed, _ := h.desk.Trashed(ctx); len(trashed) != 0 {
		t.Errorf("the trash still holds %+v", trashed)
	}
}

// An article the newsroom has is withdrawn (confirmed) rather than
// deleted, and goes to the trash only once the withdrawal left; one in an
// editor's hands is not deleted at all.
func TestTrashAsksToWithdrawASentArticle(t *testing.T) {
	h := newHarness(t)
	u := h.u
	ctx := context.Background()
	h.login(fielddesk.RoleCorrespondent)
	u.win.Canvas().Focus(u.ed.headline)
	typeLikeDriver(&u.ed.headline.vnEntry, "Da gui")
	h.settle()
	u.send()
	h.settle()
	h.delivered()
	if u.ed.article.Status != fielddesk.StatusSubmitted {
		t.Fatalf("status %q after sending", u.ed.article.Status)
	}
	h.shortcut(fyne.KeyDelete, fyne.KeyModifierShortcutDefault)
	h.settle()
	test.Tap(topButton(t, u.win.Canvas(), "Withdraw"))
	h.settle()
	if u.ed.article.Status != fielddesk.StatusDraft {
		t.Fatalf("after withdrawing the status is %q", u.ed.article.Status)
	}
	h.shortcut(fyne.KeyDelete, fyne.KeyModifierShortcutDefault)
	h.settle()
	if text := labelTexts(t, u.win.Canvas().Overlays().Top()); !strings.Contains(text, "has not reached the newsroom yet") {
		t.Errorf("trashing before the withdrawal left: %q", text)
	}
	if list, _ := h.desk.List(ctx); len(list) != 1 {
		t.Fatalf("the list holds %d articles", len(list))
	}
	u.win.Canvas().Overlays().Top().Hide()
	h.delivered()
	h.shortcut(fyne.KeyDelete, fyne.KeyModifierShortcutDefault)
	h.settle()
	if list, _ := h.desk.List(ctx); len(list) != 0 {
		t.Errorf("once the withdrawal left, the draft stays in the list: %+v", list)
	}

	// In an editor's hands: not deleted, and told why.
	id := h.arrive(fielddesk.Article{Headline: "Đang duyệt", Body: "Chữ."}, fielddesk.StatusInReview).Article.ID
	u.ed.open(id)
	h.settle()
	h.shortcut(fyne.KeyDelete, fyne.KeyModifierShortcutDefault)
	h.settle()
	if text := labelTexts(t, u.win.Canvas().Overlays().Top()); !strings.Contains(text, "An editor can spike it") {
		t.Errorf("trashing an article in review: %q", text)
	}
	if _, err := h.desk.Latest(ctx, id); err != nil {
		t.Error(err)
	}
}
