package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"

	"github.com/fielddesk/fielddesk/blobs"
)

// Blobs is the shared backend's photo bytes (blobs.Store): uploads under
// way in PostgreSQL, complete objects in the bucket.
type Blobs struct{ db *DB }

var _ blobs.Store = (*Blobs)(nil)

// Blobs returns the backend's photo bytes.
func (db *DB) Blobs() *Blobs { return &Blobs{db: db} }

// s3Err maps an object store error: a missing object to blobs.ErrNotFound,
// anything that is not an answer about the object to blobs.ErrUnavailable.
func s3Err(k blobs.Key, err error) error {
	if err == nil {
		return nil
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == minio.NoSuchKey || resp.StatusCode == http.StatusNotFound && resp.Code != minio.NoSuchBucket:
		return fmt.Errorf("%s: %w", k, blobs.ErrNotFound)
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		return fmt.Errorf("%s: the object store refused: %s (%s)", k, resp.Message, resp.Code)
	}
	return fmt.Errorf("%s: %w: %v", k, blobs.ErrUnavailable, err)
}

// object is an open object of the bucket.
type object struct {
	*minio.Object
	size int64
}

func (o object) Size() int64 { return o.size }

// Open opens the object k.
func (b *Blobs) Open(ctx context.Context, k blobs.Key) (blobs.Object, error) {
	if err := blobs.CheckKey(k); err != nil {
		return nil, err
	}
	o, err := b.db.s3.GetObject(ctx, b.db.bucket, string(k), minio.GetObjectOptions{})
	if err != nil {
		return nil, s3Err(k, err)
	}
	info, err := o.Stat()
	if err != nil {
		o.Close()
		return nil, s3Err(k, err)
	}
	return object{Object: o, size: info.Size}, nil
}

// Stat returns the size of the object k.
func (b *Blobs) Stat(ctx context.Context, k blobs.Key) (int64, error) {
	if err := blobs.CheckKey(k); err != nil {
		return 0, err
	}
	info, err := b.db.s3.StatObject(ctx, b.db.bucket, string(k), minio.StatObjectOptions{})
	if err != nil {
		return 0, s3Err(k, err)
	}
	return info.Size, nil
}

// Delete deletes the object k.
func (b *Blobs) Delete(ctx context.Context, k blobs.Key) error {
	if err := blobs.CheckKey(k); err != nil {
		return err
	}
	err := b.db.s3.RemoveObject(ctx, b.db.bucket, string(k), minio.RemoveObjectOptions{})
	if err := s3Err(k, err); err != nil && !errors.Is(err, blobs.ErrNotFound) {
		return err
	}
	return nil
}

// areaLock serializes new uploads of one area (the count and the insert
// that follows it) across instances.
const areaLock = `SELECT pg_advisory_xact_lock(hashtextextended('fielddesk-upload-area/' || $1, 0))`

// Start records a new upload of a sender's area within the limits.
func (b *Blobs) Start(ctx context.Context, u blobs.Upload, l blobs.Limits) error {
	if err := blobs.CheckUpload(u); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, b.db.pool, func(tx pgx.Tx) error {
		if u.Area != "" {
			if _, err := tx.Exec(ctx, areaLock, u.Area); err != nil {
				return err
			}
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM photo_uploads WHERE area = $1 AND hash = $2)`, u.Area, u.Hash).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return nil
		}
		if u.Area != "" {
			var q blobs.Count
			err := tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(size), 0),
				count(*) FILTER (WHERE device = $2), coalesce(sum(size) FILTER (WHERE device = $2), 0)
				FROM photo_uploads WHERE area = $1`, u.Area, u.Device).Scan(&q.UserN, &q.UserBytes, &q.DevN, &q.DevBytes)
			if err != nil {
				return err
			}
			if err := q.Allows(u, l); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO photo_uploads (area, hash, device, size) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, u.Area, u.Hash, u.Device, u.Size)
		return err
	})
	if err != nil {
		return fmt.Errorf("photo %s: %w", short(u.Hash), unavailable(err))
	}
	return nil
}

// Progress returns the verified prefix of the upload.
func (b *Blobs) Progress(ctx context.Context, u blobs.Upload) (blobs.Progress, error) {
	if err := blobs.CheckUpload(u); err != nil {
		return blobs.Progress{}, err
	}
	var p blobs.Progress
	err := b.db.pool.QueryRow(ctx, `SELECT have, state, size FROM photo_uploads WHERE area = $1 AND hash = $2`, u.Area, u.Hash).Scan(&p.Have, &p.State, &p.Size)
	if errors.Is(err, pgx.ErrNoRows) {
		return blobs.Progress{}, nil
	}
	if err != nil {
		return blobs.Progress{}, fmt.Errorf("photo %s: %w", short(u.Hash), unavailable(err))
	}
	if !blobs.ValidState(p.State, p.Have) {
		return blobs.Progress{}, nil
	}
	return p, nil
}

// Write adds chunk at offset with the state covering it, in one
// transaction: acknowledged once committed.
func (b *Blobs) Write(ctx context.Context, u blobs.Upload, offset int64, chunk, state []byte) error {
	if err := blobs.CheckUpload(u); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, b.db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO photo_uploads (area, hash, size) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`, u.Area, u.Hash); err != nil {
			return err
		}
		var have int64
		if err := tx.QueryRow(ctx, `SELECT have FROM photo_uploads WHERE area = $1 AND hash = $2 FOR UPDATE`, u.Area, u.Hash).Scan(&have); err != nil {
			return err
		}
		if offset != have {
			return fmt.Errorf("%w: %d bytes are here, the chunk starts at %d", blobs.ErrWrongOffset, have, offset)
		}
		if len(chunk) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO photo_upload_chunks (area, hash, "offset", data) VALUES ($1, $2, $3, $4)
				ON CONFLICT (area, hash, "offset") DO UPDATE SET data = EXCLUDED.data`, u.Area, u.Hash, offset, chunk); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE photo_uploads SET have = $3, state = $4, touched = now() WHERE area = $1 AND hash = $2`,
			u.Area, u.Hash, offset+int64(len(chunk)), state)
		return err
	})
	if err != nil {
		if errors.Is(err, blobs.ErrWrongOffset) {
			return err
		}
		return fmt.Errorf("photo %s: %w", short(u.Hash), unavailable(err))
	}
	return nil
}

// chunkReader reads an upload's chunks in order, one query each, so that
// a photo of 64 MB is never in memory whole.
type chunkReader struct {
	ctx     context.Context
	b       *Blobs
	u       blobs.Upload
	offsets []int64
	have    int64
	cur     []byte
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if len(r.offsets) == 0 {
			return 0, io.EOF
		}
		off := r.offsets[0]
		r.offsets = r.offsets[1:]
		err := r.b.db.pool.QueryRow(r.ctx, `SELECT data FROM photo_upload_chunks WHERE area = $1 AND hash = $2 AND "offset" = $3`,
			r.u.Area, r.u.Hash, off).Scan(&r.cur)
		if errors.Is(err, pgx.ErrNoRows) { // finished or discarded meanwhile
			return 0, fmt.Errorf("upload of photo %s at %d: %w", short(r.u.Hash), off, blobs.ErrNotFound)
		}
		if err != nil {
			return 0, fmt.Errorf("photo %s at %d: %w", short(r.u.Hash), off, unavailable(err))
		}
		if end := off + int64(len(r.cur)); end > r.have {
			r.cur = r.cur[:max(0, r.have-off)]
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func (r *chunkReader) Close() error { return nil }

// Read reads the upload's verified bytes.
func (b *Blobs) Read(ctx context.Context, u blobs.Upload) (io.ReadCloser, error) {
	if err := blobs.CheckUpload(u); err != nil {
		return nil, err
	}
	var p blobs.Progress
	err := b.db.pool.QueryRow(ctx, `SELECT have FROM photo_uploads WHERE area = $1 AND hash = $2`, u.Area, u.Hash).Scan(&p.Have)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("upload of photo %s: %w", short(u.Hash), blobs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("photo %s: %w", short(u.Hash), unavailable(err))
	}
	rows, err := b.db.pool.Query(ctx, `SELECT "offset" FROM photo_upload_chunks WHERE area = $1 AND hash = $2 AND "offset" < $3 ORDER BY "offset"`, u.Area, u.Hash, p.Have)
	if err != nil {
		return nil, fmt.Errorf("photo %s: %w", short(u.Hash), unavailable(err))
	}
	offsets, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("photo %s: %w", short(u.Hash), unavailable(err))
	}
	return &chunkReader{ctx: ctx, b: b, u: u, offsets: offsets, have: p.Have}, nil
}

// Finish writes the whole upload to the bucket as k, then forgets it. An
// object store that cannot be reached leaves the upload as it is
// (blobs.ErrUnavailable): the next chunk sent finishes it.
func (b *Blobs) Finish(ctx context.Context, u blobs.Upload, k blobs.Key) error {
	if err := blobs.CheckUpload(u); err != nil {
		return err
	}
	if err := blobs.CheckKey(k); err != nil {
		return err
	}
	if _, err := b.Stat(ctx, k); errors.Is(err, blobs.ErrNotFound) {
		p, err := b.Progress(ctx, u)
		if err != nil {
			return err
		}
		r, err := b.Read(ctx, u)
		if errors.Is(err, blobs.ErrNotFound) {
			if _, serr := b.Stat(ctx, k); serr == nil {
				return nil // another request finished it
			}
		}
		if err != nil {
			return err
		}
		_, err = b.db.s3.PutObject(ctx, b.db.bucket, string(k), r, p.Have, minio.PutObjectOptions{
			ContentType:    "application/octet-stream",
			SendContentMd5: true,
		})
		if err != nil {
			if _, serr := b.Stat(ctx, k); serr == nil {
				return nil // another request of this upload finished it meanwhile
			}
			if errors.Is(err, blobs.ErrNotFound) || errors.Is(err, blobs.ErrUnavailable) || errors.Is(err, ErrUnavailable) {
				return fmt.Errorf("photo %s: %w", short(u.Hash), err)
			}
			return s3Err(k, err)
		}
	} else if err != nil {
		return err // the store is down: try again later
	}
	return b.Discard(ctx, u)
}

// Discard forgets the upload and its chunks.
func (b *Blobs) Discard(ctx context.Context, u blobs.Upload) error {
	if err := blobs.CheckUpload(u); err != nil {
		return err
	}
	if _, err := b.db.pool.Exec(ctx, `DELETE FROM photo_uploads WHERE area = $1 AND hash = $2`, u.Area, u.Hash); err != nil {
		return fmt.Errorf("photo %s: %w", short(u.Hash), unavailable(err))
	}
	return nil
}

// Sweep discards the senders' uploads that got no byte for longer than idle.
func (b *Blobs) Sweep(ctx context.Context, idle time.Duration) (int, error) {
	tag, err := b.db.pool.Exec(ctx, `DELETE FROM photo_uploads WHERE area <> '' AND touched < now() - make_interval(secs => $1)`, idle.Seconds())
	if err != nil {
		return 0, fmt.Errorf("sweep uploads: %w", unavailable(err))
	}
	return int(tag.RowsAffected()), nil
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
