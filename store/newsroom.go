package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
)

// The embedded backend of the newsroom's rules (newsroom.Backend): each
// Tx method reads or writes the keys the store always kept, so a server's
// data folder written before reads as it was. Keys besides those of
// apply.go, review.go and publish.go:
//
//	schedt/<due>/<article>   an article due then (8 bytes, big-endian ns)

var _ newsroom.Backend = (*DB)(nil)

// Update runs fn in one Badger transaction, committed with SyncWrites,
// one writer at a time.
func (s *DB) Update(ctx context.Context, fn func(newsroom.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(func(txn *badger.Txn) error { return fn(&badgerTx{txn: txn}) })
	if err != nil {
		return txErr(err)
	}
	s.wakeIndexer()
	return nil
}

// View runs fn in a read-only Badger transaction.
func (s *DB) View(ctx context.Context, fn func(newsroom.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return txErr(s.view(func(txn *badger.Txn) error {
		t := &badgerTx{txn: txn, reuse: true}
		defer t.close()
		return fn(t)
	}))
}

// txErr says Badger's errors in the rules' words.
func txErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, badger.ErrTxnTooBig) && !errors.Is(err, newsroom.ErrTxnTooBig):
		return fmt.Errorf("%w: %w", newsroom.ErrTxnTooBig, err)
	}
	return mapErr(err)
}

// badgerTx is a newsroom.Tx over a Badger transaction. In a read-only
// one (reuse), the iterators over events and the audit log are opened once
// and sought per article (a pull reads hundreds); in a read-write one each
// read opens its own, which sees the transaction's writes so far.
type badgerTx struct {
	txn            *badger.Txn
	reuse          bool
	events, audits *badger.Iterator
}

func (t *badgerTx) close() {
	if t.events != nil {
		t.events.Close()
	}
	if t.audits != nil {
		t.audits.Close()
	}
}

func (t *badgerTx) LastMutation(device string) (uint64, error) {
	n, err := lastMutation(t.txn, device)
	return n, txErr(err)
}

func (t *badgerTx) Outcome(device string, id uint64) (fielddesk.Outcome, error) {
	var o fielddesk.Outcome
	return o, txErr(getJSON(t.txn, outcomeKey(device, id), &o))
}

func (t *badgerTx) RecordMutation(device string, id uint64, o fielddesk.Outcome) error {
	if err := t.txn.Set(deviceKey(device), binary.BigEndian.AppendUint64(nil, id)); err != nil {
		return txErr(err)
	}
	return txErr(setJSON(t.txn, outcomeKey(device, id), o))
}

func (t *badgerTx) User(name string) (newsroom.User, error) {
	var u newsroom.User
	return u, txErr(getJSON(t.txn, userKey(name), &u))
}

func (t *badgerTx) Owner(article fielddesk.ID) (string, error) {
	o, err := ownerOf(t.txn, article)
	return o, txErr(err)
}

func (t *badgerTx) SetOwner(article fielddesk.ID, user string) error {
	return txErr(t.txn.Set(ownerKey(article), []byte(user)))
}

func (t *badgerTx) Summary(article fielddesk.ID) (fielddesk.Summary, error) {
	r, err := getSummary(t.txn, article)
	return r.Summary, txErr(err)
}

func (t *badgerTx) PutSummary(sum fielddesk.Summary) error {
	r, err := getSummary(t.txn, sum.ID)
	if err != nil {
		return txErr(err)
	}
	r.Status, r.Submitted, r.Holder, r.Held, r.Due, r.Embargo = sum.Status, sum.Submitted, sum.Holder, sum.Held, sum.Due, sum.Embargo
	return txErr(t.txn.Set(articleKey(sum.ID), r.encode()))
}

func (t *badgerTx) Revision(article, rev fielddesk.ID) (fielddesk.Revision, error) {
	var r fielddesk.Revision
	return r, txErr(getJSON(t.txn, revisionKey(article, rev), &r))
}

func (t *badgerTx) HasRevision(article, rev fielddesk.ID) (bool, error) {
	ok, err := exists(t.txn, revisionKey(article, rev))
	return ok, txErr(err)
}

func (t *badgerTx) PutHead(rev fielddesk.Revision) error {
	prev, err := getSummary(t.txn, rev.Article.ID)
	if err != nil && !errors.Is(err, fielddesk.ErrNotFound) {
		return txErr(err)
	}
	return txErr(putRevision(t.txn, rev, prev))
}

func (t *badgerTx) KeepRevision(rev fielddesk.Revision) error {
	record, err := encodeRevisionJSON(rev)
	if err != nil {
		return err
	}
	id := rev.Article.ID
	if err := t.txn.Set(revisionKey(id, rev.ID), record); err != nil {
		return txErr(err)
	}
	for _, p := range rev.Article.Photos {
		if err := t.txn.Set(photoRefKey(p.Hash, id, rev.ID), nil); err != nil {
			return txErr(err)
		}
	}
	info := fielddesk.RevisionInfo{ID: rev.ID, Base: rev.Base, Saved: rev.Saved, Words: rev.Words, Headline: rev.Article.Headline}
	return txErr(setJSON(t.txn, historyKey(id, rev.ID), info))
}

func (t *badgerTx) ChangeLog(after uint64, limit int) ([]newsroom.LogEntry, error) {
	var out []newsroom.LogEntry
	it := t.txn.NewIterator(badger.IteratorOptions{Prefix: []byte("c/")})
	defer it.Close()
	for it.Seek(changeKey(after + 1)); it.Valid() && len(out) < limit; it.Next() {
		key := it.Item().Key()
		if len(key) != 2+8 {
			continue
		}
		var id fielddesk.ID
		if err := it.Item().Value(func(v []byte) error { id = fielddesk.ID(v); return nil }); err != nil {
			return nil, txErr(err)
		}
		out = append(out, newsroom.LogEntry{Seq: binary.BigEndian.Uint64(key[2:]), Article: id})
	}
	return out, nil
}

func (t *badgerTx) LogChange(article fielddesk.ID) error {
	return txErr(logChange(t.txn, article))
}

func (t *badgerTx) Events(article fielddesk.ID) ([]fielddesk.Event, error) {
	it := t.events
	if it == nil {
		it = t.txn.NewIterator(badger.IteratorOptions{Prefix: []byte("e/"), PrefetchValues: false})
		if t.reuse {
			t.events = it
		} else {
			defer it.Close()
		}
	}
	var out []fielddesk.Event
	err := scanJSON(it, []byte("e/"+string(article)+"/"), func(e *fielddesk.Event) { out = append(out, *e) })
	return out, txErr(err)
}

func (t *badgerTx) HasEvent(article, event fielddesk.ID) (bool, error) {
	ok, err := exists(t.txn, eventKey(article, event))
	return ok, txErr(err)
}

func (t *badgerTx) PutEvent(e fielddesk.Event) error {
	return txErr(setJSON(t.txn, eventKey(e.Article, e.ID), e))
}

func (t *badgerTx) Audit(article fielddesk.ID) ([]fielddesk.AuditEntry, error) {
	it := t.audits
	if it == nil {
		it = t.txn.NewIterator(badger.IteratorOptions{Prefix: []byte("al/"), PrefetchValues: false})
		if t.reuse {
			t.audits = it
		} else {
			defer it.Close()
		}
	}
	var out []fielddesk.AuditEntry
	err := scanJSON(it, []byte("al/"+string(article)+"/"), func(e *fielddesk.AuditEntry) { out = append(out, *e) })
	return out, txErr(err)
}

func (t *badgerTx) AddAudit(article fielddesk.ID, e fielddesk.AuditEntry) error {
	return txErr(audit(t.txn, article, e))
}

func (t *badgerTx) Schedule(article fielddesk.ID, due time.Time) error {
	return txErr(t.txn.Set(scheduleKey(due, article), nil))
}

func (t *badgerTx) Unschedule(article fielddesk.ID, due time.Time) error {
	return txErr(t.txn.Delete(scheduleKey(due, article)))
}

func (t *badgerTx) Due(at time.Time) ([]fielddesk.ID, error) {
	var due []fielddesk.ID
	it := t.txn.NewIterator(badger.IteratorOptions{Prefix: []byte("schedt/")})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		if len(k) < 7+8+1 || time.Unix(0, int64(binary.BigEndian.Uint64(k[7:15]))).After(at) {
			break
		}
		due = append(due, fielddesk.ID(k[16:]))
	}
	return due, nil
}

func (t *badgerTx) NextDue() (time.Time, bool, error) {
	it := t.txn.NewIterator(badger.IteratorOptions{Prefix: []byte("schedt/")})
	defer it.Close()
	it.Rewind()
	if it.Valid() && len(it.Item().Key()) >= 7+8 {
		return time.Unix(0, int64(binary.BigEndian.Uint64(it.Item().Key()[7:15]))).UTC(), true, nil
	}
	return time.Time{}, false, nil
}

func (t *badgerTx) Publication(article fielddesk.ID) (newsroom.Publication, error) {
	var p newsroom.Publication
	return p, txErr(getJSON(t.txn, publicationKey(article), &p))
}

func (t *badgerTx) PutPublication(pub, prev newsroom.Publication) error {
	id := pub.Article
	if prev.Slug == "" && pub.Slug != "" {
		if err := t.txn.Set(slugKey(pub.Slug), []byte(id)); err != nil {
			return txErr(err)
		}
	}
	if prev.Article != "" {
		if err := t.txn.Delete(publishedTimeKey(prev.Updated, id)); err != nil {
			return txErr(err)
		}
	}
	if err := t.txn.Set(publishedTimeKey(pub.Updated, id), nil); err != nil {
		return txErr(err)
	}
	return txErr(setJSON(t.txn, publicationKey(id), pub))
}

func (t *badgerTx) SlugTaken(slug string) (bool, error) {
	ok, err := exists(t.txn, slugKey(slug))
	return ok, txErr(err)
}

func (t *badgerTx) PutVersion(pub newsroom.Publication) error {
	return txErr(setJSON(t.txn, publishedVersionKey(pub.Article, pub.VersionNumber()), pub))
}

func (t *badgerTx) PendingNote(article fielddesk.ID) (fielddesk.PublicationNote, bool, error) {
	var note fielddesk.PublicationNote
	err := getJSON(t.txn, pendingNoteKey(article), &note)
	if errors.Is(err, fielddesk.ErrNotFound) {
		return note, false, nil
	}
	return note, err == nil, txErr(err)
}

func (t *badgerTx) SetPendingNote(article fielddesk.ID, note fielddesk.PublicationNote) error {
	if note.Action == "" {
		return txErr(t.txn.Delete(pendingNoteKey(article)))
	}
	return txErr(setJSON(t.txn, pendingNoteKey(article), note))
}

func (t *badgerTx) ShowPhoto(hash string, article fielddesk.ID, shown bool) error {
	if shown {
		return txErr(t.txn.Set(publishedPhotoKey(hash, article), nil))
	}
	return txErr(t.txn.Delete(publishedPhotoKey(hash, article)))
}

func (t *badgerTx) PublishedWith(hash string) ([]fielddesk.ID, error) {
	var out []fielddesk.ID
	prefix := []byte("pubp/" + hash + "/")
	it := t.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		out = append(out, fielddesk.ID(it.Item().Key()[len(prefix):]))
	}
	return out, nil
}

func (t *badgerTx) PhotoArticles(hash string) ([]fielddesk.ID, error) {
	var out []fielddesk.ID
	prefix := []byte("p/" + hash + "/")
	it := t.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		rest := string(it.Item().Key()[len(prefix):])
		i := strings.IndexByte(rest, '/')
		if i <= 0 || (len(out) > 0 && fielddesk.ID(rest[:i]) == out[len(out)-1]) {
			continue
		}
		out = append(out, fielddesk.ID(rest[:i]))
	}
	return out, nil
}

func (t *badgerTx) PhotoHolders(hash string) ([]string, error) {
	var out []string
	prefix := []byte("ph/" + hash + "/")
	it := t.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		out = append(out, string(it.Item().Key()[len(prefix):]))
	}
	return out, nil
}

func (t *badgerTx) HoldPhoto(hash, user string) error {
	return txErr(t.txn.Set(holderKey(hash, user), nil))
}

func (t *badgerTx) Renditions(hash string) ([]newsroom.Filed, error) {
	var out []newsroom.Filed
	prefix := []byte("rn/" + hash + "/")
	it := t.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, txErr(err)
		}
		out = append(out, newsroom.Filed{User: string(it.Item().Key()[len(prefix):]), Hash: string(v)})
	}
	return out, nil
}

func (t *badgerTx) FileRendition(hash, user, renditionHash string) error {
	return txErr(t.txn.Set(renditionKey(hash, user), []byte(renditionHash)))
}

func (t *badgerTx) WantOriginal(hash string) error {
	return txErr(t.txn.Set(wantKey(hash), nil))
}

func (t *badgerTx) OriginalWanted(hash string) (bool, error) {
	ok, err := exists(t.txn, wantKey(hash))
	return ok, txErr(err)
}

func (t *badgerTx) PutUser(u newsroom.User) error {
	return txErr(setJSON(t.txn, userKey(u.Name), u))
}

func (t *badgerTx) Users() ([]newsroom.User, error) {
	var out []newsroom.User
	err := eachJSON(t.txn, []byte("u/"), func(u *newsroom.User) error { out = append(out, *u); return nil })
	return out, txErr(err)
}

func (t *badgerTx) Device(id string) (newsroom.Device, error) {
	var d newsroom.Device
	return d, txErr(getJSON(t.txn, deviceRecKey(id), &d))
}

func (t *badgerTx) PutDevice(d newsroom.Device) error {
	return txErr(setJSON(t.txn, deviceRecKey(d.ID), d))
}

func (t *badgerTx) Devices() ([]newsroom.Device, error) {
	var out []newsroom.Device
	err := eachJSON(t.txn, []byte("v/"), func(d *newsroom.Device) error { out = append(out, *d); return nil })
	return out, txErr(err)
}

func (t *badgerTx) TokenDevice(tokenHash string) (string, error) {
	id, err := getString(t.txn, tokenKey(tokenHash))
	if err == nil && id == "" {
		err = fielddesk.ErrNotFound
	}
	return id, txErr(err)
}

func (t *badgerTx) PutToken(tokenHash, device string) error {
	return txErr(t.txn.Set(tokenKey(tokenHash), []byte(device)))
}

func (t *badgerTx) ArticleAt(slug string) (fielddesk.ID, error) {
	id, err := getString(t.txn, slugKey(slug))
	if err == nil && id == "" {
		err = fielddesk.ErrNotFound
	}
	return fielddesk.ID(id), txErr(err)
}

func (t *badgerTx) EachPublication(since time.Time, fn func(newsroom.Publication) (bool, error)) error {
	it := t.txn.NewIterator(badger.IteratorOptions{Prefix: []byte("pubt/"), Reverse: true})
	defer it.Close()
	for it.Seek([]byte("pubt/\xff")); it.Valid(); it.Next() {
		key := it.Item().Key()
		if len(key) < 5+8+1 {
			continue
		}
		at := time.Unix(0, int64(binary.BigEndian.Uint64(key[5:13])))
		if !at.After(since) {
			break
		}
		var p newsroom.Publication
		if err := getJSON(t.txn, publicationKey(fielddesk.ID(key[14:])), &p); err != nil {
			return txErr(err)
		}
		if more, err := fn(p); err != nil || !more {
			return err
		}
	}
	return nil
}

func (t *badgerTx) Version(article fielddesk.ID, n int) (newsroom.Publication, error) {
	var p newsroom.Publication
	return p, txErr(getJSON(t.txn, publishedVersionKey(article, n), &p))
}
