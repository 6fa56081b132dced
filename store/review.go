package store

import (
	"context"
	"encoding/binary"
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

func eventKey(article, event fielddesk.ID) []byte {
	return []byte("e/" + string(article) + "/" + string(event))
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
