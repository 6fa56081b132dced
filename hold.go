package fielddesk

import (
	"fmt"
	"time"
)

// Who holds an article. An editor who takes an article holds it: the
// decisions on it (request changes, approve, publish, spike, hand it on)
// are theirs, or an admin's. Requesting changes keeps the hold, so the
// article its correspondent sends again goes back to the editor who asked
// for the changes, not into the desk's common queue. A holder can hand
// the article to another editor of the desk (assign); publishing, spiking,
// killing and restoring end the hold. An article nobody holds (sent and
// not yet taken) is any editor's of its desk.

// heldActions are the decisions only an article's holder (or an admin)
// makes.
var heldActions = []Action{ActionTake, ActionRequestChanges, ActionApprove, ActionPublish, ActionSpike, ActionAssign,
	ActionSchedule, ActionUnschedule}

// HolderError says an article is held by another editor.
type HolderError struct {
	Holder string
	Since  time.Time
	Action Action
}

func (e *HolderError) Error() string {
	return fmt.Sprintf("%s holds this article (since %s); only they or an admin may %s it: ask them to hand it to you",
		e.Holder, e.Since.UTC().Format(time.RFC3339), e.Action)
}

// Unwrap makes errors.Is(err, ErrNotAllowed) true.
func (e *HolderError) Unwrap() error { return ErrNotAllowed }

// CheckHolder says whether user, with role, may do action to an article
// held by holder since since: a *HolderError when another editor holds it.
func CheckHolder(action Action, user string, role Role, holder string, since time.Time) error {
	if holder == "" || holder == user || role == RoleAdmin {
		return nil
	}
	for _, a := range heldActions {
		if a == action {
			return &HolderError{Holder: holder, Since: since, Action: action}
		}
	}
	return nil
}

// NextHolder is who holds an article after user did action to it while
// holder held it (assignee: the editor an assign hands it to).
func NextHolder(action Action, user, assignee, holder string) string {
	switch action {
	case ActionTake, ActionCorrect, ActionUpdate:
		return user
	case ActionAssign:
		return assignee
	case ActionPublish, ActionRelease, ActionSpike, ActionKill, ActionRestore:
		return ""
	}
	return holder
}
