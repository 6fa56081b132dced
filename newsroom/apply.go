package newsroom

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fielddesk/fielddesk"
)

// Newsroom applies the newsroom's rules to a Backend.
type Newsroom struct {
	b Backend
	// writeMu: one writer of this process at a time (a backend shared by
	// several processes orders them itself); applyQueue holds pushes
	// waiting for it, which the writer that gets it commits together.
	writeMu    sync.Mutex
	applyMu    sync.Mutex
	applyQueue []*applyRequest
	now        func() time.Time
}

// New returns the rules over b.
func New(b Backend) *Newsroom {
	return &Newsroom{b: b, now: time.Now}
}

// Backend is the backend the rules run over.
func (n *Newsroom) Backend() Backend { return n.b }

// ApplyBatch applies a device's mutations in order, each at most once
// however often it is sent (a mutation already applied returns its first
// outcome again, as Duplicate with the first result in Reason), in as few
// transactions as the backend allows (one commit for a whole push). A
// revision whose base is an older revision of the article is kept in its
// history and Merged with the newest; one whose base the newsroom never
// saw is a Conflict. An invalid revision, or one the article's state does
// not allow for the user's role, is Rejected with the reason. user is the
// account the device belongs to ("": a trusted local caller, no checks).
//
// It returns the outcomes of the mutations it got to; on
// fielddesk.ErrOutOfOrder (the device skipped an ID: nothing of it is
// recorded) or a backend failure the outcomes before stand and are
// durable. Pushes that arrive while another is being written are
// committed together, each answered as if alone.
func (n *Newsroom) ApplyBatch(ctx context.Context, device, user string, muts []fielddesk.Mutation) ([]fielddesk.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if device == "" {
		return nil, fmt.Errorf("apply: a device is required: %w", fielddesk.ErrInvalid)
	}
	req := &applyRequest{device: device, user: user, muts: muts, done: make(chan struct{})}
	n.applyMu.Lock()
	n.applyQueue = append(n.applyQueue, req)
	n.applyMu.Unlock()
	n.writeMu.Lock()
	n.applyMu.Lock()
	group := n.applyQueue
	n.applyQueue = nil
	n.applyMu.Unlock()
	if len(group) > 0 { // else an earlier writer took ours along
		n.applyGroup(ctx, group)
	}
	n.writeMu.Unlock()
	<-req.done
	return req.outs, req.err
}

// ApplyMutation applies one mutation as ApplyBatch does.
func (n *Newsroom) ApplyMutation(ctx context.Context, device, user string, m fielddesk.Mutation) (fielddesk.Outcome, error) {
	outs, err := n.ApplyBatch(ctx, device, user, []fielddesk.Mutation{m})
	if len(outs) == 1 {
		return outs[0], err
	}
	return fielddesk.Outcome{}, err
}

// applyRequest is one device's push waiting to be written.
type applyRequest struct {
	device, user string
	muts         []fielddesk.Mutation
	outs         []fielddesk.Outcome
	err          error
	done         chan struct{}
}

// applyGroup writes the pushes of several devices in one transaction, or
// each on its own when that fails (so one device's trouble stays its own).
// The caller holds writeMu.
func (n *Newsroom) applyGroup(ctx context.Context, group []*applyRequest) {
	defer func() {
		for _, r := range group {
			close(r.done)
		}
	}()
	// A push whose sender gave up is not written with the others.
	ctx = context.WithoutCancel(ctx)
	if len(group) > 1 {
		outs := make([][]fielddesk.Outcome, len(group))
		errs := make([]error, len(group))
		err := n.b.Update(ctx, func(tx Tx) error {
			for i, r := range group {
				outs[i], errs[i] = nil, nil
				for _, m := range r.muts {
					out, err := n.applyOne(tx, r.device, r.user, m)
					if errors.Is(err, fielddesk.ErrOutOfOrder) { // checked before anything is written
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
			for i, r := range group {
				r.outs, r.err = outs[i], errs[i]
			}
			return
		}
	}
	for _, r := range group {
		r.outs, r.err = n.applySolo(ctx, r.device, r.user, r.muts)
	}
}

// applySolo applies one device's push in as few transactions as the
// backend allows. The caller holds writeMu.
func (n *Newsroom) applySolo(ctx context.Context, device, user string, muts []fielddesk.Mutation) ([]fielddesk.Outcome, error) {
	var outs []fielddesk.Outcome
	for len(muts) > 0 {
		var batch []fielddesk.Outcome
		done := 0
		err := n.b.Update(ctx, func(tx Tx) error {
			batch, done = batch[:0], 0
			for _, m := range muts {
				out, err := n.applyOne(tx, device, user, m)
				if done > 0 && (errors.Is(err, ErrTxnTooBig) || errors.Is(err, fielddesk.ErrOutOfOrder)) {
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
			if cerr := n.applyPrefix(ctx, device, user, muts[:done]); cerr != nil {
				return outs, fmt.Errorf("apply mutations of %s: %w", device, cerr)
			}
			outs = append(outs, batch...)
			if errors.Is(stop.err, fielddesk.ErrOutOfOrder) {
				return outs, fmt.Errorf("apply mutation %d of %s: %w", muts[done].ID, device, stop.err)
			}
			muts = muts[done:] // too big for one transaction: the rest in the next
			continue
		}
		if err != nil {
			return outs, fmt.Errorf("apply mutation %d of %s: %w", muts[done].ID, device, err)
		}
		outs = append(outs, batch...)
		muts = muts[done:]
	}
	return outs, nil
}

// errStopAfter ends a batch transaction at an out-of-order mutation after
// some were applied.
type errStopAfter struct{ err error }

func (e errStopAfter) Error() string { return e.err.Error() }
func (e errStopAfter) Unwrap() error { return e.err }

// applyPrefix applies mutations known to be in order (after a batch met a gap).
func (n *Newsroom) applyPrefix(ctx context.Context, device, user string, muts []fielddesk.Mutation) error {
	return n.b.Update(ctx, func(tx Tx) error {
		for _, m := range muts {
			if _, err := n.applyOne(tx, device, user, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// applyOne applies one mutation in tx (see ApplyBatch).
func (n *Newsroom) applyOne(tx Tx, device, user string, m fielddesk.Mutation) (fielddesk.Outcome, error) {
	id := m.ID
	if id == 0 {
		return fielddesk.Outcome{}, fmt.Errorf("apply: mutation IDs start at 1: %w", fielddesk.ErrInvalid)
	}
	var out fielddesk.Outcome
	last, err := tx.LastMutation(device)
	if err != nil {
		return out, err
	}
	switch {
	case id <= last:
		first, err := tx.Outcome(device, id)
		if err != nil {
			return out, err
		}
		return fielddesk.Outcome{Result: fielddesk.ResultDuplicate, Reason: string(first.Result), Code: first.Code, Head: first.Head}, nil
	case id > last+1:
		return out, fmt.Errorf("%w: device %s sent mutation %d after %d", fielddesk.ErrOutOfOrder, device, id, last)
	}
	act, err := actorOf(tx, device, user)
	if err != nil {
		return out, err
	}
	if m.Event != nil {
		out, err = n.applyEvent(tx, act, *m.Event)
	} else {
		out, err = n.applyRevision(tx, act, m.Revision)
	}
	if err != nil {
		return out, err // the backend failed: nothing recorded, the device tries again
	}
	return out, tx.RecordMutation(device, id, out)
}

// decide says what a revision from elsewhere does, without writing, and
// returns it normalized with the article's current summary (zero for a new
// article). Bad input is an Outcome (Rejected, Conflict); only a failing
// backend is an error.
func decide(tx Tx, rev fielddesk.Revision) (fielddesk.Outcome, fielddesk.Revision, fielddesk.Summary, error) {
	if _, err := fielddesk.ParseID(string(rev.ID)); err != nil {
		return fielddesk.Outcome{Result: fielddesk.ResultRejected, Reason: err.Error()}, rev, fielddesk.Summary{}, nil
	}
	rev.Article = rev.Article.Normalized()
	rev.Words = rev.Article.Words()
	if err := rev.Article.Validate(); err != nil {
		return fielddesk.Outcome{Result: fielddesk.ResultRejected, Reason: err.Error()}, rev, fielddesk.Summary{}, nil
	}
	sum, err := tx.Summary(rev.Article.ID)
	switch {
	case errors.Is(err, fielddesk.ErrNotFound):
		if rev.Base != "" {
			return fielddesk.Outcome{Result: fielddesk.ResultConflict, Reason: "based on revision " + string(rev.Base) + ", which is not here"}, rev, sum, nil
		}
		return fielddesk.Outcome{Result: fielddesk.ResultApplied, Head: rev.ID}, rev, sum, nil
	case err != nil:
		return fielddesk.Outcome{}, rev, sum, err
	}
	if sum.Head == rev.ID {
		return fielddesk.Outcome{Result: fielddesk.ResultApplied, Head: rev.ID}, rev, sum, nil // the same revision by another route
	}
	if rev.Base != sum.Head {
		if rev.Base != "" {
			if ok, err := tx.HasRevision(rev.Article.ID, rev.Base); err != nil {
				return fielddesk.Outcome{}, rev, sum, err
			} else if ok {
				return fielddesk.Outcome{Result: fielddesk.ResultMerged, Head: sum.Head}, rev, sum, nil // see applyRevision
			}
		}
		return fielddesk.Outcome{Result: fielddesk.ResultConflict, Reason: "based on " + orNone(rev.Base) + " but the newest is " + string(sum.Head), Head: sum.Head}, rev, sum, nil
	}
	return fielddesk.Outcome{Result: fielddesk.ResultApplied, Head: rev.ID}, rev, sum, nil
}

func orNone(id fielddesk.ID) string {
	if id == "" {
		return "nothing (a new article)"
	}
	return "revision " + string(id)
}
