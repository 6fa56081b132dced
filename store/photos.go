package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// PhotoPath is where the photo with this SHA-256 (hex) lives, whether or not it exists.
func (s *DB) PhotoPath(hash string) string {
	if len(hash) < 2 {
		return filepath.Join(s.dir, "photos", "invalid")
	}
	return filepath.Join(s.dir, "photos", hash[:2], hash)
}

// PutPhoto stores the bytes read from r as a content-addressed file and
// returns their SHA-256 (hex) and size once the file is durable. Storing the
// same bytes twice keeps one file. The photo is kept only if a revision saved
// later refers to it; otherwise the next Open sweeps it.
func (s *DB) PutPhoto(r io.Reader) (hash string, size int64, err error) {
	if err := s.writable(); err != nil {
		return "", 0, fmt.Errorf("store photo: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "photos", "tmp"), "put-*")
	if err != nil {
		return "", 0, fmt.Errorf("store photo: %w", diskErr(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return "", 0, fmt.Errorf("store photo: %w", diskErr(err))
	}
	if err = s.syncFile(tmp); err != nil {
		return "", 0, fmt.Errorf("store photo: flush to disk: %w", diskErr(err))
	}
	// The photo must not eat the room the database needs to stay safe.
	if err = s.roomFor(0); err != nil {
		var full *fielddesk.DiskFullError
		if errors.As(err, &full) {
			// Said as without this photo, which is deleted: it needs its
			// own size on top of the reserve.
			full.Free += size
			full.Need += size
		}
		return "", 0, fmt.Errorf("store photo: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("store photo: %w", err)
	}
	hash = hex.EncodeToString(h.Sum(nil))
	final := s.PhotoPath(hash)
	if _, statErr := os.Stat(final); statErr == nil {
		os.Remove(tmp.Name())
		return hash, size, nil
	}
	if err = s.placeFile(tmp.Name(), final); err != nil {
		return "", 0, fmt.Errorf("store photo: %w", diskErr(err))
	}
	return hash, size, nil
}

// sweep deletes half-written photos and photo files no revision refers to,
// with their cached derivatives.
func (s *DB) sweep() error {
	tmpDir := filepath.Join(s.dir, "photos", "tmp")
	if entries, err := os.ReadDir(tmpDir); err == nil {
		for _, e := range entries {
			os.Remove(filepath.Join(tmpDir, e.Name()))
		}
	}
	shards, err := os.ReadDir(filepath.Join(s.dir, "photos"))
	if err != nil {
		return fmt.Errorf("sweep photos: %w", err)
	}
	for _, shard := range shards {
		if !shard.IsDir() || len(shard.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.dir, "photos", shard.Name()))
		if err != nil {
			return fmt.Errorf("sweep photos: %w", err)
		}
		for _, f := range files {
			hash := f.Name()
			used, err := s.photoReferenced(hash)
			if err != nil {
				return fmt.Errorf("sweep photos: %w", err)
			}
			if !used {
				s.dropPhoto(hash)
			}
		}
	}
	return nil
}

// dropPhoto deletes a photo file and its cached derivatives.
func (s *DB) dropPhoto(hash string) error {
	if err := os.Remove(s.PhotoPath(hash)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete photo %s: %w", short(hash), err)
	}
	matches, _ := filepath.Glob(filepath.Join(s.CacheDir(), hash+"*"))
	for _, m := range matches {
		os.Remove(m)
	}
	return nil
}

func (s *DB) photoReferenced(hash string) (bool, error) {
	found := false
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("p/" + hash + "/")})
		defer it.Close()
		it.Rewind()
		found = it.Valid()
		return nil
	})
	return found, err
}
