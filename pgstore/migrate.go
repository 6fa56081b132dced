package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/newsroom"
)

// Moved says what Import moved.
type Moved struct {
	Users, Devices, Articles, Revisions, Events, Audit, Publications, Photos, Renditions int
	Bytes                                                                                int64
}

func (m Moved) String() string {
	return fmt.Sprintf("%d users, %d devices, %d articles, %d revisions, %d decisions and comments, %d audit entries, %d publications, %d photos and %d renditions (%d MB)",
		m.Users, m.Devices, m.Articles, m.Revisions, m.Events, m.Audit, m.Publications, m.Photos, m.Renditions, m.Bytes>>20)
}

// ErrNotEmpty means the database already holds a newsroom: Import moves
// a newsroom only into an empty one.
var ErrNotEmpty = errors.New("the database already holds a newsroom")

// Import moves the newsroom of src (its records) and photos (its photo
// bytes) into db, which must be empty (ErrNotEmpty): the records in one
// transaction, committed once every photo they refer to is in the bucket
// and verified against its hash. Photos still arriving are not moved (their
// devices send them again). Run again after a failure, it starts over.
func (db *DB) Import(ctx context.Context, src newsroom.Dumper, photos blobs.Store) (Moved, error) {
	var moved Moved
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var any bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM articles)`).Scan(&any); err != nil {
			return err
		}
		if any {
			return ErrNotEmpty
		}
		l := &loader{pgTx: pgTx{ctx: ctx, tx: tx}, moved: &moved}
		if err := src.Dump(ctx, l); err != nil {
			return err
		}
		if err := l.flush(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE change_seq SET last = $1 WHERE id = 1`, int64(l.lastChange)); err != nil {
			return err
		}
		return l.copyPhotos(photos, db.Blobs())
	})
	if err != nil {
		return moved, fmt.Errorf("import: %w", txErr(err))
	}
	return moved, nil
}

// loader is a newsroom.Loader into one transaction.
type loader struct {
	pgTx
	moved      *Moved
	lastChange uint64
	originals  map[string]bool
	renditions []rendition
}

type rendition struct {
	newsroom.Filed
	original string
}

func (l *loader) LoadUser(u newsroom.User) error {
	l.moved.Users++
	return l.PutUser(u)
}

func (l *loader) LoadDevice(d newsroom.Device) error {
	l.moved.Devices++
	return l.PutDevice(d)
}

func (l *loader) LoadToken(hash, device string) error { return l.PutToken(hash, device) }

func (l *loader) LoadMutations(device string, last uint64) error {
	return l.exec(`INSERT INTO device_mutations (device, last) VALUES ($1, $2)`, device, int64(last))
}

func (l *loader) LoadOutcome(device string, id uint64, o fielddesk.Outcome) error {
	return l.exec(`INSERT INTO mutation_outcomes (device, id, outcome) VALUES ($1, $2, $3)`, device, int64(id), mustJSON(o))
}

func (l *loader) LoadArticle(owner string, s fielddesk.Summary, created time.Time) error {
	l.moved.Articles++
	if err := l.SetOwner(s.ID, owner); err != nil {
		return err
	}
	return l.putSummary(summary{Summary: s, Created: created})
}

func (l *loader) LoadRevision(rev fielddesk.Revision) error {
	l.moved.Revisions++
	return l.putRevision(rev)
}

func (l *loader) LoadEvent(e fielddesk.Event) error {
	l.moved.Events++
	return l.PutEvent(e)
}

func (l *loader) LoadAudit(article fielddesk.ID, e fielddesk.AuditEntry) error {
	l.moved.Audit++
	return l.AddAudit(article, e)
}

func (l *loader) LoadChange(e newsroom.LogEntry) error {
	l.lastChange = max(l.lastChange, e.Seq)
	return l.exec(`INSERT INTO changes (seq, article) VALUES ($1, $2)`, int64(e.Seq), string(e.Article))
}

func (l *loader) LoadSchedule(article fielddesk.ID, due time.Time) error {
	return l.Schedule(article, due)
}

func (l *loader) LoadPublication(p newsroom.Publication) error {
	l.moved.Publications++
	return l.PutPublication(p, newsroom.Publication{})
}

func (l *loader) LoadVersion(p newsroom.Publication) error { return l.PutVersion(p) }

func (l *loader) LoadPendingNote(article fielddesk.ID, note fielddesk.PublicationNote) error {
	return l.SetPendingNote(article, note)
}

func (l *loader) LoadShown(hash string, article fielddesk.ID) error {
	return l.ShowPhoto(hash, article, true)
}

func (l *loader) LoadHolder(hash, user string) error {
	if l.originals == nil {
		l.originals = map[string]bool{}
	}
	l.originals[hash] = true
	return l.HoldPhoto(hash, user)
}

func (l *loader) LoadRendition(f newsroom.Filed, original string) error {
	l.renditions = append(l.renditions, rendition{f, original})
	return l.FileRendition(original, f.User, f.Hash)
}

func (l *loader) LoadWanted(hash string) error { return l.WantOriginal(hash) }

// migrateArea is the upload area photos are moved through.
var migrateArea = blobs.Area("fielddesk-migrate")

// copyPhotos copies the photos someone holds and the renditions filed,
// each verified against its hash on the way.
func (l *loader) copyPhotos(from, to blobs.Store) error {
	type job struct {
		key  blobs.Key
		hash string
	}
	var jobs []job
	hashes := make([]string, 0, len(l.originals))
	for h := range l.originals {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	for _, h := range hashes {
		jobs = append(jobs, job{blobs.Original(h), h})
	}
	for _, r := range l.renditions {
		jobs = append(jobs, job{blobs.Rendition(blobs.Area(r.User), r.original), r.Hash})
	}
	for _, j := range jobs {
		n, err := copyObject(l.ctx, from, to, j.key, j.hash)
		if err != nil {
			return err
		}
		l.moved.Bytes += n
		if strings.HasPrefix(string(j.key), "photo/") {
			l.moved.Photos++
		} else {
			l.moved.Renditions++
		}
	}
	return nil
}

// copyObject copies the object k, whose bytes hash to hash, verified.
func copyObject(ctx context.Context, from, to blobs.Store, k blobs.Key, hash string) (int64, error) {
	if n, err := to.Stat(ctx, k); err == nil {
		return n, nil // moved by an earlier run
	}
	o, err := from.Open(ctx, k)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", k, err)
	}
	defer o.Close()
	u := blobs.Upload{Area: migrateArea, Hash: hash, Size: o.Size()}
	if u.Size == 0 {
		return 0, fmt.Errorf("%s is empty: %w", k, blobs.ErrHashMismatch)
	}
	const chunk = 4 << 20
	for off := int64(0); ; off += chunk {
		st, err := blobs.Append(ctx, to, u, blobs.Chunk{Offset: off, Data: io.LimitReader(o, chunk)}, chunk, blobs.Finish{Key: k})
		if err != nil {
			return 0, fmt.Errorf("%s: %w", k, err)
		}
		if st.Complete {
			return u.Size, nil
		}
	}
}
