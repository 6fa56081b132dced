package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Partial uploads take disk space before anything proves they are worth
// it; each user's and each device's are bounded, and abandoned ones are
// swept.

// Uploader is who sends photo bytes to the server: the account and the
// device.
type Uploader struct {
	User, Device string
}

// UploadLimits bound the uploads under way at once.
type UploadLimits struct {
	PerDevice, PerUser           int   // photos
	BytesPerDevice, BytesPerUser int64 // their sizes together
	// MaxAge is how long an upload may go without a new byte before it is
	// swept.
	MaxAge time.Duration
}

// DefaultUploadLimits are generous for a correspondent sending one photo
// after the other over a bad link, and keep one account from filling a
// disk: at most 2 GB under way per account.
var DefaultUploadLimits = UploadLimits{PerDevice: 16, PerUser: 32, BytesPerDevice: 1 << 30, BytesPerUser: 2 << 30, MaxAge: 72 * time.Hour}

// ErrTooManyUploads means an account or a device has as many photos on
// their way as it may; the error says which limit.
var ErrTooManyUploads = errors.New("too many photos on their way")

// SetUploadLimits changes the limits (DefaultUploadLimits until then).
func (s *DB) SetUploadLimits(l UploadLimits) {
	s.limitsMu.Lock()
	defer s.limitsMu.Unlock()
	s.limits = &l
}

func (s *DB) uploadLimits() UploadLimits {
	s.limitsMu.Lock()
	defer s.limitsMu.Unlock()
	if s.limits == nil {
		return DefaultUploadLimits
	}
	return *s.limits
}

// uploadMeta is kept beside each partial upload (<hash>.who).
type uploadMeta struct {
	Device string `json:"device"`
	Size   int64  `json:"size"`
}

// startUpload records a new upload of hash by up, within the limits; an
// upload already under way goes on.
func (s *DB) startUpload(up Uploader, hash string, size int64) error {
	path := s.uploadPath(up.User, hash)
	if _, err := os.Stat(path + ".who"); err == nil {
		return nil
	}
	s.quotaMu.Lock()
	defer s.quotaMu.Unlock()
	l := s.uploadLimits()
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var userN, devN int
	var userBytes, devBytes int64
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".who")
		if !ok || !sha256Re.MatchString(name) {
			continue
		}
		var m uploadMeta
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err != nil || json.Unmarshal(b, &m) != nil {
			continue
		}
		userN++
		userBytes += m.Size
		if m.Device == up.Device {
			devN++
			devBytes += m.Size
		}
	}
	switch {
	case devN >= l.PerDevice || devBytes+size > l.BytesPerDevice:
		return fmt.Errorf("%w: this device has %d photos (%d MB) on their way; the limit is %d (%d MB): let them finish first", ErrTooManyUploads, devN, devBytes>>20, l.PerDevice, l.BytesPerDevice>>20)
	case userN >= l.PerUser || userBytes+size > l.BytesPerUser:
		return fmt.Errorf("%w: the devices of %s have %d photos (%d MB) on their way; the limit is %d (%d MB): let them finish first", ErrTooManyUploads, up.User, userN, userBytes>>20, l.PerUser, l.BytesPerUser>>20)
	}
	if err := s.roomFor(size); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return diskErr(err)
	}
	b, _ := json.Marshal(uploadMeta{Device: up.Device, Size: size})
	return diskErr(s.writeSynced(path+".who", b))
}

// SweepUploads deletes uploads that got no new byte for longer than the
// limits' MaxAge (a device that gave up, a photo removed from its article)
// and returns how many it deleted.
func (s *DB) SweepUploads() (int, error) {
	maxAge := s.uploadLimits().MaxAge
	root := filepath.Join(s.dir, "photos", "partial", "u")
	users, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("sweep uploads: %w", err)
	}
	s.quotaMu.Lock()
	defer s.quotaMu.Unlock()
	swept := 0
	cut := time.Now().Add(-maxAge)
	for _, u := range users {
		dir := filepath.Join(root, u.Name())
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
			mu, _ := s.uploads.LoadOrStore(filepath.Join(dir, hash), &sync.Mutex{})
			m := mu.(*sync.Mutex)
			m.Lock()
			for _, f := range []string{hash, hash + ".state", hash + ".state.tmp", e.Name()} {
				os.Remove(filepath.Join(dir, f))
			}
			m.Unlock()
			swept++
		}
	}
	return swept, nil
}
