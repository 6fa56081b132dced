package store

import (
	"encoding/json"
	"errors"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// keepLockedAsDraft answers the newsroom's refusal of a revision because
// the article moved on meanwhile (approved, published: CodeLocked). What
// was typed here is not dropped and not kept apart from the article: the
// newest text of this device becomes a new draft article, and the article
// goes back to the newsroom's newest revision (the one a pull brought, or
// the last the server took from here), with nothing of it left to send.
// The refused revisions stay in the article's history. The problem
// recorded names the draft, for the window to say so once.
func (s *DB) keepLockedAsDraft(txn *badger.Txn, id, refused fielddesk.ID, reason string) error {
	sum, head, err := getHead(txn, id)
	if err != nil {
		return err
	}
	back, err := newsroomNewest(txn, id)
	if err != nil {
		return err
	}
	problem := Problem{Result: Rejected, Reason: reason, Revision: refused, Code: CodeLocked}
	if back.ID == "" || !sameText(head.Article, back.Article) {
		now := s.Now()
		d := head.Article
		d.ID, d.Status, d.Conflicts, d.Created = fielddesk.NewID(), fielddesk.StatusDraft, nil, now.UTC()
		rev := fielddesk.Revision{ID: fielddesk.NewID(), Saved: now, Words: d.Words(), Article: d}
		if err := putRevision(txn, rev, summaryRecord{}); err != nil {
			return err
		}
		problem.Draft = d.ID
	}
	if back.ID != "" && back.ID != sum.Head {
		content, err := json.Marshal(back.Article)
		if err != nil {
			return err
		}
		sum.Head, sum.Headline, sum.Words, sum.Updated = back.ID, back.Article.Headline, back.Words, back.Saved
		sum.ContentHash, sum.Conflicts = contentHash(content), len(back.Article.Conflicts)
		if err := txn.Set(articleKey(id), sum.encode()); err != nil {
			return err
		}
		if err := txn.Set(dirtyKey(id), nil); err != nil {
			return err
		}
	}
	// Nothing of it waits any more: later revisions of it in flight
	// would be refused the same way.
	if err := txn.Delete(queueKey(id)); err != nil {
		return err
	}
	var flights [][]byte
	err = eachJSON(txn, []byte("f/"), func(o *Outgoing) error {
		if o.Event == nil && o.Article() == id {
			flights = append(flights, flightKey(o.ID))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range flights {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return setJSON(txn, problemKey(id), problem)
}

// newsroomNewest is the newest revision of an article the newsroom has:
// the newest one a pull brought, or the last the server took from here
// (zero when there is none).
func newsroomNewest(txn *badger.Txn, id fielddesk.ID) (fielddesk.Revision, error) {
	known, err := getString(txn, serverHeadKey(id))
	if err != nil {
		return fielddesk.Revision{}, err
	}
	var best fielddesk.RevisionInfo
	err = eachJSON(txn, []byte("h/"+string(id)+"/"), func(info *fielddesk.RevisionInfo) error {
		if (info.Received || string(info.ID) == known) && (best.ID == "" || info.Saved.After(best.Saved)) {
			best = *info
		}
		return nil
	})
	if err != nil || best.ID == "" {
		return fielddesk.Revision{}, err
	}
	var rev fielddesk.Revision
	if err := getJSON(txn, revisionKey(id, best.ID), &rev); err != nil && !errors.Is(err, fielddesk.ErrNotFound) {
		return rev, err
	}
	return rev, nil
}

// sameText reports whether two versions of an article say the same
// (whatever their workflow state).
func sameText(a, b fielddesk.Article) bool {
	a.Status, b.Status = "", ""
	a.Conflicts, b.Conflicts = nil, nil
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}
