package newsroom

import (
	"context"
	"fmt"
	"time"

	"github.com/fielddesk/fielddesk"
)

// PublishedItem is a publication with the revision it shows.
type PublishedItem struct {
	Publication
	Revision fielddesk.Revision
}

// Published lists publications (published and killed) that changed after
// since, newest first, with the revisions they show: at most limit of
// those keep accepts (nil: all), read in one transaction.
func (n *Newsroom) Published(ctx context.Context, since time.Time, limit int, keep func(Publication) bool) ([]PublishedItem, error) {
	var out []PublishedItem
	err := n.b.View(ctx, func(tx Tx) error {
		out = out[:0]
		return tx.EachPublication(since, func(p Publication) (bool, error) {
			if len(out) >= limit {
				return false, nil
			}
			if keep != nil && !keep(p) {
				return true, nil
			}
			rev, err := tx.Revision(p.Article, p.Revision)
			if err != nil {
				return false, err
			}
			rev.Article.Status = p.Status
			out = append(out, PublishedItem{Publication: p, Revision: rev})
			return len(out) < limit, ctx.Err()
		})
	})
	if err != nil {
		return nil, fmt.Errorf("published articles: %w", err)
	}
	return out, nil
}

// publicationAt reads the publication at an address (ErrNotFound: none).
func publicationAt(tx Tx, slug string) (Publication, error) {
	id, err := tx.ArticleAt(slug)
	if err != nil {
		return Publication{}, err
	}
	return tx.Publication(id)
}

// PublishedArticle returns the publication at an address and the revision
// it published, or an error wrapping fielddesk.ErrNotFound.
func (n *Newsroom) PublishedArticle(ctx context.Context, slug string) (Publication, fielddesk.Revision, error) {
	var pub Publication
	var rev fielddesk.Revision
	err := n.b.View(ctx, func(tx Tx) error {
		var err error
		if pub, err = publicationAt(tx, slug); err != nil {
			return err
		}
		rev, err = tx.Revision(pub.Article, pub.Revision)
		return err
	})
	if err != nil {
		return pub, rev, fmt.Errorf("published article %q: %w", slug, err)
	}
	rev.Article.Status = pub.Status
	return pub, rev, nil
}

// PublishedVersion returns version n of the publication at an address
// (an earlier one, kept when it was corrected or updated; the newest is
// PublishedArticle's) and the revision it published, or an error wrapping
// fielddesk.ErrNotFound.
func (n *Newsroom) PublishedVersion(ctx context.Context, slug string, v int) (Publication, fielddesk.Revision, error) {
	var pub, now Publication
	var rev fielddesk.Revision
	err := n.b.View(ctx, func(tx Tx) error {
		var err error
		if now, err = publicationAt(tx, slug); err != nil {
			return err
		}
		switch {
		case v == now.VersionNumber():
			pub = now
		case v < 1 || v > now.VersionNumber():
			return fielddesk.ErrNotFound
		default:
			if pub, err = tx.Version(now.Article, v); err != nil {
				return err
			}
		}
		rev, err = tx.Revision(pub.Article, pub.Revision)
		return err
	})
	if err != nil {
		return pub, rev, fmt.Errorf("version %d of published article %q: %w", v, slug, err)
	}
	// A withdrawn article is withdrawn in every version.
	pub.Status, pub.Reason = now.Status, now.Reason
	rev.Article.Status = pub.Status
	return pub, rev, nil
}
