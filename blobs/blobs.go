// Package blobs keeps photo bytes: complete photos and renditions as
// objects named by a Key, and photos still arriving over bad links as
// resumable uploads whose verified prefix survives a restart (and, on a
// shared backend, moves with the device to another server instance).
//
// Store is what a backend implements: files beside Badger (store.Blobs),
// or an S3-compatible object store with PostgreSQL keeping the uploads
// under way (pgstore). Append holds the rules, written once over any
// Store: the SHA-256 state that makes a prefix resumable, a chunk's own
// hash, a chunk sent again after a lost answer, the whole photo's hash
// and the check of its content before it becomes an object. No caller
// builds a file path or an object name by hand: keys come from Original
// and Rendition.
package blobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/fielddesk/fielddesk"
)

// Key names a complete object: Original(hash) or Rendition(area, original).
type Key string

// Original is the key of a complete photo, by its SHA-256 (hex).
func Original(hash string) Key { return Key("photo/" + hash) }

// Rendition is the key of the small rendition of the photo original kept
// for area (an uploader's area, see Area; "" on a desktop, which keeps one
// rendition per photo).
func Rendition(area, original string) Key {
	if area == "" {
		return Key("rendition/" + original)
	}
	return Key("rendition/" + area + "/" + original)
}

var (
	sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)
	areaRe   = regexp.MustCompile(`^[0-9a-f]{1,64}$`)
	keyRe    = regexp.MustCompile(`^(photo/[0-9a-f]{64}|rendition/([0-9a-f]{1,64}/)?[0-9a-f]{64})$`)
)

// ValidHash reports whether s is a SHA-256 in lower-case hex.
func ValidHash(s string) bool { return sha256Re.MatchString(s) }

// Valid reports whether k is a key Original or Rendition made.
func (k Key) Valid() bool { return keyRe.MatchString(string(k)) }

// Upload names a photo arriving in pieces: its SHA-256, the area of the
// account sending it (each account's uploads are apart from everyone
// else's; "" for a desktop's downloads), the device sending it and the
// photo's whole size (both counted against the Limits).
type Upload struct {
	Area, Hash string
	Device     string
	Size       int64
}

// Valid reports whether the upload's names can reach a backend.
func (u Upload) Valid() bool {
	return ValidHash(u.Hash) && (u.Area == "" || areaRe.MatchString(u.Area))
}

// Progress is what a backend holds of an upload: Have bytes, verified,
// and the SHA-256 state covering exactly them; Size is the photo's size
// the upload was started with (0: not known).
type Progress struct {
	Have  int64
	State []byte
	Size  int64
}

// Whole reports whether every byte of the upload is held (it is verified
// and made an object by the next Append, or by Resume).
func (p Progress) Whole() bool { return p.Size > 0 && p.Have == p.Size }

// Object is a complete object, open for reading (and seeking, so that a
// download resumes with a Range).
type Object interface {
	io.ReadSeekCloser
	Size() int64
}

// Objects keeps complete photos and renditions.
type Objects interface {
	// Open returns the object, or an error wrapping ErrNotFound.
	Open(ctx context.Context, k Key) (Object, error)
	// Stat returns the object's size, or an error wrapping ErrNotFound.
	Stat(ctx context.Context, k Key) (int64, error)
	// Delete deletes the object; one that is not there is no error.
	Delete(ctx context.Context, k Key) error
}

// Uploads keeps photos arriving in pieces. A backend serializes the
// writes of one upload (across processes, when it is shared), so Write's
// offset check is the only guard Append needs.
type Uploads interface {
	// Start records a new upload within the limits (ErrTooManyUploads);
	// an upload under way goes on.
	Start(ctx context.Context, u Upload, l Limits) error
	// Progress returns what is held of the upload (zero when nothing).
	Progress(ctx context.Context, u Upload) (Progress, error)
	// Write adds chunk at offset, which must be what is held
	// (ErrWrongOffset otherwise), with the hash state covering everything
	// up to its end. It returns once both are durable.
	Write(ctx context.Context, u Upload, offset int64, chunk, state []byte) error
	// Read reads the upload's verified bytes from the start, or returns
	// an error wrapping ErrNotFound when there is no such upload.
	Read(ctx context.Context, u Upload) (io.ReadCloser, error)
	// Finish makes the whole upload the object k (an object already there
	// is kept: it has the same bytes) and forgets the upload. An upload
	// gone because another request finished it is no error.
	Finish(ctx context.Context, u Upload, k Key) error
	// Discard forgets the upload and its bytes.
	Discard(ctx context.Context, u Upload) error
	// Sweep discards the uploads that got no byte for longer than idle
	// and returns how many.
	Sweep(ctx context.Context, idle time.Duration) (int, error)
}

// Store is a backend of photo bytes.
type Store interface {
	Objects
	Uploads
}

// Errors of a Store and of Append.
var (
	// ErrNotFound is the domain's: a photo or upload that is not here.
	ErrNotFound       = fielddesk.ErrNotFound
	ErrWrongOffset    = errors.New("chunk at the wrong offset")
	ErrHashMismatch   = errors.New("photo bytes do not match the hash")
	ErrTooManyUploads = errors.New("too many photos on their way")
	// ErrUnavailable means the backend could not be reached (the object
	// store is down): nothing changed; try again later.
	ErrUnavailable = fielddesk.ErrUnavailable
)

// Limits bound the uploads under way at once.
type Limits struct {
	PerDevice, PerUser           int   // photos
	BytesPerDevice, BytesPerUser int64 // their sizes together
	// MaxAge is how long an upload may go without a new byte before it is
	// swept.
	MaxAge time.Duration
}

// DefaultLimits are generous for a correspondent sending one photo after
// the other over a bad link, and keep one account from filling a disk: at
// most 2 GB under way per account.
var DefaultLimits = Limits{PerDevice: 16, PerUser: 32, BytesPerDevice: 1 << 30, BytesPerUser: 2 << 30, MaxAge: 72 * time.Hour}

// Area is the upload and rendition area of an account: its name never
// reaches a file system or an object store, a hash of it does.
func Area(user string) string {
	sum := sha256.Sum256([]byte("fielddesk-user\x00" + user))
	return hex.EncodeToString(sum[:16])
}

// Count adds up the uploads under way of one sender (an area) and of one
// of its devices, for a backend's Start.
type Count struct {
	UserN, DevN         int
	UserBytes, DevBytes int64
}

// Add counts one upload under way of size bytes (of the device asking,
// when sameDevice).
func (c *Count) Add(sameDevice bool, size int64) {
	c.UserN++
	c.UserBytes += size
	if sameDevice {
		c.DevN++
		c.DevBytes += size
	}
}

// Allows returns an error wrapping ErrTooManyUploads, saying which limit,
// when starting u would go past l.
func (c Count) Allows(u Upload, l Limits) error {
	switch {
	case c.DevN >= l.PerDevice || c.DevBytes+u.Size > l.BytesPerDevice:
		return fmt.Errorf("%w: this device has %d photos (%d MB) on their way; the limit is %d (%d MB): let them finish first", ErrTooManyUploads, c.DevN, c.DevBytes>>20, l.PerDevice, l.BytesPerDevice>>20)
	case c.UserN >= l.PerUser || c.UserBytes+u.Size > l.BytesPerUser:
		return fmt.Errorf("%w: your devices have %d photos (%d MB) on their way; the limit is %d (%d MB): let them finish first", ErrTooManyUploads, c.UserN, c.UserBytes>>20, l.PerUser, l.BytesPerUser>>20)
	}
	return nil
}

// CheckKey returns an error wrapping ErrNotFound when k is not a key
// Original or Rendition made (a name that must never reach a backend).
func CheckKey(k Key) error {
	if !k.Valid() {
		return fmt.Errorf("photo %q: %w", string(k), ErrNotFound)
	}
	return nil
}

// CheckUpload returns an error wrapping ErrHashMismatch when u's names are
// not a SHA-256 and an area.
func CheckUpload(u Upload) error {
	if !u.Valid() {
		return fmt.Errorf("photo %q: not a SHA-256: %w", u.Hash, ErrHashMismatch)
	}
	return nil
}
