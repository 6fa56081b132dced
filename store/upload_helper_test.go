package store

import (
	"context"
	"io"

	"github.com/fielddesk/fielddesk/blobs"
)

// Uploader is who sends photo bytes to a server in these tests.
type Uploader struct{ User, Device string }

// appendUpload does what the server does with a chunk of user's photo
// (sync/server/photos.go): starts the upload within the default limits,
// appends over the store's Blobs and, once whole, records that the user
// holds it.
func appendUpload(db *DB, up Uploader, hash string, offset, size int64, chunkHash string, r io.Reader, maxChunk int64) (PhotoState, error) {
	ctx := context.Background()
	if st, _, err := uploadStatus(db, up.User, hash); err != nil || st.Complete {
		return st, err
	}
	u := blobs.Upload{Area: blobs.Area(up.User), Hash: hash, Device: up.Device, Size: size}
	if err := db.Blobs().Start(ctx, u, blobs.DefaultLimits); err != nil {
		return PhotoState{Hash: hash}, err
	}
	return blobs.Append(ctx, db.Blobs(), u, blobs.Chunk{Offset: offset, Hash: chunkHash, Data: r}, maxChunk, blobs.Finish{
		Key:  blobs.Original(hash),
		Done: func(context.Context) error { return db.HoldPhoto(up.User, hash) },
	})
}

// uploadStatus is what user's uploads hold of a photo, as the server says it.
func uploadStatus(db *DB, user, hash string) (PhotoState, bool, error) {
	ctx := context.Background()
	held, rendition, err := db.PhotoHolds(user, hash)
	if err != nil {
		return PhotoState{}, false, err
	}
	if held {
		if size, err := db.Blobs().Stat(ctx, blobs.Original(hash)); err == nil {
			return PhotoState{Hash: hash, Have: size, Complete: true}, rendition, nil
		}
	}
	p, err := db.Blobs().Progress(ctx, blobs.Upload{Area: blobs.Area(user), Hash: hash})
	return PhotoState{Hash: hash, Have: p.Have}, rendition, err
}
