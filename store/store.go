package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/durable"
)

// DB is an open data folder. Its methods are safe for concurrent use.
type DB struct {
	indexer
	dir string
	// kvMu is held (shared) by every use of db, and (alone) to reopen it
	// writable after a full disk made it open read-only.
	kvMu     sync.RWMutex
	db       *badger.DB
	readOnly bool
	writeMu  sync.Mutex // one writer: saves read the head and write it back
	uploads  sync.Map   // partial file -> *sync.Mutex: appends to one file take turns (blobs.go)
	quotaMu  sync.Mutex // one new upload (or sweep) at a time
	now      func() time.Time
	clk      storeClock
	// spaceDone stops the watch on free space (space.go).
	spaceDone, spaceStopped chan struct{}
	// onFlush, when set (tests), hears of every file and folder flush.
	onFlush func(kind, path string)
}

// Open opens or creates the data folder dir. It returns an error wrapping
// fielddesk.ErrInUse when another FieldDesk holds the folder, and sweeps photo
// files no revision refers to (left by a crash between writing a photo and
// saving the revision).
func Open(dir string) (*DB, error) {
	if err := finishRebuild(dir); err != nil {
		return nil, err
	}
	for _, sub := range []string{"db", "photos/tmp", "cache"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the data folder %s: %w", dir, err)
		}
	}
	dbDir := filepath.Join(dir, "db")
	if heldByAnother(dbDir) {
		return nil, fmt.Errorf("the data folder %s is open in another FieldDesk window or process; close it first: %w", dir, fielddesk.ErrInUse)
	}
	if err := repairAfterKill(dbDir); err != nil {
		return nil, err
	}
	// On a full disk Badger would die opening (it writes the headers of
	// new memory-mapped files): open read-only; the first write once space
	// is back reopens it for writing.
	readOnly := false
	if free, err := freeBytes(dir); err == nil && free < spaceReserve {
		readOnly = true
	}
	if err := probeWritable(dbDir); errors.Is(err, fielddesk.ErrReadOnly) {
		readOnly = true // a disk that takes no writes: read what is there
	}
	wantedReadOnly := readOnly
	if !canOpenReadOnly {
		readOnly = false // Windows: try for writing, and say what stopped it
	}
	bdb, err := openBadger(dbDir, readOnly)
	var recovered bool
	if err != nil && !wantedReadOnly && damaged(err) {
		// The files are damaged: rebuild from what they still hold rather
		// than refuse to start (salvage.go).
		if _, serr := salvage(dir, err, time.Now()); serr != nil {
			return nil, fmt.Errorf("cannot open the data folder %s (%v), nor rebuild it: %w", dir, err, serr)
		}
		recovered = true
		bdb, err = openBadger(dbDir, false)
	}
	if err != nil {
		if heldByAnother(dbDir) {
			return nil, fmt.Errorf("the data folder %s is open in another FieldDesk window or process; close it first: %w", dir, fielddesk.ErrInUse)
		}
		if wantedReadOnly {
			if werr := probeWritable(dbDir); werr != nil {
				return nil, fmt.Errorf("cannot open the data folder %s: %w", dir, werr)
			}
			free, _ := freeBytes(dir)
			return nil, fmt.Errorf("cannot open the data folder %s: %w", dir, &fielddesk.DiskFullError{Free: free, Need: spaceReserve})
		}
		return nil, fmt.Errorf("cannot open the data folder %s: %w", dir, err)
	}
	s := &DB{dir: dir, db: bdb, readOnly: readOnly, now: time.Now}
	if err := s.loadClock(); err != nil {
		bdb.Close()
		return nil, fmt.Errorf("open the data folder %s: %w", dir, err)
	}
	// After a rebuild, a photo whose revision was lost stays: nothing
	// refers to it any more, but it is the person's work.
	if !recovered {
		if err := s.sweep(); err != nil {
			bdb.Close()
			return nil, err
		}
	}
	s.SweepUploads()
	s.sweepTemporary()
	// Photos a server received before holders were recorded get them;
	// a failure (a full disk) is tried again at the next open.
	_ = s.migrateHolders()
	// Index what a crash left unindexed, then keep up with saves. An
	// article that cannot be indexed never keeps the folder from opening:
	// IndexProblem says so and the indexer tries again.
	_ = s.flushIndex()
	s.startIndexer()
	s.spaceDone, s.spaceStopped = make(chan struct{}), make(chan struct{})
	go func() { defer close(s.spaceStopped); s.watchSpace(s.spaceDone) }()
	return s, nil
}

// openBadger opens Badger's folder after checking the tables it will
// open (checkTables), and turns a panic of Badger's own into an error
// wrapping errDamaged.
func openBadger(dbDir string, readOnly bool) (db *badger.DB, err error) {
	if err := checkTables(dbDir); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %.300s", errDamaged, fmt.Sprint(r))
		}
	}()
	return badger.Open(badgerOptions(dbDir, readOnly))
}

// damaged says whether an error opening Badger's folder comes from its
// files (rebuild from them) rather than from the disk or the system (a
// full, read-only, busy or missing disk, a folder not allowed: say so and
// leave the files alone).
func damaged(err error) bool {
	if errors.Is(err, errDamaged) {
		return true
	}
	var full *fielddesk.DiskFullError
	mapped := diskErr(err)
	switch {
	case errors.As(mapped, &full), errors.Is(mapped, fielddesk.ErrReadOnly), errors.Is(mapped, fielddesk.ErrFileBusy),
		errors.Is(mapped, fielddesk.ErrDiskGone), errors.Is(err, os.ErrPermission),
		errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE), errors.Is(err, syscall.ENOMEM):
		return false
	}
	return true
}

// flushOff, set only by the power-cut test's child, removes one flush
// ("database": Badger's SyncWrites; "files": photo and upload files) to
// show that the test catches its absence.
var flushOff string

// sweepTemporary deletes the temporary files a crash in the middle of a
// durable write left (the ballast's among them, 16 MB): at Open nothing
// of this store is writing yet.
func (s *DB) sweepTemporary() {
	if entries, err := os.ReadDir(s.dir); err == nil {
		for _, e := range entries {
			if durable.IsTemp(e.Name()) {
				os.Remove(filepath.Join(s.dir, e.Name()))
			}
		}
	}
	for _, dir := range []string{s.CacheDir(), filepath.Join(s.dir, "photos", "partial")} {
		filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && durable.IsTemp(e.Name()) {
				os.Remove(path)
			}
			return nil
		})
	}
}

// badgerOptions are the store's Badger settings: small footprint, every
// commit flushed before it is acknowledged.
func badgerOptions(dir string, readOnly bool) badger.Options {
	return badger.DefaultOptions(dir).
		WithReadOnly(readOnly).
		WithSyncWrites(flushOff != "database").
		WithLogger(nil).
		WithMemTableSize(4 << 20).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(4).
		WithBlockCacheSize(4 << 20).
		WithIndexCacheSize(2 << 20).
		WithValueLogFileSize(64 << 20).
		WithValueThreshold(32 << 10).
		WithBaseTableSize(1 << 20).
		WithNumCompactors(2).
		WithNumGoroutines(2).
		WithMetricsEnabled(false)
}

// view runs fn in a read-only transaction.
func (s *DB) view(fn func(txn *badger.Txn) error) error {
	s.kvMu.RLock()
	defer s.kvMu.RUnlock()
	return s.db.View(fn)
}

// update runs fn in a read-write transaction, after making sure the disk
// has room for it (a *fielddesk.DiskFullError otherwise: nothing written).
func (s *DB) update(fn func(txn *badger.Txn) error) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.kvMu.RLock()
	defer s.kvMu.RUnlock()
	return s.db.Update(fn)
}

// writable returns a *fielddesk.DiskFullError when the disk has no room
// for a write, and reopens for writing a store opened read-only on a full
// disk once there is room again.
func (s *DB) writable() error {
	if err := s.roomFor(0); err != nil {
		return err
	}
	s.kvMu.RLock()
	ro := s.readOnly
	s.kvMu.RUnlock()
	if !ro {
		return nil
	}
	s.kvMu.Lock()
	defer s.kvMu.Unlock()
	if !s.readOnly {
		return nil
	}
	dbDir := filepath.Join(s.dir, "db")
	if err := probeWritable(dbDir); err != nil {
		return fmt.Errorf("the data folder %s: %w", s.dir, err)
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("reopen the data folder %s: %w", s.dir, err)
	}
	bdb, err := badger.Open(badgerOptions(dbDir, false))
	if err != nil {
		// Go on reading as before.
		if ro, rerr := badger.Open(badgerOptions(dbDir, true)); rerr == nil {
			s.db = ro
		}
		return fmt.Errorf("reopen the data folder %s for writing: %w", s.dir, diskErr(err))
	}
	s.db, s.readOnly = bdb, false
	return nil
}

// Close flushes and closes the database. Always call it before exit.
func (s *DB) Close() error {
	if s.spaceDone != nil {
		close(s.spaceDone)
		<-s.spaceStopped
		s.spaceDone = nil
	}
	s.stopIndexer()
	_ = s.flushIndex() // what is left is indexed at the next open
	s.kvMu.Lock()
	defer s.kvMu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close data folder %s: %w", s.dir, err)
	}
	return nil
}

// Dir is the data folder.
func (s *DB) Dir() string { return s.dir }

// CacheDir is a folder for derived files (thumbnails) that may be deleted at any time.
func (s *DB) CacheDir() string { return filepath.Join(s.dir, "cache") }

func articleKey(id fielddesk.ID) []byte { return []byte("a/" + string(id)) }
func revisionKey(article, rev fielddesk.ID) []byte {
	return []byte("r/" + string(article) + "/" + string(rev))
}
func historyKey(article, rev fielddesk.ID) []byte {
	return []byte("h/" + string(article) + "/" + string(rev))
}
func photoRefKey(hash string, article, rev fielddesk.ID) []byte {
	return []byte("p/" + hash + "/" + string(article) + "/" + string(rev))
}

// Save stores a as a new immutable revision and returns it once it is
// durable. An article with no ID is new and gets one. base is the revision the
// text was edited from (empty: the current head). When a's content equals the
// head's, nothing is written and the head revision is returned.
//
// Errors: a *fielddesk.ValidationError (errors.Is ErrInvalid) naming every bad
// field, ErrNotFound when a referenced photo file is not in the store, or an
// I/O error; on any error nothing is written and the previous revision stays.
//
// A save never changes an existing article's workflow status (a window
// holding an old copy cannot turn a sent article back into a draft); Send
// and the workflow do.
func (s *DB) Save(ctx context.Context, a fielddesk.Article, base fielddesk.ID) (fielddesk.Revision, error) {
	return s.save(ctx, a, base, "", "", false)
}

// save writes a new revision; status, if not empty, is the article's new
// workflow status, otherwise it keeps the head's. The head's conflicts
// stay (a window that does not show them cannot drop them) unless
// resolving says a's conflicts are the new ones.
func (s *DB) save(ctx context.Context, a fielddesk.Article, base, restoredFrom fielddesk.ID, status fielddesk.Status, resolving bool) (fielddesk.Revision, error) {
	if err := ctx.Err(); err != nil {
		return fielddesk.Revision{}, err
	}
	a = a.Normalized()
	if err := a.Validate(); err != nil {
		return fielddesk.Revision{}, err
	}
	for _, p := range a.Photos {
		// The original, or (an article received from the newsroom) its
		// rendition while the original is on its way.
		if _, _, err := s.PhotoFile(p.Hash); err != nil {
			return fielddesk.Revision{}, fmt.Errorf("photo %s (%s) is not in the data folder: %w", p.Name, p.Hash[:12], fielddesk.ErrNotFound)
		}
	}
	role, _, err := s.role(ctx)
	if err != nil {
		return fielddesk.Revision{}, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()

	isNew := a.ID == ""
	if isNew {
		a.ID = fielddesk.NewID()
	}
	now := s.clock().UTC()
	var rev fielddesk.Revision
	err = s.update(func(txn *badger.Txn) error {
		sum, err := getSummary(txn, a.ID)
		switch {
		case errors.Is(err, fielddesk.ErrNotFound):
			if a.Created.IsZero() {
				a.Created = now
			}
			if !resolving {
				a.Conflicts = nil // only a merge makes conflicts
			}
		case err != nil:
			return err
		default:
			// A state that forbids editing (published, approved for a
			// correspondent…) forbids it here too: an edit kept only on
			// this computer would part from what the newsroom has.
			if err := fielddesk.CanEdit(role, sum.Status); err != nil && status == "" {
				return err
			}
			a.Created = sum.Created
			if base == "" {
				base = sum.Head
			}
			if sum.Status != "" {
				a.Status = sum.Status
			}
			if !resolving {
				a.Conflicts = nil
				if sum.Conflicts > 0 {
					var head fielddesk.Revision
					if err := getJSON(txn, revisionKey(a.ID, sum.Head), &head); err != nil {
						return err
					}
					a.Conflicts = head.Article.Conflicts
				}
			}
		}
		if status != "" {
			a.Status = status
		}
		a.Created = a.Created.UTC()
		content, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("encode article: %w", err)
		}
		hash := contentHash(content)
		if sum.Head != "" && restoredFrom == "" && hash == sum.ContentHash {
			// Nothing changed since the head: no new revision.
			return getJSON(txn, revisionKey(a.ID, sum.Head), &rev)
		}
		rev = fielddesk.Revision{ID: fielddesk.NewID(), Base: base, Saved: now, Words: a.Words(), Article: a}
		if err := s.saw(txn, now); err != nil {
			return err
		}
		if a.Status != fielddesk.StatusDraft {
			// Sent before: this edit goes to the newsroom too (outbox.go).
			if err := txn.Set(queueKey(a.ID), nil); err != nil {
				return err
			}
		}
		return writeRevision(txn, rev, content, sum, restoredFrom)
	})
	if err != nil {
		return fielddesk.Revision{}, fmt.Errorf("save article %s: %w", a.ID, mapErr(err))
	}
	s.committed(now)
	s.wakeIndexer()
	return rev, nil
}

// writeRevision writes a new head revision of an article in txn: the
// revision, its history line, the article's summary (prev is the one it
// replaces), its photo references, the search-index marker (the index
// follows in the background, see indexer) and a change-log entry.
func writeRevision(txn *badger.Txn, rev fielddesk.Revision, content []byte, prev summaryRecord, restoredFrom fielddesk.ID) error {
	a := rev.Article
	record, err := encodeRevision(rev, content)
	if err != nil {
		return err
	}
	if err := txn.Set(revisionKey(a.ID, rev.ID), record); err != nil {
		return err
	}
	info := fielddesk.RevisionInfo{ID: rev.ID, Base: rev.Base, Saved: rev.Saved, Words: rev.Words, Headline: a.Headline, RestoredFrom: restoredFrom}
	if err := setJSON(txn, historyKey(a.ID, rev.ID), info); err != nil {
		return err
	}
	created := a.Created
	if !prev.Created.IsZero() {
		created = prev.Created
	}
	next := summaryRecord{Summary: fielddesk.NextSummary(prev.Summary, rev), Created: created, ContentHash: contentHash(content)}
	if err := txn.Set(articleKey(a.ID), next.encode()); err != nil {
		return err
	}
	for _, p := range a.Photos {
		if err := txn.Set(photoRefKey(p.Hash, a.ID, rev.ID), nil); err != nil {
			return err
		}
	}
	if err := txn.Set(dirtyKey(a.ID), nil); err != nil {
		return err
	}
	return logChange(txn, a.ID)
}

// encodeRevisionJSON encodes a revision whose article is not yet encoded.
func encodeRevisionJSON(rev fielddesk.Revision) ([]byte, error) {
	content, err := json.Marshal(rev.Article)
	if err != nil {
		return nil, fmt.Errorf("encode article: %w", err)
	}
	return encodeRevision(rev, content)
}

// encodeRevision writes rev as JSON around its article's JSON, already
// encoded for the content hash, without encoding or validating it again.
func encodeRevision(rev fielddesk.Revision, content []byte) ([]byte, error) {
	head, err := json.Marshal(struct {
		ID    fielddesk.ID `json:"id"`
		Base  fielddesk.ID `json:"base,omitempty"`
		Saved time.Time    `json:"saved"`
		Words int          `json:"words"`
	}{rev.ID, rev.Base, rev.Saved, rev.Words})
	if err != nil {
		return nil, fmt.Errorf("encode revision: %w", err)
	}
	out := make([]byte, 0, len(head)+len(content)+12)
	out = append(out, head[:len(head)-1]...)
	out = append(out, `,"article":`...)
	out = append(out, content...)
	return append(out, '}'), nil
}

func contentHash(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:16])
}

// Latest returns the newest revision of an article, or an error wrapping ErrNotFound.
func (s *DB) Latest(ctx context.Context, id fielddesk.ID) (fielddesk.Revision, error) {
	var rev fielddesk.Revision
	err := s.view(func(txn *badger.Txn) error {
		var err error
		_, rev, err = getHead(txn, id)
		return err
	})
	if err != nil {
		return rev, fmt.Errorf("article %s: %w", id, mapErr(err))
	}
	return rev, nil
}

// Revision returns one revision of an article, or an error wrapping ErrNotFound.
func (s *DB) Revision(ctx context.Context, article, rev fielddesk.ID) (fielddesk.Revision, error) {
	var r fielddesk.Revision
	err := s.view(func(txn *badger.Txn) error { return getJSON(txn, revisionKey(article, rev), &r) })
	if err != nil {
		return r, fmt.Errorf("revision %s of article %s: %w", rev, article, mapErr(err))
	}
	return r, nil
}

// History lists an article's revisions, newest first, without their content.
// It returns an error wrapping ErrNotFound for an unknown article.
func (s *DB) History(ctx context.Context, article fielddesk.ID) ([]fielddesk.RevisionInfo, error) {
	var out []fielddesk.RevisionInfo
	err := s.view(func(txn *badger.Txn) error {
		if _, err := txn.Get(articleKey(article)); err != nil {
			return err
		}
		return eachJSON(txn, historyKey(article, ""), func(info *fielddesk.RevisionInfo) error {
			out = append(out, *info)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("history of article %s: %w", article, mapErr(err))
	}
	// Newest first, by the store's clock (which a system clock reset to
	// 2000 cannot send back); IDs carry the system clock, so they only
	// settle ties.
	slices.SortStableFunc(out, func(a, b fielddesk.RevisionInfo) int {
		if c := b.Saved.Compare(a.Saved); c != 0 {
			return c
		}
		return strings.Compare(string(b.ID), string(a.ID))
	})
	return out, nil
}

// Restore makes the content of an old revision the newest revision. History
// is never rewritten: the restore is a revision of its own.
func (s *DB) Restore(ctx context.Context, article, rev fielddesk.ID) (fielddesk.Revision, error) {
	old, err := s.Revision(ctx, article, rev)
	if err != nil {
		return fielddesk.Revision{}, fmt.Errorf("restore: %w", err)
	}
	return s.save(ctx, old.Article, "", rev, "", false)
}

// List returns a summary of every article but those in the trash, most
// recently changed first.
func (s *DB) List(ctx context.Context) ([]fielddesk.Summary, error) {
	var out []fielddesk.Summary
	err := s.view(func(txn *badger.Txn) error {
		trashed, err := trashedSet(txn)
		if err != nil {
			return err
		}
		return eachSummary(ctx, txn, func(r summaryRecord) error {
			if _, gone := trashed[r.ID]; !gone {
				out = append(out, r.Summary)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", mapErr(err))
	}
	slices.SortStableFunc(out, func(a, b fielddesk.Summary) int { return b.Updated.Compare(a.Updated) })
	return out, nil
}

// eachSummary calls fn with every article's summary, in key order.
func eachSummary(ctx context.Context, txn *badger.Txn, fn func(summaryRecord) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("a/"), PrefetchValues: true, PrefetchSize: 256})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var r summaryRecord
		if err := it.Item().Value(func(v []byte) (err error) { r, err = decodeSummary(v); return err }); err != nil {
			return fmt.Errorf("%s: %w", it.Item().Key(), err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func getJSON(txn *badger.Txn, key []byte, v any) error {
	item, err := txn.Get(key)
	if err != nil {
		return mapErr(err)
	}
	return item.Value(func(val []byte) error {
		if err := json.Unmarshal(val, v); err != nil {
			return fmt.Errorf("decode %s: %w", key, err)
		}
		return nil
	})
}

func setJSON(txn *badger.Txn, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return txn.Set(key, b)
}

func eachJSON[T any](txn *badger.Txn, prefix []byte, fn func(*T) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var v T
		if err := it.Item().Value(func(val []byte) error { return json.Unmarshal(val, &v) }); err != nil {
			return fmt.Errorf("decode %s: %w", it.Item().Key(), err)
		}
		if err := fn(&v); err != nil {
			return err
		}
	}
	return nil
}

func mapErr(err error) error {
	if errors.Is(err, badger.ErrKeyNotFound) {
		return fielddesk.ErrNotFound
	}
	return err
}

// NameRevision gives a version of an article a name a person chose (an
// empty name takes it off). The name is this desk's: it is not sent.
func (s *DB) NameRevision(ctx context.Context, article, rev fielddesk.ID, name string) error {
	name = strings.Join(strings.Fields(fielddesk.NFC(name)), " ")
	if utf8.RuneCountInString(name) > fielddesk.MaxVersionName {
		return fmt.Errorf("a version's name has at most %d characters: %w", fielddesk.MaxVersionName, fielddesk.ErrInvalid)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(func(txn *badger.Txn) error {
		var info fielddesk.RevisionInfo
		if err := getJSON(txn, historyKey(article, rev), &info); err != nil {
			return err
		}
		info.Name = name
		return setJSON(txn, historyKey(article, rev), info)
	})
	if err != nil {
		return fmt.Errorf("name version %s of %s: %w", rev, article, mapErr(err))
	}
	return nil
}
