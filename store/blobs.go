package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fielddesk/fielddesk/blobs"
)

// Blobs is the embedded backend's photo bytes (blobs.Store): files in the
// data folder, beside Badger. The layout is the one the store always had,
// so a data folder written before keeps its photos and uploads:
//
//	photos/ab/abcd…                   Original(abcd…)
//	photos/renditions/<original>      Rendition("", original): a desktop's
//	photos/renditions/u/<area>/<orig> Rendition(area, original): a sender's, on the server
//	photos/partial/<hash>             an upload of area "" (a desktop's download)
//	photos/partial/u/<area>/<hash>    an upload of a sender's area
//
// beside each upload <hash>.state (the length it covers and the SHA-256
// state, fsynced after every chunk) and <hash>.who (the device and size,
// counted against the limits). Only hashes, never names, reach the file
// system.
type Blobs struct{ s *DB }

var _ blobs.Store = (*Blobs)(nil)

// Blobs returns the store's photo bytes as a blobs.Store.
func (s *DB) Blobs() *Blobs { return &Blobs{s: s} }

// path is where the object k lives (k must be valid).
func (b *Blobs) path(k blobs.Key) string {
	rest, original := strings.CutPrefix(string(k), "photo/")
	if original {
		return b.s.PhotoPath(rest)
	}
	rest, _ = strings.CutPrefix(string(k), "rendition/")
	if area, orig, ok := strings.Cut(rest, "/"); ok {
		return filepath.Join(b.s.dir, "photos", "renditions", "u", area, orig)
	}
	return filepath.Join(b.s.dir, "photos", "renditions", rest)
}

func (b *Blobs) uploadPath(u blobs.Upload) string {
	if u.Area == "" {
		return filepath.Join(b.s.dir, "photos", "partial", u.Hash)
	}
	return filepath.Join(b.s.dir, "photos", "partial", "u", u.Area, u.Hash)
}

// fileObject is an open object file.
type fileObject struct {
	*os.File
	size int64
}

func (f fileObject) Size() int64 { return f.size }

// Open opens the object k.
func (b *Blobs) Open(ctx context.Context, k blobs.Key) (blobs.Object, error) {
	if err := blobs.CheckKey(k); err != nil {
		return nil, err
	}
	f, err := os.Open(b.path(k))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", k, blobs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k, diskErr(err))
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", k, err)
	}
	return fileObject{File: f, size: fi.Size()}, nil
}

// Stat returns the size of the object k.
func (b *Blobs) Stat(ctx context.Context, k blobs.Key) (int64, error) {
	if err := blobs.CheckKey(k); err != nil {
		return 0, err
	}
	fi, err := os.Stat(b.path(k))
	if errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("%s: %w", k, blobs.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", k, err)
	}
	return fi.Size(), nil
}

// Delete deletes the object k.
func (b *Blobs) Delete(ctx context.Context, k blobs.Key) error {
	if err := blobs.CheckKey(k); err != nil {
		return err
	}
	if err := os.Remove(b.path(k)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", k, err)
	}
	return nil
}

// lock makes the writes of one upload take turns (one process holds a data
// folder: Badger's lock sees to that).
func (b *Blobs) lock(path string) func() {
	mu, _ := b.s.uploads.LoadOrStore(path, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}

// uploadMeta is kept beside each partial upload of a sender (<hash>.who).
type uploadMeta struct {
	Device string `json:"device"`
	Size   int64  `json:"size"`
}

// Start records a new upload of a sender's area within the limits; an
// upload under way goes on. A desktop's downloads (area "") are not counted.
func (b *Blobs) Start(ctx context.Context, u blobs.Upload, l blobs.Limits) error {
	if err := blobs.CheckUpload(u); err != nil {
		return err
	}
	if u.Area == "" {
		return nil
	}
	path := b.uploadPath(u)
	if _, err := os.Stat(path + ".who"); err == nil {
		return nil
	}
	s := b.s
	s.quotaMu.Lock()
	defer s.quotaMu.Unlock()
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var n blobs.Count
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".who")
		if !ok || !blobs.ValidHash(name) {
			continue
		}
		var m uploadMeta
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err != nil || json.Unmarshal(b, &m) != nil {
			continue
		}
		n.Add(m.Device == u.Device, m.Size)
	}
	if err := n.Allows(u, l); err != nil {
		return err
	}
	if err := s.roomFor(u.Size); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return diskErr(err)
	}
	meta, _ := json.Marshal(uploadMeta{Device: u.Device, Size: u.Size})
	return diskErr(s.writeSynced(path+".who", meta))
}

// Progress returns the verified prefix of the upload: the length its
// saved hash state covers (bytes written after the last saved state were
// never acknowledged and do not count).
func (b *Blobs) Progress(ctx context.Context, u blobs.Upload) (blobs.Progress, error) {
	if err := blobs.CheckUpload(u); err != nil {
		return blobs.Progress{}, err
	}
	path := b.uploadPath(u)
	p, err := b.progress(path, u.Hash)
	if err != nil || p.Have == 0 {
		return p, err
	}
	// The size it was started with (Write and Read, on every chunk, need
	// only the prefix).
	var m uploadMeta
	if b, err := os.ReadFile(path + ".who"); err == nil && json.Unmarshal(b, &m) == nil {
		p.Size = m.Size
	}
	return p, nil
}

func (b *Blobs) progress(path, hash string) (blobs.Progress, error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return blobs.Progress{}, nil
	}
	if err != nil {
		return blobs.Progress{}, fmt.Errorf("photo %s: %w", short(hash), err)
	}
	saved, err := os.ReadFile(path + ".state")
	if err != nil || len(saved) < 8 {
		return blobs.Progress{}, nil // no usable state: the photo starts again
	}
	have := int64(binary.BigEndian.Uint64(saved))
	if have > st.Size() || !blobs.ValidState(saved[8:], have) {
		return blobs.Progress{}, nil
	}
	return blobs.Progress{Have: have, State: saved[8:]}, nil
}

// Write adds chunk at offset, flushes it, then the state covering it.
func (b *Blobs) Write(ctx context.Context, u blobs.Upload, offset int64, chunk, state []byte) error {
	if err := blobs.CheckUpload(u); err != nil {
		return err
	}
	path := b.uploadPath(u)
	defer b.lock(path)()
	p, err := b.progress(path, u.Hash)
	if err != nil {
		return err
	}
	if offset != p.Have {
		return fmt.Errorf("%w: %d bytes are here, the chunk starts at %d", blobs.ErrWrongOffset, p.Have, offset)
	}
	s := b.s
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return diskErr(err)
	}
	if err := s.roomFor(int64(len(chunk))); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return diskErr(err)
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
		return diskErr(err)
	}
	have := offset + int64(len(chunk))
	return diskErr(s.writeSynced(path+".state", append(binary.BigEndian.AppendUint64(nil, uint64(have)), state...)))
}

// Read reads the upload's verified bytes.
func (b *Blobs) Read(ctx context.Context, u blobs.Upload) (io.ReadCloser, error) {
	if err := blobs.CheckUpload(u); err != nil {
		return nil, err
	}
	path := b.uploadPath(u)
	p, err := b.progress(path, u.Hash)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("upload of photo %s: %w", short(u.Hash), blobs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("photo %s: %w", short(u.Hash), err)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(f, p.Have), f}, nil
}

// Finish moves the complete upload into place as k, durably.
func (b *Blobs) Finish(ctx context.Context, u blobs.Upload, k blobs.Key) error {
	if err := blobs.CheckUpload(u); err != nil {
		return err
	}
	if err := blobs.CheckKey(k); err != nil {
		return err
	}
	path := b.uploadPath(u)
	defer b.lock(path)()
	final := b.path(k)
	var err error
	if _, serr := os.Stat(final); serr == nil {
		err = os.Remove(path) // the same bytes came another way
		if errors.Is(err, os.ErrNotExist) {
			err = nil // or this upload, by another request
		}
	} else {
		err = b.s.placeFile(path, final)
	}
	if err != nil {
		return fmt.Errorf("photo %s: %w", short(u.Hash), diskErr(err))
	}
	os.Remove(path + ".state")
	os.Remove(path + ".who")
	return nil
}

// Discard deletes the upload's files.
func (b *Blobs) Discard(ctx context.Context, u blobs.Upload) error {
	if err := blobs.CheckUpload(u); err != nil {
		return err
	}
	path := b.uploadPath(u)
	defer b.lock(path)()
	for _, f := range []string{path, path + ".state", path + ".state.tmp", path + ".who"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("photo %s: %w", short(u.Hash), err)
		}
	}
	return nil
}

// Sweep deletes the senders' uploads that got no new byte for longer than
// idle (a device that gave up, a photo removed from its article).
func (b *Blobs) Sweep(ctx context.Context, idle time.Duration) (int, error) {
	s := b.s
	root := filepath.Join(s.dir, "photos", "partial", "u")
	areas, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("sweep uploads: %w", err)
	}
	s.quotaMu.Lock()
	defer s.quotaMu.Unlock()
	swept := 0
	cut := time.Now().Add(-idle)
	for _, a := range areas {
		dir := filepath.Join(root, a.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			hash, ok := strings.CutSuffix(e.Name(), ".who")
			if !ok {
				continue
			}
			newest := time.Time{}
			for _, f := range []string{hash, hash + ".state", e.Name()} {
				if fi, err := os.Stat(filepath.Join(dir, f)); err == nil && fi.ModTime().After(newest) {
					newest = fi.ModTime()
				}
			}
			if newest.After(cut) {
				continue
			}
			unlock := b.lock(filepath.Join(dir, hash))
			for _, f := range []string{hash, hash + ".state", hash + ".state.tmp", e.Name()} {
				os.Remove(filepath.Join(dir, f))
			}
			unlock()
			swept++
		}
	}
	return swept, nil
}
