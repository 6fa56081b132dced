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
