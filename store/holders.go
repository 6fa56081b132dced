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
