package blobs

import (
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/fielddesk/fielddesk"
)

// State is how much of a photo a store holds.
type State struct {
	Hash     string
	Have     int64
	Complete bool
}

// Chunk is one piece of an upload for Append.
type Chunk struct {
	Offset int64
	// Hash, if not empty, is the SHA-256 (hex) of the chunk's bytes: a
	// chunk that does not match it is refused and the prefix kept.
	Hash string
	Data io.Reader
}

// Finish says what becomes of an upload whose bytes are complete and
// match its hash.
type Finish struct {
	// Key is the object the upload becomes.
	Key Key
	// Check, if not nil, vets the complete bytes before they become the
	// object (an error discards the upload and is returned).
	Check func(io.Reader) error
	// Done, if not nil, runs once the object is in place (to record who
	// holds it); its error is returned.
	Done func(ctx context.Context) error
}

// Append adds a chunk of upload u to st: the chunk must not start past
// what st holds (ErrWrongOffset otherwise, with the State to resume from);
// the part of a chunk already held (sent again after a lost answer) is
// skipped. A chunk is acknowledged (nil error) only once it and the hash
// state covering it are durable. A chunk longer than maxChunk or than the
// photo is refused (fielddesk.ErrInvalid). When all u.Size bytes are there
// the whole photo's hash is checked: a match makes it the object f.Key, a
// mismatch (ErrHashMismatch) discards it. The caller starts the upload
// (Uploads.Start) and keeps two appends of one upload from running at
// once in its own process; the store's offset check covers the rest.
func Append(ctx context.Context, st Store, u Upload, c Chunk, maxChunk int64, f Finish) (State, error) {
	if !u.Valid() || !f.Key.Valid() {
		return State{}, fmt.Errorf("photo %q: not a SHA-256: %w", u.Hash, ErrHashMismatch)
	}
	if u.Size <= 0 {
		return State{}, fmt.Errorf("photo %s: size %d: %w", short(u.Hash), u.Size, fielddesk.ErrInvalid)
	}
	p, err := st.Progress(ctx, u)
	if err != nil {
		return State{}, err
	}
	state := State{Hash: u.Hash, Have: p.Have}
	if c.Offset > p.Have {
		return state, fmt.Errorf("%w: the server holds %d bytes of %s…, the chunk starts at %d", ErrWrongOffset, p.Have, short(u.Hash), c.Offset)
	}
	chunk, err := io.ReadAll(io.LimitReader(c.Data, maxChunk+1))
	if err != nil {
		return state, fmt.Errorf("photo %s: reading the chunk: %w", short(u.Hash), err)
	}
	if int64(len(chunk)) > maxChunk || c.Offset+int64(len(chunk)) > u.Size {
		return state, fmt.Errorf("photo %s: the chunk is longer than %d bytes or than the photo: %w", short(u.Hash), maxChunk, fielddesk.ErrInvalid)
	}
	if c.Hash != "" {
		sum := sha256.Sum256(chunk)
		if hex.EncodeToString(sum[:]) != c.Hash {
			return state, fmt.Errorf("%w: the chunk at %d of %s… arrived damaged", ErrHashMismatch, c.Offset, short(u.Hash))
		}
	}
	offset := c.Offset
	held := false // every byte of the chunk is held already
	if skip := p.Have - offset; skip > 0 {
		if skip >= int64(len(chunk)) {
			held = true
			chunk, offset = nil, p.Have
		} else {
			chunk, offset = chunk[skip:], p.Have
		}
	}
	if held && p.Have < u.Size {
		return state, nil
	}
	h := sha256.New().(hashState)
	if offset > 0 {
		if err := h.UnmarshalBinary(p.State); err != nil {
			// A state that does not restore is no prefix: start again.
			if derr := st.Discard(ctx, u); derr != nil {
				return state, derr
			}
			return State{Hash: u.Hash}, fmt.Errorf("%w: the server holds 0 bytes of %s… (its saved state was damaged)", ErrWrongOffset, short(u.Hash))
		}
	}
	// Held already and whole: the photo did not become its object last
	// time (the object store was down, say); it does now.
	if !held {
		h.Write(chunk)
		saved, err := h.MarshalBinary()
		if err != nil {
			return state, err
		}
		if err := st.Write(ctx, u, offset, chunk, saved); err != nil {
			if errors.Is(err, ErrWrongOffset) { // another request of this upload got there first
				if p, perr := st.Progress(ctx, u); perr == nil {
					state.Have = p.Have
				}
			}
			return state, fmt.Errorf("photo %s: %w", short(u.Hash), err)
		}
	}
	have := offset + int64(len(chunk))
	if have < u.Size {
		return State{Hash: u.Hash, Have: have}, nil
	}
	if hex.EncodeToString(h.Sum(nil)) != u.Hash {
		if err := st.Discard(ctx, u); err != nil {
			return State{Hash: u.Hash}, err
		}
		return State{Hash: u.Hash}, fmt.Errorf("%w: %s…", ErrHashMismatch, short(u.Hash))
	}
	// The bytes as stored are read back and hashed (and checked) before
	// they become the object: what the store holds is what was verified.
	if err := verify(ctx, st, u, f.Check); err != nil {
		if errors.Is(err, fielddesk.ErrUnavailable) {
			return State{Hash: u.Hash, Have: have}, err
		}
		if errors.Is(err, ErrNotFound) { // another request of this upload finished it
			if _, serr := st.Stat(ctx, f.Key); serr == nil {
				return done(ctx, u, have, f)
			}
		}
		if derr := st.Discard(ctx, u); derr != nil {
			return State{Hash: u.Hash}, derr
		}
		return State{Hash: u.Hash}, err
	}
	if err := st.Finish(ctx, u, f.Key); err != nil {
		return State{Hash: u.Hash, Have: have}, err
	}
	return done(ctx, u, have, f)
}

// Resume finishes an upload whose every byte is held but which did not
// become its object (the server stopped in between, the object store was
// down): verified, checked and made the object f.Key as Append does. An
// upload not whole is left as it is.
func Resume(ctx context.Context, st Store, u Upload, f Finish) (State, error) {
	p, err := st.Progress(ctx, u)
	if err != nil || !p.Whole() {
		return State{Hash: u.Hash, Have: p.Have}, err
	}
	u.Size = p.Size
	return Append(ctx, st, u, Chunk{Offset: p.Have, Data: strings.NewReader("")}, 1, f)
}

// done runs f.Done for an upload that is its object now.
func done(ctx context.Context, u Upload, have int64, f Finish) (State, error) {
	if f.Done != nil {
		if err := f.Done(ctx); err != nil {
			return State{Hash: u.Hash, Have: have}, err
		}
	}
	return State{Hash: u.Hash, Have: have, Complete: true}, nil
}

// verify reads the upload's bytes as the store holds them: they must hash
// to u.Hash, and pass fn when it is not nil.
func verify(ctx context.Context, st Uploads, u Upload, fn func(io.Reader) error) error {
	r, err := st.Read(ctx, u)
	if err != nil {
		return err
	}
	defer r.Close()
	h := sha256.New()
	tee := io.TeeReader(r, h)
	if fn != nil {
		if err := fn(tee); err != nil {
			return err
		}
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return fmt.Errorf("photo %s: reading it back: %w", short(u.Hash), err)
	}
	if hex.EncodeToString(h.Sum(nil)) != u.Hash {
		return fmt.Errorf("%w: %s… as stored", ErrHashMismatch, short(u.Hash))
	}
	return nil
}

// hashState is a SHA-256 whose progress can be saved and restored.
type hashState interface {
	hash.Hash
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// ValidState reports whether state restores a SHA-256 that has read
// exactly have bytes (what a backend keeps beside an upload's bytes).
func ValidState(state []byte, have int64) bool {
	if have == 0 {
		return true
	}
	h := sha256.New().(hashState)
	if h.UnmarshalBinary(state) != nil {
		return false
	}
	// The state's last 8 bytes are the length it has read.
	n := len(state)
	if n < 8 {
		return false
	}
	var length uint64
	for _, b := range state[n-8:] {
		length = length<<8 | uint64(b)
	}
	return int64(length) == have
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
