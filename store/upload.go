package store

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// Photos that arrive in pieces over bad links (the server side of sync).
// A partial photo is photos/partial/<sha256> with its SHA-256 state at the
// current length in photos/partial/<sha256>.state, both fsynced after every
// chunk, so the verified prefix survives a restart. Only hashes, never
// names, reach the file system.

// PhotoState is how much of a photo the store holds.
type PhotoState struct {
	Hash     string
	Have     int64
	Complete bool
}

// Errors of AppendPhoto.
var (
	ErrWrongOffset  = errors.New("chunk at the wrong offset")
	ErrHashMismatch = errors.New("photo bytes do not match the hash")
)

var sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (s *DB) partialPath(hash string) string {
	return filepath.Join(s.dir, "photos", "partial", hash)
}

// PhotoStatus says how many bytes of a photo the store holds: for a photo
// still arriving, the prefix its saved hash state covers (bytes written
// after the last saved state were never acknowledged and do not count).
func (s *DB) PhotoStatus(hash string) (PhotoState, error) {
	if !sha256Re.MatchString(hash) {
		return PhotoState{}, fmt.Errorf("photo %q: not a SHA-256: %w", hash, ErrHashMismatch)
	}
	if st, err := os.Stat(s.PhotoPath(hash)); err == nil {
		return PhotoState{Hash: hash, Have: st.Size(), Complete: true}, nil
	}
	return s.partialState(s.partialPath(hash), hash)
}

// partialState is how much of the photo hash the partial file at path
// holds, by its saved hash state.
func (s *DB) partialState(path, hash string) (PhotoState, error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return PhotoState{Hash: hash}, nil
	}
	if err != nil {
		return PhotoState{}, fmt.Errorf("photo %s: %w", hash[:12], err)
	}
	have, _, err := loadHashState(path, hash)
	if err != nil || have > st.Size() {
		return PhotoState{Hash: hash}, nil // no usable state: the photo starts again
	}
	return PhotoState{Hash: hash, Have: have}, nil
}

// loadHashState reads the saved SHA-256 state of the partial photo at path
// and the length it covers.
func loadHashState(path, hash string) (int64, hashState, error) {
	h := sha256.New().(hashState)
	saved, err := os.ReadFile(path + ".state")
	if err != nil {
		return 0, h, err
	}
	if len(saved) < 8 {
		return 0, h, fmt.Errorf("photo %s: damaged upload state", hash[:12])
	}
	if err := h.UnmarshalBinary(saved[8:]); err != nil {
		return 0, h, err
	}
	return int64(binary.BigEndian.Uint64(saved)), h, nil
}

// hashState is a SHA-256 whose progress can be saved and restored.
type hashState interface {
	hash.Hash
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// AppendPhoto adds a chunk of a photo at offset, which must not be past what
// the store holds (ErrWrongOffset otherwise, with the state to resume from);
// the part of a chunk the store already holds is skipped.
// chunkHash, if not empty, is the SHA-256 of the chunk; a chunk that does
// not match it is refused and the prefix kept. A chunk is acknowledged only
// once it and the hash state covering it are on disk. When size bytes are
// there, the whole photo's hash is checked: a match moves it into place, a
// mismatch (ErrHashMismatch) deletes it. Chunks are at most maxChunk bytes.
func (s *DB) AppendPhoto(hash string, offset, size int64, chunkHash string, r io.Reader, maxChunk int64) (PhotoState, error) {
	st, err := s.PhotoStatus(hash)
	if err != nil || st.Complete {
		return st, err
	}
	return s.appendChunk(partialUpload{hash: hash, path: s.partialPath(hash), place: func(tmp string) error {
		return s.placePhoto(tmp, hash)
	}}, st, offset, size, chunkHash, r, maxChunk)
}

// placePhoto moves a complete, verified photo file into place.
func (s *DB) placePhoto(tmp, hash string) error {
	if _, err := os.Stat(s.PhotoPath(hash)); err == nil {
		return os.Remove(tmp) // the same bytes came another way
	}
	return s.placeFile(tmp, s.PhotoPath(hash))
}

// partialUpload is a photo arriving in pieces into the file at path, and
// what to do with it once its bytes are complete and match hash.
type partialUpload struct {
	hash, path string
	// check, if not nil, vets the complete file before it is placed (an
	// error deletes it and is returned).
	check func(path string) error
	place func(path string) error
}

// appendChunk adds a chunk to the partial upload u whose state is st (see
// AppendPhoto).
func (s *DB) appendChunk(u partialUpload, st PhotoState, offset, size int64, chunkHash string, r io.Reader, maxChunk int64) (PhotoState, error) {
	hash := u.hash
	// Appends to one file take turns: a device that reconnects may send
	// while the server still reads what its old connection delivered.
	mu, _ := s.uploads.LoadOrStore(u.path, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	state, err := s.partialState(u.path, hash)
	if err != nil {
		return st, err
	}
	if offset > state.Have {
		return state, fmt.Errorf("%w: the store holds %d bytes of %s…, the chunk starts at %d", ErrWrongOffset, state.Have, hash[:12], offset)
	}
	chunk, err := io.ReadAll(io.LimitReader(r, maxChunk+1))
	if err != nil {
		return state, fmt.Errorf("photo %s: reading the chunk: %w", hash[:12], err)
	}
	if int64(len(chunk)) > maxChunk || offset+int64(len(chunk)) > size {
		return state, fmt.Errorf("photo %s: the chunk is longer than %d bytes or than the photo: %w", hash[:12], maxChunk, fielddesk.ErrInvalid)
	}
	if chunkHash != "" {
		sum := sha256.Sum256(chunk)
		if hex.EncodeToString(sum[:]) != chunkHash {
			return state, fmt.Errorf("%w: the chunk at %d of %s… arrived damaged", ErrHashMismatch, offset, hash[:12])
		}
	}
	// A chunk that overlaps what is held (sent again after a lost answer)
	// adds only its new bytes; the whole photo's hash checks them all.
	if skip := state.Have - offset; skip > 0 {
		if skip >= int64(len(chunk)) {
			return state, nil
		}
		chunk, offset = chunk[skip:], state.Have
	}
	dir := filepath.Dir(u.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return state, err
	}
	h := sha256.New().(hashState)
	if offset > 0 {
		if _, h, err = loadHashState(u.path, hash); err != nil {
			return state, fmt.Errorf("photo %s: %w", hash[:12], err)
		}
	}
	if err := s.roomFor(int64(len(chunk))); err != nil {
		return state, err
	}
	f, err := os.OpenFile(u.path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return state, err
	}
	// Bytes past the verified prefix were never acknowledged: write over them.
	_, err = f.WriteAt(chunk, offset)
	if err == nil {
		err = f.Truncate(offset + int64(len(chunk)))
	}
	if err == nil {
		err = s.syncFile(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return state, fmt.Errorf("photo %s: %w", hash[:12], diskErr(err))
	}
	h.Write(chunk)
	have := offset + int64(len(chunk))
	if have < size {
		saved, err := h.MarshalBinary()
		if err != nil {
			return state, err
		}
		if err := s.writeSynced(u.path+".state", append(binary.BigEndian.AppendUint64(nil, uint64(have)), saved...)); err != nil {
			return state, fmt.Errorf("photo %s: %w", hash[:12], diskErr(err))
		}
		return PhotoState{Hash: hash, Have: have}, nil
	}
	os.Remove(u.path + ".state")
	os.Remove(u.path + ".who")
	if hex.EncodeToString(h.Sum(nil)) != hash {
		os.Remove(u.path)
		return PhotoState{Hash: hash}, fmt.Errorf("%w: %s…", ErrHashMismatch, hash[:12])
	}
	if u.check != nil {
		if err := u.check(u.path); err != nil {
			os.Remove(u.path)
			return PhotoState{Hash: hash}, err
		}
	}
	if err := u.place(u.path); err != nil {
		return state, err
	}
	return PhotoState{Hash: hash, Have: have, Complete: true}, nil
}

// Renditions: a small JPEG of a photo sent before the original over slow
// links. It is filed by the original's hash (photos/renditions/<original>),
// after its own bytes were verified against its own hash.

// RenditionPath is where the rendition of the original photo lives.
func (s *DB) RenditionPath(original string) string {
	if !sha256Re.MatchString(original) {
		return filepath.Join(s.dir, "photos", "invalid")
	}
	return filepath.Join(s.dir, "photos", "renditions", original)
}

// HasRendition reports whether the store holds a rendition of the original.
func (s *DB) HasRendition(original string) bool {
	_, err := os.Stat(s.RenditionPath(original))
	return err == nil
}

// PhotoFile is the best file the store holds for a photo: the original, or
// else its rendition. It returns an error wrapping ErrNotFound when neither
// is here.
func (s *DB) PhotoFile(hash string) (path string, original bool, err error) {
	if _, err := os.Stat(s.PhotoPath(hash)); err == nil {
		return s.PhotoPath(hash), true, nil
	}
	if s.HasRendition(hash) {
		return s.RenditionPath(hash), false, nil
	}
	return "", false, fmt.Errorf("photo %s: %w", short(hash), fielddesk.ErrNotFound)
}

// AppendRendition is AppendPhoto for the rendition (whose own SHA-256 is
// hash) of the photo original: once its bytes are complete and verified it
// is filed as that original's rendition.
func (s *DB) AppendRendition(original, hash string, offset, size int64, chunkHash string, r io.Reader, maxChunk int64) (PhotoState, error) {
	if !sha256Re.MatchString(original) || !sha256Re.MatchString(hash) {
		return PhotoState{}, fmt.Errorf("photo %q: not a SHA-256: %w", original, ErrHashMismatch)
	}
	if st, err := os.Stat(s.RenditionPath(original)); err == nil {
		return PhotoState{Hash: hash, Have: st.Size(), Complete: true}, nil
	}
	st, err := s.partialState(s.partialPath(hash), hash)
	if err != nil {
		return st, err
	}
	return s.appendChunk(partialUpload{hash: hash, path: s.partialPath(hash), place: func(tmp string) error {
		return s.placeFile(tmp, s.RenditionPath(original))
	}}, st, offset, size, chunkHash, r, maxChunk)
}

func wantKey(hash string) []byte { return []byte("w/" + hash) }

// WantOriginal records that an editor asked for a photo's original.
func (s *DB) WantOriginal(hash string) error {
	if err := s.update(func(txn *badger.Txn) error { return txn.Set(wantKey(hash), nil) }); err != nil {
		return fmt.Errorf("ask for photo %s: %w", short(hash), mapErr(err))
	}
	return nil
}

// OriginalWanted reports whether an editor asked for a photo's original.
func (s *DB) OriginalWanted(hash string) (bool, error) {
	err := s.view(func(txn *badger.Txn) error { _, err := txn.Get(wantKey(hash)); return err })
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("photo %s: %w", short(hash), mapErr(err))
	}
	return true, nil
}
