package ui

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"github.com/fielddesk/fielddesk"
)

// Backend is what the interface needs from the rest of FieldDesk;
// *desk.Desk implements it. Every method may block on the disk and is
// called off the UI goroutine.
type Backend interface {
	// List lists every article, newest first.
	List(ctx context.Context) ([]fielddesk.Summary, error)
	// Search finds articles by words (diacritics optional), best first, with snippets.
	Search(ctx context.Context, query string) ([]fielddesk.Hit, error)
	Latest(ctx context.Context, id fielddesk.ID) (fielddesk.Revision, error)
	Revision(ctx context.Context, article, rev fielddesk.ID) (fielddesk.Revision, error)
	// Save stores a new revision and returns once it is durable.
	Save(ctx context.Context, a fielddesk.Article, base fielddesk.ID) (fielddesk.Revision, error)
	History(ctx context.Context, id fielddesk.ID) ([]fielddesk.RevisionInfo, error)
	Restore(ctx context.Context, article, rev fielddesk.ID) (fielddesk.Revision, error)
	// NameRevision names a version (empty: no name).
	NameRevision(ctx context.Context, article, rev fielddesk.ID, name string) error
	// AddPhoto checks, stores and thumbnails an image.
	AddPhoto(ctx context.Context, name string, r io.Reader) (fielddesk.Photo, error)
	// Thumbnail returns the path of a photo's upright thumbnail, making it if needed.
	Thumbnail(ctx context.Context, hash string) (string, error)
	// Act makes a workflow decision (checked against the workflow for this
	// device's role; an error wrapping fielddesk.ErrNotAllowed says why not).
	Act(ctx context.Context, id fielddesk.ID, action fielddesk.Action, comment string) (fielddesk.Event, error)
	// Assign hands an article to another editor of its desk (their user
	// name), with an optional note.
	Assign(ctx context.Context, id fielddesk.ID, editor, comment string) (fielddesk.Event, error)
	// Schedule has the newsroom publish an approved article at a time
	// (embargo: the time is an embargo).
	Schedule(ctx context.Context, id fielddesk.ID, due time.Time, embargo bool, comment string) (fielddesk.Event, error)
	// Comment comments on a paragraph (1-based; 0: the whole article) or
	// answers another comment (replyTo).
	Comment(ctx context.Context, id fielddesk.ID, paragraph int, text string, replyTo fielddesk.ID) (fielddesk.Event, error)
	// ReviewOf returns an article's state, decisions, comments and audit log.
	ReviewOf(ctx context.Context, id fielddesk.ID) (fielddesk.Review, error)
	// ResolveConflict settles a conflict with text, as a new revision.
	ResolveConflict(ctx context.Context, id fielddesk.ID, conflictID, text string) (fielddesk.Revision, error)
	// ReviewQueue lists what waits on editors, oldest submitted first.
	ReviewQueue(ctx context.Context) ([]fielddesk.Summary, error)
	// PhotoFile returns the file of a photo: its original, or (original
	// false) the small copy an editor's device received first.
	PhotoFile(hash string) (path string, original bool, err error)
	// Settings returns the settings kept in the data folder (its person's).
	Settings() (map[string]string, error)
	// SetSetting stores one setting durably; an empty value removes it.
	SetSetting(key, value string) error
	// ExportFile writes an article to path as "md" (a bundle), "html" (a
	// page) or "ninjs", its photos beside it.
	ExportFile(ctx context.Context, id fielddesk.ID, format, path string) error
	// Trash moves a draft to the trash (an error wrapping
	// fielddesk.ErrNotAllowed: it is not a draft, or something of it
	// waits to be sent); Untrash brings it back; Trashed lists the trash
	// (each with its Trashed time; zero: being deleted); EmptyTrash
	// deletes what is there for good and says how many went.
	Trash(ctx context.Context, id fielddesk.ID) error
	Untrash(ctx context.Context, id fielddesk.ID) error
	Trashed(ctx context.Context) ([]fielddesk.Summary, error)
	EmptyTrash(ctx context.Context) (int, error)
	// Recovery is the report of a rebuild of the data folder's database
	// after its files were found damaged (nil: none); DismissRecovery
	// forgets it once the person has read it.
	Recovery() *fielddesk.Recovery
	DismissRecovery() error
	// Clock is the store's time and what it thinks of the system clock
	// (in memory: safe on the UI goroutine).
	Clock() fielddesk.ClockState
}

// worker runs blocking work off the UI goroutine and hands the result back
// to the UI goroutine through do (fyne.Do in the app; tests pump a queue).
type worker struct {
	do      func(func())
	pending atomic.Int64 // jobs started whose done callback has not yet run
}

// run calls work on a new goroutine, then done (if not nil) on the UI goroutine.
func (w *worker) run(work func(), done func()) {
	w.pending.Add(1)
	go func() {
		work()
		w.do(func() {
			defer w.pending.Add(-1)
			if done != nil {
				done()
			}
		})
	}()
}
