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
	"github.com/fielddesk/fielddesk/vietnamese"
)

// What the server has published. The publish decision records the
// publication in its own transaction; the server renders pages, feeds and
// ninjs from it. Keys:
//
//	pub/<article>             Publication (JSON)
//	pubs/<slug>               the article published under that address
//	pubt/<updated>/<article>  publications by the time they last changed (8 bytes, big-endian ns)
//	pubp/<sha256>/<article>   a published article shows the photo
//	pubv/<article>/<version>  an earlier version (Publication, JSON; 8 bytes, big-endian)
//	pubn/<article>            the note of a correction or update in progress (PublicationNote)
//
// A correction or an update publishes again at the same address: the
// version goes up by one, the one before is kept under pubv/, and the
// note is added to the publication's notes.

// Publication is an article as published: where, which revision, when.
type Publication struct {
	Article  fielddesk.ID     `json:"article"`
	Slug     string           `json:"slug"`
	Revision fielddesk.ID     `json:"revision"`
	Category string           `json:"category,omitempty"`
	Status   fielddesk.Status `json:"status"` // published or killed
	// Published is when it was first published; Updated when it last
	// changed (published again after a correction or an update, killed).
	Published time.Time `json:"published"`
	Updated   time.Time `json:"updated"`
	// Reason is why it was killed.
	Reason string `json:"reason,omitempty"`
	// Version counts its publications: 1, then one more for each
	// correction or update (0 in records from before versions: 1).
	Version int `json:"version,omitempty"`
	// Notes are its corrections and updates, oldest first.
	Notes []fielddesk.PublicationNote `json:"notes,omitempty"`
}

// VersionNumber is the publication's version (1 for the first).
func (p Publication) VersionNumber() int { return max(p.Version, 1) }

func publicationKey(id fielddesk.ID) []byte { return []byte("pub/" + string(id)) }
func slugKey(slug string) []byte            { return []byte("pubs/" + slug) }
func publishedTimeKey(t time.Time, id fielddesk.ID) []byte {
	return append(binary.BigEndian.AppendUint64([]byte("pubt/"), uint64(t.UnixNano())), "/"+string(id)...)
}
func publishedPhotoKey(hash string, id fielddesk.ID) []byte {
	return []byte("pubp/" + hash + "/" + string(id))
}
func publishedVersionKey(id fielddesk.ID, version int) []byte {
	return binary.BigEndian.AppendUint64([]byte("pubv/"+string(id)+"/"), uint64(version))
}
func pendingNoteKey(id fielddesk.ID) []byte { return []byte("pubn/" + string(id)) }

// recordPublication writes the publication of an article's head (publish,
// again at the same address after a correction or an update), its
// withdrawal (kill), or the note of a correction or update it waits for
// (correct, update) in txn.
func recordPublication(txn *badger.Txn, sum summaryRecord, action fielddesk.Action, reason string, now time.Time) error {
	id := sum.ID
	switch action {
	case fielddesk.ActionCorrect, fielddesk.ActionUpdate:
		return setJSON(txn, pendingNoteKey(id), fielddesk.PublicationNote{Action: action, Text: reason})
	case fielddesk.ActionPublish, fielddesk.ActionRelease, fielddesk.ActionKill:
	default:
		return nil
	}
	var pub Publication
	err := getJSON(txn, publicationKey(id), &pub)
	switch {
	case errors.Is(err, fielddesk.ErrNotFound):
	case err != nil:
		return err
	default:
		if err := txn.Delete(publishedTimeKey(pub.Updated, id)); err != nil {
			return err
		}
	}
	var head fielddesk.Revision
	if err := getJSON(txn, revisionKey(id, sum.Head), &head); err != nil {
		return err
	}
	var note fielddesk.PublicationNote
	switch err := getJSON(txn, pendingNoteKey(id), &note); {
	case err == nil:
		if err := txn.Delete(pendingNoteKey(id)); err != nil {
			return err
		}
	case !errors.Is(err, fielddesk.ErrNotFound):
		return err
	}
	switch action {
	case fielddesk.ActionPublish, fielddesk.ActionRelease:
		if pub.Slug == "" {
			pub.Slug, err = freeSlug(txn, head.Article)
			if err != nil {
				return err
			}
			if err := txn.Set(slugKey(pub.Slug), []byte(id)); err != nil {
				return err
			}
		}
		if pub.Status == fielddesk.StatusPublished {
			// Published again: a correction or an update. The version
			// before is kept, readers see the note.
			if err := setJSON(txn, publishedVersionKey(id, pub.VersionNumber()), pub); err != nil {
				return err
			}
			pub.Version = pub.VersionNumber() + 1
			if note.Action != "" {
				note.At = now
				pub.Notes = append(pub.Notes, note)
			}
		} else {
			pub.Version, pub.Published = 1, now
		}
		pub.Article, pub.Revision, pub.Category = id, head.ID, head.Article.Category
		pub.Status, pub.Updated, pub.Reason = fielddesk.StatusPublished, now, ""
		for _, p := range head.Article.Photos {
			if err := txn.Set(publishedPhotoKey(p.Hash, id), nil); err != nil {
				return err
			}
		}
	case fielddesk.ActionKill:
		pub.Status, pub.Updated, pub.Reason = fielddesk.StatusKilled, now, reason
		for _, p := range head.Article.Photos {
			if err := txn.Delete(publishedPhotoKey(p.Hash, id)); err != nil {
				return err
			}
		}
	}
	if err := txn.Set(publishedTimeKey(pub.Updated, id), nil); err != nil {
		return err
	}
	return setJSON(txn, publicationKey(id), pub)
}

// freeSlug makes the address of a new publication from its headline, made
// unique with the end of the article's ID.
func freeSlug(txn *badger.Txn, a fielddesk.Article) (string, error) {
	base := vietnamese.Slug(a.Headline, 80)
	tail := strings.ToLower(string(a.ID[len(a.ID)-6:]))
	slug := tail
	if base != "" {
		slug = base + "-" + tail
	}
	for n := 2; ; n++ {
		if _, err := txn.Get(slugKey(slug)); errors.Is(err, badger.ErrKeyNotFound) {
			return slug, nil
		} else if err != nil {
			return "", err
		}
		slug = fmt.Sprintf("%s-%s-%d", base, tail, n)
	}
}

// PublishedItem is a publication with the revision it shows.
type PublishedItem struct {
	Publication
	Revision fielddesk.Revision
}

// Published lists publications (published and killed) that changed after
// since, newest first, with the revisions they show: at most limit of
// those keep accepts (nil: all), read in one transaction.
func (s *DB) Published(ctx context.Context, since time.Time, limit int, keep func(Publication) bool) ([]PublishedItem, error) {
	var out []PublishedItem
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("pubt/"), Reverse: true})
		defer it.Close()
		for it.Seek([]byte("pubt/\xff")); it.Valid() && len(out) < limit; it.Next() {
			key := it.Item().Key()
			if len(key) < 5+8+1 {
				continue
			}
			at := time.Unix(0, int64(binary.BigEndian.Uint64(key[5:13])))
			if !at.After(since) {
				break
			}
			var item PublishedItem
			if err := getJSON(txn, publicationKey(fielddesk.ID(key[14:])), &item.Publication); err != nil {
				return err
			}
			if keep != nil && !keep(item.Publication) {
				continue
			}
			if err := getJSON(txn, revisionKey(item.Article, item.Publication.Revision), &item.Revision); err != nil {
				return err
			}
			item.Revision.Article.Status = item.Status
			out = append(out, item)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("published articles: %w", mapErr(err))
	}
	return out, nil
}

// publicationAt reads the publication at an address (ErrNotFound: none).
func publicationAt(txn *badger.Txn, slug string) (Publication, error) {
	var pub Publication
	id, err := getString(txn, slugKey(slug))
	if err != nil {
		return pub, err
	}
	if id == "" {
		return pub, fielddesk.ErrNotFound
	}
	err = getJSON(txn, publicationKey(fielddesk.ID(id)), &pub)
	return pub, err
}

// PublishedArticle returns the publication at an address and the revision
// it published, or an error wrapping ErrNotFound.
func (s *DB) PublishedArticle(ctx context.Context, slug string) (Publication, fielddesk.Revision, error) {
	var pub Publication
	var rev fielddesk.Revision
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if pub, err = publicationAt(txn, slug); err != nil {
			return err
		}
		return getJSON(txn, revisionKey(pub.Article, pub.Revision), &rev)
	})
	if err != nil {
		return pub, rev, fmt.Errorf("published article %q: %w", slug, mapErr(err))
	}
	rev.Article.Status = pub.Status
	return pub, rev, nil
}

// PublishedVersion returns version n of the publication at an address
// (an earlier one, kept when it was corrected or updated; the newest is
// PublishedArticle's) and the revision it published, or an error wrapping
// ErrNotFound.
func (s *DB) PublishedVersion(ctx context.Context, slug string, n int) (Publication, fielddesk.Revision, error) {
	var pub, now Publication
	var rev fielddesk.Revision
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if now, err = publicationAt(txn, slug); err != nil {
			return err
		}
		id := now.Article
		switch {
		case n == now.VersionNumber():
			pub = now
		case n < 1 || n > now.VersionNumber():
			return fielddesk.ErrNotFound
		default:
			if err := getJSON(txn, publishedVersionKey(id, n), &pub); err != nil {
				return err
			}
		}
		return getJSON(txn, revisionKey(pub.Article, pub.Revision), &rev)
	})
	if err != nil {
		return pub, rev, fmt.Errorf("version %d of published article %q: %w", n, slug, mapErr(err))
	}
	// A withdrawn article is withdrawn in every version.
	pub.Status, pub.Reason = now.Status, now.Reason
	rev.Article.Status = pub.Status
	return pub, rev, nil
}

// PhotoPublished reports whether a published (not killed) article shows the photo.
func (s *DB) PhotoPublished(hash string) bool {
	found := false
	_ = s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("pubp/" + hash + "/")})
		defer it.Close()
		it.Rewind()
		found = it.Valid()
		return nil
	})
	return found
}
