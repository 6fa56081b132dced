package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// migrations bring the schema from version i to i+1, each in its own
// transaction. Append only: a migration that shipped is never changed.
var migrations = []string{
	// 1: photos on their way (blobs.Uploads), chunk by chunk.
	`CREATE TABLE photo_uploads (
		area    text   NOT NULL,
		hash    text   NOT NULL,
		device  text   NOT NULL DEFAULT '',
		size    bigint NOT NULL DEFAULT 0,
		have    bigint NOT NULL DEFAULT 0,
		state   bytea,
		touched timestamptz NOT NULL DEFAULT now(),
		PRIMARY KEY (area, hash)
	);
	CREATE TABLE photo_upload_chunks (
		area   text   NOT NULL,
		hash   text   NOT NULL,
		"offset" bigint NOT NULL,
		data   bytea  NOT NULL,
		PRIMARY KEY (area, hash, "offset"),
		FOREIGN KEY (area, hash) REFERENCES photo_uploads ON DELETE CASCADE
	);
	CREATE INDEX photo_uploads_touched ON photo_uploads (touched);`,

	// 2: the newsroom's records (newsroom.Tx). Records are JSON as the
	// domain writes them (times to the nanosecond), with the columns the
	// rules look things up by; times the rules order by are also kept as
	// nanoseconds since 1970 (*_ns).
	`CREATE TABLE device_mutations (
		device text PRIMARY KEY,
		last   bigint NOT NULL
	);
	CREATE TABLE mutation_outcomes (
		device  text   NOT NULL,
		id      bigint NOT NULL,
		outcome jsonb  NOT NULL,
		PRIMARY KEY (device, id)
	);
	CREATE TABLE users (
		name   text PRIMARY KEY,
		record jsonb NOT NULL
	);
	CREATE TABLE devices (
		id     text PRIMARY KEY,
		"user" text NOT NULL,
		record jsonb NOT NULL
	);
	CREATE TABLE tokens (
		hash   text PRIMARY KEY,
		device text NOT NULL REFERENCES devices
	);
	CREATE TABLE articles (
		id      text PRIMARY KEY,
		owner   text NOT NULL DEFAULT '',
		status  text,
		summary jsonb
	);
	CREATE TABLE revisions (
		article text NOT NULL,
		id      text NOT NULL,
		record  jsonb NOT NULL,
		PRIMARY KEY (article, id)
	);
	CREATE TABLE photo_refs (
		hash     text NOT NULL,
		article  text NOT NULL,
		revision text NOT NULL,
		PRIMARY KEY (hash, article, revision)
	);
	CREATE TABLE events (
		article text NOT NULL,
		id      text NOT NULL,
		record  jsonb NOT NULL,
		PRIMARY KEY (article, id)
	);
	CREATE TABLE audit (
		seq     bigserial PRIMARY KEY,
		article text NOT NULL,
		entry   jsonb NOT NULL
	);
	CREATE INDEX audit_article ON audit (article, seq);
	-- The change log: positions are handed out under the lock on
	-- change_seq's one row, which every writing transaction takes first,
	-- so positions are in commit order.
	CREATE TABLE change_seq (
		id   int PRIMARY KEY CHECK (id = 1),
		last bigint NOT NULL
	);
	INSERT INTO change_seq VALUES (1, 0);
	CREATE TABLE changes (
		seq     bigint PRIMARY KEY,
		article text NOT NULL
	);
	CREATE TABLE schedule (
		article text PRIMARY KEY,
		due_ns  bigint NOT NULL
	);
	CREATE INDEX schedule_due ON schedule (due_ns);
	CREATE TABLE publications (
		article    text PRIMARY KEY,
		slug       text NOT NULL UNIQUE,
		updated_ns bigint NOT NULL,
		record     jsonb NOT NULL
	);
	CREATE INDEX publications_updated ON publications (updated_ns DESC, article DESC);
	CREATE TABLE publication_versions (
		article text NOT NULL,
		version int  NOT NULL,
		record  jsonb NOT NULL,
		PRIMARY KEY (article, version)
	);
	CREATE TABLE pending_notes (
		article text PRIMARY KEY,
		note    jsonb NOT NULL
	);
	CREATE TABLE published_photos (
		hash    text NOT NULL,
		article text NOT NULL,
		PRIMARY KEY (hash, article)
	);
	CREATE TABLE photo_holders (
		hash   text NOT NULL,
		"user" text NOT NULL,
		PRIMARY KEY (hash, "user")
	);
	CREATE TABLE renditions (
		hash           text NOT NULL,
		"user"         text NOT NULL,
		rendition_hash text NOT NULL,
		PRIMARY KEY (hash, "user")
	);
	CREATE TABLE wanted_originals (
		hash text PRIMARY KEY
	);`,

	// 3: login attempts, counted for every instance (newsroom.Attempts).
	`CREATE TABLE login_attempts (
		attempt bigint NOT NULL,
		key     text   NOT NULL,
		at_ns   bigint NOT NULL
	);
	CREATE INDEX login_attempts_key ON login_attempts (key, at_ns);
	CREATE INDEX login_attempts_attempt ON login_attempts (attempt);
	CREATE SEQUENCE login_attempt_ids;`,
}

// ErrSchemaTooNew means the database was migrated by a newer server: this
// one refuses to run on it rather than misread it.
var ErrSchemaTooNew = errors.New("the database's schema is newer than this server knows")

// schemaLock is the advisory lock that lets one instance migrate at a time.
const schemaLock = 0x66646b5f73636d61 // "fdk_scma"

// SchemaVersion is the schema version this program writes.
func SchemaVersion() int { return len(migrations) }

// migrate brings the schema up to SchemaVersion, under an advisory lock so
// that instances starting together migrate once.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("database: %w", unavailable(err))
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(schemaLock)); err != nil {
		return fmt.Errorf("database: %w", unavailable(err))
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(schemaLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS fielddesk_schema (version int NOT NULL)`); err != nil {
		return fmt.Errorf("database schema: %w", unavailable(err))
	}
	var version int
	err = conn.QueryRow(ctx, `SELECT version FROM fielddesk_schema`).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := conn.Exec(ctx, `INSERT INTO fielddesk_schema (version) VALUES (0)`); err != nil {
			return fmt.Errorf("database schema: %w", unavailable(err))
		}
	} else if err != nil {
		return fmt.Errorf("database schema: %w", unavailable(err))
	}
	if version > len(migrations) {
		return fmt.Errorf("%w: it is version %d, this server knows up to %d: run the newer server (or restore a backup made for this one)", ErrSchemaTooNew, version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE fielddesk_schema SET version = $1`, v+1)
			return err
		})
		if err != nil {
			return fmt.Errorf("database schema: migrating to version %d: %w", v+1, unavailable(err))
		}
	}
	return nil
}
