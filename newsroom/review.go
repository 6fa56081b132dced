package newsroom

import (
	"errors"
	"fmt"
	"time"

	"github.com/fielddesk/fielddesk"
)

// The editorial loop: who may change which article, the workflow's
// transitions, comments, merges of revisions made apart, and the audit
// log. An article's workflow state is its summary's Status; a revision
// never changes it (the server keeps its own), only a transition does.

// actor is who a mutation comes from.
type actor struct {
	device, user string
	role         fielddesk.Role
	desk         string
	trusted      bool // a local caller: no scope checks
}

func actorOf(tx Tx, device, user string) (actor, error) {
	a := actor{device: device, user: user, role: fielddesk.RoleCorrespondent}
	if user == "" {
		a.trusted, a.role = true, fielddesk.RoleAdmin
		return a, nil
	}
	u, err := tx.User(user)
	switch {
	case errors.Is(err, fielddesk.ErrNotFound):
		return a, nil // not an account here: only its own articles
	case err != nil:
		return a, err
	}
	a.role, a.desk = u.Role, u.Desk
	return a, nil
}

// mayTouch reports whether the actor may see and act on an article owned
// by owner: their own, their desk's for an editor, all for an admin.
func mayTouch(tx Tx, a actor, owner string) (bool, error) {
	switch {
	case a.trusted, owner == "", owner == a.user, a.role == fielddesk.RoleAdmin:
		return true, nil
	case a.role != fielddesk.RoleEditor || a.desk == "":
		return false, nil
	}
	u, err := tx.User(owner)
	if errors.Is(err, fielddesk.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return u.Desk == a.desk, nil
}

func notFound(id fielddesk.ID) fielddesk.Outcome {
	return fielddesk.Outcome{Result: fielddesk.ResultRejected, Code: fielddesk.CodeNotFound, Reason: "article " + string(id) + " not found"}
}

// applyRevision applies a revision from a device (see ApplyBatch): a new
// article is submitted by its author; a later revision must be allowed by
// the article's state for the actor's role; one based on an older revision
// is merged with what came since.
func (n *Newsroom) applyRevision(tx Tx, a actor, rev fielddesk.Revision) (fielddesk.Outcome, error) {
	id := rev.Article.ID
	owner, err := tx.Owner(id)
	if err != nil {
		return fielddesk.Outcome{}, err
	}
	if ok, err := mayTouch(tx, a, owner); err != nil || !ok {
		// Another's article: answered as if it did not exist, before
		// anything (a conflict would tell it exists).
		return notFound(id), err
	}
	out, rev, prev, err := decide(tx, rev)
	if err != nil || (out.Result != fielddesk.ResultApplied && out.Result != fielddesk.ResultMerged) {
		return out, err
	}
	now := n.now().UTC()
	if prev.Head == "" {
		if owner == "" && a.user != "" {
			if err := tx.SetOwner(id, a.user); err != nil {
				return out, err
			}
		}
		// Sending a new article is the workflow's first step.
		rev.Article.Status = fielddesk.StatusSubmitted
		rev.Article.Conflicts = nil
	} else {
		if prev.Head == rev.ID {
			return out, nil // the same revision by another route
		}
		if err := fielddesk.CanEdit(a.role, prev.Status); err != nil && !a.trusted {
			return fielddesk.Outcome{Result: fielddesk.ResultRejected, Code: fielddesk.CodeLocked, Reason: err.Error(), Head: prev.Head}, nil
		}
		rev.Article.Status = prev.Status
		// Conflicts come only from the server's merges: a revision keeps
		// those it did not resolve, as the server holds them, and can add
		// none (a forged one would block publishing in another's name).
		known, err := headConflicts(tx, prev)
		if err != nil {
			return fielddesk.Outcome{}, err
		}
		rev.Article.Conflicts = keepKnown(rev.Article.Conflicts, known)
	}
	if out.Result == fielddesk.ResultApplied {
		if err := tx.PutHead(rev); err != nil {
			return out, err
		}
		return out, tx.AddAudit(id, fielddesk.AuditEntry{At: now, User: a.user, Role: a.role, Device: a.device, Kind: "revision", Revision: rev.ID})
	}
	return mergeRevision(tx, a, rev, prev, now)
}

// headConflicts returns the conflicts of an article's newest revision.
func headConflicts(tx Tx, sum fielddesk.Summary) ([]fielddesk.Conflict, error) {
	if sum.Conflicts == 0 {
		return nil, nil
	}
	head, err := tx.Revision(sum.ID, sum.Head)
	if err != nil {
		return nil, err
	}
	return head.Article.Conflicts, nil
}

// keepKnown returns, of the conflicts a revision carries, those the server
// knows, as the server holds them.
func keepKnown(sent, known []fielddesk.Conflict) []fielddesk.Conflict {
	var out []fielddesk.Conflict
	for _, c := range sent {
		for _, k := range known {
			if k.ID == c.ID {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// mergeRevision keeps a revision based on an older one in the history and
// makes the three-way merge of it with the newest the article's head.
func mergeRevision(tx Tx, a actor, rev fielddesk.Revision, prev fielddesk.Summary, now time.Time) (fielddesk.Outcome, error) {
	id := rev.Article.ID
	base, err := tx.Revision(id, rev.Base)
	if err != nil {
		return fielddesk.Outcome{}, err
	}
	head, err := tx.Revision(id, prev.Head)
	if err != nil {
		return fielddesk.Outcome{}, err
	}
	if err := tx.KeepRevision(rev); err != nil {
		return fielddesk.Outcome{}, err
	}
	headBy, err := revisionAuthor(tx, id, head.ID)
	if err != nil {
		return fielddesk.Outcome{}, err
	}
	merged := fielddesk.Merge(base.Article, head.Article, rev.Article,
		fielddesk.MergeSide{By: headBy, Revision: head.ID}, fielddesk.MergeSide{By: a.user, Revision: rev.ID})
	merged.Status = prev.Status
	if err := merged.Validate(); err != nil {
		// Two valid sides whose sum is too big: keep both, ask a person.
		return fielddesk.Outcome{Result: fielddesk.ResultConflict, Reason: "the two versions cannot be combined (" + err.Error() + "); yours is kept in the history", Head: prev.Head}, nil
	}
	m := fielddesk.Revision{ID: fielddesk.NewID(), Base: head.ID, Saved: now, Words: merged.Words(), Article: merged}
	if err := tx.PutHead(m); err != nil {
		return fielddesk.Outcome{}, err
	}
	note := ""
	if n := len(merged.Conflicts) - len(head.Article.Conflicts); n > 0 {
		note = fmt.Sprintf("%d conflicts to resolve", n)
	}
	if err := tx.AddAudit(id, fielddesk.AuditEntry{At: now, User: a.user, Role: a.role, Device: a.device, Kind: "revision", Revision: rev.ID, Note: "based on " + string(rev.Base)}); err != nil {
		return fielddesk.Outcome{}, err
	}
	if err := tx.AddAudit(id, fielddesk.AuditEntry{At: now, User: a.user, Role: a.role, Device: a.device, Kind: "merge", Revision: m.ID, Note: note}); err != nil {
		return fielddesk.Outcome{}, err
	}
	return fielddesk.Outcome{Result: fielddesk.ResultMerged, Head: m.ID, Reason: note}, nil
}

// revisionAuthor finds who wrote a revision in the audit log ("" if unknown).
func revisionAuthor(tx Tx, id, rev fielddesk.ID) (string, error) {
	log, err := tx.Audit(id)
	if err != nil {
		return "", err
	}
	who := ""
	for _, e := range log {
		if e.Revision == rev && (e.Kind == "revision" || e.Kind == "merge") {
			who = e.User
		}
	}
	return who, nil
}

// applyEvent applies a decision or a comment from a device.
func (n *Newsroom) applyEvent(tx Tx, a actor, e fielddesk.Event) (fielddesk.Outcome, error) {
	e = e.Normalized()
	if err := e.Validate(); err != nil {
		return fielddesk.Outcome{Result: fielddesk.ResultRejected, Reason: err.Error()}, nil
	}
	id := e.Article
	owner, err := tx.Owner(id)
	if err != nil {
		return fielddesk.Outcome{}, err
	}
	prev, err := tx.Summary(id)
	if errors.Is(err, fielddesk.ErrNotFound) {
		return notFound(id), nil
	} else if err != nil {
		return fielddesk.Outcome{}, err
	}
	if ok, err := mayTouch(tx, a, owner); err != nil || !ok {
		return notFound(id), err
	}
	if seen, err := tx.HasEvent(id, e.ID); err != nil {
		return fielddesk.Outcome{}, err
	} else if seen {
		return fielddesk.Outcome{Result: fielddesk.ResultApplied, Head: prev.Head}, nil // the same event by another route
	}
	rejected := func(reason string) (fielddesk.Outcome, error) {
		return fielddesk.Outcome{Result: fielddesk.ResultRejected, Reason: reason, Head: prev.Head}, nil
	}
	// Who, when and (for a decision) from which state to which is the
	// server's to say, never the device's.
	now := n.now().UTC()
	e.Author, e.Role, e.Device, e.At = a.user, a.role, a.device, now
	e.From, e.To = "", ""
	if e.Kind != fielddesk.EventTransition {
		e.Action = ""
	}
	entry := fielddesk.AuditEntry{At: now, User: a.user, Role: a.role, Device: a.device, Kind: string(e.Kind), Revision: e.Revision}
	if e.Kind == fielddesk.EventTransition {
		authorOnly := e.Action == fielddesk.ActionSend || e.Action == fielddesk.ActionWithdraw
		if authorOnly && owner != a.user && a.role != fielddesk.RoleAdmin && !a.trusted {
			return rejected(fmt.Sprintf("only the author may %s an article", e.Action))
		}
		to, err := fielddesk.CheckTransition(a.role, prev.Status, e.Action, e.Text)
		if err != nil {
			return rejected(err.Error())
		}
		if e.Action == fielddesk.ActionPublish && prev.Conflicts > 0 {
			return rejected(fmt.Sprintf("the article has %d unresolved conflicts; resolve them before publishing", prev.Conflicts))
		}
		holder, refusal, err := checkHold(tx, a, e, owner, prev)
		if err != nil || refusal != "" {
			return fielddesk.Outcome{Result: fielddesk.ResultRejected, Reason: refusal, Head: prev.Head}, err
		}
		if next := fielddesk.NextHolder(e.Action, a.user, e.Assignee, holder); next != prev.Holder {
			prev.Holder, prev.Held = next, now
			if next == "" {
				prev.Held = time.Time{}
			}
		}
		if e.Action == fielddesk.ActionTake || e.Action == fielddesk.ActionAssign {
			entry.Holder = prev.Holder
		}
		if e.Action == fielddesk.ActionSchedule {
			e.Due = e.Due.UTC()
			if !e.Due.After(now) {
				return rejected(fmt.Sprintf("the time to publish (%s) is past", e.Due.Format(time.RFC3339)))
			}
		} else {
			e.Due, e.Embargo = time.Time{}, false
		}
		if err := recordSchedule(tx, &prev, e, to); err != nil {
			return fielddesk.Outcome{}, err
		}
		e.From, e.To = prev.Status, to
		entry.Action, entry.From, entry.To, entry.Note = e.Action, e.From, e.To, e.Text
		if err := setStatus(tx, prev, to, now); err != nil {
			return fielddesk.Outcome{}, err
		}
		if err := recordPublication(tx, prev, e.Action, e.Text, now); err != nil {
			return fielddesk.Outcome{}, err
		}
	} else {
		if e.ReplyTo != "" {
			if ok, err := tx.HasEvent(id, e.ReplyTo); err != nil {
				return fielddesk.Outcome{}, err
			} else if !ok {
				return rejected("the comment it answers is not on this article")
			}
		}
		if err := tx.LogChange(id); err != nil {
			return fielddesk.Outcome{}, err
		}
	}
	if err := tx.PutEvent(e); err != nil {
		return fielddesk.Outcome{}, err
	}
	return fielddesk.Outcome{Result: fielddesk.ResultApplied, Head: prev.Head}, tx.AddAudit(id, entry)
}

// checkHold checks a decision against who holds the article (hold.go):
// it returns the holder that counts (a holder who is no longer an editor
// of the article's desk holds nothing), or why the decision is refused
// (another holds it; an assign to someone who cannot hold it).
func checkHold(tx Tx, a actor, e fielddesk.Event, owner string, sum fielddesk.Summary) (holder, refusal string, err error) {
	holder = sum.Holder
	if holder != "" {
		if ok, err := mayHold(tx, holder, owner); err != nil || !ok {
			holder = ""
			if err != nil {
				return "", "", err
			}
		}
	}
	if !a.trusted {
		if err := fielddesk.CheckHolder(e.Action, a.user, a.role, holder, sum.Held); err != nil {
			return holder, err.Error(), nil
		}
	}
	if e.Action == fielddesk.ActionAssign {
		ok, err := mayHold(tx, e.Assignee, owner)
		if err != nil {
			return "", "", err
		}
		if !ok {
			return holder, fmt.Sprintf("%s is not an editor of this article's desk: the article can go only to one", e.Assignee), nil
		}
	}
	return holder, "", nil
}

// mayHold reports whether user can hold an article owned by owner: an
// editor of the owner's desk, or an admin.
func mayHold(tx Tx, user, owner string) (bool, error) {
	u, err := tx.User(user)
	if errors.Is(err, fielddesk.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	switch {
	case u.Disabled:
		return false, nil
	case u.Role == fielddesk.RoleAdmin:
		return true, nil
	case u.Role == fielddesk.RoleEditor:
		return mayTouch(tx, actor{user: u.Name, role: u.Role, desk: u.Desk}, owner)
	}
	return false, nil
}

// setStatus moves an article to a new workflow state (its summary) and
// logs the change for pulls.
func setStatus(tx Tx, sum fielddesk.Summary, to fielddesk.Status, at time.Time) error {
	if to == fielddesk.StatusSubmitted && sum.Status != to {
		sum.Submitted = at
	}
	sum.Status = to
	if err := tx.PutSummary(sum); err != nil {
		return err
	}
	return tx.LogChange(sum.ID)
}
