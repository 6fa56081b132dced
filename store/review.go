package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// The editorial loop on the server: who may change which article, the
// workflow's transitions, comments, merges of revisions made apart, and
// the audit log. Keys:
//
//	e/<article>/<event>     Event (JSON): decisions and comments, in ID order
//	al/<article>/<seq>      fielddesk.AuditEntry (JSON): every revision, merge and decision
//	alseq                   the last audit sequence used
//
// An article's workflow state is its summary's Status; a revision never
// changes it (the server keeps its own), only a transition does.

// actor is who a mutation comes from.
type actor struct {
	device, user string
	role         fielddesk.Role
	desk         string
	trusted      bool // a local caller: no scope checks
}

func actorOf(txn *badger.Txn, device, user string) (actor, error) {
	a := actor{device: device, user: user, role: fielddesk.RoleCorrespondent}
	if user == "" {
		a.trusted, a.role = true, fielddesk.RoleAdmin
		return a, nil
	}
	var u User
	switch err := getJSON(txn, userKey(user), &u); {
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
func mayTouch(txn *badger.Txn, a actor, owner string) (bool, error) {
	switch {
	case a.trusted, owner == "", owner == a.user, a.role == fielddesk.RoleAdmin:
		return true, nil
	case a.role != fielddesk.RoleEditor || a.desk == "":
		return false, nil
	}
	var u User
	if err := getJSON(txn, userKey(owner), &u); errors.Is(err, fielddesk.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return u.Desk == a.desk, nil
}

func notFound(id fielddesk.ID) Outcome {
	return Outcome{Result: Rejected, Code: CodeNotFound, Reason: "article " + string(id) + " not found"}
}

// applyRevision applies a revision from a device (see Apply): a new
// article is submitted by its author; a later revision must be allowed by
// the article's state for the actor's role; one based on an older revision
// is merged with what came since.
func applyRevision(txn *badger.Txn, a actor, rev fielddesk.Revision) (Outcome, error) {
	id := rev.Article.ID
	owner, err := ownerOf(txn, id)
	if err != nil {
		return Outcome{}, err
	}
	if ok, err := mayTouch(txn, a, owner); err != nil || !ok {
		// Another's article: answered as if it did not exist, before
		// anything (a conflict would tell it exists).
		return notFound(id), err
	}
	out, rev, prev, err := decide(txn, rev)
	if err != nil || (out.Result != Applied && out.Result != Merged) {
		return out, err
	}
	now := time.Now().UTC()
	if prev.Head == "" {
		if owner == "" && a.user != "" {
			if err := txn.Set(ownerKey(id), []byte(a.user)); err != nil {
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
			return Outcome{Result: Rejected, Code: CodeLocked, Reason: err.Error(), Head: prev.Head}, nil
		}
		rev.Article.Status = prev.Status
		// Conflicts come only from the server's merges: a revision keeps
		// those it did not resolve, as the server holds them, and can add
		// none (a forged one would block publishing in another's name).
		known, err := headConflicts(txn, prev)
		if err != nil {
			return Outcome{}, err
		}
		rev.Article.Conflicts = keepKnown(rev.Article.Conflicts, known)
	}
	if out.Result == Applied {
		if err := putRevision(txn, rev, prev); err != nil {
			return out, err
		}
		return out, audit(txn, id, fielddesk.AuditEntry{At: now, User: a.user, Role: a.role, Device: a.device, Kind: "revision", Revision: rev.ID})
	}
	return mergeRevision(txn, a, rev, prev, now)
}

// headConflicts returns the conflicts of an article's newest revision.
func headConflicts(txn *badger.Txn, sum summaryRecord) ([]fielddesk.Conflict, error) {
	if sum.Conflicts == 0 {
		return nil, nil
	}
	var head fielddesk.Revision
	if err := getJSON(txn, revisionKey(sum.ID, sum.Head), &head); err != nil {
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
func mergeRevision(txn *badger.Txn, a actor, rev fielddesk.Revision, prev summaryRecord, now time.Time) (Outcome, error) {
	id := rev.Article.ID
	var base, head fielddesk.Revision
	if err := getJSON(txn, revisionKey(id, rev.Base), &base); err != nil {
		return Outcome{}, err
	}
	if err := getJSON(txn, revisionKey(id, prev.Head), &head); err != nil {
		return Outcome{}, err
	}
	if err := keepRevision(txn, rev); err != nil {
		return Outcome{}, err
	}
	headBy, err := revisionAuthor(txn, id, head.ID)
	if err != nil {
		return Outcome{}, err
	}
	merged := fielddesk.Merge(base.Article, head.Article, rev.Article,
		fielddesk.MergeSide{By: headBy, Revision: head.ID}, fielddesk.MergeSide{By: a.user, Revision: rev.ID})
	merged.Status = prev.Status
	if err := merged.Validate(); err != nil {
		// Two valid sides whose sum is too big: keep both, ask a person.
		return Outcome{Result: Conflict, Reason: "the two versions cannot be combined (" + err.Error() + "); yours is kept in the history", Head: prev.Head}, nil
	}
	m := fielddesk.Revision{ID: fielddesk.NewID(), Base: head.ID, Saved: now, Words: merged.Words(), Article: merged}
	if err := putRevision(txn, m, prev); err != nil {
		return Outcome{}, err
	}
	note := ""
	if n := len(merged.Conflicts) - len(head.Article.Conflicts); n > 0 {
		note = fmt.Sprintf("%d conflicts to resolve", n)
	}
	if err := audit(txn, id, fielddesk.AuditEntry{At: now, User: a.user, Role: a.role, Device: a.device, Kind: "revision", Revision: rev.ID, Note: "based on " + string(rev.Base)}); err != nil {
		return Outcome{}, err
	}
	if err := audit(txn, id, fielddesk.AuditEntry{At: now, User: a.user, Role: a.role, Device: a.device, Kind: "merge", Revision: m.ID, Note: note}); err != nil {
		return Outcome{}, err
	}
	return Outcome{Result: Merged, Head: m.ID, Reason: note}, nil
}

// keepRevision stores a revision in an article's history without making it the newest.
func keepRevision(txn *badger.Txn, rev fielddesk.Revision) error {
	record, err := encodeRevisionJSON(rev)
	if err != nil {
		return err
	}
	id := rev.Article.ID
	if err := txn.Set(revisionKey(id, rev.ID), record); err != nil {
		return err
	}
	for _, p := range rev.Article.Photos {
		if err := txn.Set(photoRefKey(p.Hash, id, rev.ID), nil); err != nil {
			return err
		}
	}
	info := fielddesk.RevisionInfo{ID: rev.ID, Base: rev.Base, Saved: rev.Saved, Words: rev.Words, Headline: rev.Article.Headline}
	return setJSON(txn, historyKey(id, rev.ID), info)
}

// revisionAuthor finds who wrote a revision in the audit log ("" if unknown).
func revisionAuthor(txn *badger.Txn, id, rev fielddesk.ID) (string, error) {
	who := ""
	err := eachJSON(txn, []byte("al/"+string(id)+"/"), func(e *fielddesk.AuditEntry) error {
		if e.Revision == rev && (e.Kind == "revision" || e.Kind == "merge") {
			who = e.User
		}
		return nil
	})
	return who, err
}

// applyEvent applies a decision or a comment from a device.
func applyEvent(txn *badger.Txn, a actor, e fielddesk.Event) (Outcome, error) {
	e = e.Normalized()
	if err := e.Validate(); err != nil {
		return Outcome{Result: Rejected, Reason: err.Error()}, nil
	}
	id := e.Article
	owner, err := ownerOf(txn, id)
	if err != nil {
		return Outcome{}, err
	}
	prev, err := getSummary(txn, id)
	if errors.Is(err, fielddesk.ErrNotFound) {
		return notFound(id), nil
	} else if err != nil {
		return Outcome{}, err
	}
	if ok, err := mayTouch(txn, a, owner); err != nil || !ok {
		return notFound(id), err
	}
	if _, err := txn.Get(eventKey(id, e.ID)); err == nil {
		return Outcome{Result: Applied, Head: prev.Head}, nil // the same event by another route
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return Outcome{}, err
	}
	// Who, when and (for a decision) from which state to which is the
	// server's to say, never the device's.
	now := time.Now().UTC()
	e.Author, e.Role, e.Device, e.At = a.user, a.role, a.device, now
	e.From, e.To = "", ""
	if e.Kind != fielddesk.EventTransition {
		e.Action = ""
	}
	entry := fielddesk.AuditEntry{At: now, User: a.user, Role: a.role, Device: a.device, Kind: string(e.Kind), Revision: e.Revision}
	if e.Kind == fielddesk.EventTransition {
		authorOnly := e.Action == fielddesk.ActionSend || e.Action == fielddesk.ActionWithdraw
		if authorOnly && owner != a.user && a.role != fielddesk.RoleAdmin && !a.trusted {
			return Outcome{Result: Rejected, Reason: fmt.Sprintf("only the author may %s an article", e.Action), Head: prev.Head}, nil
		}
		to, err := fielddesk.CheckTransition(a.role, prev.Status, e.Action, e.Text)
		if err != nil {
			return Outcome{Result: Rejected, Reason: err.Error(), Head: prev.Head}, nil
		}
		if e.Action == fielddesk.ActionPublish && prev.Conflicts > 0 {
			return Outcome{Result: Rejected, Reason: fmt.Sprintf("the article has %d unresolved conflicts; resolve them before publishing", prev.Conflicts), Head: prev.Head}, nil
		}
		holder, refusal, err := checkHold(txn, a, e, owner, prev)
		if err != nil || refusal != "" {
			return Outcome{Result: Rejected, Reason: refusal, Head: prev.Head}, err
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
				return Outcome{Result: Rejected, Reason: fmt.Sprintf("the time to publish (%s) is past", e.Due.Format(time.RFC3339)), Head: prev.Head}, nil
			}
		} else {
			e.Due, e.Embargo = time.Time{}, false
		}
		if err := recordSchedule(txn, &prev, e, to); err != nil {
			return Outcome{}, err
		}
		e.From, e.To = prev.Status, to
		entry.Action, entry.From, entry.To, entry.Note = e.Action, e.From, e.To, e.Text
		if err := setStatus(txn, prev, to, now); err != nil {
			return Outcome{}, err
		}
		if err := recordPublication(txn, prev, e.Action, e.Text, now); err != nil {
			return Outcome{}, err
		}
	} else {
		if e.ReplyTo != "" {
			if _, err := txn.Get(eventKey(id, e.ReplyTo)); errors.Is(err, badger.ErrKeyNotFound) {
				return Outcome{Result: Rejected, Reason: "the comment it answers is not on this article", Head: prev.Head}, nil
			} else if err != nil {
				return Outcome{}, err
			}
		}
		if err := logChange(txn, id); err != nil {
			return Outcome{}, err
		}
	}
	if err := setJSON(txn, eventKey(id, e.ID), e); err != nil {
		return Outcome{}, err
	}
	return Outcome{Result: Applied, Head: prev.Head}, audit(txn, id, entry)
}

// checkHold checks a decision against who holds the article (hold.go):
// it returns the holder that counts (a holder who is no longer an editor
// of the article's desk holds nothing), or why the decision is refused
// (another holds it; an assign to someone who cannot hold it).
func checkHold(txn *badger.Txn, a actor, e fielddesk.Event, owner string, sum summaryRecord) (holder, refusal string, err error) {
	holder = sum.Holder
	if holder != "" {
		if ok, err := mayHold(txn, holder, owner); err != nil || !ok {
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
		ok, err := mayHold(txn, e.Assignee, owner)
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
func mayHold(txn *badger.Txn, user, owner string) (bool, error) {
	var u User
	if err := getJSON(txn, userKey(user), &u); errors.Is(err, fielddesk.ErrNotFound) {
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
		return mayTouch(txn, actor{user: u.Name, role: u.Role, desk: u.Desk}, owner)
	}
	return false, nil
}

func eventKey(article, event fielddesk.ID) []byte {
	return []byte("e/" + string(article) + "/" + string(event))
}

// setStatus moves an article to a new workflow state (its summary) and
// logs the change for pulls.
func setStatus(txn *badger.Txn, sum summaryRecord, to fielddesk.Status, at time.Time) error {
	if to == fielddesk.StatusSubmitted && sum.Status != to {
		sum.Submitted = at
	}
	sum.Status = to
	if err := txn.Set(articleKey(sum.ID), sum.encode()); err != nil {
		return err
	}
	return logChange(txn, sum.ID)
}

// audit appends an entry to an article's audit log.
func audit(txn *badger.Txn, id fielddesk.ID, e fielddesk.AuditEntry) error {
	seq, err := readUint(txn, []byte("alseq"))
	if err != nil {
		return err
	}
	seq++
	if err := txn.Set([]byte("alseq"), binary.BigEndian.AppendUint64(nil, seq)); err != nil {
		return err
	}
	return setJSON(txn, binary.BigEndian.AppendUint64([]byte("al/"+string(id)+"/"), seq), e)
}

// ReviewOf returns an article's workflow state, its decisions and comments
// (oldest first) and its audit log.
func (s *DB) ReviewOf(ctx context.Context, id fielddesk.ID) (fielddesk.Review, error) {
	return s.ReviewState(ctx, id, true)
}

// ReviewState is ReviewOf, with the audit log only when withAudit (it
// grows with every revision; only editors and admins receive it).
func (s *DB) ReviewState(ctx context.Context, id fielddesk.ID, withAudit bool) (fielddesk.Review, error) {
	var r fielddesk.Review
	err := s.view(func(txn *badger.Txn) error {
		sum, err := getSummary(txn, id)
		if err != nil {
			return err
		}
		r.Status, r.Submitted, r.Holder, r.Held = sum.Status, sum.Submitted, sum.Holder, sum.Held
		r.Due, r.Embargo = sum.Due, sum.Embargo
		if r.Slug, err = getString(txn, publishedAtKey(id)); err != nil {
			return err
		}
		if err := eachJSON(txn, []byte("e/"+string(id)+"/"), func(e *fielddesk.Event) error {
			r.Events = append(r.Events, *e)
			return nil
		}); err != nil || !withAudit {
			return err
		}
		return eachJSON(txn, []byte("al/"+string(id)+"/"), func(e *fielddesk.AuditEntry) error {
			r.Audit = append(r.Audit, *e)
			return nil
		})
	})
	if err != nil {
		return r, fmt.Errorf("review of article %s: %w", id, mapErr(err))
	}
	return r, nil
}

// Queue lists the articles waiting on editors (submitted, in review,
// changes requested, approved, reopened for a correction or an update),
// breaking news first, then oldest submitted first. owners, if not nil,
// keeps only the articles whose owner it accepts (an editor's desk).
func (s *DB) Queue(ctx context.Context, owners func(owner string) bool) ([]fielddesk.Summary, error) {
	var out []fielddesk.Summary
	err := s.view(func(txn *badger.Txn) error {
		return eachSummary(ctx, txn, func(r summaryRecord) error {
			if !inQueue(r.Status) {
				return nil
			}
			if owners != nil {
				owner, err := ownerOf(txn, r.ID)
				if err != nil || !owners(owner) {
					return err
				}
			}
			out = append(out, r.Summary)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("review queue: %w", mapErr(err))
	}
	sortQueue(out)
	return out, nil
}

// inQueue reports whether an article in state s waits on the newsroom
// (one scheduled, and a published one reopened for a correction or an
// update, among them).
func inQueue(s fielddesk.Status) bool {
	return s == fielddesk.StatusSubmitted || s == fielddesk.StatusInReview ||
		s == fielddesk.StatusChangesRequested || s == fielddesk.StatusApproved ||
		s == fielddesk.StatusScheduled || s == fielddesk.StatusCorrecting || s == fielddesk.StatusUpdating
}

// sortQueue orders a review queue: breaking news first (the most urgent
// first), then oldest submitted first (then by ID).
func sortQueue(q []fielddesk.Summary) {
	slices.SortFunc(q, func(a, b fielddesk.Summary) int {
		ua, ub := fielddesk.IsUrgent(a.Urgency), fielddesk.IsUrgent(b.Urgency)
		switch {
		case ua && !ub:
			return -1
		case ub && !ua:
			return 1
		case ua && ub && a.Urgency != b.Urgency:
			return a.Urgency - b.Urgency
		}
		if c := a.Submitted.Compare(b.Submitted); c != 0 {
			return c
		}
		return compareIDs(a.ID, b.ID)
	})
}

func compareIDs(a, b fielddesk.ID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// The server's schedule: articles to publish at a set time. Keys:
//
//	schedt/<due>/<article>   an article due then (8 bytes, big-endian ns); the
//	                         summary's Due says the same
//
// Every decision that moves a scheduled article elsewhere ends its
// schedule (one that leaves it scheduled, an assign, keeps it); schedule
// (again) sets it.

func scheduleKey(due time.Time, id fielddesk.ID) []byte {
	return append(binary.BigEndian.AppendUint64([]byte("schedt/"), uint64(due.UnixNano())), "/"+string(id)...)
}

// recordSchedule moves an article's place in the schedule for the
// decision e, which takes it to state to, in txn (sum is updated;
// setStatus writes it).
func recordSchedule(txn *badger.Txn, sum *summaryRecord, e fielddesk.Event, to fielddesk.Status) error {
	if e.Action != fielddesk.ActionSchedule && to == fielddesk.StatusScheduled {
		return nil // still scheduled for the same time
	}
	if !sum.Due.IsZero() {
		if err := txn.Delete(scheduleKey(sum.Due, sum.ID)); err != nil {
			return err
		}
	}
	sum.Due, sum.Embargo = time.Time{}, false
	if e.Action != fielddesk.ActionSchedule {
		return nil
	}
	sum.Due, sum.Embargo = e.Due, e.Embargo
	return txn.Set(scheduleKey(e.Due, sum.ID), nil)
}

// NextDue is when the next scheduled article is due (ok false: none is).
func (s *DB) NextDue() (due time.Time, ok bool, err error) {
	err = s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("schedt/")})
		defer it.Close()
		it.Rewind()
		if it.Valid() && len(it.Item().Key()) >= 7+8 {
			due, ok = time.Unix(0, int64(binary.BigEndian.Uint64(it.Item().Key()[7:15]))).UTC(), true
		}
		return nil
	})
	return due, ok, mapErr(err)
}

// ReleaseDue publishes every scheduled article whose time has come (due
// at or before now), each in its own transaction as the server's own
// decision (device "schedule", in the audit log), and returns them. An
// article already published, or scheduled again since, is left: run twice
// (or by two loops), it publishes nothing twice.
func (s *DB) ReleaseDue(ctx context.Context, now time.Time) ([]fielddesk.ID, error) {
	var due []fielddesk.ID
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("schedt/")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			if len(k) < 7+8+1 || time.Unix(0, int64(binary.BigEndian.Uint64(k[7:15]))).After(now) {
				break
			}
			due = append(due, fielddesk.ID(k[16:]))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scheduled articles: %w", mapErr(err))
	}
	var released []fielddesk.ID
	for _, id := range due {
		if err := ctx.Err(); err != nil {
			return released, err
		}
		s.writeMu.Lock()
		var out Outcome
		err := s.update(func(txn *badger.Txn) error {
			sum, err := getSummary(txn, id)
			if errors.Is(err, fielddesk.ErrNotFound) {
				out = Outcome{}
				return nil
			} else if err != nil {
				return err
			}
			if sum.Status != fielddesk.StatusScheduled || sum.Due.IsZero() || sum.Due.After(now) {
				out = Outcome{}
				return nil // moved meanwhile
			}
			note := "scheduled for " + sum.Due.Format(time.RFC3339)
			if sum.Embargo {
				note = "embargoed until " + sum.Due.Format(time.RFC3339)
			}
			a := actor{device: "schedule", role: fielddesk.RoleAdmin, trusted: true}
			e := fielddesk.Event{ID: fielddesk.NewID(), Article: id, Kind: fielddesk.EventTransition, Action: fielddesk.ActionRelease,
				Text: note, Revision: sum.Head, At: now}
			out, err = applyEvent(txn, a, e)
			return err
		})
		s.writeMu.Unlock()
		if err != nil {
			return released, fmt.Errorf("publish scheduled article %s: %w", id, mapErr(err))
		}
		if out.Result == Applied {
			released = append(released, id)
		}
	}
	return released, nil
}
