package fielddesk

import (
	"fmt"
	"slices"
)

// The editorial workflow. An article starts as a draft on the
// correspondent's laptop; sending submits it to the newsroom, where an
// editor of its desk takes it for review, asks for changes or approves it,
// and publishes it. A published article is corrected or updated at the
// same address: an editor reopens it (correcting, with what was wrong;
// updating, as new facts come in), it stays online as it was meanwhile,
// and the next publish replaces it with a note at its end. Spiked means
// withdrawn before publication (an editor can restore it to its
// correspondent as a draft, saying why), killed withdrawn after it (with a
// reason). Transitions is the one table that
// says who may move an article from which state to which; the desktop and
// the server both check it.
const (
	StatusInReview         Status = "in_review"
	StatusChangesRequested Status = "changes_requested"
	StatusApproved         Status = "approved"
	StatusPublished        Status = "published"
	StatusSpiked           Status = "spiked"
	StatusKilled           Status = "killed"
	// StatusCorrecting and StatusUpdating: published, reopened by an
	// editor for a correction or an update; online as it was until it is
	// published again.
	StatusCorrecting Status = "correcting"
	StatusUpdating   Status = "updating"
	// StatusScheduled: approved, to be published by the server at a set
	// time (Event.Due), even if no editor is online; nothing of it is
	// public before.
	StatusScheduled Status = "scheduled"
)

// Statuses lists every state, in the order the workflow goes through them.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusInReview, StatusChangesRequested,
	StatusApproved, StatusScheduled, StatusPublished, StatusCorrecting, StatusUpdating, StatusSpiked, StatusKilled}

// Online reports whether an article in s is on the newsroom's site
// (published, or reopened for a correction or an update).
func (s Status) Online() bool {
	return s == StatusPublished || s == StatusCorrecting || s == StatusUpdating
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Final reports whether an article in s left the workflow (spiked or
// killed): its text no longer changes, and only a restore brings a spiked
// one back.
func (s Status) Final() bool { return s == StatusSpiked || s == StatusKilled }

// Action is what a person does to move an article: its name is what the
// headless commands take (fielddesk review ID take).
type Action string

// The actions.
const (
	ActionSend           Action = "send"
	ActionWithdraw       Action = "withdraw"
	ActionTake           Action = "take"
	ActionRequestChanges Action = "request-changes"
	ActionApprove        Action = "approve"
	ActionPublish        Action = "publish"
	ActionSpike          Action = "spike"
	ActionKill           Action = "kill"
	ActionRestore        Action = "restore"
	ActionAssign         Action = "assign"
	ActionCorrect        Action = "correct"
	ActionUpdate         Action = "update"
	ActionSchedule       Action = "schedule"
	ActionUnschedule     Action = "unschedule"
	ActionRelease        Action = "release"
)

// Transition is one row of the workflow table: Action moves an article from
// any of From to To (empty: it stays in the state it is in), for the roles
// listed. NeedsComment: the action is refused without a comment (what to
// change, why it was killed, why it comes back).
type Transition struct {
	Action       Action
	From         []Status
	To           Status
	Roles        []Role
	NeedsComment bool
}

var (
	editors = []Role{RoleEditor, RoleAdmin}
	authors = []Role{RoleCorrespondent, RoleAdmin}
)

// Transitions is the workflow: every move an article can make, and who may
// make it. Admins may make every move. Ownership is checked besides this
// table: a correspondent acts on their own articles, an editor on those of
// their desk. (An article's first send is its first revision reaching the
// newsroom, which anyone may do with their own article.)
var Transitions = []Transition{
	{ActionSend, []Status{StatusDraft, StatusChangesRequested}, StatusSubmitted, authors, false},
	{ActionWithdraw, []Status{StatusSubmitted}, StatusDraft, authors, false},
	{ActionTake, []Status{StatusSubmitted}, StatusInReview, editors, false},
	{ActionRequestChanges, []Status{StatusInReview, StatusApproved, StatusScheduled}, StatusChangesRequested, editors, true},
	{ActionApprove, []Status{StatusInReview}, StatusApproved, editors, false},
	{ActionPublish, []Status{StatusApproved, StatusCorrecting, StatusUpdating}, StatusPublished, editors, false},
	{ActionSpike, []Status{StatusSubmitted, StatusInReview, StatusChangesRequested, StatusApproved, StatusScheduled}, StatusSpiked, editors, false},
	{ActionKill, []Status{StatusPublished, StatusCorrecting, StatusUpdating}, StatusKilled, editors, true},
	{ActionRestore, []Status{StatusSpiked}, StatusDraft, editors, true},
	// Handing an article to another editor of the desk (hold.go) changes
	// who holds it, not its state.
	{ActionAssign, []Status{StatusSubmitted, StatusInReview, StatusChangesRequested, StatusApproved, StatusScheduled, StatusCorrecting, StatusUpdating}, "", editors, false},
	// A correction says what was wrong (the note readers see); an update
	// may say what is new.
	{ActionCorrect, []Status{StatusPublished}, StatusCorrecting, editors, true},
	{ActionUpdate, []Status{StatusPublished}, StatusUpdating, editors, false},
	// Publishing on time: schedule (again, to change the time) says when
	// (Event.Due; an embargo is the same with its name); unschedule takes
	// it back to approved; release is the server's clock publishing it
	// when due (an admin may release it early).
	{ActionSchedule, []Status{StatusApproved, StatusScheduled}, StatusScheduled, editors, false},
	{ActionUnschedule, []Status{StatusScheduled}, StatusApproved, editors, false},
	{ActionRelease, []Status{StatusScheduled}, StatusPublished, []Role{RoleAdmin}, false},
}

// Actions lists the actions in the table's order.
func Actions() []Action {
	out := make([]Action, len(Transitions))
	for i, t := range Transitions {
		out[i] = t.Action
	}
	return out
}

// ParseAction returns the action named s.
func ParseAction(s string) (Action, error) {
	for _, t := range Transitions {
		if string(t.Action) == s {
			return t.Action, nil
		}
	}
	return "", fmt.Errorf("%q is not an action; the actions are %v: %w", s, Actions(), ErrInvalid)
}

// TransitionError says why a move is not allowed, naming the role, the
// state and the action.
type TransitionError struct {
	Role   Role
	From   Status
	Action Action
	// MissingComment: the move is allowed but needs a comment.
	MissingComment bool
}

func (e *TransitionError) Error() string {
	if e.MissingComment {
		switch e.Action {
		case ActionKill:
			return "a killed article needs a reason: say why it is withdrawn"
		case ActionRestore:
			return "a restored article needs a reason: say why it comes back"
		case ActionCorrect:
			return "a correction needs a note: say what was wrong (readers see it)"
		}
		return fmt.Sprintf("%s needs a comment that says what to change", e.Action)
	}
	t, ok := transitionFor(e.Action)
	switch {
	case !ok:
		return fmt.Sprintf("%q is not an action", e.Action)
	case !slices.Contains(t.Roles, e.Role):
		return fmt.Sprintf("a %s may not %s an article (only %v may)", e.Role, e.Action, t.Roles)
	default:
		return fmt.Sprintf("cannot %s an article that is %s (only one that is %v)", e.Action, e.From, t.From)
	}
}

// Unwrap makes errors.Is(err, ErrNotAllowed) true.
func (e *TransitionError) Unwrap() error { return ErrNotAllowed }

func transitionFor(a Action) (Transition, bool) {
	for _, t := range Transitions {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// CheckTransition says where action takes an article in state from when a
// person with role does it, or a *TransitionError naming the role, the
// state and the action. comment is the text given with the action.
func CheckTransition(role Role, from Status, action Action, comment string) (Status, error) {
	t, ok := transitionFor(action)
	if !ok || !slices.Contains(t.Roles, role) || !slices.Contains(t.From, from) {
		return "", &TransitionError{Role: role, From: from, Action: action}
	}
	if t.NeedsComment && WordCount(comment) == 0 {
		return "", &TransitionError{Role: role, From: from, Action: action, MissingComment: true}
	}
	if t.To == "" {
		return from, nil
	}
	return t.To, nil
}

// ActionsFor lists what a person with role may do to an article in state
// from (the buttons the app shows).
func ActionsFor(role Role, from Status) []Action {
	var out []Action
	for _, t := range Transitions {
		if slices.Contains(t.Roles, role) && slices.Contains(t.From, from) {
			out = append(out, t.Action)
		}
	}
	return out
}

// CanEdit says whether a person with role may change the text of an article
// in state s: correspondents until it is approved, editors until it is
// published and again while it is reopened for a correction or an update,
// nobody once it is spiked or killed.
func CanEdit(role Role, s Status) error {
	switch {
	case s.Final():
		return fmt.Errorf("the article is %s; its text can no longer change: %w", s, ErrNotAllowed)
	case s == StatusPublished:
		return fmt.Errorf("the article is published; an editor corrects or updates it (review ID correct|update): %w", ErrNotAllowed)
	case role == RoleCorrespondent && (s == StatusCorrecting || s == StatusUpdating):
		return fmt.Errorf("the article is published and the newsroom is %s it: %w", map[Status]string{StatusCorrecting: "correcting", StatusUpdating: "updating"}[s], ErrNotAllowed)
	case role == RoleCorrespondent && (s == StatusApproved || s == StatusScheduled):
		return fmt.Errorf("the article is approved; ask the editor to request changes before editing it: %w", ErrNotAllowed)
	case !role.Valid():
		return fmt.Errorf("%q is not a role: %w", role, ErrNotAllowed)
	}
	return nil
}
