package newsroom

import (
	"context"
	"fmt"
	"time"

	"github.com/fielddesk/fielddesk"
)

// Change is one article as a pull brings it: its newest revision, its
// workflow state, and what people decided and said about it.
type Change struct {
	// Seq is the change-log position of the change (a cursor that resumes
	// after it).
	Seq       uint64
	Owner     string
	Revision  fielddesk.Revision
	Status    fielddesk.Status
	Submitted time.Time
	Events    []fielddesk.Event
	Audit     []fielddesk.AuditEntry
	// Slug is the address the newsroom published it under (published
	// articles only).
	Slug string
	// Holder is the editor who holds it, since Held.
	Holder string
	Held   time.Time
	// Due is when it is scheduled to be published (Embargo: an embargo).
	Due     time.Time
	Embargo bool
}

// LogEntry is one position of the change log: an article changed.
type LogEntry struct {
	Seq     uint64
	Article fielddesk.ID
}

// Changes returns the articles changed after the cursor (0: from the
// start), each once with its newest revision, its state, its decisions and
// comments and, when withAudit, its audit log: at most limit of those keep
// accepts (nil: all), read in one transaction, and the cursor to ask from
// next time.
func (n *Newsroom) Changes(ctx context.Context, cursor uint64, limit int, keep func(owner string, rev fielddesk.Revision) bool, withAudit bool) ([]Change, uint64, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []Change
	next := cursor
	err := n.b.View(ctx, func(tx Tx) error {
		out, next = out[:0], cursor
		seen := map[fielddesk.ID]bool{}
		for len(out) < limit {
			log, err := tx.ChangeLog(next, limit)
			if err != nil {
				return err
			}
			// The page's articles, each once, read together when the
			// backend can (one round trip for a page, not five an article).
			var page []LogEntry
			for _, l := range log {
				if !seen[l.Article] {
					seen[l.Article] = true
					page = append(page, l)
				}
			}
			views, err := readArticles(tx, page, withAudit)
			if err != nil {
				return err
			}
			for _, l := range log {
				if len(out) >= limit {
					return nil
				}
				next = l.Seq
				v, ok := views[l]
				if !ok {
					continue // an article met earlier in the log
				}
				if keep != nil && !keep(v.Owner, v.Revision) {
					continue
				}
				out = append(out, v)
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if len(log) < limit {
				return nil // the end of the log
			}
		}
		return nil
	})
	if err != nil {
		return nil, cursor, fmt.Errorf("changes since %d: %w", cursor, err)
	}
	return out, next, nil
}

// BulkReader is a Tx that reads many articles at once, as a pull does: for
// each, its summary, owner, newest revision, address when online,
// decisions and comments, and (withAudit) audit log, as change reads one.
type BulkReader interface {
	Changes(page []LogEntry, withAudit bool) (map[LogEntry]Change, error)
}

// readArticles reads the page's articles, in one go when tx can.
func readArticles(tx Tx, page []LogEntry, withAudit bool) (map[LogEntry]Change, error) {
	if b, ok := tx.(BulkReader); ok {
		return b.Changes(page, withAudit)
	}
	out := make(map[LogEntry]Change, len(page))
	for _, l := range page {
		c, _, err := change(tx, l, nil, withAudit)
		if err != nil {
			return nil, err
		}
		out[l] = c
	}
	return out, nil
}

// change reads what a pull sends of the article of l (ok false: keep
// refused it).
func change(tx Tx, l LogEntry, keep func(owner string, rev fielddesk.Revision) bool, withAudit bool) (Change, bool, error) {
	id := l.Article
	sum, err := tx.Summary(id)
	if err != nil {
		return Change{}, false, err
	}
	rev, err := tx.Revision(id, sum.Head)
	if err != nil {
		return Change{}, false, err
	}
	rev.Article.Status = sum.Status
	owner, err := tx.Owner(id)
	if err != nil {
		return Change{}, false, err
	}
	if keep != nil && !keep(owner, rev) {
		return Change{}, false, nil
	}
	c := Change{Seq: l.Seq, Owner: owner, Revision: rev, Status: sum.Status, Submitted: sum.Submitted, Holder: sum.Holder, Held: sum.Held,
		Due: sum.Due, Embargo: sum.Embargo}
	if sum.Status.Online() {
		pub, err := tx.Publication(id)
		if err != nil && !isNotFound(err) {
			return Change{}, false, err
		}
		c.Slug = pub.Slug
	}
	if c.Events, err = tx.Events(id); err != nil {
		return Change{}, false, err
	}
	if withAudit {
		if c.Audit, err = tx.Audit(id); err != nil {
			return Change{}, false, err
		}
	}
	return c, true, nil
}

// Review returns an article's workflow state, its decisions and comments
// (oldest first), where it is published and, when withAudit, its audit
// log; an error wrapping fielddesk.ErrNotFound when there is no such
// article.
func (n *Newsroom) Review(ctx context.Context, id fielddesk.ID, withAudit bool) (fielddesk.Review, error) {
	var r fielddesk.Review
	err := n.b.View(ctx, func(tx Tx) error {
		c, _, err := change(tx, LogEntry{Article: id}, nil, withAudit)
		if err != nil {
			return err
		}
		r = fielddesk.Review{Status: c.Status, Submitted: c.Submitted, Events: c.Events, Audit: c.Audit, Slug: c.Slug,
			Holder: c.Holder, Held: c.Held, Due: c.Due, Embargo: c.Embargo}
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("review of article %s: %w", id, err)
	}
	return r, nil
}

// Head returns an article's newest revision (its state the article's), or
// an error wrapping fielddesk.ErrNotFound.
func (n *Newsroom) Head(ctx context.Context, id fielddesk.ID) (fielddesk.Revision, error) {
	var rev fielddesk.Revision
	err := n.b.View(ctx, func(tx Tx) error {
		c, _, err := change(tx, LogEntry{Article: id}, nil, false)
		rev = c.Revision
		return err
	})
	if err != nil {
		return rev, fmt.Errorf("article %s: %w", id, err)
	}
	return rev, nil
}
