package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// The trash: a draft moved there is hidden from the list and from search
// and kept whole (every revision, photo and comment) until it is restored
// or the trash is emptied. Emptying deletes every key of the article and
// the photo files nothing else refers to. Only drafts with nothing waiting
// for the newsroom go to the trash: an article the newsroom has is
// withdrawn through the workflow first.
//
// Keys: tr/<article> holds the time it was trashed (RFC 3339), or
// emptyingMark while the trash is being emptied (a crash then leaves it
// in the trash, and the next emptying goes on).

func trashKey(id fielddesk.ID) []byte { return []byte("tr/" + string(id)) }

const emptyingMark = "emptying"

// ErrNotDraft means an article cannot go to the trash because the
// newsroom has it (withdraw it first) or something of it waits to be sent.
var ErrNotDraft = fmt.Errorf("only a draft can go to the trash: %w", fielddesk.ErrNotAllowed)

// Trash moves a draft to the trash. Errors: ErrNotFound; ErrNotDraft
// (errors.Is fielddesk.ErrNotAllowed) when it is not a draft or an edit or
// decision of it still waits to be sent; an I/O error.
func (s *DB) Trash(ctx context.Context, id fielddesk.ID) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(func(txn *badger.Txn) error {
		sum, err := getSummary(txn, id)
		if err != nil {
			return err
		}
		if sum.Status != fielddesk.StatusDraft {
			return fmt.Errorf("the article is %s: %w", sum.Status, ErrNotDraft)
		}
		if waits, err := waitsToBeSent(txn, id); err != nil {
			return err
		} else if waits {
			return fmt.Errorf("something of it waits to be sent: %w", ErrNotDraft)
		}
		return txn.Set(trashKey(id), []byte(s.Now().UTC().Format(time.RFC3339Nano)))
	})
	if err != nil {
		return fmt.Errorf("trash article %s: %w", id, mapErr(err))
	}
	return nil
}

// waitsToBeSent reports whether an edit or a decision of an article is
// queued or awaiting the newsroom's answer.
func waitsToBeSent(txn *badger.Txn, id fielddesk.ID) (bool, error) {
	if pending, err := pendingOf(txn, id, true); err != nil || pending {
		return pending, err
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("qe/")})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var of string
		if err := it.Item().Value(func(v []byte) error { of = string(v); return nil }); err != nil {
			return false, err
		}
		if of == string(id) {
			return true, nil
		}
	}
	return false, nil
}

// Untrash brings an article back from the trash. Errors: ErrNotFound
// when it is not in the trash (or is being deleted); an I/O error.
func (s *DB) Untrash(ctx context.Context, id fielddesk.ID) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(func(txn *badger.Txn) error {
		when, err := getString(txn, trashKey(id))
		if err != nil {
			return err
		}
		if when == "" || when == emptyingMark {
			return fmt.Errorf("article %s is not in the trash: %w", id, fielddesk.ErrNotFound)
		}
		return txn.Delete(trashKey(id))
	})
	if err != nil {
		return fmt.Errorf("restore article %s from the trash: %w", id, mapErr(err))
	}
	return nil
}

// trashedSet is every article in the trash, with when it went there.
func trashedSet(txn *badger.Txn) (map[fielddesk.ID]time.Time, error) {
	out := map[fielddesk.ID]time.Time{}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("tr/")})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var at time.Time
		err := it.Item().Value(func(v []byte) error {
			at, _ = time.Parse(time.RFC3339Nano, string(v)) // emptying: zero
			return nil
		})
		if err != nil {
			return nil, err
		}
		out[fielddesk.ID(it.Item().Key()[3:])] = at
	}
	return out, nil
}

// Trashed lists the articles in the trash, the most recently trashed
// first, each with its Trashed time.
func (s *DB) Trashed(ctx context.Context) ([]fielddesk.Summary, error) {
	var out []fielddesk.Summary
	err := s.view(func(txn *badger.Txn) error {
		set, err := trashedSet(txn)
		if err != nil {
			return err
		}
		for id, at := range set {
			sum, err := getSummary(txn, id)
			if errors.Is(err, fielddesk.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			sum.Trashed = at
			out = append(out, sum.Summary)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list the trash: %w", mapErr(err))
	}
	slices.SortStableFunc(out, func(a, b fielddesk.Summary) int { return b.Trashed.Compare(a.Trashed) })
	return out, nil
}

// deleteBatch is how many keys one transaction of an emptying deletes.
const deleteBatch = 2000

// EmptyTrash deletes every article in the trash for good: its revisions,
// history, comments, search entries and the photo files no other article
// refers to. It returns how many articles went. A crash part way leaves
// the rest in the trash, and the next EmptyTrash finishes it.
func (s *DB) EmptyTrash(ctx context.Context) (int, error) {
	if err := s.writable(); err != nil {
		return 0, err
	}
	var ids []fielddesk.ID
	err := s.update(func(txn *badger.Txn) error {
		set, err := trashedSet(txn)
		if err != nil {
			return err
		}
		for id := range set {
			ids = append(ids, id)
			if err := txn.Set(trashKey(id), []byte(emptyingMark)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("empty the trash: %w", mapErr(err))
	}
	slices.Sort(ids)
	photos := map[string]bool{}
	for n, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if err := s.purge(id, photos); err != nil {
			return n, fmt.Errorf("empty the trash: %w", mapErr(err))
		}
	}
	for hash := range photos {
		if err := s.dropPhotoIfUnused(hash); err != nil {
			return len(ids), fmt.Errorf("empty the trash: %w", err)
		}
	}
	return len(ids), nil
}

// purge deletes every key of one article, in transactions of deleteBatch
// keys, its summary and trash mark last; the photos its revisions used are
// added to photos.
func (s *DB) purge(id fielddesk.ID, photos map[string]bool) error {
	var keys [][]byte
	err := s.view(func(txn *badger.Txn) error {
		terms, err := readTerms(txn, id)
		if err != nil {
			return err
		}
		for term := range terms {
			keys = append(keys, indexKey(term, id))
		}
		err = eachJSON(txn, []byte("r/"+string(id)+"/"), func(rev *fielddesk.Revision) error {
			for _, p := range rev.Article.Photos {
				photos[p.Hash] = true
				keys = append(keys, photoRefKey(p.Hash, id, rev.ID))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, prefix := range []string{"r/", "h/", "e/", "al/"} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix + string(id) + "/"), PrefetchValues: false})
			for it.Rewind(); it.Valid(); it.Next() {
				keys = append(keys, it.Item().KeyCopy(nil))
			}
			it.Close()
		}
		// The change log (read by pulls on a server) names it once per save.
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("c/")})
		for it.Rewind(); it.Valid(); it.Next() {
			err := it.Item().Value(func(v []byte) error {
				if string(v) == string(id) {
					keys = append(keys, it.Item().KeyCopy(nil))
				}
				return nil
			})
			if err != nil {
				it.Close()
				return err
			}
		}
		it.Close()
		keys = append(keys, termsKey(id), dirtyKey(id), serverHeadKey(id), problemKey(id), queueKey(id), ownerKey(id), publishedAtKey(id))
		return nil
	})
	if err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	for len(keys) > 0 {
		n := min(len(keys), deleteBatch)
		err := s.update(func(txn *badger.Txn) error {
			for _, k := range keys[:n] {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		keys = keys[n:]
	}
	return s.update(func(txn *badger.Txn) error {
		if err := txn.Delete(articleKey(id)); err != nil {
			return err
		}
		return txn.Delete(trashKey(id))
	})
}

// dropPhotoIfUnused deletes a photo file (and its cached copies) when no
// revision refers to it any more.
func (s *DB) dropPhotoIfUnused(hash string) error {
	used, err := s.photoReferenced(hash)
	if err != nil || used {
		return err
	}
	return s.dropPhoto(hash)
}
