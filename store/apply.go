package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// Applying revisions that arrive from other devices (the server side of
// sync). Keys:
//
//	d/<device>                  the last mutation ID applied for the device (8 bytes)
//	m/<device>/<mutation>       the outcome of that mutation (Outcome, JSON)
//	c/<sequence>                an article changed (sequence: 8 bytes, big-endian)
//	cseq                        the last sequence used
//	o/<article>                 the user who first sent the article
//
// The device's counter, the outcome and the revision are written in one
// transaction, so a mutation is applied at most once however often it is
// sent, and its answer can be given again.

// Outcome is what applying one mutation did.
type Outcome struct {
	Result Result `json:"result"`
	Reason string `json:"reason,omitempty"`
	// Code names a rejection the sender acts on (CodeLocked).
	Code string `json:"code,omitempty"`
	// Head is the article's newest revision after the mutation.
	Head fielddesk.ID `json:"head,omitempty"`
}

// CodeLocked rejects a revision of an article whose state no longer
// lets its sender change the text (approved, published, …): the sender
// keeps what was typed as a new draft (Acknowledge).
const CodeLocked = "locked"

// CodeNotFound rejects a mutation about an article the sender may not see
// (answered as if it did not exist).
const CodeNotFound = "not_found"

// Result names an Outcome.
type Result string

// The results of applying a mutation.
const (
	Applied   Result = "applied"
	Duplicate Result = "duplicate"
	Conflict  Result = "conflict"
	Rejected  Result = "rejected"
	// Merged: the revision was based on an older one; it is kept in the
	// history and merged with what came since (Head is the merge).
	Merged Result = "merged"
)

// ErrOutOfOrder means a device skipped a mutation ID: the one before it has
// not arrived. Nothing is recorded; the device sends again from the gap.
var ErrOutOfOrder = errors.New("mutation out of order")

func deviceKey(device string) []byte { return []byte("d/" + device) }
func outcomeKey(device string, id uint64) []byte {
	return []byte("m/" + device + "/" + strconv.FormatUint(id, 10))
}
func changeKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte("c/"), seq)
}

// Apply applies mutation id of device, a revision made elsewhere, at most
// once. A mutation already applied returns its first outcome again with
// Result Duplicate (and the first result in Reason). A revision whose base
// is an older revision of the article is kept in its history and Merged
// with the newest (review.go); one whose base the store never saw is a
// Conflict and is not stored. An invalid revision, or one the article's
// state does not allow for the user's role, is Rejected with the reason. ErrOutOfOrder is returned, and nothing recorded, when the device
// skipped an ID. The revision keeps its ID, time and base; its photos need
// not be here yet.
func (s *DB) Apply(ctx context.Context, device, user string, id uint64, rev fielddesk.Revision) (Outcome, error) {
	return s.ApplyMutation(ctx, device, user, Mutation{ID: id, Revision: rev})
}

// ApplyMutation applies one mutation (a revision or an event) as ApplyBatch does.
func (s *DB) ApplyMutation(ctx context.Context, device, user string, m Mutation) (Outcome, error) {
	rev := m.Revision
	id := m.ID
	outs, err := s.ApplyBatch(ctx, device, user, []Mutation{{ID: id, Revision: rev, Event: m.Event}})
	if len(outs) == 1 {
		return outs[0], err
	}
	return Outcome{}, err
}

// Mutation is one mutation of a device for ApplyBatch: a revision, or (when
// Event is set) a decision or a comment.
type Mutation struct {
	ID       uint64
	Revision fielddesk.Revision
	Event    *fielddesk.Event
}

// ApplyBatch applies a device's mutations in order, as Apply does each, in
// as few transactions as the store allows (one fsync for a whole push). It
// returns the outcomes of the mutations it got to; on ErrOutOfOrder or a
// store failure the outcomes before it stand and are durable.
//
// Pushes that arrive while another is being written are committed together
// (one transaction, one fsync for many devices), each answered as if alone.
func (s *DB) ApplyBatch(ctx context.Context, device, user string, muts []Mutation) ([]Outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if device == "" {
		return nil, fmt.Errorf("apply: a device is required: %w", fielddesk.ErrInvalid)
	}
	req := &applyRequest{device: device, user: user, muts: muts, done: make(chan struct{})}
	s.applyMu.Lock()
	s.applyQueue = append(s.applyQueue, req)
	s.applyMu.Unlock()
	s.writeMu.Lock()
	s.applyMu.Lock()
	group := s.applyQueue
	s.applyQueue = nil
	s.applyMu.Unlock()
	if len(group) > 0 { // else an earlier writer took ours along
		s.applyGroup(group)
	}
	s.writeMu.Unlock()
	<-req.done
	return req.outs, req.err
}

// applyRequest is one device's push waiting to be written.
type applyRequest struct {
	device, user string
	muts         []Mutation
	outs         []Outcome
	err          error
	done         chan struct{}
}

// applyGroup writes the pushes of several devices in one transaction, or
// each on its own when that fails (so one device's trouble stays its own).
// The caller holds writeMu.
func (s *DB) applyGroup(group []*applyRequest) {
	defer func() {
		for _, r := range group {
			close(r.done)
		}
	}()
	if len(group) > 1 {
		outs := make([][]Outcome, len(group))
		errs := make([]error, len(group))
		err := s.update(func(txn *badger.Txn) error {
			for i, r := range group {
				outs[i], errs[i] = nil, nil
				for _, m := range r.muts {
					out, err := applyOne(txn, r.device, r.user, m)
					if errors.Is(err, ErrOutOfOrder) { // checked before anything is written
						errs[i] = fmt.Errorf("apply mutation %d of %s: %w", m.ID, r.device, err)
						break
					}
					if err != nil {
						return err
					}
					outs[i] = append(outs[i], out)
				}
			}
			return nil
		})
		if err == nil {
			applied := false
			for i, r := range group {
				r.outs, r.err = outs[i], errs[i]
				for _, o := range outs[i] {
					applied = applied || o.Result == Applied || o.Result == Merged
				}
			}
			if applied {
				s.wakeIndexer()
			}
			return
		}
	}
	for _, r := range group {
		r.outs, r.err = s.applySolo(r.device, r.user, r.muts)
	}
}

// applySolo applies one device's push in as few transactions as the store
// allows. The caller holds writeMu.
func (s *DB) applySolo(device, user string, muts []Mutation) ([]Outcome, error) {
	var outs []Outcome
	applied := false
	for len(muts) > 0 {
		var batch []Outcome
		done := 0
		err := s.update(func(txn *badger.Txn) error {
			batch, done = batch[:0], 0
			for _, m := range muts {
				out, err := applyOne(txn, device, user, m)
				if done > 0 && (errors.Is(err, badger.ErrTxnTooBig) || errors.Is(err, ErrOutOfOrder)) {
					// Half of this mutation is in the transaction: drop it all
					// and apply the ones before on their own.
					return errStopAfter{err}
				}
				if err != nil {
					return err
				}
				batch = append(batch, out)
				done++
			}
			return nil
		})
		var stop errStopAfter
		if errors.As(err, &stop) {
			if cerr := s.applyPrefix(device, user, muts[:done]); cerr != nil {
				return outs, fmt.Errorf("apply mutations of %s: %w", device, mapErr(cerr))
			}
			outs = append(outs, batch...)
			for _, o := range batch {
				applied = applied || o.Result == Applied || o.Result == Merged
			}
			if errors.Is(stop.err, ErrOutOfOrder) {
				if applied {
					s.wakeIndexer()
				}
				return outs, fmt.Errorf("apply mutation %d of %s: %w", muts[done].ID, device, stop.err)
			}
			muts = muts[done:] // too big for one transaction: the rest in the next
			continue
		}
		if err != nil {
			return outs, fmt.Errorf("apply mutation %d of %s: %w", muts[done].ID, device, mapErr(err))
		}
		for _, o := range batch {
			applied = applied || o.Result == Applied || o.Result == Merged
		}
		outs = append(outs, batch...)
		muts = muts[done:]
	}
	if applied {
		s.wakeIndexer()
	}
	return outs, nil
}

// errStopAfter ends a batch transaction at an out-of-order mutation after
// some were applied.
type errStopAfter struct{ err error }

func (e errStopAfter) Error() string { return e.err.Error() }

// applyPrefix applies mutations known to be in order (after a batch met a gap).
func (s *DB) applyPrefix(device, user string, muts []Mutation) error {
	return s.update(func(txn *badger.Txn) error {
		for _, m := range muts {
			if _, err := applyOne(txn, device, user, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// applyOne applies one mutation in txn (see Apply). user is the account
// the device belongs to ("": a trusted local caller, no checks).
func applyOne(txn *badger.Txn, device, user string, m Mutation) (Outcome, error) {
	id := m.ID
	if id == 0 {
		return Outcome{}, fmt.Errorf("apply: mutation IDs start at 1: %w", fielddesk.ErrInvalid)
	}
	var out Outcome
	last, err := lastMutation(txn, device)
	if err != nil {
		return out, err
	}
	switch {
	case id <= last:
		var first Outcome
		if err := getJSON(txn, outcomeKey(device, id), &first); err != nil {
			return out, err
		}
		return Outcome{Result: Duplicate, Reason: string(first.Result), Code: first.Code, Head: first.Head}, nil
	case id > last+1:
		return out, fmt.Errorf("%w: device %s sent mutation %d after %d", ErrOutOfOrder, device, id, last)
	}
	act, err := actorOf(txn, device, user)
	if err != nil {
		return out, err
	}
	if m.Event != nil {
		out, err = applyEvent(txn, act, *m.Event)
	} else {
		out, err = applyRevision(txn, act, m.Revision)
	}
	if err != nil {
		return out, err // the store failed: nothing recorded, the device tries again
	}
	if err := txn.Set(deviceKey(device), binary.BigEndian.AppendUint64(nil, id)); err != nil {
		return out, err
	}
	return out, setJSON(txn, outcomeKey(device, id), out)
}

func ownerKey(article fielddesk.ID) []byte { return []byte("o/" + string(article)) }

// ownerOf returns the user who first sent an article ("" if none yet).
func ownerOf(txn *badger.Txn, article fielddesk.ID) (string, error) {
	item, err := txn.Get(ownerKey(article))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var owner string
	err = item.Value(func(v []byte) error { owner = string(v); return nil })
	return owner, err
}

func lastMutation(txn *badger.Txn, device string) (uint64, error) {
	item, err := txn.Get(deviceKey(device))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var last uint64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("damaged mutation counter for %s", device)
		}
		last = binary.BigEndian.Uint64(v)
		return nil
	})
	return last, err
}

// decide says what a revision from elsewhere does, without writing, and
// returns it normalized with the article's current summary. Bad input is an
// Outcome (Rejected, Conflict); only a failing store is an error.
func decide(txn *badger.Txn, rev fielddesk.Revision) (Outcome, fielddesk.Revision, summaryRecord, error) {
	if _, err := fielddesk.ParseID(string(rev.ID)); err != nil {
		return Outcome{Result: Rejected, Reason: err.Error()}, rev, summaryRecord{}, nil
	}
	rev.Article = rev.Article.Normalized()
	rev.Words = rev.Article.Words()
	if err := rev.Article.Validate(); err != nil {
		return Outcome{Result: Rejected, Reason: err.Error()}, rev, summaryRecord{}, nil
	}
	sum, err := getSummary(txn, rev.Article.ID)
	switch {
	case errors.Is(err, fielddesk.ErrNotFound):
		if rev.Base != "" {
			return Outcome{Result: Conflict, Reason: "based on revision " + string(rev.Base) + ", which is not here"}, rev, sum, nil
		}
		return Outcome{Result: Applied, Head: rev.ID}, rev, sum, nil
	case err != nil:
		return Outcome{}, rev, sum, err
	}
	if sum.Head == rev.ID {
		return Outcome{Result: Applied, Head: rev.ID}, rev, sum, nil // the same revision by another route
	}
	if rev.Base != sum.Head {
		if rev.Base != "" {
			if _, err := txn.Get(revisionKey(rev.Article.ID, rev.Base)); err == nil {
				return Outcome{Result: Merged, Head: sum.Head}, rev, sum, nil // see applyRevision
			} else if !errors.Is(err, badger.ErrKeyNotFound) {
				return Outcome{}, rev, sum, err
			}
		}
		return Outcome{Result: Conflict, Reason: "based on " + orNone(rev.Base) + " but the newest is " + string(sum.Head), Head: sum.Head}, rev, sum, nil
	}
	return Outcome{Result: Applied, Head: rev.ID}, rev, sum, nil
}

func orNone(id fielddesk.ID) string {
	if id == "" {
		return "nothing (a new article)"
	}
	return "revision " + string(id)
}

// putRevision stores a normalized revision made elsewhere as the article's
// newest (prev is its current summary) and logs the change for pulls.
func putRevision(txn *badger.Txn, rev fielddesk.Revision, prev summaryRecord) error {
	content, err := json.Marshal(rev.Article)
	if err != nil {
		return fmt.Errorf("encode article: %w", err)
	}
	return writeRevision(txn, rev, content, prev, "")
}

// logChange appends an article to the change log under the next sequence.
func logChange(txn *badger.Txn, id fielddesk.ID) error {
	var seq uint64
	if item, err := txn.Get([]byte("cseq")); err == nil {
		if err := item.Value(func(v []byte) error { seq = binary.BigEndian.Uint64(v); return nil }); err != nil {
			return err
		}
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return err
	}
	seq++
	if err := txn.Set([]byte("cseq"), binary.BigEndian.AppendUint64(nil, seq)); err != nil {
		return err
	}
	return txn.Set(changeKey(seq), []byte(id))
}

// Changes returns the newest revisions of the articles changed after the
// cursor (0: from the start), at most limit articles, and the cursor to ask
// from next time. keep filters what the asker may see, given the article's
// owner (nil: everything).
func (s *DB) Changes(ctx context.Context, cursor uint64, limit int, keep func(owner string, rev fielddesk.Revision) bool) ([]fielddesk.Revision, uint64, error) {
	pulled, next, err := s.ChangesWithReview(ctx, cursor, limit, keep, false)
	revs := make([]fielddesk.Revision, len(pulled))
	for i, p := range pulled {
		revs[i] = p.Revision
	}
	return revs, next, err
}

// ChangesWithReview is Changes with each article's workflow state, its
// decisions and comments and, when withAudit, its audit log: what a pull
// sends, read in one transaction.
func (s *DB) ChangesWithReview(ctx context.Context, cursor uint64, limit int, keep func(owner string, rev fielddesk.Revision) bool, withAudit bool) ([]Pulled, uint64, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []Pulled
	next := cursor
	err := s.view(func(txn *badger.Txn) error {
		seen := map[fielddesk.ID]bool{}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("c/")})
		defer it.Close()
		// One iterator each for events and the audit log, sought per article.
		events := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("e/"), PrefetchValues: false})
		defer events.Close()
		var audits *badger.Iterator
		if withAudit {
			audits = txn.NewIterator(badger.IteratorOptions{Prefix: []byte("al/"), PrefetchValues: false})
			defer audits.Close()
		}
		for it.Seek(changeKey(cursor + 1)); it.Valid() && len(out) < limit; it.Next() {
			key := it.Item().Key()
			seq := binary.BigEndian.Uint64(key[2:])
			var id fielddesk.ID
			if err := it.Item().Value(func(v []byte) error { id = fielddesk.ID(v); return nil }); err != nil {
				return err
			}
			next = seq
			if seen[id] {
				continue
			}
			seen[id] = true
			sum, rev, err := getHead(txn, id)
			if err != nil {
				return err
			}
			owner, err := ownerOf(txn, id)
			if err != nil {
				return err
			}
			if keep != nil && !keep(owner, rev) {
				continue
			}
			p := Pulled{Seq: seq, Revision: rev, Status: sum.Status, Submitted: sum.Submitted, Holder: sum.Holder, Held: sum.Held,
				Due: sum.Due, Embargo: sum.Embargo}
			if sum.Status.Online() {
				var pub Publication
				if err := getJSON(txn, publicationKey(id), &pub); err != nil && !errors.Is(err, fielddesk.ErrNotFound) {
					return err
				}
				p.Slug = pub.Slug
			}
			if err := scanJSON(events, []byte("e/"+string(id)+"/"), func(e *fielddesk.Event) { p.Events = append(p.Events, *e) }); err != nil {
				return err
			}
			if audits != nil {
				if err := scanJSON(audits, []byte("al/"+string(id)+"/"), func(e *fielddesk.AuditEntry) { p.Audit = append(p.Audit, *e) }); err != nil {
					return err
				}
			}
			out = append(out, p)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, cursor, fmt.Errorf("changes since %d: %w", cursor, mapErr(err))
	}
	return out, next, nil
}

// scanJSON seeks an open iterator to prefix and decodes each value under it.
func scanJSON[T any](it *badger.Iterator, prefix []byte, fn func(*T)) error {
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		var v T
		if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &v) }); err != nil {
			return fmt.Errorf("%s: %w", it.Item().Key(), err)
		}
		fn(&v)
	}
	return nil
}
