package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// The desktop side of sync: what waits to go to the newsroom and what came
// back. Keys:
//
//	sync/account            Account (JSON): server, device token, role
//	sync/cursor             the server's pull cursor (string)
//	sync/mut                the last mutation ID given out for this device (8 bytes)
//	q/<article>             the article has a revision to send (empty value)
//	f/<mutation>            a mutation sent or about to be sent, awaiting its typed answer (Outgoing, JSON)
//	sh/<article>            the newest revision the server acknowledged (ID)
//	sx/<article>            why the server did not take the article (Problem, JSON)
//	pj/<sha256>             a photo to upload or download (PhotoJob, JSON)
//
// A save of a sent article marks it in q/ in the save's own transaction, so
// no edit is acknowledged without being queued. Sending moves q/ entries to
// f/ with their mutation IDs in one transaction; the same f/ entries are
// sent again, unchanged, until the server answers each by name, so a lost
// answer never makes a duplicate and a crash never loses a mutation.

// Account is this device's login at a newsroom server.
type Account struct {
	Server   string         `json:"server"`
	User     string         `json:"user"`
	Token    string         `json:"token"`
	DeviceID string         `json:"device_id"`
	Role     fielddesk.Role `json:"role"`
	Desk     string         `json:"desk,omitempty"`
	// Originals says when full-size photos are sent: OriginalsNever,
	// OriginalsUnmetered or OriginalsAlways.
	Originals string `json:"originals,omitempty"`
	// CA is the newsroom's own certificate authority (PEM), and Pin the
	// SHA-256 (hex) of the server's certificate, when the server's
	// certificate is trusted that way.
	CA  []byte `json:"ca,omitempty"`
	Pin string `json:"pin,omitempty"`
}

// The originals policies.
const (
	OriginalsNever     = "never"
	OriginalsUnmetered = "unmetered"
	OriginalsAlways    = "always"
)

// ValidOriginals reports whether p names an originals policy.
func ValidOriginals(p string) bool {
	return p == OriginalsNever || p == OriginalsUnmetered || p == OriginalsAlways
}

// Outgoing is one mutation on its way: the revision as the server will see
// it, based on the newest revision the server acknowledged.
type Outgoing struct {
	ID       uint64             `json:"id"`
	Revision fielddesk.Revision `json:"revision,omitzero"`
	// Event, when set, is what the mutation carries instead of a revision.
	Event *fielddesk.Event `json:"event,omitempty"`
}

// Article is the article the mutation is about.
func (o Outgoing) Article() fielddesk.ID {
	if o.Event != nil {
		return o.Event.Article
	}
	return o.Revision.Article.ID
}

// Problem is why the server did not take an article's revision.
type Problem struct {
	Result   Result       `json:"result"` // Conflict or Rejected
	Reason   string       `json:"reason"`
	Revision fielddesk.ID `json:"revision"`
	// Draft is the new draft that keeps what was typed when the
	// newsroom had locked the article (Code CodeLocked).
	Code  string       `json:"code,omitempty"`
	Draft fielddesk.ID `json:"draft,omitempty"`
}

// PhotoJob is a photo on its way to or from the server.
type PhotoJob struct {
	Hash string `json:"hash"`
	Size int64  `json:"size"`
	// Article is the article that refers to it (for the status display).
	Article fielddesk.ID `json:"article"`
	// Download is true on an editor's device: the photo comes from the server.
	Download bool `json:"download,omitempty"`
	// RenditionDone: the server (or, downloading, this device) holds the
	// small rendition; OriginalDone: the full photo.
	RenditionDone bool `json:"rendition_done,omitempty"`
	OriginalDone  bool `json:"original_done,omitempty"`
	// Wanted: an editor asked for the original.
	Wanted bool `json:"wanted,omitempty"`
	// Failed is why the server refused the photo for good (it is not sent
	// again; the user sees the reason).
	Failed string `json:"failed,omitempty"`
}

// ErrNotLoggedIn means the device has no account at a server yet.
var ErrNotLoggedIn = errors.New("not logged in to a newsroom server")

var (
	accountKey = []byte("sync/account")
	cursorKey  = []byte("sync/cursor")
	mutKey     = []byte("sync/mut")
)

func queueKey(id fielddesk.ID) []byte { return []byte("q/" + string(id)) }
func flightKey(id uint64) []byte      { return binary.BigEndian.AppendUint64([]byte("f/"), id) }
func serverHeadKey(id fielddesk.ID) []byte {
	return []byte("sh/" + string(id))
}
func problemKey(id fielddesk.ID) []byte { return []byte("sx/" + string(id)) }
func photoJobKey(hash string) []byte    { return []byte("pj/" + hash) }

// Account returns this device's login, or ErrNotLoggedIn.
func (s *DB) Account(ctx context.Context) (Account, error) {
	var a Account
	err := s.view(func(txn *badger.Txn) error { return getJSON(txn, accountKey, &a) })
	if errors.Is(err, fielddesk.ErrNotFound) {
		return a, ErrNotLoggedIn
	}
	if err != nil {
		return a, fmt.Errorf("read the sync account: %w", mapErr(err))
	}
	return a, nil
}

// SetAccount stores a login. A login as a new device (another device ID)
// starts its mutation count again, puts the mutations still awaiting an
// answer back in the queue (the server takes a revision it already holds
// without a duplicate) and pulls from the start.
func (s *DB) SetAccount(ctx context.Context, a Account) error {
	if a.Originals == "" {
		a.Originals = OriginalsUnmetered
	}
	if !ValidOriginals(a.Originals) {
		return fmt.Errorf("originals policy %q: say never, unmetered or always: %w", a.Originals, fielddesk.ErrInvalid)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(func(txn *badger.Txn) error {
		var old Account
		if err := getJSON(txn, accountKey, &old); err != nil && !errors.Is(err, fielddesk.ErrNotFound) {
			return err
		}
		if old.DeviceID != a.DeviceID || old.Server != a.Server {
			var flights []Outgoing
			if err := eachJSON(txn, []byte("f/"), func(o *Outgoing) error { flights = append(flights, *o); return nil }); err != nil {
				return err
			}
			// Same server, new device: the mutations awaiting an answer go
			// again, unchanged, numbered from 1 for the new device (the
			// server takes a revision it already holds without a duplicate,
			// and what was based on it stays based on it). Another server:
			// they are queued afresh against what that server knows.
			for _, o := range flights {
				if err := txn.Delete(flightKey(o.ID)); err != nil {
					return err
				}
			}
			var last uint64
			for _, o := range flights {
				if old.Server != a.Server {
					if err := txn.Set(queueKey(o.Revision.Article.ID), nil); err != nil {
						return err
					}
					continue
				}
				last++
				o.ID = last
				if err := setJSON(txn, flightKey(o.ID), o); err != nil {
					return err
				}
			}
			if err := txn.Set(mutKey, binary.BigEndian.AppendUint64(nil, last)); err != nil {
				return err
			}
			if old.Server != a.Server {
				// What the old server acknowledged or refused means nothing here.
				for _, prefix := range []string{"sh/", "sx/", "pj/"} {
					if err := deletePrefix(txn, []byte(prefix)); err != nil {
						return err
					}
				}
				if err := txn.Delete(cursorKey); err != nil {
					return err
				}
			}
		}
		return setJSON(txn, accountKey, a)
	})
	if err != nil {
		return fmt.Errorf("save the sync account: %w", mapErr(err))
	}
	return nil
}

// Send marks an article submitted (a new revision if it was a draft) and
// queues it for the newsroom, in one transaction. Later saves of a
// submitted article queue it again by themselves.
func (s *DB) Send(ctx context.Context, id fielddesk.ID) (fielddesk.Revision, error) {
	rev, err := s.Latest(ctx, id)
	if err != nil {
		return rev, err
	}
	if rev.Article.Status == fielddesk.StatusDraft {
		return s.save(ctx, rev.Article, rev.ID, "", fielddesk.StatusSubmitted, false) // the save queues it
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.update(func(txn *badger.Txn) error { return txn.Set(queueKey(id), nil) }); err != nil {
		return rev, fmt.Errorf("queue article %s: %w", id, mapErr(err))
	}
	return rev, nil
}

// NextBatch returns the mutations to push, at most max: first those sent
// before and not yet answered (unchanged, with their IDs), otherwise the
// newest revision of each queued article, given the next mutation IDs and
// recorded as awaiting an answer before they are returned.
func (s *DB) NextBatch(ctx context.Context, max int) ([]Outgoing, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var out []Outgoing
	err := s.update(func(txn *badger.Txn) error {
		out = out[:0]
		stop := errors.New("full")
		err := eachJSON(txn, []byte("f/"), func(o *Outgoing) error {
			out = append(out, *o)
			if len(out) == max {
				return stop
			}
			return nil
		})
		if err != nil && !errors.Is(err, stop) {
			return err
		}
		if len(out) > 0 {
			return nil
		}
		last, err := readUint(txn, mutKey)
		if err != nil {
			return err
		}
		// Decisions and comments go after the revisions they are about,
		// but a decision that opens the article's text to its maker (a
		// correction, an update, a restore) goes before: the edits made
		// after it would be refused without it.
		var first, later []fielddesk.Event
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("qe/")})
		var events []fielddesk.ID
		for it.Rewind(); it.Valid(); it.Next() {
			events = append(events, fielddesk.ID(it.Item().Key()[3:]))
		}
		it.Close()
		for _, ev := range events {
			e, err := findEvent(txn, ev)
			switch {
			case errors.Is(err, fielddesk.ErrNotFound) || e.ID == "":
				// taken back (refused) before it went
				if err := txn.Delete(queuedEventKey(ev)); err != nil {
					return err
				}
			case err != nil:
				return err
			case opensText(e):
				first = append(first, e)
			default:
				later = append(later, e)
			}
		}
		// Breaking news goes alone, before everything else queued: its text
		// and its decisions in a push of their own (ordered by urgency).
		var queued, urgent []fielddesk.ID
		level := map[fielddesk.ID]int{}
		sums := map[fielddesk.ID]summaryRecord{} // read once, for the loop below too
		it = txn.NewIterator(badger.IteratorOptions{Prefix: []byte("q/")})
		for it.Rewind(); it.Valid(); it.Next() {
			id := fielddesk.ID(it.Item().KeyCopy(nil)[2:])
			sum, err := getSummary(txn, id)
			if err != nil && !errors.Is(err, fielddesk.ErrNotFound) {
				it.Close()
				return err
			}
			if err == nil {
				sums[id] = sum
			}
			if err == nil && fielddesk.IsUrgent(sum.Urgency) {
				urgent = append(urgent, id)
				level[id] = sum.Urgency
			} else if len(queued) < max {
				queued = append(queued, id)
			}
		}
		it.Close()
		if len(urgent) > 0 {
			slices.SortStableFunc(urgent, func(a, b fielddesk.ID) int { return level[a] - level[b] })
			queued = urgent
			own := func(es []fielddesk.Event) []fielddesk.Event {
				return slices.DeleteFunc(es, func(e fielddesk.Event) bool { return level[e.Article] == 0 })
			}
			first, later = own(first), own(later)
		}
		send := func(o Outgoing) error {
			if o.Event != nil {
				if err := txn.Delete(queuedEventKey(o.Event.ID)); err != nil {
					return err
				}
			}
			last++
			o.ID = last
			out = append(out, o)
			return setJSON(txn, flightKey(o.ID), o)
		}
		for i := range first {
			if len(out) == max {
				break
			}
			if err := send(Outgoing{Event: &first[i]}); err != nil {
				return err
			}
		}
		for _, id := range queued {
			if len(out) == max {
				break
			}
			if err := txn.Delete(queueKey(id)); err != nil {
				return err
			}
			sum, ok := sums[id]
			if !ok {
				continue // no longer here
			}
			acked, err := getString(txn, serverHeadKey(id))
			if err != nil {
				return err
			}
			if fielddesk.ID(acked) == sum.Head {
				continue // the server has this revision already
			}
			var rev fielddesk.Revision
			if err := getJSON(txn, revisionKey(id, sum.Head), &rev); err != nil {
				return err
			}
			rev.Base = fielddesk.ID(acked) // what the server knows, not the local chain
			if err := send(Outgoing{Revision: rev}); err != nil {
				return err
			}
		}
		for i := range later {
			if len(out) == max {
				break
			}
			if err := send(Outgoing{Event: &later[i]}); err != nil {
				return err
			}
		}
		return txn.Set(mutKey, binary.BigEndian.AppendUint64(nil, last))
	})
	if err != nil {
		return nil, fmt.Errorf("prepare mutations to send: %w", mapErr(err))
	}
	return out, nil
}

// Unsend puts the mutations prepared for sending back in the queue, when
// they never left this device (no connection to the server was made: no
// network at all), and takes their IDs back: the next batch is planned
// again, breaking news first. Mutations that may have reached the server
// must never be given to others: the caller knows they did not.
func (s *DB) Unsend(ctx context.Context) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(func(txn *badger.Txn) error {
		var flights []Outgoing
		if err := eachJSON(txn, []byte("f/"), func(o *Outgoing) error { flights = append(flights, *o); return nil }); err != nil {
			return err
		}
		if len(flights) == 0 {
			return nil
		}
		last, err := readUint(txn, mutKey)
		if err != nil {
			return err
		}
		if flights[len(flights)-1].ID != last {
			return nil // not the newest IDs: leave them as they are
		}
		for _, o := range flights {
			if err := txn.Delete(flightKey(o.ID)); err != nil {
				return err
			}
			if o.Event != nil {
				if err := txn.Set(queuedEventKey(o.Event.ID), []byte(o.Event.Article)); err != nil {
					return err
				}
			} else if err := txn.Set(queueKey(o.Revision.Article.ID), nil); err != nil {
				return err
			}
		}
		return txn.Set(mutKey, binary.BigEndian.AppendUint64(nil, flights[0].ID-1))
	})
	if err != nil {
		return fmt.Errorf("put back what did not go: %w", mapErr(err))
	}
	return nil
}

// opensText reports whether a decision lets the person who made it change
// the article's text where they could not before (correct, update, an
// editor's restore).
func opensText(e fielddesk.Event) bool {
	return e.Kind == fielddesk.EventTransition && e.From != "" && e.To != "" &&
		fielddesk.CanEdit(e.Role, e.From) != nil && fielddesk.CanEdit(e.Role, e.To) == nil
}

// Ack is the server's typed answer to one mutation.
type Ack struct {
	ID     uint64
	Result Result
	Reason string
	// Code names a rejection (CodeLocked).
	Code string
}

// Acknowledge records the server's answers. An applied mutation (or a
// duplicate of one) leaves the queue, records the revision as the server's
// and queues its photos; a conflict or a rejection leaves the queue with
// its reason kept for the user (Problems). An answer for a mutation not
// awaiting one is ignored.
func (s *DB) Acknowledge(ctx context.Context, acks []Ack) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(func(txn *badger.Txn) error {
		for _, a := range acks {
			var o Outgoing
			if err := getJSON(txn, flightKey(a.ID), &o); errors.Is(err, fielddesk.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			id := o.Article()
			result := a.Result
			if result == Duplicate {
				result = Result(a.Reason) // the first answer
				if result == "" {
					result = Applied
				}
			}
			if o.Event != nil {
				if err := acknowledgeEvent(txn, *o.Event, result, a.Reason); err != nil {
					return err
				}
				if err := txn.Delete(flightKey(a.ID)); err != nil {
					return err
				}
				continue
			}
			switch result {
			case Applied, Merged:
				// Merged: the server combined this revision with others
				// made meanwhile; the merge comes with the next pull, and
				// the next edit is based on this revision, which the
				// server keeps.
				if err := txn.Set(serverHeadKey(id), []byte(o.Revision.ID)); err != nil {
					return err
				}
				if err := txn.Delete(problemKey(id)); err != nil {
					return err
				}
				for _, p := range o.Revision.Article.Photos {
					if err := addPhotoJob(txn, PhotoJob{Hash: p.Hash, Size: p.Size, Article: id}); err != nil {
						return err
					}
				}
			case Rejected:
				if a.Code == CodeLocked {
					if err := s.keepLockedAsDraft(txn, id, o.Revision.ID, a.Reason); err != nil {
						return err
					}
					break
				}
				fallthrough
			case Conflict:
				if err := setJSON(txn, problemKey(id), Problem{Result: result, Reason: a.Reason, Revision: o.Revision.ID}); err != nil {
					return err
				}
			default:
				return fmt.Errorf("mutation %d: unknown answer %q", a.ID, a.Result)
			}
			if err := txn.Delete(flightKey(a.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record the server's answers: %w", mapErr(err))
	}
	return nil
}

func addPhotoJob(txn *badger.Txn, j PhotoJob) error {
	var old PhotoJob
	err := getJSON(txn, photoJobKey(j.Hash), &old)
	if err == nil {
		return nil // already on its way
	}
	if !errors.Is(err, fielddesk.ErrNotFound) {
		return err
	}
	return setJSON(txn, photoJobKey(j.Hash), j)
}

// PhotoJobs lists the photos still to upload or download, those of
// breaking news first (the most urgent first).
func (s *DB) PhotoJobs(ctx context.Context) ([]PhotoJob, error) {
	var out []PhotoJob
	level := map[fielddesk.ID]int{}
	err := s.view(func(txn *badger.Txn) error {
		err := eachJSON(txn, []byte("pj/"), func(j *PhotoJob) error { out = append(out, *j); return nil })
		for _, j := range out {
			if _, ok := level[j.Article]; ok || err != nil {
				continue
			}
			sum, serr := getSummary(txn, j.Article)
			switch {
			case serr == nil && fielddesk.IsUrgent(sum.Urgency):
				level[j.Article] = sum.Urgency
			case serr == nil || errors.Is(serr, fielddesk.ErrNotFound):
				level[j.Article] = fielddesk.UrgentLevel + 1
			default:
				err = serr
			}
		}
		return err
	})
	slices.SortStableFunc(out, func(a, b PhotoJob) int { return level[a.Article] - level[b.Article] })
	if err != nil {
		return nil, fmt.Errorf("list photos to sync: %w", mapErr(err))
	}
	return out, nil
}

// UpdatePhotoJob stores a job's progress; a job whose original is done
// leaves the list.
func (s *DB) UpdatePhotoJob(ctx context.Context, j PhotoJob) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(func(txn *badger.Txn) error {
		if j.OriginalDone {
			return txn.Delete(photoJobKey(j.Hash))
		}
		return setJSON(txn, photoJobKey(j.Hash), j)
	})
	if err != nil {
		return fmt.Errorf("record photo %s: %w", short(j.Hash), mapErr(err))
	}
	return nil
}

// Outbox is what waits to go: articles queued or awaiting an answer.
type Outbox struct {
	Articles []fielddesk.ID
	Photos   []PhotoJob
	Problems map[fielddesk.ID]Problem
}

// Outbox lists what waits to be sent and what the server refused.
func (s *DB) Outbox(ctx context.Context) (Outbox, error) {
	out := Outbox{Problems: map[fielddesk.ID]Problem{}}
	err := s.view(func(txn *badger.Txn) error {
		seen := map[fielddesk.ID]bool{}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("q/")})
		for it.Rewind(); it.Valid(); it.Next() {
			id := fielddesk.ID(it.Item().Key()[2:])
			seen[id] = true
			out.Articles = append(out.Articles, id)
		}
		it.Close()
		it = txn.NewIterator(badger.IteratorOptions{Prefix: []byte("qe/")})
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				it.Close()
				return err
			}
			if id := fielddesk.ID(v); !seen[id] {
				seen[id] = true
				out.Articles = append(out.Articles, id)
			}
		}
		it.Close()
		err := eachJSON(txn, []byte("f/"), func(o *Outgoing) error {
			if id := o.Article(); !seen[id] {
				seen[id] = true
				out.Articles = append(out.Articles, id)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := eachJSON(txn, []byte("pj/"), func(j *PhotoJob) error { out.Photos = append(out.Photos, *j); return nil }); err != nil {
			return err
		}
		it = txn.NewIterator(badger.IteratorOptions{Prefix: []byte("sx/")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var p Problem
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &p) }); err != nil {
				return err
			}
			out.Problems[fielddesk.ID(it.Item().Key()[3:])] = p
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("read the outbox: %w", mapErr(err))
	}
	return out, nil
}

// HasQueued reports whether an article waits to be pushed.
func (s *DB) HasQueued(ctx context.Context) (bool, error) {
	found := false
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("q/")})
		defer it.Close()
		it.Rewind()
		found = it.Valid()
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read the outbox: %w", mapErr(err))
	}
	return found, nil
}

// Cursor is the server's pull cursor ("" before the first pull).
func (s *DB) Cursor(ctx context.Context) (string, error) {
	var c string
	err := s.view(func(txn *badger.Txn) (err error) { c, err = getString(txn, cursorKey); return err })
	if err != nil {
		return "", fmt.Errorf("read the pull cursor: %w", mapErr(err))
	}
	return c, nil
}

// ApplyPulled stores what a pull brought and the new cursor in one
// transaction. A revision this device already holds changes nothing but is
// remembered as the server's. A revision from elsewhere becomes the
// article's newest unless the article has edits waiting to go: then it is
// kept in the history and the article is marked as changed on both sides
// (nothing is overwritten; merging comes with the editorial loop).
func (s *DB) ApplyPulled(ctx context.Context, changes []Pulled, cursor string) (applied int, news []fielddesk.Event, err error) {
	_, me, err := s.role(ctx)
	if err != nil {
		return 0, nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	applied, news, err = s.applyPulled(changes, &cursor, me)
	if err != nil {
		return 0, nil, fmt.Errorf("store what the server sent: %w", mapErr(err))
	}
	if applied > 0 {
		s.wakeIndexer()
	}
	return applied, news, nil
}

// pulledPiece is how many events or audit entries of one article go in one
// transaction when the article's review is too big for one.
const pulledPiece = 500

// applyPulled stores changes (and the cursor, if not nil, with the last of
// them) in one transaction, or in as many as Badger needs: a pull of long
// articles with long audit logs is split in halves, and one article's
// review in pieces. Every piece can be applied again (the next pull brings
// what a crash cut off, until the cursor is written). The caller holds
// writeMu.
func (s *DB) applyPulled(changes []Pulled, cursor *string, me string) (applied int, news []fielddesk.Event, err error) {
	err = s.update(func(txn *badger.Txn) error {
		applied, news = 0, nil
		for _, p := range changes {
			id := p.Revision.Article.ID
			isNew := false
			if fielddesk.IsUrgent(p.Revision.Article.Urgency) && p.Status == fielddesk.StatusSubmitted {
				_, err := getSummary(txn, id) // read only for breaking news: is it new here?
				isNew = errors.Is(err, fielddesk.ErrNotFound)
				if err != nil && !isNew {
					return err
				}
			}
			n, err := applyPulledRevision(txn, p.Revision, &applied)
			if err != nil {
				return err
			}
			if !n {
				continue
			}
			if isNew {
				// Breaking news that reached this desk: said at once.
				news = append(news, fielddesk.Event{ID: id, Article: id, Kind: fielddesk.EventBreaking,
					Text: p.Revision.Article.Headline, At: p.Submitted, Author: p.Revision.Article.Byline})
			}
			fresh, err := applyReview(txn, p, me)
			if err != nil {
				return err
			}
			news = append(news, fresh...)
		}
		if cursor == nil {
			return nil
		}
		return txn.Set(cursorKey, []byte(*cursor))
	})
	if !errors.Is(err, badger.ErrTxnTooBig) {
		return applied, news, err
	}
	var pieces [][]Pulled
	if len(changes) > 1 {
		half := len(changes) / 2
		pieces = [][]Pulled{changes[:half], changes[half:]}
	} else if len(changes) == 1 && len(changes[0].Events)+len(changes[0].Audit) > pulledPiece {
		pieces = reviewPieces(changes[0])
	} else {
		return 0, nil, err
	}
	applied, news = 0, nil
	for i, piece := range pieces {
		var c *string
		if i == len(pieces)-1 {
			c = cursor
		}
		n, fresh, err := s.applyPulled(piece, c, me)
		if err != nil {
			return applied, news, err
		}
		applied += n
		news = append(news, fresh...)
	}
	return applied, news, nil
}

// reviewPieces splits one pulled article into pieces of at most pulledPiece
// events or audit entries: each carries the revision, a part of the events
// and the audit log up to its end (entries already here are skipped), and
// only the last one the state.
func reviewPieces(p Pulled) [][]Pulled {
	var out [][]Pulled
	for at := 0; at < len(p.Events) || at < len(p.Audit) || at == 0; at += pulledPiece {
		piece := Pulled{Revision: p.Revision, Submitted: p.Submitted}
		if at < len(p.Events) {
			piece.Events = p.Events[at:min(at+pulledPiece, len(p.Events))]
		}
		if p.Audit != nil {
			piece.Audit = p.Audit[:min(at+pulledPiece, len(p.Audit))]
		}
		out = append(out, []Pulled{piece})
	}
	last := &out[len(out)-1][0]
	last.Status, last.Holder, last.Held, last.Due, last.Embargo = p.Status, p.Holder, p.Held, p.Due, p.Embargo
	return out
}

// applyPulledRevision stores one pulled revision (see ApplyPulled) and
// reports whether the article is here to take its review.
func applyPulledRevision(txn *badger.Txn, rev fielddesk.Revision, applied *int) (bool, error) {
	id := rev.Article.ID
	if _, err := txn.Get(revisionKey(id, rev.ID)); err == nil {
		// Written here (or pulled before): now known to the server.
		if err := txn.Set(serverHeadKey(id), []byte(rev.ID)); err != nil {
			return false, err
		}
		return true, nil
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return false, err
	}
	rev.Article = rev.Article.Normalized()
	rev.Words = rev.Article.Words()
	if rev.Article.Validate() != nil {
		return false, nil // the server checks what it stores; never take bad text
	}
	pending, err := hasPending(txn, id)
	if err != nil {
		return false, err
	}
	if pending {
		// Edits here wait to go: the server's revision is kept in the
		// history beside them, never over them, and the server head
		// stays where it was: the push is merged on the server with
		// it, and the merge comes back with the next pull.
		return true, keepAside(txn, rev)
	}
	prev, err := getSummary(txn, id)
	if err != nil && !errors.Is(err, fielddesk.ErrNotFound) {
		return false, err
	}
	if err := putRevision(txn, rev, prev); err != nil {
		return false, err
	}
	info := fielddesk.RevisionInfo{ID: rev.ID, Base: rev.Base, Saved: rev.Saved, Words: rev.Words, Headline: rev.Article.Headline, Received: true}
	if err := setJSON(txn, historyKey(id, rev.ID), info); err != nil {
		return false, err
	}
	if err := txn.Set(serverHeadKey(id), []byte(rev.ID)); err != nil {
		return false, err
	}
	*applied++
	// Its photos come from the server (those not here already).
	for _, p := range rev.Article.Photos {
		if err := addPhotoJob(txn, PhotoJob{Hash: p.Hash, Size: p.Size, Article: id, Download: true}); err != nil {
			return false, err
		}
	}
	return true, nil
}

// deletePrefix deletes every key with the prefix.
func deletePrefix(txn *badger.Txn, prefix []byte) error {
	var keys [][]byte
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	for it.Rewind(); it.Valid(); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// hasPending reports whether an article has edits queued or awaiting an answer.
func hasPending(txn *badger.Txn, id fielddesk.ID) (bool, error) { return pendingOf(txn, id, false) }

// pendingOf is hasPending, counting decisions and comments in flight too
// with events.
func pendingOf(txn *badger.Txn, id fielddesk.ID, events bool) (bool, error) {
	if _, err := txn.Get(queueKey(id)); err == nil {
		return true, nil
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return false, err
	}
	found := errors.New("found")
	err := eachJSON(txn, []byte("f/"), func(o *Outgoing) error {
		if o.Revision.Article.ID == id || (events && o.Article() == id) {
			return found
		}
		return nil
	})
	if errors.Is(err, found) {
		return true, nil
	}
	return false, err
}

// keepAside stores a revision from the server in an article's history
// without making it the newest, and tells the user.
func keepAside(txn *badger.Txn, rev fielddesk.Revision) error {
	content, err := json.Marshal(rev.Article)
	if err != nil {
		return err
	}
	record, err := encodeRevision(rev, content)
	if err != nil {
		return err
	}
	id := rev.Article.ID
	if err := txn.Set(revisionKey(id, rev.ID), record); err != nil {
		return err
	}
	info := fielddesk.RevisionInfo{ID: rev.ID, Base: rev.Base, Saved: rev.Saved, Words: rev.Words, Headline: rev.Article.Headline, Received: true}
	return setJSON(txn, historyKey(id, rev.ID), info)
}

func readUint(txn *badger.Txn, key []byte) (uint64, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var n uint64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("damaged counter %s", key)
		}
		n = binary.BigEndian.Uint64(v)
		return nil
	})
	return n, err
}

func getString(txn *badger.Txn, key []byte) (string, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	v, err := item.ValueCopy(nil)
	return string(v), err
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12] + "…"
	}
	return strings.TrimSpace(hash)
}
