package server

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/photo"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// Photos sent to the newsroom: each account's uploads arrive in its own
// area of the photo store (blobs.Area), and once whole, verified and
// checked the photo is the object blobs.Original(hash) and the account
// holds it (newsroom.HoldPhoto); a rendition is filed for the account alone
// (blobs.Rendition(area, original), newsroom.FileRendition). Naming a hash
// proves nothing: only the bytes sent do.

// upload names user's upload of hash from device.
func upload(user, device, hash string, size int64) blobs.Upload {
	return blobs.Upload{Area: blobs.Area(user), Hash: hash, Device: device, Size: size}
}

// uploadStatus says what user's uploads hold of a photo: Complete when
// the photo is here and the user sent it whole (someone else's copy does
// not count), otherwise the verified prefix of the user's own upload.
// rendition reports whether the user filed a rendition of it.
func (s *Server) uploadStatus(ctx context.Context, user, hash string) (st blobs.State, rendition bool, err error) {
	held, rendition, err := s.nr.PhotoHolds(ctx, user, hash)
	if err != nil {
		return blobs.State{}, false, err
	}
	if held {
		if size, err := s.blobs.Stat(ctx, blobs.Original(hash)); err == nil {
			return blobs.State{Hash: hash, Have: size, Complete: true}, rendition, nil
		}
	}
	p, err := s.blobs.Progress(ctx, upload(user, "", hash, 0))
	if err == nil && p.Whole() {
		// Every byte arrived, but the photo did not become its object
		// (an instance stopped in between, the object store was down):
		// finished now, or an error; never "all here" and not complete,
		// which a device takes for done.
		st, err := blobs.Resume(ctx, s.blobs, upload(user, "", hash, p.Size), s.finishOriginal(user, hash))
		if discarded(err) {
			return blobs.State{Hash: hash}, rendition, nil // refused and gone: it starts again
		}
		return st, rendition, err
	}
	return blobs.State{Hash: hash, Have: p.Have}, rendition, err
}

// renditionStatus says what user's devices sent of their rendition (own
// SHA-256 hash) of the photo original: Complete once it is filed.
func (s *Server) renditionStatus(ctx context.Context, user, original, hash string) (blobs.State, error) {
	_, filed, err := s.nr.PhotoHolds(ctx, user, original)
	if err != nil {
		return blobs.State{}, err
	}
	if filed {
		size, err := s.blobs.Stat(ctx, blobs.Rendition(blobs.Area(user), original))
		if err != nil {
			return blobs.State{}, fmt.Errorf("rendition of photo %s: %w", short(original), err)
		}
		return blobs.State{Hash: hash, Have: size, Complete: true}, nil
	}
	p, err := s.blobs.Progress(ctx, upload(user, "", hash, 0))
	if err == nil && p.Whole() { // see uploadStatus
		st, err := blobs.Resume(ctx, s.blobs, upload(user, "", hash, p.Size), s.finishRendition(user, original, hash))
		if discarded(err) {
			return blobs.State{Hash: hash}, nil
		}
		return st, err
	}
	return blobs.State{Hash: hash, Have: p.Have}, err
}

// appendUpload adds a chunk of user's photo hash: once whole, verified and
// an image FieldDesk takes, it is in place and user holds it.
func (s *Server) appendUpload(ctx context.Context, user, device, hash string, size int64, c blobs.Chunk) (blobs.State, error) {
	st, _, err := s.uploadStatus(ctx, user, hash)
	if err != nil || st.Complete {
		return st, err
	}
	u := upload(user, device, hash, size)
	if err := s.blobs.Start(ctx, u, s.uploadLimits); err != nil {
		return st, err
	}
	return blobs.Append(ctx, s.blobs, u, c, wire.MaxChunkBytes, s.finishOriginal(user, hash))
}

// finishOriginal is what becomes of user's whole upload of a photo: an
// image FieldDesk takes, the object of its hash, held by user.
func (s *Server) finishOriginal(user, hash string) blobs.Finish {
	return blobs.Finish{
		Key:   blobs.Original(hash),
		Check: checkImage,
		Done:  func(ctx context.Context) error { return s.nr.HoldPhoto(ctx, user, hash) },
	}
}

// finishRendition is what becomes of user's whole upload of a rendition
// (own SHA-256 hash) of the photo original: a JPEG as devices make them,
// user's rendition of it.
func (s *Server) finishRendition(user, original, hash string) blobs.Finish {
	return blobs.Finish{
		Key:   blobs.Rendition(blobs.Area(user), original),
		Check: checkRendition,
		Done:  func(ctx context.Context) error { return s.nr.FileRendition(ctx, user, original, hash) },
	}
}

// appendRendition adds a chunk of user's rendition (own SHA-256 hash) of
// the photo original: once whole, verified and a JPEG as the devices make
// them, it is filed as user's rendition of it. Another user's rendition of
// the same photo is never replaced and never counts for this user.
func (s *Server) appendRendition(ctx context.Context, user, device, original, hash string, size int64, c blobs.Chunk) (blobs.State, error) {
	st, err := s.renditionStatus(ctx, user, original, hash)
	if err != nil || st.Complete {
		return st, err
	}
	u := upload(user, device, hash, size)
	if err := s.blobs.Start(ctx, u, s.uploadLimits); err != nil {
		return st, err
	}
	return blobs.Append(ctx, s.blobs, u, c, wire.MaxChunkBytes, s.finishRendition(user, original, hash))
}

// discarded reports an upload refused once whole (its bytes did not match
// its hash, or were no image FieldDesk takes): Append discarded it.
func discarded(err error) bool {
	return errors.Is(err, blobs.ErrHashMismatch) || errors.Is(err, errNotImage)
}

// checkImage reads the header of a photo that just arrived, before it is
// kept: an image within the limits, or it is refused (an image bomb never
// reaches a decoder).
func checkImage(r io.Reader) error {
	if _, err := photo.Inspect(r); err != nil {
		return fmt.Errorf("%w: %v", errNotImage, err)
	}
	return nil
}

// MaxRenditionSide bounds a rendition's longest side (devices make them at
// 1600 px).
const MaxRenditionSide = 2048

// checkRendition takes a rendition only if it is a JPEG of at most
// MaxRenditionSide pixels a side, as the devices make them.
func checkRendition(r io.Reader) error {
	info, err := photo.Inspect(r)
	if err != nil {
		return fmt.Errorf("%w: %v", errNotImage, err)
	}
	if info.Format != "jpeg" || max(info.Width, info.Height) > MaxRenditionSide {
		return fmt.Errorf("%w: a rendition is a JPEG of at most %d pixels a side, not a %s of %d×%d", errNotImage, MaxRenditionSide, info.Format, info.Width, info.Height)
	}
	return nil
}

// SetUploadLimits changes the limits on photos under way at once
// (blobs.DefaultLimits until then).
func (s *Server) SetUploadLimits(l blobs.Limits) { s.uploadLimits = l }

// SweepUploads discards the uploads that got no byte for longer than the
// limits' MaxAge (a device that gave up, a photo removed from its
// article) and returns how many.
func (s *Server) SweepUploads(ctx context.Context) (int, error) {
	return s.blobs.Sweep(ctx, s.uploadLimits.MaxAge)
}
