package fielddesk

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// allowed is the workflow written out by hand, one line per allowed move
// ("role from action to"), independent of the Transitions table: every
// other combination of role, state and action must be refused.
const allowed = `
correspondent draft send submitted
correspondent changes_requested send submitted
correspondent submitted withdraw draft
editor submitted take in_review
editor in_review request-changes changes_requested
editor approved request-changes changes_requested
editor in_review approve approved
editor approved publish published
editor submitted spike spiked
editor in_review spike spiked
editor changes_requested spike spiked
editor approved spike spiked
editor published kill killed
editor spiked restore draft
editor submitted assign submitted
editor in_review assign in_review
editor changes_requested assign changes_requested
editor approved assign approved
editor published correct correcting
editor published update updating
editor correcting publish published
editor updating publish published
editor correcting kill killed
editor updating kill killed
editor correcting assign correcting
editor updating assign updating
editor scheduled request-changes changes_requested
editor scheduled spike spiked
editor scheduled assign scheduled
editor approved schedule scheduled
editor scheduled schedule scheduled
editor scheduled unschedule approved
admin draft send submitted
admin changes_requested send submitted
admin submitted withdraw draft
admin submitted take in_review
admin in_review request-changes changes_requested
admin approved request-changes changes_requested
admin in_review approve approved
admin approved publish published
admin submitted spike spiked
admin in_review spike spiked
admin changes_requested spike spiked
admin approved spike spiked
admin published kill killed
admin spiked restore draft
admin submitted assign submitted
admin in_review assign in_review
admin changes_requested assign changes_requested
admin approved assign approved
admin published correct correcting
admin published update updating
admin correcting publish published
admin updating publish published
admin correcting kill killed
admin updating kill killed
admin correcting assign correcting
admin updating assign updating
admin scheduled request-changes changes_requested
admin scheduled spike spiked
admin scheduled assign scheduled
admin approved schedule scheduled
admin scheduled schedule scheduled
admin scheduled unschedule approved
admin scheduled release published
`

func TestEveryTransitionForEveryRole(t *testing.T) {
	want := map[string]Status{}
	for _, line := range strings.Split(strings.TrimSpace(allowed), "\n") {
		f := strings.Fields(line)
		want[f[0]+" "+f[1]+" "+f[2]] = Status(f[3])
	}
	roles := []Role{RoleCorrespondent, RoleEditor, RoleAdmin, Role("guest")}
	actions := append(Actions(), Action("publish-now"))
	checked, allowedSeen := 0, 0
	for _, role := range roles {
		for _, from := range Statuses {
			for _, action := range actions {
				key := fmt.Sprintf("%s %s %s", role, from, action)
				to, err := CheckTransition(role, from, action, "Cần bổ sung số liệu của huyện.")
				checked++
				if exp, ok := want[key]; ok {
					allowedSeen++
					if err != nil || to != exp {
						t.Errorf("%s: got %q, %v; want %s", key, to, err, exp)
					}
					continue
				}
				var te *TransitionError
				if err == nil || !errors.As(err, &te) || !errors.Is(err, ErrNotAllowed) {
					t.Errorf("%s: allowed (to %s); the workflow forbids it", key, to)
					continue
				}
				msg := err.Error()
				// The message names what stood in the way: the role, or the state.
				if !strings.Contains(msg, string(role)) && !strings.Contains(msg, string(from)) && !strings.Contains(msg, "not an action") {
					t.Errorf("%s: %q names neither the role nor the state", key, msg)
				}
			}
		}
	}
	if allowedSeen != len(want) {
		t.Errorf("checked %d allowed moves; the list has %d", allowedSeen, len(want))
	}
	if checked != len(roles)*len(Statuses)*len(actions) {
		t.Fatalf("checked %d combinations", checked)
	}
}

func TestTransitionErrorsNameRoleAndState(t *testing.T) {
	_, err := CheckTransition(RoleCorrespondent, StatusSubmitted, ActionApprove, "")
	if err == nil || !strings.Contains(err.Error(), "correspondent") || !strings.Contains(err.Error(), "approve") {
		t.Errorf("a correspondent approving: %v", err)
	}
	_, err = CheckTransition(RoleEditor, StatusDraft, ActionPublish, "")
	if err == nil || !strings.Contains(err.Error(), "draft") || !strings.Contains(err.Error(), "approved") {
		t.Errorf("publishing a draft: %v; want it to name draft and the state publishing needs", err)
	}
}

func TestActionsThatNeedAComment(t *testing.T) {
	for _, c := range []struct {
		from   Status
		action Action
	}{{StatusPublished, ActionKill}, {StatusInReview, ActionRequestChanges}, {StatusSpiked, ActionRestore}} {
		for _, empty := range []string{"", "   ", " – "} {
			_, err := CheckTransition(RoleEditor, c.from, c.action, empty)
			var te *TransitionError
			if !errors.As(err, &te) || !te.MissingComment {
				t.Errorf("%s with comment %q: %v; want a missing-comment refusal", c.action, empty, err)
			}
		}
		if _, err := CheckTransition(RoleEditor, c.from, c.action, "Sai số liệu"); err != nil {
			t.Errorf("%s with a reason: %v", c.action, err)
		}
	}
	_, err := CheckTransition(RoleEditor, StatusPublished, ActionKill, "")
	if err == nil || !strings.Contains(err.Error(), "reason") {
		t.Errorf("kill without a reason: %v", err)
	}
	_, err = CheckTransition(RoleEditor, StatusSpiked, ActionRestore, "")
	if err == nil || !strings.Contains(err.Error(), "why it comes back") {
		t.Errorf("restore without a reason: %v", err)
	}
}

func TestActionsForMatchesCheckTransition(t *testing.T) {
	for _, role := range []Role{RoleCorrespondent, RoleEditor, RoleAdmin} {
		for _, from := range Statuses {
			offered := map[Action]bool{}
			for _, a := range ActionsFor(role, from) {
				offered[a] = true
			}
			for _, a := range Actions() {
				_, err := CheckTransition(role, from, a, "lý do")
				if (err == nil) != offered[a] {
					t.Errorf("%s %s %s: offered %v, allowed %v", role, from, a, offered[a], err == nil)
				}
			}
		}
	}
}

func TestCanEdit(t *testing.T) {
	cases := []struct {
		role Role
		s    Status
		ok   bool
	}{
		{RoleCorrespondent, StatusDraft, true},
		{RoleCorrespondent, StatusSubmitted, true},
		{RoleCorrespondent, StatusInReview, true},
		{RoleCorrespondent, StatusChangesRequested, true},
		{RoleCorrespondent, StatusApproved, false},
		{RoleEditor, StatusApproved, true},
		{RoleEditor, StatusPublished, false},
		{RoleAdmin, StatusSpiked, false},
		{RoleAdmin, StatusKilled, false},
	}
	for _, c := range cases {
		err := CanEdit(c.role, c.s)
		if (err == nil) != c.ok {
			t.Errorf("%s editing a %s article: %v", c.role, c.s, err)
		}
		if err != nil && (!errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), string(c.s))) {
			t.Errorf("%s editing a %s article: %q should name the state", c.role, c.s, err)
		}
	}
}

func TestParseAction(t *testing.T) {
	for _, a := range Actions() {
		if got, err := ParseAction(string(a)); err != nil || got != a {
			t.Errorf("ParseAction(%q) = %q, %v", a, got, err)
		}
	}
	if _, err := ParseAction("delete"); err == nil || !strings.Contains(err.Error(), "request-changes") {
		t.Errorf("ParseAction(delete): %v; want the list of actions", err)
	}
}

func TestAReopenedArticleIsTheEditorsToChange(t *testing.T) {
	for _, s := range []Status{StatusCorrecting, StatusUpdating} {
		if !s.Online() || !s.Valid() {
			t.Errorf("%s: online %v, valid %v", s, s.Online(), s.Valid())
		}
		if err := CanEdit(RoleEditor, s); err != nil {
			t.Errorf("an editor cannot change an article that is %s: %v", s, err)
		}
		if err := CanEdit(RoleCorrespondent, s); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("a correspondent changes an article that is %s: %v", s, err)
		}
	}
	if err := CanEdit(RoleEditor, StatusPublished); !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), "correct") {
		t.Errorf("editing a published article: %v", err)
	}
	if _, err := CheckTransition(RoleEditor, StatusPublished, ActionCorrect, " "); err == nil || !strings.Contains(err.Error(), "what was wrong") {
		t.Errorf("a correction without a note: %v", err)
	}
	if to, err := CheckTransition(RoleEditor, StatusPublished, ActionUpdate, ""); err != nil || to != StatusUpdating {
		t.Errorf("an update without a note: %s %v", to, err)
	}
	for _, s := range []Status{StatusDraft, StatusInReview, StatusKilled, StatusSpiked} {
		if s.Online() {
			t.Errorf("%s is online", s)
		}
	}
}
