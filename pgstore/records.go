package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
)

// The newsroom's records (newsroom.Backend) in PostgreSQL. Every writing
// transaction first takes the lock on change_seq's row: writers take
// turns across all instances, as the embedded store's writers do in one
// process, so the rules' read-then-write steps see what the one before
// committed, and change-log positions are handed out in commit order (a
// pull never passes a position a later commit fills). Reads run in
// REPEATABLE READ snapshots and take no lock.

var _ newsroom.Backend = (*DB)(nil)

// maxTries bounds how often a transaction that lost a race (serialization
// failure, deadlock) is run again.
const maxTries = 5

// Update runs fn in one transaction, writers one at a time.
func (db *DB) Update(ctx context.Context, fn func(newsroom.Tx) error) error {
	var err error
	for try := 0; try < maxTries; try++ {
		err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT last FROM change_seq WHERE id = 1 FOR UPDATE`); err != nil {
				return err
			}
			t := &pgTx{ctx: ctx, tx: tx}
			if err := fn(t); err != nil {
				return err
			}
			return t.flush()
		})
		if !retryable(err) {
			break
		}
	}
	return txErr(err)
}

// View runs fn in a read-only snapshot.
func (db *DB) View(ctx context.Context, fn func(newsroom.Tx) error) error {
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return fn(&pgTx{ctx: ctx, tx: tx})
	})
	return txErr(err)
}

// retryable reports a transaction that lost a race and may run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// txErr says PostgreSQL's errors in the rules' words.
func txErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("%w: %w", fielddesk.ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "54000" { // program_limit_exceeded
		return fmt.Errorf("%w: %w", newsroom.ErrTxnTooBig, err)
	}
	return unavailable(err)
}

// pgTx is a newsroom.Tx over a PostgreSQL transaction. Writes are queued
// and sent with the next read (or at the end), in order: the rules read
// what they wrote, in fewer round trips.
type pgTx struct {
	ctx     context.Context
	tx      pgx.Tx
	pending *pgx.Batch
	// What this transaction read or wrote of accounts and articles: the
	// rules ask for the same ones several times (who the sender is, whose
	// the article is, its summary).
	users    map[string]newsroom.User
	articles map[fielddesk.ID]*articleRow
	last     map[string]uint64 // device -> last mutation
}

// articleRow is an article's row: its owner, and its summary (nil: none yet).
type articleRow struct {
	owner   string
	summary *summary
}

// getJSON reads one JSON column of one row into v.
func (t *pgTx) getJSON(v any, sql string, args ...any) error {
	var b []byte
	if err := t.queryRow(sql, args...).Scan(&b); err != nil {
		return txErr(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", sql, err)
	}
	return nil
}

// listJSON reads one JSON column of every row.
func listJSON[T any](t *pgTx, sql string, args ...any) ([]T, error) {
	rows, err := t.query(sql, args...)
	if err != nil {
		return nil, txErr(err)
	}
	var out []T
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, txErr(err)
		}
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, fmt.Errorf("decode %s: %w", sql, err)
		}
		out = append(out, v)
	}
	return out, txErr(rows.Err())
}

// list reads one column of every row.
func list[T any](t *pgTx, sql string, args ...any) ([]T, error) {
	rows, err := t.query(sql, args...)
	if err != nil {
		return nil, txErr(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[T])
	return out, txErr(err)
}

func (t *pgTx) exists(sql string, args ...any) (bool, error) {
	var ok bool
	err := t.queryRow(`SELECT EXISTS (`+sql+`)`, args...).Scan(&ok)
	return ok, txErr(err)
}

// exec queues a write: it goes to the database with the next read, or
// when the transaction ends (one round trip for many writes).
func (t *pgTx) exec(sql string, args ...any) error {
	if t.pending == nil {
		t.pending = &pgx.Batch{}
	}
	t.pending.Queue(sql, args...)
	if t.pending.Len() >= maxPending {
		return t.flush()
	}
	return nil
}

// maxPending bounds the writes queued at once (a migration writes a whole
// newsroom in one transaction).
const maxPending = 512

// sendPending sends the queued writes, and the read sql after them when
// it is not empty, in one round trip; it returns the batch's results
// positioned at the read.
func (t *pgTx) sendPending(sql string, args ...any) (pgx.BatchResults, error) {
	b := t.pending
	t.pending = nil
	n := b.Len()
	if sql != "" {
		b.Queue(sql, args...)
	}
	br := t.tx.SendBatch(t.ctx, b)
	for range n {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return nil, err
		}
	}
	return br, nil
}

// flush sends the queued writes (at the end of a transaction).
func (t *pgTx) flush() error {
	if t.pending == nil || t.pending.Len() == 0 {
		return nil
	}
	br, err := t.sendPending("")
	if err != nil {
		return txErr(err)
	}
	return txErr(br.Close())
}

// queryRow reads one row, after the queued writes.
func (t *pgTx) queryRow(sql string, args ...any) pgx.Row {
	if t.pending == nil || t.pending.Len() == 0 {
		return t.tx.QueryRow(t.ctx, sql, args...)
	}
	br, err := t.sendPending(sql, args...)
	if err != nil {
		return errRow{err}
	}
	return batchRow{br.QueryRow(), br}
}

// query reads rows, after the queued writes.
func (t *pgTx) query(sql string, args ...any) (pgx.Rows, error) {
	if t.pending == nil || t.pending.Len() == 0 {
		return t.tx.Query(t.ctx, sql, args...)
	}
	br, err := t.sendPending(sql, args...)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return batchRows{rows, br}, nil
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// batchRow is a row read at the end of a batch; the batch closes with it.
type batchRow struct {
	row pgx.Row
	br  pgx.BatchResults
}

func (r batchRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

// batchRows are rows read at the end of a batch; the batch closes with them.
type batchRows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r batchRows) Close() {
	r.Rows.Close()
	r.br.Close()
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encode %T: %v", v, err)) // the domain's types always encode
	}
	return b
}

func (t *pgTx) LastMutation(device string) (uint64, error) {
	if n, ok := t.last[device]; ok {
		return n, nil
	}
	var last int64
	err := t.queryRow(`SELECT last FROM device_mutations WHERE device = $1`, device).Scan(&last)
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	if err != nil {
		return 0, txErr(err)
	}
	if t.last == nil {
		t.last = map[string]uint64{}
	}
	t.last[device] = uint64(last)
	return uint64(last), nil
}

func (t *pgTx) Outcome(device string, id uint64) (fielddesk.Outcome, error) {
	var o fielddesk.Outcome
	return o, t.getJSON(&o, `SELECT outcome FROM mutation_outcomes WHERE device = $1 AND id = $2`, device, int64(id))
}

func (t *pgTx) RecordMutation(device string, id uint64, o fielddesk.Outcome) error {
	if t.last == nil {
		t.last = map[string]uint64{}
	}
	t.last[device] = id
	t.exec(`INSERT INTO device_mutations (device, last) VALUES ($1, $2)
		ON CONFLICT (device) DO UPDATE SET last = EXCLUDED.last`, device, int64(id))
	return t.exec(`INSERT INTO mutation_outcomes (device, id, outcome) VALUES ($1, $2, $3)`, device, int64(id), mustJSON(o))
}

func (t *pgTx) User(name string) (newsroom.User, error) {
	if u, ok := t.users[name]; ok {
		return u, nil
	}
	var u newsroom.User
	if err := t.getJSON(&u, `SELECT record FROM users WHERE name = $1`, name); err != nil {
		return u, err
	}
	if t.users == nil {
		t.users = map[string]newsroom.User{}
	}
	t.users[name] = u
	return u, nil
}

func (t *pgTx) PutUser(u newsroom.User) error {
	delete(t.users, u.Name)
	return t.exec(`INSERT INTO users (name, record) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET record = EXCLUDED.record`, u.Name, mustJSON(u))
}

func (t *pgTx) Users() ([]newsroom.User, error) {
	return listJSON[newsroom.User](t, `SELECT record FROM users ORDER BY name`)
}

func (t *pgTx) Device(id string) (newsroom.Device, error) {
	var d newsroom.Device
	return d, t.getJSON(&d, `SELECT record FROM devices WHERE id = $1`, id)
}

func (t *pgTx) PutDevice(d newsroom.Device) error {
	return t.exec(`INSERT INTO devices (id, "user", record) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record`, d.ID, d.User, mustJSON(d))
}

func (t *pgTx) Devices() ([]newsroom.Device, error) {
	return listJSON[newsroom.Device](t, `SELECT record FROM devices ORDER BY id`)
}

func (t *pgTx) TokenDevice(tokenHash string) (string, error) {
	var id string
	return id, txErr(t.queryRow(`SELECT device FROM tokens WHERE hash = $1`, tokenHash).Scan(&id))
}

func (t *pgTx) PutToken(tokenHash, device string) error {
	return t.exec(`INSERT INTO tokens (hash, device) VALUES ($1, $2)
		ON CONFLICT (hash) DO UPDATE SET device = EXCLUDED.device`, tokenHash, device)
}

// article reads an article's row once per transaction (nil: no row).
func (t *pgTx) article(id fielddesk.ID) (*articleRow, error) {
	if a, ok := t.articles[id]; ok {
		return a, nil
	}
	var owner string
	var sum []byte
	err := t.queryRow(`SELECT owner, summary FROM articles WHERE id = $1`, string(id)).Scan(&owner, &sum)
	var a *articleRow
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return nil, txErr(err)
	default:
		a = &articleRow{owner: owner}
		if sum != nil {
			a.summary = new(summary)
			if err := json.Unmarshal(sum, a.summary); err != nil {
				return nil, fmt.Errorf("decode the summary of %s: %w", id, err)
			}
		}
	}
	if t.articles == nil {
		t.articles = map[fielddesk.ID]*articleRow{}
	}
	t.articles[id] = a
	return a, nil
}

func (t *pgTx) Owner(article fielddesk.ID) (string, error) {
	a, err := t.article(article)
	if err != nil || a == nil {
		return "", err
	}
	return a.owner, nil
}

func (t *pgTx) SetOwner(article fielddesk.ID, user string) error {
	a, err := t.article(article)
	if err != nil {
		return err
	}
	if a == nil {
		a = &articleRow{}
		t.articles[article] = a
	}
	a.owner = user
	return t.exec(`INSERT INTO articles (id, owner) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner`, string(article), user)
}

// summary is what articles.summary holds: the list line, and when the
// article was made (kept from its first revision).
type summary struct {
	fielddesk.Summary
	Created time.Time `json:"created,omitzero"`
}

func (t *pgTx) summary(id fielddesk.ID) (summary, error) {
	a, err := t.article(id)
	if err != nil {
		return summary{}, err
	}
	if a == nil || a.summary == nil {
		return summary{}, fmt.Errorf("article %s: %w", id, fielddesk.ErrNotFound)
	}
	return *a.summary, nil
}

func (t *pgTx) putSummary(s summary) error {
	a, err := t.article(s.ID)
	if err != nil {
		return err
	}
	if a == nil {
		a = &articleRow{}
		t.articles[s.ID] = a
	}
	a.summary = &s
	return t.exec(`INSERT INTO articles (id, status, summary) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, summary = EXCLUDED.summary`,
		string(s.ID), string(s.Status), mustJSON(s))
}

func (t *pgTx) Summary(article fielddesk.ID) (fielddesk.Summary, error) {
	s, err := t.summary(article)
	return s.Summary, err
}

func (t *pgTx) PutSummary(sum fielddesk.Summary) error {
	s, err := t.summary(sum.ID)
	if err != nil {
		return err
	}
	s.Status, s.Submitted, s.Holder, s.Held, s.Due, s.Embargo = sum.Status, sum.Submitted, sum.Holder, sum.Held, sum.Due, sum.Embargo
	return t.putSummary(s)
}

func (t *pgTx) Revision(article, rev fielddesk.ID) (fielddesk.Revision, error) {
	var r fielddesk.Revision
	return r, t.getJSON(&r, `SELECT record FROM revisions WHERE article = $1 AND id = $2`, string(article), string(rev))
}

func (t *pgTx) HasRevision(article, rev fielddesk.ID) (bool, error) {
	return t.exists(`SELECT 1 FROM revisions WHERE article = $1 AND id = $2`, string(article), string(rev))
}

// putRevision stores a revision and the photos it refers to.
func (t *pgTx) putRevision(rev fielddesk.Revision) error {
	t.exec(`INSERT INTO revisions (article, id, record) VALUES ($1, $2, $3)
		ON CONFLICT (article, id) DO UPDATE SET record = EXCLUDED.record`, string(rev.Article.ID), string(rev.ID), mustJSON(rev))
	for _, p := range rev.Article.Photos {
		t.exec(`INSERT INTO photo_refs (hash, article, revision) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			p.Hash, string(rev.Article.ID), string(rev.ID))
	}
	return nil
}

func (t *pgTx) PutHead(rev fielddesk.Revision) error {
	a := rev.Article
	prev, err := t.summary(a.ID)
	if err != nil && !errors.Is(err, fielddesk.ErrNotFound) {
		return err
	}
	if err := t.putRevision(rev); err != nil {
		return err
	}
	created := a.Created
	if !prev.Created.IsZero() {
		created = prev.Created
	}
	next := summary{Summary: fielddesk.NextSummary(prev.Summary, rev), Created: created}
	if err := t.putSummary(next); err != nil {
		return err
	}
	return t.LogChange(a.ID)
}

func (t *pgTx) KeepRevision(rev fielddesk.Revision) error { return t.putRevision(rev) }

func (t *pgTx) ChangeLog(after uint64, max int) ([]newsroom.LogEntry, error) {
	rows, err := t.query(`SELECT seq, article FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`, int64(after), max)
	if err != nil {
		return nil, txErr(err)
	}
	defer rows.Close()
	var out []newsroom.LogEntry
	for rows.Next() {
		var seq int64
		var id string
		if err := rows.Scan(&seq, &id); err != nil {
			return nil, txErr(err)
		}
		out = append(out, newsroom.LogEntry{Seq: uint64(seq), Article: fielddesk.ID(id)})
	}
	return out, txErr(rows.Err())
}

// LogChange takes the next position under the row lock Update took first:
// positions are in commit order.
func (t *pgTx) LogChange(article fielddesk.ID) error {
	return t.exec(`WITH s AS (UPDATE change_seq SET last = last + 1 WHERE id = 1 RETURNING last)
		INSERT INTO changes (seq, article) SELECT last, $1 FROM s`, string(article))
}

func (t *pgTx) Events(article fielddesk.ID) ([]fielddesk.Event, error) {
	return listJSON[fielddesk.Event](t, `SELECT record FROM events WHERE article = $1 ORDER BY id`, string(article))
}

func (t *pgTx) HasEvent(article, event fielddesk.ID) (bool, error) {
	return t.exists(`SELECT 1 FROM events WHERE article = $1 AND id = $2`, string(article), string(event))
}

func (t *pgTx) PutEvent(e fielddesk.Event) error {
	return t.exec(`INSERT INTO events (article, id, record) VALUES ($1, $2, $3)
		ON CONFLICT (article, id) DO UPDATE SET record = EXCLUDED.record`, string(e.Article), string(e.ID), mustJSON(e))
}

func (t *pgTx) Audit(article fielddesk.ID) ([]fielddesk.AuditEntry, error) {
	return listJSON[fielddesk.AuditEntry](t, `SELECT entry FROM audit WHERE article = $1 ORDER BY seq`, string(article))
}

func (t *pgTx) AddAudit(article fielddesk.ID, e fielddesk.AuditEntry) error {
	return t.exec(`INSERT INTO audit (article, entry) VALUES ($1, $2)`, string(article), mustJSON(e))
}

func (t *pgTx) Schedule(article fielddesk.ID, due time.Time) error {
	return t.exec(`INSERT INTO schedule (article, due_ns) VALUES ($1, $2)
		ON CONFLICT (article) DO UPDATE SET due_ns = EXCLUDED.due_ns`, string(article), due.UnixNano())
}

func (t *pgTx) Unschedule(article fielddesk.ID, due time.Time) error {
	return t.exec(`DELETE FROM schedule WHERE article = $1 AND due_ns = $2`, string(article), due.UnixNano())
}

func (t *pgTx) Due(at time.Time) ([]fielddesk.ID, error) {
	ids, err := list[string](t, `SELECT article FROM schedule WHERE due_ns <= $1 ORDER BY due_ns, article`, at.UnixNano())
	out := make([]fielddesk.ID, len(ids))
	for i, id := range ids {
		out[i] = fielddesk.ID(id)
	}
	return out, err
}

func (t *pgTx) NextDue() (time.Time, bool, error) {
	var ns *int64
	if err := t.queryRow(`SELECT min(due_ns) FROM schedule`).Scan(&ns); err != nil {
		return time.Time{}, false, txErr(err)
	}
	if ns == nil {
		return time.Time{}, false, nil
	}
	return time.Unix(0, *ns).UTC(), true, nil
}

func (t *pgTx) Publication(article fielddesk.ID) (newsroom.Publication, error) {
	var p newsroom.Publication
	return p, t.getJSON(&p, `SELECT record FROM publications WHERE article = $1`, string(article))
}

func (t *pgTx) PutPublication(pub, prev newsroom.Publication) error {
	return t.exec(`INSERT INTO publications (article, slug, updated_ns, record) VALUES ($1, $2, $3, $4)
		ON CONFLICT (article) DO UPDATE SET slug = EXCLUDED.slug, updated_ns = EXCLUDED.updated_ns, record = EXCLUDED.record`,
		string(pub.Article), pub.Slug, pub.Updated.UnixNano(), mustJSON(pub))
}

func (t *pgTx) SlugTaken(slug string) (bool, error) {
	return t.exists(`SELECT 1 FROM publications WHERE slug = $1`, slug)
}

func (t *pgTx) ArticleAt(slug string) (fielddesk.ID, error) {
	var id string
	err := t.queryRow(`SELECT article FROM publications WHERE slug = $1`, slug).Scan(&id)
	return fielddesk.ID(id), txErr(err)
}

func (t *pgTx) EachPublication(since time.Time, fn func(newsroom.Publication) (bool, error)) error {
	// Read a page at a time: fn may read more in the same transaction,
	// which a connection cannot do while rows are still arriving.
	const page = 100
	afterNS, afterID := int64(1<<63-1), "\uffff"
	for {
		pubs, err := listJSON[newsroom.Publication](t, `SELECT record FROM publications
			WHERE updated_ns > $1 AND (updated_ns, article) < ($2, $3)
			ORDER BY updated_ns DESC, article DESC LIMIT $4`, since.UnixNano(), afterNS, afterID, page)
		if err != nil {
			return err
		}
		for _, p := range pubs {
			if more, err := fn(p); err != nil || !more {
				return err
			}
		}
		if len(pubs) < page {
			return nil
		}
		last := pubs[len(pubs)-1]
		afterNS, afterID = last.Updated.UnixNano(), string(last.Article)
	}
}

func (t *pgTx) PutVersion(pub newsroom.Publication) error {
	return t.exec(`INSERT INTO publication_versions (article, version, record) VALUES ($1, $2, $3)
		ON CONFLICT (article, version) DO UPDATE SET record = EXCLUDED.record`, string(pub.Article), pub.VersionNumber(), mustJSON(pub))
}

func (t *pgTx) Version(article fielddesk.ID, n int) (newsroom.Publication, error) {
	var p newsroom.Publication
	return p, t.getJSON(&p, `SELECT record FROM publication_versions WHERE article = $1 AND version = $2`, string(article), n)
}

func (t *pgTx) PendingNote(article fielddesk.ID) (fielddesk.PublicationNote, bool, error) {
	var note fielddesk.PublicationNote
	err := t.getJSON(&note, `SELECT note FROM pending_notes WHERE article = $1`, string(article))
	if errors.Is(err, fielddesk.ErrNotFound) {
		return note, false, nil
	}
	return note, err == nil, err
}

func (t *pgTx) SetPendingNote(article fielddesk.ID, note fielddesk.PublicationNote) error {
	if note.Action == "" {
		return t.exec(`DELETE FROM pending_notes WHERE article = $1`, string(article))
	}
	return t.exec(`INSERT INTO pending_notes (article, note) VALUES ($1, $2)
		ON CONFLICT (article) DO UPDATE SET note = EXCLUDED.note`, string(article), mustJSON(note))
}

func (t *pgTx) ShowPhoto(hash string, article fielddesk.ID, shown bool) error {
	if shown {
		return t.exec(`INSERT INTO published_photos (hash, article) VALUES ($1, $2) ON CONFLICT DO NOTHING`, hash, string(article))
	}
	return t.exec(`DELETE FROM published_photos WHERE hash = $1 AND article = $2`, hash, string(article))
}

func (t *pgTx) PublishedWith(hash string) ([]fielddesk.ID, error) {
	return ids(list[string](t, `SELECT article FROM published_photos WHERE hash = $1 ORDER BY article`, hash))
}

func (t *pgTx) PhotoArticles(hash string) ([]fielddesk.ID, error) {
	return ids(list[string](t, `SELECT DISTINCT article FROM photo_refs WHERE hash = $1 ORDER BY article`, hash))
}

func ids(s []string, err error) ([]fielddesk.ID, error) {
	out := make([]fielddesk.ID, len(s))
	for i, id := range s {
		out[i] = fielddesk.ID(id)
	}
	return out, err
}

func (t *pgTx) PhotoHolders(hash string) ([]string, error) {
	return list[string](t, `SELECT "user" FROM photo_holders WHERE hash = $1 ORDER BY "user"`, hash)
}

func (t *pgTx) HoldPhoto(hash, user string) error {
	return t.exec(`INSERT INTO photo_holders (hash, "user") VALUES ($1, $2) ON CONFLICT DO NOTHING`, hash, user)
}

func (t *pgTx) Renditions(hash string) ([]newsroom.Filed, error) {
	rows, err := t.query(`SELECT "user", rendition_hash FROM renditions WHERE hash = $1 ORDER BY "user"`, hash)
	if err != nil {
		return nil, txErr(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (newsroom.Filed, error) {
		var f newsroom.Filed
		return f, r.Scan(&f.User, &f.Hash)
	})
	return out, txErr(err)
}

func (t *pgTx) FileRendition(hash, user, renditionHash string) error {
	return t.exec(`INSERT INTO renditions (hash, "user", rendition_hash) VALUES ($1, $2, $3)
		ON CONFLICT (hash, "user") DO UPDATE SET rendition_hash = EXCLUDED.rendition_hash`, hash, user, renditionHash)
}

func (t *pgTx) WantOriginal(hash string) error {
	return t.exec(`INSERT INTO wanted_originals (hash) VALUES ($1) ON CONFLICT DO NOTHING`, hash)
}

func (t *pgTx) OriginalWanted(hash string) (bool, error) {
	return t.exists(`SELECT 1 FROM wanted_originals WHERE hash = $1`, hash)
}

var _ newsroom.BulkReader = (*pgTx)(nil)

// Changes reads a pull's page of articles in one round trip: their rows,
// newest revisions, addresses, decisions and comments and audit logs.
func (t *pgTx) Changes(page []newsroom.LogEntry, withAudit bool) (map[newsroom.LogEntry]newsroom.Change, error) {
	out := make(map[newsroom.LogEntry]newsroom.Change, len(page))
	if len(page) == 0 {
		return out, nil
	}
	if err := t.flush(); err != nil {
		return nil, err
	}
	ids := make([]string, len(page))
	for i, l := range page {
		ids[i] = string(l.Article)
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT id, owner, summary FROM articles WHERE id = ANY($1) AND summary IS NOT NULL`, ids)
	b.Queue(`SELECT r.article, r.record FROM articles a JOIN revisions r ON r.article = a.id AND r.id = a.summary->>'head'
		WHERE a.id = ANY($1)`, ids)
	b.Queue(`SELECT article, slug FROM publications WHERE article = ANY($1)`, ids)
	b.Queue(`SELECT article, record FROM events WHERE article = ANY($1) ORDER BY article, id`, ids)
	if withAudit {
		b.Queue(`SELECT article, entry FROM audit WHERE article = ANY($1) ORDER BY article, seq`, ids)
	}
	br := t.tx.SendBatch(t.ctx, b)
	defer br.Close()
	type row struct {
		owner string
		sum   summary
		rev   fielddesk.Revision
		slug  string
		ev    []fielddesk.Event
		audit []fielddesk.AuditEntry
	}
	rows := map[string]*row{}
	each := func(fn func(id string, raw []byte) error) error {
		rs, err := br.Query()
		if err != nil {
			return txErr(err)
		}
		defer rs.Close()
		for rs.Next() {
			var id string
			var raw []byte
			if err := rs.Scan(&id, &raw); err != nil {
				return txErr(err)
			}
			if err := fn(id, raw); err != nil {
				return err
			}
		}
		return txErr(rs.Err())
	}
	{
		rs, err := br.Query()
		if err != nil {
			return nil, txErr(err)
		}
		for rs.Next() {
			var id, owner string
			var raw []byte
			if err := rs.Scan(&id, &owner, &raw); err != nil {
				rs.Close()
				return nil, txErr(err)
			}
			r := &row{owner: owner}
			if err := json.Unmarshal(raw, &r.sum); err != nil {
				rs.Close()
				return nil, fmt.Errorf("decode the summary of %s: %w", id, err)
			}
			rows[id] = r
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, txErr(err)
		}
	}
	err := each(func(id string, raw []byte) error {
		if r := rows[id]; r != nil {
			return json.Unmarshal(raw, &r.rev)
		}
		return nil
	})
	if err == nil {
		err = each(func(id string, raw []byte) error {
			if r := rows[id]; r != nil {
				r.slug = string(raw)
			}
			return nil
		})
	}
	if err == nil {
		err = each(func(id string, raw []byte) error {
			var e fielddesk.Event
			if r := rows[id]; r != nil {
				if err := json.Unmarshal(raw, &e); err != nil {
					return err
				}
				r.ev = append(r.ev, e)
			}
			return nil
		})
	}
	if err == nil && withAudit {
		err = each(func(id string, raw []byte) error {
			var e fielddesk.AuditEntry
			if r := rows[id]; r != nil {
				if err := json.Unmarshal(raw, &e); err != nil {
					return err
				}
				r.audit = append(r.audit, e)
			}
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	for _, l := range page {
		r := rows[string(l.Article)]
		if r == nil || r.rev.ID == "" {
			return nil, fmt.Errorf("article %s in the change log: %w", l.Article, fielddesk.ErrNotFound)
		}
		r.rev.Article.Status = r.sum.Status
		c := newsroom.Change{Seq: l.Seq, Owner: r.owner, Revision: r.rev, Status: r.sum.Status, Submitted: r.sum.Submitted,
			Holder: r.sum.Holder, Held: r.sum.Held, Due: r.sum.Due, Embargo: r.sum.Embargo, Events: r.ev, Audit: r.audit}
		if r.sum.Status.Online() {
			c.Slug = r.slug
		}
		out[l] = c
	}
	return out, nil
}
