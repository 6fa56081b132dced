package store

import (
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

// The outcome of a mutation is the domain's (fielddesk.Outcome); these
// names keep the store's callers as they were.
type (
	Outcome  = fielddesk.Outcome
	Result   = fielddesk.Result
	Mutation = fielddesk.Mutation
)

// The codes and results of fielddesk.Outcome.
const (
	CodeLocked   = fielddesk.CodeLocked
	CodeNotFound = fielddesk.CodeNotFound
	Applied      = fielddesk.ResultApplied
	Duplicate    = fielddesk.ResultDuplicate
	Conflict     = fielddesk.ResultConflict
	Rejected     = fielddesk.ResultRejected
	Merged       = fielddesk.ResultMerged
)

// ErrOutOfOrder is fielddesk.ErrOutOfOrder.
var ErrOutOfOrder = fielddesk.ErrOutOfOrder

func deviceKey(device string) []byte { return []byte("d/" + device) }
func outcomeKey(device string, id uint64) []byte {
	return []byte("m/" + device + "/" + strconv.FormatUint(id, 10))
}
func changeKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte("c/"), seq)
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
