package newsroom

import (
	"context"
	"time"

	"github.com/fielddesk/fielddesk"
)

// Moving a newsroom from one backend to another (fielddesk-server
// migrate): the old backend hands every record it holds to the new one's
// Loader, as it is, so that devices go on syncing without logging in again
// (tokens, devices, mutation counters and outcomes, the change log's
// positions all move).

// Loader takes a newsroom's records into an empty backend.
type Loader interface {
	LoadUser(u User) error
	LoadDevice(d Device) error
	LoadToken(tokenHash, device string) error
	LoadMutations(device string, last uint64) error
	LoadOutcome(device string, id uint64, o fielddesk.Outcome) error
	// LoadArticle is an article's owner and summary (created: when it was
	// made).
	LoadArticle(owner string, s fielddesk.Summary, created time.Time) error
	LoadRevision(rev fielddesk.Revision) error
	LoadEvent(e fielddesk.Event) error
	// LoadAudit is called in the order the entries were written.
	LoadAudit(article fielddesk.ID, e fielddesk.AuditEntry) error
	LoadChange(e LogEntry) error
	LoadSchedule(article fielddesk.ID, due time.Time) error
	LoadPublication(p Publication) error
	LoadVersion(p Publication) error
	LoadPendingNote(article fielddesk.ID, note fielddesk.PublicationNote) error
	LoadShown(hash string, article fielddesk.ID) error
	LoadHolder(hash, user string) error
	LoadRendition(f Filed, original string) error
	LoadWanted(hash string) error
}

// Dumper is a backend that hands every record it holds to a Loader.
type Dumper interface {
	Dump(ctx context.Context, l Loader) error
}
