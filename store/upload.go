package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
)

// Photos that arrive in pieces over bad links: a desktop's downloads from
// the server, over the store's Blobs (blobs.Append keeps the rules). A
// partial photo is photos/partial/<sha256> with its SHA-256 state at the
// current length beside it, both fsynced after every chunk, so the
// verified prefix survives a restart.

// PhotoState is how much of a photo the store holds.
type PhotoState = blobs.State

// Errors of AppendPhoto (the blobs package's).
var (
	ErrWrongOffset  = blobs.ErrWrongOffset
	ErrHashMismatch = blobs.ErrHashMismatch
)

// PhotoStatus says how many bytes of a photo the store holds: for a photo
// still arriving, the prefix its saved hash state covers (bytes written
// after the last saved state were never acknowledged and do not count).
func (s *DB) PhotoStatus(hash string) (PhotoState, error) {
	if !blobs.ValidHash(hash) {
		return PhotoState{}, fmt.Errorf("photo %q: not a SHA-256: %w", hash, ErrHashMismatch)
	}
	if st, err := os.Stat(s.PhotoPath(hash)); err == nil {
		return PhotoState{Hash: hash, Have: st.Size(), Complete: true}, nil
	}
	p, err := s.Blobs().Progress(context.Background(), blobs.Upload{Hash: hash})
	return PhotoState{Hash: hash, Have: p.Have}, err
}

// AppendPhoto adds a chunk of a photo at offset, as blobs.Append does:
// once all size bytes are there and match the hash, the photo is in place.
// chunkHash, if not empty, is the SHA-256 of the chunk. Chunks are at most
// maxChunk bytes.
func (s *DB) AppendPhoto(hash string, offset, size int64, chunkHash string, r io.Reader, maxChunk int64) (PhotoState, error) {
	st, err := s.PhotoStatus(hash)
	if err != nil || st.Complete {
		return st, err
	}
	return blobs.Append(context.Background(), s.Blobs(), blobs.Upload{Hash: hash, Size: size},
		blobs.Chunk{Offset: offset, Hash: chunkHash, Data: r}, maxChunk, blobs.Finish{Key: blobs.Original(hash)})
}

// Renditions: a small JPEG of a photo sent before the original over slow
// links. It is filed by the original's hash (photos/renditions/<original>),
// after its own bytes were verified against its own hash.

// RenditionPath is where the rendition of the original photo lives.
func (s *DB) RenditionPath(original string) string {
	if !blobs.ValidHash(original) {
		return filepath.Join(s.dir, "photos", "invalid")
	}
	return s.Blobs().path(blobs.Rendition("", original))
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
	if !blobs.ValidHash(original) || !blobs.ValidHash(hash) {
		return PhotoState{}, fmt.Errorf("photo %q: not a SHA-256: %w", original, ErrHashMismatch)
	}
	if st, err := os.Stat(s.RenditionPath(original)); err == nil {
		return PhotoState{Hash: hash, Have: st.Size(), Complete: true}, nil
	}
	return blobs.Append(context.Background(), s.Blobs(), blobs.Upload{Hash: hash, Size: size},
		blobs.Chunk{Offset: offset, Hash: chunkHash, Data: r}, maxChunk, blobs.Finish{Key: blobs.Rendition("", original)})
}

func wantKey(hash string) []byte { return []byte("w/" + hash) }
