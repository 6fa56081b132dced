package newsroom

import (
	"context"
	"fmt"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
)

// Who holds a photo. Naming a photo's hash in an article proves nothing
// (the hash of every published photo is in its address); sending its
// bytes does. A user holds a photo once their devices sent it whole and it
// was verified; a user files their own rendition of it. An article holds a
// photo when its owner, or someone who wrote a revision of it, holds it;
// only then is the photo (or that person's rendition) shown with the
// article to those who may see it.

// Filed is a rendition a user filed of a photo: its own SHA-256.
type Filed struct {
	User, Hash string
}

// PhotoHolds says what user holds of a photo: the whole photo, sent by
// the user's devices and verified, and a rendition of it the user filed.
func (n *Newsroom) PhotoHolds(ctx context.Context, user, hash string) (held, rendition bool, err error) {
	err = n.b.View(ctx, func(tx Tx) error {
		holders, err := tx.PhotoHolders(hash)
		if err != nil {
			return err
		}
		filed, err := tx.Renditions(hash)
		if err != nil {
			return err
		}
		held = contains(holders, user)
		for _, f := range filed {
			rendition = rendition || f.User == user
		}
		return nil
	})
	if err != nil {
		return false, false, fmt.Errorf("photo %s: %w", short(hash), err)
	}
	return held, rendition, nil
}

// HoldPhoto records that user's devices sent the whole photo, verified
// (once its bytes are the object blobs.Original(hash)).
func (n *Newsroom) HoldPhoto(ctx context.Context, user, hash string) error {
	if err := n.b.Update(ctx, func(tx Tx) error {
		if err := tx.HoldPhoto(hash, user); err != nil {
			return err
		}
		return photoArrived(tx, hash)
	}); err != nil {
		return fmt.Errorf("photo %s: %w", short(hash), err)
	}
	return nil
}

// FileRendition records that user filed a rendition (own SHA-256
// renditionHash) of the photo original (once its bytes are the object
// blobs.Rendition(blobs.Area(user), original)).
func (n *Newsroom) FileRendition(ctx context.Context, user, original, renditionHash string) error {
	if err := n.b.Update(ctx, func(tx Tx) error {
		if err := tx.FileRendition(original, user, renditionHash); err != nil {
			return err
		}
		return photoArrived(tx, original)
	}); err != nil {
		return fmt.Errorf("rendition of photo %s: %w", short(original), err)
	}
	return nil
}

// photoArrived logs the articles that refer to a photo as changed: others
// see an article only once its photos are here, so their pulls, which went
// past it while it waited, bring it now.
func photoArrived(tx Tx, hash string) error {
	ids, err := tx.PhotoArticles(hash)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.LogChange(id); err != nil {
			return err
		}
	}
	return nil
}

// MayUpload reports whether user may send the photo: an article the user
// may touch (their own, their desk's for an editor) refers to it.
func (n *Newsroom) MayUpload(ctx context.Context, user, hash string) (bool, error) {
	ok := false
	err := n.b.View(ctx, func(tx Tx) error {
		a, err := actorOf(tx, "", user)
		if err != nil {
			return err
		}
		return eachPhotoArticle(tx, hash, func(id fielddesk.ID, owner string) (bool, error) {
			ok, err = mayTouch(tx, a, owner)
			return ok, err
		})
	})
	if err != nil {
		return false, fmt.Errorf("photo %s: %w", short(hash), err)
	}
	return ok, nil
}

// PhotoNamed reports whether an article of an owner keep accepts refers to
// the photo, whoever sent it (enough to ask for it, never to receive it).
func (n *Newsroom) PhotoNamed(ctx context.Context, hash string, keep func(owner string) bool) (bool, error) {
	ok := false
	err := n.b.View(ctx, func(tx Tx) error {
		return eachPhotoArticle(tx, hash, func(id fielddesk.ID, owner string) (bool, error) {
			ok = keep(owner)
			return ok, nil
		})
	})
	if err != nil {
		return false, fmt.Errorf("photo %s: %w", short(hash), err)
	}
	return ok, nil
}

// PhotoVisible reports whether the photo is shown to someone who sees the
// articles of the owners keep accepts: some such article refers to it and
// holds it (its owner or one of its writers sent it whole).
func (n *Newsroom) PhotoVisible(ctx context.Context, hash string, keep func(owner string) bool) (bool, error) {
	ok := false
	err := n.b.View(ctx, func(tx Tx) error {
		holders, err := tx.PhotoHolders(hash)
		if err != nil {
			return err
		}
		return eachPhotoArticle(tx, hash, func(id fielddesk.ID, owner string) (bool, error) {
			if !keep(owner) {
				return false, nil
			}
			who, err := articleHolder(tx, id, owner, holders)
			ok = who != ""
			return ok, err
		})
	})
	if err != nil {
		return false, fmt.Errorf("photo %s: %w", short(hash), err)
	}
	return ok, nil
}

// VisibleRendition returns the rendition of the photo shown with an
// article of an owner keep accepts (filed by that article's owner or one
// of its writers): its key, its own SHA-256, or an error wrapping
// fielddesk.ErrNotFound.
func (n *Newsroom) VisibleRendition(ctx context.Context, hash string, keep func(owner string) bool) (key blobs.Key, renditionHash string, err error) {
	var by string
	err = n.b.View(ctx, func(tx Tx) error {
		filed, err := tx.Renditions(hash)
		if err != nil {
			return err
		}
		return eachPhotoArticle(tx, hash, func(id fielddesk.ID, owner string) (bool, error) {
			if !keep(owner) {
				return false, nil
			}
			who, err := articleHolder(tx, id, owner, filers(filed))
			if err != nil || who == "" {
				return false, err
			}
			by = who
			for _, f := range filed {
				if f.User == who {
					renditionHash = f.Hash
				}
			}
			return true, nil
		})
	})
	if err != nil {
		return "", "", fmt.Errorf("rendition of photo %s: %w", short(hash), err)
	}
	if by == "" {
		return "", "", fmt.Errorf("rendition of photo %s: %w", short(hash), fielddesk.ErrNotFound)
	}
	return blobs.Rendition(blobs.Area(by), hash), renditionHash, nil
}

// ArticlePhoto says what the server can show of a photo with one article:
// the original (held by the article's owner or a writer of it) and the
// key of a rendition filed by one of them ("" when there is none).
func (n *Newsroom) ArticlePhoto(ctx context.Context, article fielddesk.ID, hash string) (original bool, rendition blobs.Key, err error) {
	err = n.b.View(ctx, func(tx Tx) error {
		var err error
		original, rendition, err = articlePhoto(tx, article, hash)
		return err
	})
	if err != nil {
		return false, "", fmt.Errorf("photo %s of article %s: %w", short(hash), article, err)
	}
	return original, rendition, nil
}

func articlePhoto(tx Tx, article fielddesk.ID, hash string) (original bool, rendition blobs.Key, err error) {
	owner, err := tx.Owner(article)
	if err != nil {
		return false, "", err
	}
	holders, err := tx.PhotoHolders(hash)
	if err != nil {
		return false, "", err
	}
	who, err := articleHolder(tx, article, owner, holders)
	if err != nil {
		return false, "", err
	}
	original = who != ""
	filed, err := tx.Renditions(hash)
	if err != nil {
		return false, "", err
	}
	if who, err = articleHolder(tx, article, owner, filers(filed)); err != nil {
		return false, "", err
	}
	if who != "" {
		rendition = blobs.Rendition(blobs.Area(who), hash)
	}
	return original, rendition, nil
}

// PublishedPhoto says what the public site may serve of a photo: a
// published article shows it (ok), the article's owner or a writer of it
// holds the original (original), and the key of a rendition one of them
// filed ("" when none).
func (n *Newsroom) PublishedPhoto(ctx context.Context, hash string) (ok, original bool, rendition blobs.Key, err error) {
	err = n.b.View(ctx, func(tx Tx) error {
		articles, err := tx.PublishedWith(hash)
		if err != nil {
			return err
		}
		ok = len(articles) > 0
		for _, id := range articles {
			o, r, err := articlePhoto(tx, id, hash)
			if err != nil {
				return err
			}
			original = original || o
			if rendition == "" {
				rendition = r
			}
		}
		return nil
	})
	if err != nil {
		return false, false, "", fmt.Errorf("photo %s: %w", short(hash), err)
	}
	return ok, original, rendition, nil
}

// WantOriginal records that an editor asked for a photo's original.
func (n *Newsroom) WantOriginal(ctx context.Context, hash string) error {
	if err := n.b.Update(ctx, func(tx Tx) error { return tx.WantOriginal(hash) }); err != nil {
		return fmt.Errorf("ask for photo %s: %w", short(hash), err)
	}
	return nil
}

// OriginalWanted reports whether an editor asked for a photo's original.
func (n *Newsroom) OriginalWanted(ctx context.Context, hash string) (wanted bool, err error) {
	err = n.b.View(ctx, func(tx Tx) error {
		wanted, err = tx.OriginalWanted(hash)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("photo %s: %w", short(hash), err)
	}
	return wanted, nil
}

// eachPhotoArticle calls fn with every article that refers to the photo
// and its owner, until fn says stop.
func eachPhotoArticle(tx Tx, hash string, fn func(id fielddesk.ID, owner string) (stop bool, err error)) error {
	ids, err := tx.PhotoArticles(hash)
	if err != nil {
		return err
	}
	for _, id := range ids {
		owner, err := tx.Owner(id)
		if err != nil {
			return err
		}
		if stop, err := fn(id, owner); err != nil || stop {
			return err
		}
	}
	return nil
}

// articleHolder returns who, among users (the holders of a photo, or its
// renditions' filers), may stand for the article: its owner first, else
// someone who wrote a revision of it; "" when nobody.
func articleHolder(tx Tx, article fielddesk.ID, owner string, users []string) (string, error) {
	if len(users) == 0 {
		return "", nil
	}
	if owner != "" && contains(users, owner) {
		return owner, nil
	}
	log, err := tx.Audit(article)
	if err != nil {
		return "", err
	}
	writers := map[string]bool{}
	for _, e := range log {
		if e.Kind == "revision" {
			writers[e.User] = true
		}
	}
	for _, u := range users {
		if writers[u] {
			return u, nil
		}
	}
	return "", nil
}

func filers(filed []Filed) []string {
	users := make([]string, len(filed))
	for i, f := range filed {
		users[i] = f.User
	}
	return users
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
