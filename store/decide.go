package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
)

// The desktop side of the editorial loop: decisions and comments are made
// here first (checked against the workflow with the device's role, so a
// refusal comes at once, offline too), stored with the article and queued
// for the server. Keys, besides e/ and al/ (review.go):
//
//	qe/<event>   the event waits to be sent (value: the article's ID)
//	hb/<event>   who held the article before the decision and when it was
//	             due (heldBefore, JSON): put back if the newsroom refuses it

func queuedEventKey(id fielddesk.ID) []byte { return []byte("qe/" + string(id)) }
func heldBeforeKey(id fielddesk.ID) []byte  { return []byte("hb/" + string(id)) }

// heldBefore is who held an article, and when it was due to be
// published, before a decision made here changed either.
type heldBefore struct {
	Holder  string    `json:"holder,omitempty"`
	Held    time.Time `json:"held,omitzero"`
	Due     time.Time `json:"due,omitzero"`
	Embargo bool      `json:"embargo,omitempty"`
}

// publishedAtKey holds, on a desk, where the newsroom published an
// article (its slug), as the last pull said.
func publishedAtKey(id fielddesk.ID) []byte { return []byte("ps/" + string(id)) }

// role is this device's role at the newsroom (a correspondent before login).
func (s *DB) role(ctx context.Context) (fielddesk.Role, string, error) {
	acc, err := s.Account(ctx)
	if errors.Is(err, ErrNotLoggedIn) {
		return fielddesk.RoleCorrespondent, "", nil
	}
	if err != nil {
		return "", "", err
	}
	if !acc.Role.Valid() {
		return fielddesk.RoleCorrespondent, acc.User, nil
	}
	return acc.Role, acc.User, nil
}

// Act makes a workflow decision on an article: it checks the transition
// against the workflow for this device's role and the article's state
// (an error wrapping ErrNotAllowed names both), moves the article and
// queues the decision for the newsroom, in one transaction. comment is the
// note that goes with it (required to request changes or to kill). The
// decisions an editor holds (hold.go) are refused with a
// *fielddesk.HolderError while another editor holds the article.
func (s *DB) Act(ctx context.Context, id fielddesk.ID, action fielddesk.Action, comment string) (fielddesk.Event, error) {
	if action == fielddesk.ActionAssign {
		return fielddesk.Event{}, fmt.Errorf("assign article %s: say which editor it goes to: %w", id, fielddesk.ErrInvalid)
	}
	if action == fielddesk.ActionSchedule {
		return fielddesk.Event{}, fmt.Errorf("schedule article %s: say when it is published: %w", id, fielddesk.ErrInvalid)
	}
	return s.act(ctx, id, action, comment, "", time.Time{}, false)
}

// Assign hands an article to another editor of its desk (editor: their
// user name), with an optional note; the newsroom checks that they can
// hold it and tells them.
func (s *DB) Assign(ctx context.Context, id fielddesk.ID, editor, comment string) (fielddesk.Event, error) {
	return s.act(ctx, id, fielddesk.ActionAssign, comment, editor, time.Time{}, false)
}

// Schedule has the newsroom publish an approved article at due (again: at
// another time), even if no editor is online then; embargo says the time
// is an embargo. A time already past is refused.
func (s *DB) Schedule(ctx context.Context, id fielddesk.ID, due time.Time, embargo bool, comment string) (fielddesk.Event, error) {
	if !due.After(s.clock()) {
		return fielddesk.Event{}, fmt.Errorf("schedule article %s: %s is past: %w", id, due.Format(time.RFC3339), fielddesk.ErrInvalid)
	}
	return s.act(ctx, id, fielddesk.ActionSchedule, comment, "", due.UTC(), embargo)
}

func (s *DB) act(ctx context.Context, id fielddesk.ID, action fielddesk.Action, comment, assignee string, due time.Time, embargo bool) (fielddesk.Event, error) {
	role, user, err := s.role(ctx)
	if err != nil {
		return fielddesk.Event{}, err
	}
	if action == fielddesk.ActionSend {
		sent, err := s.knownToServer(id)
		if err != nil {
			return fielddesk.Event{}, err
		}
		if !sent {
			// The first send is the article's first revision at the newsroom.
			rev, err := s.Send(ctx, id)
			return fielddesk.Event{Article: id, Kind: fielddesk.EventTransition, Action: action,
				From: fielddesk.StatusDraft, To: fielddesk.StatusSubmitted, Revision: rev.ID, At: rev.Saved}, err
		}
	}
	e := fielddesk.Event{ID: fielddesk.NewID(), Article: id, Kind: fielddesk.EventTransition, Action: action,
		Text: comment, Assignee: assignee, Due: due, Embargo: embargo, At: s.clock().UTC(), Author: user, Role: role}.Normalized()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err = s.update(func(txn *badger.Txn) error {
		sum, err := getSummary(txn, id)
		if err != nil {
			return err
		}
		to, err := fielddesk.CheckTransition(role, sum.Status, action, e.Text)
		if err != nil {
			return err
		}
		if action == fielddesk.ActionPublish && sum.Conflicts > 0 {
			return fmt.Errorf("the article has %d unresolved conflicts; resolve them before publishing: %w", sum.Conflicts, fielddesk.ErrNotAllowed)
		}
		if err := fielddesk.CheckHolder(action, user, role, sum.Holder, sum.Held); err != nil {
			return err
		}
		if action == fielddesk.ActionAssign && e.Assignee != "" && e.Assignee == sum.Holder {
			return fmt.Errorf("%s already holds the article: %w", e.Assignee, fielddesk.ErrInvalid)
		}
		e.From, e.To, e.Revision = sum.Status, to, sum.Head
		if err := e.Validate(); err != nil {
			return err
		}
		before := heldBefore{sum.Holder, sum.Held, sum.Due, sum.Embargo}
		if action == fielddesk.ActionSchedule || to != fielddesk.StatusScheduled {
			sum.Due, sum.Embargo = e.Due, e.Embargo // a schedule sets it; a move elsewhere ends it
		}
		if next := fielddesk.NextHolder(action, user, e.Assignee, sum.Holder); next != sum.Holder {
			sum.Holder, sum.Held = next, e.At
			if next == "" {
				sum.Held = time.Time{}
			}
		}
		if before != (heldBefore{sum.Holder, sum.Held, sum.Due, sum.Embargo}) {
			if err := setJSON(txn, heldBeforeKey(e.ID), before); err != nil {
				return err
			}
		}
		if err := setStatus(txn, sum, to, e.At); err != nil {
			return err
		}
		if action == fielddesk.ActionSend {
			// Edits made since (while changes were requested, or as a
			// draft after a withdrawal) go first.
			if err := txn.Set(queueKey(id), nil); err != nil {
				return err
			}
		}
		if err := setJSON(txn, eventKey(id, e.ID), e); err != nil {
			return err
		}
		return txn.Set(queuedEventKey(e.ID), []byte(id))
	})
	if err != nil {
		return e, fmt.Errorf("%s article %s: %w", action, id, mapErr(err))
	}
	return e, nil
}

// knownToServer reports whether the newsroom has (or is being sent) the article.
func (s *DB) knownToServer(id fielddesk.ID) (bool, error) {
	known := false
	err := s.view(func(txn *badger.Txn) error {
		head, err := getString(txn, serverHeadKey(id))
		if err != nil || head != "" {
			known = head != ""
			return err
		}
		found := errors.New("found")
		err = eachJSON(txn, []byte("f/"), func(o *Outgoing) error {
			if o.Event == nil && o.Revision.Article.ID == id {
				return found
			}
			return nil
		})
		known = errors.Is(err, found)
		if known {
			return nil
		}
		return err
	})
	return known, mapErr(err)
}

// Comment adds a comment to an article, about one paragraph of its body
// (1-based; 0 for the whole article) or in answer to another comment, and
// queues it for the newsroom.
func (s *DB) Comment(ctx context.Context, id fielddesk.ID, paragraph int, text string, replyTo fielddesk.ID) (fielddesk.Event, error) {
	role, user, err := s.role(ctx)
	if err != nil {
		return fielddesk.Event{}, err
	}
	e := fielddesk.Event{ID: fielddesk.NewID(), Article: id, Kind: fielddesk.EventComment, Text: text,
		Paragraph: paragraph, ReplyTo: replyTo, At: s.clock().UTC(), Author: user, Role: role}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err = s.update(func(txn *badger.Txn) error {
		sum, err := getSummary(txn, id)
		if err != nil {
			return err
		}
		if paragraph != 0 {
			var head fielddesk.Revision
			if err := getJSON(txn, revisionKey(id, sum.Head), &head); err != nil {
				return err
			}
			ps := fielddesk.Paragraphs(head.Article.Body)
			if paragraph < 0 || paragraph > len(ps) {
				return fmt.Errorf("the article has %d paragraphs; there is no paragraph %d: %w", len(ps), paragraph, fielddesk.ErrInvalid)
			}
			e.Quote = ps[paragraph-1]
		}
		if replyTo != "" {
			if _, err := txn.Get(eventKey(id, replyTo)); err != nil {
				return fmt.Errorf("comment %s is not on this article: %w", replyTo, mapErr(err))
			}
		}
		e.Revision = sum.Head
		e = e.Normalized()
		if err := e.Validate(); err != nil {
			return err
		}
		if err := setJSON(txn, eventKey(id, e.ID), e); err != nil {
			return err
		}
		return txn.Set(queuedEventKey(e.ID), []byte(id))
	})
	if err != nil {
		return e, fmt.Errorf("comment on article %s: %w", id, mapErr(err))
	}
	return e, nil
}

// ResolveConflict settles one of an article's conflicts with text (one
// side's version, or a combination) as a new revision, which goes to the
// newsroom like any edit.
func (s *DB) ResolveConflict(ctx context.Context, id fielddesk.ID, conflictID, text string) (fielddesk.Revision, error) {
	head, err := s.Latest(ctx, id)
	if err != nil {
		return head, err
	}
	resolved, err := fielddesk.Resolve(head.Article, conflictID, text)
	if err != nil {
		return head, err
	}
	return s.save(ctx, resolved, head.ID, "", "", true)
}

// Pulled is one article as a pull brought it: its newest revision, its
// workflow state, and what people decided and said about it (the
// newsroom's Change, as the desk receives it).
type Pulled = newsroom.Change

// applyReview stores what the server says about an article's review in
// txn: its events (stamped by the server; this device's own still unsent
// stay), its audit log, and its state unless a decision made here waits to
// go. It returns the decisions and comments of others that are new here.
func applyReview(txn *badger.Txn, p Pulled, me string) ([]fielddesk.Event, error) {
	id := p.Revision.Article.ID
	var news []fielddesk.Event
	for _, e := range p.Events {
		if e.Article != id {
			continue
		}
		_, err := txn.Get(eventKey(id, e.ID))
		if errors.Is(err, badger.ErrKeyNotFound) && e.Author != me {
			news = append(news, e)
		} else if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return nil, err
		}
		if err := setJSON(txn, eventKey(id, e.ID), e.Normalized()); err != nil {
			return nil, err
		}
	}
	if p.Audit != nil {
		// The server's log only grows: add the entries not here yet.
		prefix := []byte("al/" + string(id) + "/")
		have := 0
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		for it.Rewind(); it.Valid(); it.Next() {
			have++
		}
		it.Close()
		fresh := p.Audit
		if have <= len(p.Audit) {
			fresh = p.Audit[have:]
		} else if err := deletePrefix(txn, prefix); err != nil {
			return nil, err
		}
		for _, a := range fresh {
			if err := audit(txn, id, a); err != nil {
				return nil, err
			}
		}
	}
	if !p.Status.Valid() {
		return news, nil
	}
	if p.Slug != "" {
		if err := txn.Set(publishedAtKey(id), []byte(p.Slug)); err != nil {
			return nil, err
		}
	} else if err := txn.Delete(publishedAtKey(id)); err != nil {
		return nil, err
	}
	waiting, err := decisionWaits(txn, id)
	if err != nil || waiting {
		return news, err
	}
	sum, err := getSummary(txn, id)
	if errors.Is(err, fielddesk.ErrNotFound) {
		return news, nil
	} else if err != nil {
		return nil, err
	}
	if sum.Status != p.Status || !sum.Submitted.Equal(p.Submitted) || sum.Holder != p.Holder || !sum.Held.Equal(p.Held) ||
		!sum.Due.Equal(p.Due) || sum.Embargo != p.Embargo {
		sum.Status, sum.Submitted, sum.Holder, sum.Held = p.Status, p.Submitted, p.Holder, p.Held
		sum.Due, sum.Embargo = p.Due, p.Embargo
		if err := txn.Set(articleKey(id), sum.encode()); err != nil {
			return nil, err
		}
	}
	return news, nil
}

// decisionWaits reports whether a decision on the article made here has
// not been answered by the server yet.
func decisionWaits(txn *badger.Txn, id fielddesk.ID) (bool, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("qe/")})
	var queued []fielddesk.ID
	for it.Rewind(); it.Valid(); it.Next() {
		queued = append(queued, fielddesk.ID(it.Item().Key()[3:]))
	}
	it.Close()
	for _, ev := range queued {
		e, err := findEvent(txn, ev)
		if err == nil && e.Article == id && e.Kind == fielddesk.EventTransition {
			return true, nil
		} else if err != nil && !errors.Is(err, fielddesk.ErrNotFound) {
			return false, err
		}
	}
	found := errors.New("found")
	err := eachJSON(txn, []byte("f/"), func(o *Outgoing) error {
		if o.Event != nil && o.Event.Article == id && o.Event.Kind == fielddesk.EventTransition {
			return found
		}
		return nil
	})
	if errors.Is(err, found) {
		return true, nil
	}
	return false, err
}

// findEvent reads a queued event (qe/ names its article).
func findEvent(txn *badger.Txn, ev fielddesk.ID) (fielddesk.Event, error) {
	var e fielddesk.Event
	article, err := getString(txn, queuedEventKey(ev))
	if err != nil {
		return e, err
	}
	err = getJSON(txn, eventKey(fielddesk.ID(article), ev), &e)
	return e, err
}

// acknowledgeEvent records the server's answer to a decision or comment:
// a refused one is taken back here (a decision moves the article back)
// and the reason is kept for the user with the text that did not go.
func acknowledgeEvent(txn *badger.Txn, e fielddesk.Event, result Result, reason string) error {
	var before *heldBefore
	if e.Kind == fielddesk.EventTransition {
		var hb heldBefore
		switch err := getJSON(txn, heldBeforeKey(e.ID), &hb); {
		case err == nil:
			before = &hb
			if err := txn.Delete(heldBeforeKey(e.ID)); err != nil {
				return err
			}
		case !errors.Is(err, fielddesk.ErrNotFound):
			return err
		}
	}
	if result == Applied || result == Merged {
		return nil
	}
	if err := txn.Delete(eventKey(e.Article, e.ID)); err != nil {
		return err
	}
	what := "the comment"
	if e.Kind == fielddesk.EventTransition {
		what = "the decision to " + string(e.Action)
		sum, err := getSummary(txn, e.Article)
		if err != nil && !errors.Is(err, fielddesk.ErrNotFound) {
			return err
		}
		if err == nil && sum.Status == e.To {
			sum.Status = e.From
			if before != nil {
				sum.Holder, sum.Held, sum.Due, sum.Embargo = before.Holder, before.Held, before.Due, before.Embargo
			}
			if err := txn.Set(articleKey(e.Article), sum.encode()); err != nil {
				return err
			}
		}
	}
	if e.Text != "" {
		what += " (“" + e.Text + "”)"
	}
	return setJSON(txn, problemKey(e.Article), Problem{Result: result, Reason: what + " was not accepted: " + reason, Revision: e.Revision})
}

// setStatus moves an article to a new workflow state on this desk (its
// summary) and logs the change.
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
