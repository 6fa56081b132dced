package newsroom

import (
	"fmt"
	"strings"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// Publication: the publish decision records the publication in its own
// transaction; the server renders pages, feeds and ninjs from it. A
// correction or an update publishes again at the same address: the
// version goes up by one, the one before is kept, and the note is added to
// the publication's notes.

// recordPublication writes the publication of an article's head (publish,
// again at the same address after a correction or an update), its
// withdrawal (kill), or the note of a correction or update it waits for
// (correct, update).
func recordPublication(tx Tx, sum fielddesk.Summary, action fielddesk.Action, reason string, now time.Time) error {
	id := sum.ID
	switch action {
	case fielddesk.ActionCorrect, fielddesk.ActionUpdate:
		return tx.SetPendingNote(id, fielddesk.PublicationNote{Action: action, Text: reason})
	case fielddesk.ActionPublish, fielddesk.ActionRelease, fielddesk.ActionKill:
	default:
		return nil
	}
	prev, err := tx.Publication(id)
	if err != nil && !isNotFound(err) {
		return err
	}
	pub := prev
	head, err := tx.Revision(id, sum.Head)
	if err != nil {
		return err
	}
	note, pending, err := tx.PendingNote(id)
	if err != nil {
		return err
	}
	if pending {
		if err := tx.SetPendingNote(id, fielddesk.PublicationNote{}); err != nil {
			return err
		}
	}
	switch action {
	case fielddesk.ActionPublish, fielddesk.ActionRelease:
		if pub.Slug == "" {
			if pub.Slug, err = freeSlug(tx, head.Article); err != nil {
				return err
			}
		}
		if pub.Status == fielddesk.StatusPublished {
			// Published again: a correction or an update. The version
			// before is kept, readers see the note.
			if err := tx.PutVersion(pub); err != nil {
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
			if err := tx.ShowPhoto(p.Hash, id, true); err != nil {
				return err
			}
		}
	case fielddesk.ActionKill:
		pub.Status, pub.Updated, pub.Reason = fielddesk.StatusKilled, now, reason
		for _, p := range head.Article.Photos {
			if err := tx.ShowPhoto(p.Hash, id, false); err != nil {
				return err
			}
		}
	}
	return tx.PutPublication(pub, prev)
}

// freeSlug makes the address of a new publication from its headline, made
// unique with the end of the article's ID.
func freeSlug(tx Tx, a fielddesk.Article) (string, error) {
	base := vietnamese.Slug(a.Headline, 80)
	tail := strings.ToLower(string(a.ID[len(a.ID)-6:]))
	slug := tail
	if base != "" {
		slug = base + "-" + tail
	}
	for n := 2; ; n++ {
		taken, err := tx.SlugTaken(slug)
		if err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
		slug = fmt.Sprintf("%s-%s-%d", base, tail, n)
	}
}
