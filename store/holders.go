package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
)

// Who holds a photo on the server. Naming a photo's hash in an article
// proves nothing (the hash of every published photo is in its address);
// sending its bytes does. Keys:
//
//	ph/<sha256>/<user>    the user's devices sent the whole photo, verified
//	rn/<sha256>/<user>    the user filed a rendition of that photo (value:
//	                      the rendition's own SHA-256); the file is
//	                      photos/renditions/u/<user key>/<sha256>
//
// Each user's uploads arrive in photos/partial/u/<user key>/<sha256>, apart
// from everyone else's. An article holds a photo when its owner, or someone
// who wrote a revision of it, holds it; only then is the photo (or that
// person's rendition) shown with the article to those who may see it.

func holderKey(hash, user string) []byte    { return []byte("ph/" + hash + "/" + user) }
func renditionKey(hash, user string) []byte { return []byte("rn/" + hash + "/" + user) }

// PhotoHolds says what user holds of a photo: the whole photo, sent by
// the user's devices and verified (someone else's copy does not count: the
// user's devices send it again, and it is verified and recorded), and a
// rendition of it the user filed.
func (s *DB) PhotoHolds(user, hash string) (held, rendition bool, err error) {
	if !blobs.ValidHash(hash) {
		return false, false, fmt.Errorf("photo %q: not a SHA-256: %w", hash, ErrHashMismatch)
	}
	err = s.view(func(txn *badger.Txn) error {
		var err error
		if held, err = exists(txn, holderKey(hash, user)); err != nil {
			return err
		}
		rendition, err = exists(txn, renditionKey(hash, user))
		return err
	})
	if err != nil {
		return false, false, fmt.Errorf("photo %s: %w", short(hash), mapErr(err))
	}
	return held, rendition, nil
}

// HoldPhoto records that user's devices sent the whole photo, verified
// (once its bytes are the object blobs.Original(hash)).
func (s *DB) HoldPhoto(user, hash string) error {
	if err := s.update(func(txn *badger.Txn) error { return txn.Set(holderKey(hash, user), nil) }); err != nil {
		return fmt.Errorf("photo %s: %w", short(hash), mapErr(err))
	}
	return nil
}

// FileRendition records that user filed a rendition (own SHA-256
// renditionHash) of the photo original (once its bytes are the object
// blobs.Rendition(blobs.Area(user), original)).
func (s *DB) FileRendition(user, original, renditionHash string) error {
	if err := s.update(func(txn *badger.Txn) error { return txn.Set(renditionKey(original, user), []byte(renditionHash)) }); err != nil {
		return fmt.Errorf("rendition of photo %s: %w", short(original), mapErr(err))
	}
	return nil
}

// MayUpload reports whether user may send the photo: an article the user
// may touch (their own, their desk's for an editor) refers to it.
func (s *DB) MayUpload(user, hash string) (bool, error) {
	ok := false
	err := s.view(func(txn *badger.Txn) error {
		a, err := actorOf(txn, "", user)
		if err != nil {
			return err
		}
		return eachPhotoArticle(txn, hash, func(id fielddesk.ID, owner string) (bool, error) {
			ok, err = mayTouch(txn, a, owner)
			return ok, err
		})
	})
	if err != nil {
		return false, fmt.Errorf("photo %s: %w", short(hash), mapErr(err))
	}
	return ok, nil
}

// PhotoNamed reports whether an article of an owner keep accepts refers to
// the photo, whoever sent it (enough to ask for it, never to receive it).
func (s *DB) PhotoNamed(hash string, keep func(owner string) bool) (bool, error) {
	ok := false
	err := s.view(func(txn *badger.Txn) error {
		return eachPhotoArticle(txn, hash, func(id fielddesk.ID, owner string) (bool, error) {
			ok = keep(owner)
			return ok, nil
		})
	})
	if err != nil {
		return false, fmt.Errorf("photo %s: %w", short(hash), mapErr(err))
	}
	return ok, nil
}

// PhotoVisible reports whether the photo is shown to someone who sees the
// articles of the owners keep accepts: some such article refers to it and
// holds it (its owner or one of its writers sent it whole).
func (s *DB) PhotoVisible(hash string, keep func(owner string) bool) (bool, error) {
	ok := false
	err := s.view(func(txn *badger.Txn) error {
		return eachPhotoArticle(txn, hash, func(id fielddesk.ID, owner string) (bool, error) {
			if !keep(owner) {
				return false, nil
			}
			who, err := articleHolder(txn, id, owner, "ph/"+hash+"/")
			ok = who != ""
			return ok, err
		})
	})
	if err != nil {
		return false, fmt.Errorf("photo %s: %w", short(hash), mapErr(err))
	}
	return ok, nil
}

// VisibleRendition returns the rendition of the photo shown with an
// article of an owner keep accepts (filed by that article's owner or one
// of its writers): its key, its own SHA-256, or an error wrapping ErrNotFound.
func (s *DB) VisibleRendition(hash string, keep func(owner string) bool) (key blobs.Key, renditionHash string, err error) {
	var by string
	err = s.view(func(txn *badger.Txn) error {
		return eachPhotoArticle(txn, hash, func(id fielddesk.ID, owner string) (bool, error) {
			if !keep(owner) {
				return false, nil
			}
			who, err := articleHolder(txn, id, owner, "rn/"+hash+"/")
			if err != nil || who == "" {
				return false, err
			}
			by = who
			renditionHash, err = getString(txn, renditionKey(hash, who))
			return true, err
		})
	})
	if err != nil {
		return "", "", fmt.Errorf("rendition of photo %s: %w", short(hash), mapErr(err))
	}
	if by == "" {
		return "", "", fmt.Errorf("rendition of photo %s: %w", short(hash), fielddesk.ErrNotFound)
	}
	return blobs.Rendition(blobs.Area(by), hash), renditionHash, nil
}

// ArticlePhoto says what the server can show of a photo with one article:
// the original (held by the article's owner or a writer of it) and the
// key of a rendition filed by one of them ("" when there is none).
func (s *DB) ArticlePhoto(article fielddesk.ID, hash string) (original bool, rendition blobs.Key, err error) {
	err = s.view(func(txn *badger.Txn) error {
		owner, err := ownerOf(txn, article)
		if err != nil {
			return err
		}
		who, err := articleHolder(txn, article, owner, "ph/"+hash+"/")
		if err != nil {
			return err
		}
		original = who != ""
		if who, err = articleHolder(txn, article, owner, "rn/"+hash+"/"); err != nil {
			return err
		}
		if who != "" {
			rendition = blobs.Rendition(blobs.Area(who), hash)
		}
		return nil
	})
	if err != nil {
		return false, "", fmt.Errorf("photo %s of article %s: %w", short(hash), article, mapErr(err))
	}
	return original, rendition, nil
}

// eachPhotoArticle calls fn with every article that refers to the photo
// and its owner, until fn says stop.
func eachPhotoArticle(txn *badger.Txn, hash string, fn func(id fielddesk.ID, owner string) (stop bool, err error)) error {
	prefix := []byte("p/" + hash + "/")
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	var last fielddesk.ID
	for it.Rewind(); it.Valid(); it.Next() {
		rest := string(it.Item().Key()[len(prefix):])
		i := strings.IndexByte(rest, '/')
		if i <= 0 || fielddesk.ID(rest[:i]) == last {
			continue
		}
		last = fielddesk.ID(rest[:i])
		owner, err := ownerOf(txn, last)
		if err != nil {
			return err
		}
		if stop, err := fn(last, owner); err != nil || stop {
			return err
		}
	}
	return nil
}

// articleHolder returns who, among the users recorded under prefix (the
// holders of a photo, or its renditions' filers), may stand for the
// article: its owner first, else someone who wrote a revision of it; ""
// when nobody.
func articleHolder(txn *badger.Txn, article fielddesk.ID, owner, prefix string) (string, error) {
	var users []string
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix), PrefetchValues: false})
	for it.Rewind(); it.Valid(); it.Next() {
		users = append(users, string(it.Item().Key()[len(prefix):]))
	}
	it.Close()
	if len(users) == 0 {
		return "", nil
	}
	for _, u := range users {
		if u == owner && owner != "" {
			return u, nil
		}
	}
	writers := map[string]bool{}
	err := eachJSON(txn, []byte("al/"+string(article)+"/"), func(e *fielddesk.AuditEntry) error {
		if e.Kind == "revision" {
			writers[e.User] = true
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	for _, u := range users {
		if writers[u] {
			return u, nil
		}
	}
	return "", nil
}

func exists(txn *badger.Txn, key []byte) (bool, error) {
	_, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// holdersMigrated marks a server store whose photos have holders.
var holdersMigrated = []byte("meta/holders-v1")

// migrateHolders gives the photos and renditions a server store received
// before holders were recorded to the owner of the first article that
// referred to each (the one who sent it, as far as the store can tell).
// It runs once; desktop stores (no owners) are only marked.
func (s *DB) migrateHolders() error {
	var done, server bool
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if done, err = exists(txn, holdersMigrated); err != nil || done {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("o/"), PrefetchValues: false})
		defer it.Close()
		it.Rewind()
		server = it.Valid()
		return nil
	})
	if err != nil || done {
		return err
	}
	if server {
		if err := s.giveOldPhotosHolders(); err != nil {
			return fmt.Errorf("record who sent the photos: %w", err)
		}
	}
	return s.update(func(txn *badger.Txn) error { return txn.Set(holdersMigrated, nil) })
}

func (s *DB) giveOldPhotosHolders() error {
	firstOwner := func(hash string) (string, error) {
		owner := ""
		err := s.view(func(txn *badger.Txn) error {
			return eachPhotoArticle(txn, hash, func(id fielddesk.ID, o string) (bool, error) {
				if o != "" && owner == "" {
					owner = o
				}
				return false, nil
			})
		})
		return owner, err
	}
	photos := filepath.Join(s.dir, "photos")
	shards, err := os.ReadDir(photos)
	if err != nil {
		return err
	}
	for _, shard := range shards {
		if !shard.IsDir() || len(shard.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(photos, shard.Name()))
		if err != nil {
			return err
		}
		for _, f := range files {
			owner, err := firstOwner(f.Name())
			if err != nil {
				return err
			}
			if owner == "" {
				continue
			}
			if err := s.update(func(txn *badger.Txn) error { return txn.Set(holderKey(f.Name(), owner), nil) }); err != nil {
				return err
			}
		}
	}
	renditions, err := os.ReadDir(filepath.Join(photos, "renditions"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	for _, f := range renditions {
		original := f.Name()
		if f.IsDir() || !blobs.ValidHash(original) {
			continue
		}
		owner, err := firstOwner(original)
		if err != nil {
			return err
		}
		old := filepath.Join(photos, "renditions", original)
		if owner == "" {
			continue
		}
		sum, _, err := FileSHA256(old)
		if err != nil {
			return err
		}
		if err := s.placeFile(old, s.Blobs().path(blobs.Rendition(blobs.Area(owner), original))); err != nil {
			return err
		}
		if err := s.update(func(txn *badger.Txn) error { return txn.Set(renditionKey(original, owner), []byte(sum)) }); err != nil {
			return err
		}
	}
	return nil
}

// FileSHA256 returns the SHA-256 (hex) and size of a file.
func FileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// PublishedPhoto says what the public site may serve of a photo: a
// published article shows it (ok), the article's owner or a writer of it
// holds the original (original), and the key of a rendition one of them
// filed ("" when none).
func (s *DB) PublishedPhoto(hash string) (ok, original bool, rendition blobs.Key, err error) {
	var articles []fielddesk.ID
	err = s.view(func(txn *badger.Txn) error {
		prefix := []byte("pubp/" + hash + "/")
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			articles = append(articles, fielddesk.ID(it.Item().Key()[len(prefix):]))
		}
		return nil
	})
	if err != nil {
		return false, false, "", fmt.Errorf("photo %s: %w", short(hash), mapErr(err))
	}
	for _, id := range articles {
		o, r, err := s.ArticlePhoto(id, hash)
		if err != nil {
			return false, false, "", err
		}
		original = original || o
		if rendition == "" {
			rendition = r
		}
	}
	return len(articles) > 0, original, rendition, nil
}
