package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// summaryRecord is what a/<article> holds: the list line plus what a save
// needs to know without reading the head revision. It is stored in a compact
// binary form because listing decodes one per article. Version 2 added the
// time the article was submitted and its count of conflicts; version 1
// records are still read.
type summaryRecord struct {
	fielddesk.Summary
	Created     time.Time
	ContentHash string
}

const summaryVersion = 5

var errSummary = errors.New("damaged article summary")

func (r summaryRecord) encode() []byte {
	b := make([]byte, 0, 96+len(r.Headline))
	b = append(b, summaryVersion)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(string(r.ID))
	str(string(r.Head))
	str(string(r.Status))
	str(r.Headline)
	str(r.ContentHash)
	b = binary.AppendVarint(b, r.Updated.UnixNano())
	b = binary.AppendVarint(b, r.Created.UnixNano())
	b = binary.AppendUvarint(b, uint64(r.Words))
	b = binary.AppendUvarint(b, uint64(r.Revisions))
	var sub int64
	if !r.Submitted.IsZero() {
		sub = r.Submitted.UnixNano()
	}
	b = binary.AppendVarint(b, sub)
	b = binary.AppendUvarint(b, uint64(r.Conflicts))
	str(r.Holder)
	var held int64
	if !r.Held.IsZero() {
		held = r.Held.UnixNano()
	}
	b = binary.AppendVarint(b, held)
	b = binary.AppendUvarint(b, uint64(r.Urgency))
	var due int64
	if !r.Due.IsZero() {
		due = r.Due.UnixNano()
	}
	b = binary.AppendVarint(b, due)
	if r.Embargo {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	return b
}

func decodeSummary(b []byte) (summaryRecord, error) {
	var r summaryRecord
	if len(b) == 0 || b[0] < 1 || b[0] > summaryVersion {
		return r, errSummary
	}
	version := b[0]
	b = b[1:]
	bad := false
	str := func() string {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			bad = true
			return ""
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s
	}
	num := func() int64 {
		v, k := binary.Varint(b)
		if k <= 0 {
			bad = true
			return 0
		}
		b = b[k:]
		return v
	}
	unum := func() uint64 {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			bad = true
			return 0
		}
		b = b[k:]
		return v
	}
	r.ID = fielddesk.ID(str())
	r.Head = fielddesk.ID(str())
	r.Status = fielddesk.Status(str())
	r.Headline = str()
	r.ContentHash = str()
	r.Updated = time.Unix(0, num()).UTC()
	r.Created = time.Unix(0, num()).UTC()
	r.Words = int(unum())
	r.Revisions = int(unum())
	if version >= 2 {
		if sub := num(); sub != 0 {
			r.Submitted = time.Unix(0, sub).UTC()
		}
		r.Conflicts = int(unum())
	}
	if version >= 3 {
		r.Holder = str()
		if held := num(); held != 0 {
			r.Held = time.Unix(0, held).UTC()
		}
	}
	if version >= 4 {
		r.Urgency = int(min(unum(), 9))
	}
	if version >= 5 {
		if due := num(); due != 0 {
			r.Due = time.Unix(0, due).UTC()
		}
		r.Embargo = unum() == 1
	}
	if bad {
		return summaryRecord{}, errSummary
	}
	return r, nil
}

// getHead reads an article's summary and its newest revision, with the
// workflow state of the summary (it moves without new revisions).
func getHead(txn *badger.Txn, id fielddesk.ID) (summaryRecord, fielddesk.Revision, error) {
	var rev fielddesk.Revision
	sum, err := getSummary(txn, id)
	if err != nil {
		return sum, rev, err
	}
	if err := getJSON(txn, revisionKey(id, sum.Head), &rev); err != nil {
		return sum, rev, err
	}
	rev.Article.Status = sum.Status
	return sum, rev, nil
}

func getSummary(txn *badger.Txn, id fielddesk.ID) (summaryRecord, error) {
	item, err := txn.Get(articleKey(id))
	if err != nil {
		return summaryRecord{}, mapErr(err)
	}
	var r summaryRecord
	err = item.Value(func(v []byte) error {
		r, err = decodeSummary(v)
		return err
	})
	if err != nil {
		return summaryRecord{}, fmt.Errorf("article %s: %w", id, err)
	}
	return r, nil
}
