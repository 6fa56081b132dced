package fielddesk

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestOnlyTheHolderDecides(t *testing.T) {
	since := time.Date(2026, 12, 2, 3, 30, 0, 0, time.UTC)
	for _, a := range Actions() {
		held := false
		for _, h := range heldActions {
			held = held || h == a
		}
		// Nobody holds it: any editor.
		if err := CheckHolder(a, "binh", RoleEditor, "", time.Time{}); err != nil {
			t.Errorf("%s of an article nobody holds: %v", a, err)
		}
		// The holder, and an admin, always.
		if err := CheckHolder(a, "an", RoleEditor, "an", since); err != nil {
			t.Errorf("%s by its holder: %v", a, err)
		}
		if err := CheckHolder(a, "root", RoleAdmin, "an", since); err != nil {
			t.Errorf("%s by an admin: %v", a, err)
		}
		// Another editor: only what is not a decision on the held article.
		err := CheckHolder(a, "binh", RoleEditor, "an", since)
		if held != (err != nil) {
			t.Errorf("%s by another editor: %v (want refused: %v)", a, err, held)
		}
		if err == nil {
			continue
		}
		var he *HolderError
		if !errors.As(err, &he) || !errors.Is(err, ErrNotAllowed) || he.Holder != "an" || !he.Since.Equal(since) || he.Action != a {
			t.Errorf("%s: %#v is not a HolderError naming an since %v", a, err, since)
		}
		if !strings.Contains(err.Error(), "an holds") {
			t.Errorf("%s: %q does not name the holder", a, err)
		}
	}
	for _, a := range heldActions {
		if _, ok := transitionFor(a); !ok {
			t.Errorf("%s is held but not in the workflow", a)
		}
	}
}

func TestWhoHoldsAfterEachAction(t *testing.T) {
	cases := []struct {
		action                 Action
		user, assignee, holder string
		want                   string
	}{
		{ActionTake, "an", "", "", "an"},
		{ActionTake, "an", "", "an", "an"}, // sent again: back to the one who asked
		{ActionRequestChanges, "an", "", "an", "an"},
		{ActionSend, "lan", "", "an", "an"}, // the correspondent sends it back to an
		{ActionWithdraw, "lan", "", "an", "an"},
		{ActionApprove, "an", "", "an", "an"},
		{ActionAssign, "an", "binh", "an", "binh"},
		{ActionPublish, "binh", "", "binh", ""},
		{ActionSpike, "an", "", "an", ""},
		{ActionKill, "an", "", "", ""},
		{ActionRestore, "an", "", "", ""},
	}
	for _, c := range cases {
		if got := NextHolder(c.action, c.user, c.assignee, c.holder); got != c.want {
			t.Errorf("%s by %s while %q holds it: held by %q, want %q", c.action, c.user, c.holder, got, c.want)
		}
	}
}

func TestAnAssignNamesItsEditor(t *testing.T) {
	e := Event{ID: NewID(), Article: NewID(), Kind: EventTransition, Action: ActionAssign}
	if err := e.Validate(); err == nil || !strings.Contains(err.Error(), "assignee") {
		t.Errorf("an assign to nobody: %v", err)
	}
	e.Assignee = " binh "
	if err := e.Normalized().Validate(); err != nil {
		t.Errorf("an assign to binh: %v", err)
	}
	for _, bad := range []string{strings.Repeat("b", 65), "b inh", "../binh"} {
		e.Assignee = bad
		if err := e.Validate(); err == nil {
			t.Errorf("an assign to %q was accepted", bad)
		}
	}
	approve := Event{ID: NewID(), Article: NewID(), Kind: EventTransition, Action: ActionApprove, Assignee: "binh"}
	if err := approve.Validate(); err == nil {
		t.Error("an approval naming an editor was accepted")
	}
	comment := Event{ID: NewID(), Article: NewID(), Kind: EventComment, Text: "Xem lại đoạn 2.", Assignee: "binh"}
	if err := comment.Validate(); err == nil {
		t.Error("a comment naming an editor was accepted")
	}
	to, err := CheckTransition(RoleEditor, StatusInReview, ActionAssign, "")
	if err != nil || to != StatusInReview {
		t.Errorf("assign moved an article in review to %q (%v); it stays where it is", to, err)
	}
}
