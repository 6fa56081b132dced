// Package newsroom holds the newsroom server's rules, written once over
// the small interfaces a backend implements: who may touch which article,
// applying each device's mutations at most once, the workflow's checks,
// the three-way merge of revisions made apart, who holds an article, the
// audit log, the schedule, publication, and the change log devices pull.
//
// A Backend gives transactions (Tx: typed reads and writes of records)
// and photo bytes (blobs.Store). The embedded backend is store (Badger
// and files); the shared one is pgstore (PostgreSQL and an S3-compatible
// object store). The rules never see a key, a table or a file.
package newsroom

import (
	"context"
	"errors"
	"time"

	"github.com/fielddesk/fielddesk"
)

// Backend is where a newsroom keeps its records and photos.
type Backend interface {
	// Update runs fn in a read-write transaction and returns once it is
	// committed durably; on an error of fn nothing of it is kept. A
	// backend may run fn again (a transaction that lost a race), so fn
	// keeps no state of its own across runs. It returns an error wrapping
	// ErrTxnTooBig when the transaction is more than the backend takes at
	// once, and one wrapping fielddesk.ErrUnavailable when the database
	// could not be reached (nothing committed).
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction (a consistent snapshot).
	View(ctx context.Context, fn func(Tx) error) error
}

// ErrTxnTooBig means a transaction outgrew what the backend commits at
// once: the caller commits less at a time.
var ErrTxnTooBig = errors.New("transaction too big")

// Tx is one transaction's reads and writes. Reads of what is not there
// return an error wrapping fielddesk.ErrNotFound (or false).
type Tx interface {
	// LastMutation is the last mutation ID applied for device (0: none).
	LastMutation(device string) (uint64, error)
	// Outcome is the outcome recorded for a device's mutation.
	Outcome(device string, id uint64) (fielddesk.Outcome, error)
	// RecordMutation records mutation id of device as applied with o (and
	// id as the device's last).
	RecordMutation(device string, id uint64, o fielddesk.Outcome) error

	// User is an account (with its password hash).
	User(name string) (User, error)
	PutUser(u User) error
	// Users lists every account, by name.
	Users() ([]User, error)
	Device(id string) (Device, error)
	PutDevice(d Device) error
	// Devices lists every device.
	Devices() ([]Device, error)
	// TokenDevice is the device a token (by its TokenHash) belongs to.
	TokenDevice(tokenHash string) (string, error)
	PutToken(tokenHash, device string) error

	// Owner is who first sent an article ("" if nobody yet).
	Owner(article fielddesk.ID) (string, error)
	SetOwner(article fielddesk.ID, user string) error
	// Summary is an article's summary (its head, state, holder, due…).
	Summary(article fielddesk.ID) (fielddesk.Summary, error)
	// PutSummary changes an article's state, holder, submitted, due and
	// embargo (the rest follows its head revision).
	PutSummary(s fielddesk.Summary) error
	Revision(article, rev fielddesk.ID) (fielddesk.Revision, error)
	HasRevision(article, rev fielddesk.ID) (bool, error)
	// PutHead stores a normalized revision as its article's newest: the
	// revision, its history line, the summary (which keeps the state,
	// holder, due and submitted time the article had, its status taken
	// from the revision), the photos it refers to, and a change-log entry.
	PutHead(rev fielddesk.Revision) error
	// KeepRevision stores a revision in its article's history without
	// making it the newest.
	KeepRevision(rev fielddesk.Revision) error
	// ChangeLog returns at most max entries of the change log after
	// position after, in order.
	ChangeLog(after uint64, max int) ([]LogEntry, error)
	// LogChange appends an article to the change log devices pull. The
	// log's order is the order of commits: a change committed later never
	// gets a position before one a reader has already passed.
	LogChange(article fielddesk.ID) error

	// Events are an article's decisions and comments, in ID order.
	Events(article fielddesk.ID) ([]fielddesk.Event, error)
	HasEvent(article, event fielddesk.ID) (bool, error)
	PutEvent(e fielddesk.Event) error
	// Audit is an article's audit log, oldest first.
	Audit(article fielddesk.ID) ([]fielddesk.AuditEntry, error)
	AddAudit(article fielddesk.ID, e fielddesk.AuditEntry) error

	// Schedule puts an article in the schedule at due; Unschedule takes
	// it out of the place due.
	Schedule(article fielddesk.ID, due time.Time) error
	Unschedule(article fielddesk.ID, due time.Time) error
	// Due lists the scheduled articles due at or before t, soonest first.
	Due(t time.Time) ([]fielddesk.ID, error)
	// NextDue is when the soonest scheduled article is due (ok false: none).
	NextDue() (due time.Time, ok bool, err error)

	// Publication is an article's publication.
	Publication(article fielddesk.ID) (Publication, error)
	// PutPublication writes it (prev, the one it replaces: zero if none),
	// with its place among publications by time and its address.
	PutPublication(pub, prev Publication) error
	// SlugTaken reports whether an address is some article's.
	SlugTaken(slug string) (bool, error)
	// ArticleAt is the article published at an address.
	ArticleAt(slug string) (fielddesk.ID, error)
	// EachPublication calls fn with each publication that changed after
	// since, newest first, until fn says no more.
	EachPublication(since time.Time, fn func(Publication) (more bool, err error)) error
	// PutVersion keeps an earlier version of a publication; Version reads
	// one.
	PutVersion(pub Publication) error
	Version(article fielddesk.ID, n int) (Publication, error)
	// PendingNote is the note of a correction or update an article waits
	// to be published with (ok false: none); SetPendingNote sets it, or
	// takes it off when note.Action is "".
	PendingNote(article fielddesk.ID) (note fielddesk.PublicationNote, ok bool, err error)
	SetPendingNote(article fielddesk.ID, note fielddesk.PublicationNote) error
	// ShowPhoto records that a published article shows a photo (or, with
	// shown false, no longer does).
	ShowPhoto(hash string, article fielddesk.ID, shown bool) error
	// PublishedWith lists the published articles that show a photo.
	PublishedWith(hash string) ([]fielddesk.ID, error)

	// PhotoArticles lists the articles a revision of which refers to a
	// photo, each once, in ID order.
	PhotoArticles(hash string) ([]fielddesk.ID, error)
	// PhotoHolders lists the users who sent a photo whole, verified.
	PhotoHolders(hash string) ([]string, error)
	HoldPhoto(hash, user string) error
	// Renditions lists the renditions users filed of a photo.
	Renditions(hash string) ([]Filed, error)
	FileRendition(hash, user, renditionHash string) error
	// WantOriginal records that an editor asked for a photo's original;
	// OriginalWanted reports whether one did.
	WantOriginal(hash string) error
	OriginalWanted(hash string) (bool, error)
}

// User is a newsroom account.
type User struct {
	Name     string         `json:"name"`
	Role     fielddesk.Role `json:"role"`
	Desk     string         `json:"desk,omitempty"`
	Disabled bool           `json:"disabled,omitempty"`
	Created  time.Time      `json:"created"`
	Salt     []byte         `json:"salt"`
	Hash     []byte         `json:"hash"`
}

// Device is a logged-in installation of the app, with its own token.
type Device struct {
	ID      string    `json:"id"`
	User    string    `json:"user"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// Expires is when the token stops working (a new login renews it).
	Expires time.Time `json:"expires,omitzero"`
	Revoked bool      `json:"revoked,omitempty"`
}

// Publication is an article as published: where, which revision, when.
type Publication struct {
	Article  fielddesk.ID     `json:"article"`
	Slug     string           `json:"slug"`
	Revision fielddesk.ID     `json:"revision"`
	Category string           `json:"category,omitempty"`
	Status   fielddesk.Status `json:"status"` // published or killed
	// Published is when it was first published; Updated when it last
	// changed (published again after a correction or an update, killed).
	Published time.Time `json:"published"`
	Updated   time.Time `json:"updated"`
	// Reason is why it was killed.
	Reason string `json:"reason,omitempty"`
	// Version counts its publications: 1, then one more for each
	// correction or update (0 in records from before versions: 1).
	Version int `json:"version,omitempty"`
	// Notes are its corrections and updates, oldest first.
	Notes []fielddesk.PublicationNote `json:"notes,omitempty"`
}

// VersionNumber is the publication's version (1 for the first).
func (p Publication) VersionNumber() int { return max(p.Version, 1) }

func isNotFound(err error) bool { return errors.Is(err, fielddesk.ErrNotFound) }

// Attempts is a backend several server instances share: it counts failed
// login attempts for all of them, so that the limits on guessing a
// password hold whichever instance a guess reaches.
type Attempts interface {
	// ReserveAttempt counts an attempt at at against every key, unless one
	// of them has already max[i] attempts in the window[i] before at (then
	// nothing is counted and ok is false). ForgetAttempt takes it back
	// (the password was right, or never checked).
	ReserveAttempt(ctx context.Context, keys []string, window []time.Duration, max []int, at time.Time) (id int64, ok bool, err error)
	ForgetAttempt(ctx context.Context, id int64) error
}
