package fielddesk

import "errors"

// What the newsroom did with one mutation a device sent (a revision, a
// decision, a comment): the server's rules (package newsroom) decide it,
// the device's outbox acts on it.

// Outcome is what applying one mutation did.
type Outcome struct {
	Result Result `json:"result"`
	Reason string `json:"reason,omitempty"`
	// Code names a rejection the sender acts on (CodeLocked).
	Code string `json:"code,omitempty"`
	// Head is the article's newest revision after the mutation.
	Head ID `json:"head,omitempty"`
}

// CodeLocked rejects a revision of an article whose state no longer
// lets its sender change the text (approved, published, …): the sender
// keeps what was typed as a new draft.
const CodeLocked = "locked"

// CodeNotFound rejects a mutation about an article the sender may not see
// (answered as if it did not exist).
const CodeNotFound = "not_found"

// Result names an Outcome.
type Result string

// The results of applying a mutation.
const (
	ResultApplied   Result = "applied"
	ResultDuplicate Result = "duplicate"
	ResultConflict  Result = "conflict"
	ResultRejected  Result = "rejected"
	// ResultMerged: the revision was based on an older one; it is kept in
	// the history and merged with what came since (Head is the merge).
	ResultMerged Result = "merged"
)

// ErrOutOfOrder means a device skipped a mutation ID: the one before it has
// not arrived. Nothing is recorded; the device sends again from the gap.
var ErrOutOfOrder = errors.New("mutation out of order")

// Mutation is one mutation of a device: a revision, or (when Event is set)
// a decision or a comment. IDs count up from 1 per device.
type Mutation struct {
	ID       uint64
	Revision Revision
	Event    *Event
}
