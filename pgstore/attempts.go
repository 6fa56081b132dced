package pgstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fielddesk/fielddesk/newsroom"
)

var _ newsroom.Attempts = (*DB)(nil)

// attemptsKept is how long attempts are kept (the longest window of the
// login limits is an hour).
const attemptsKept = 2 * time.Hour

// ReserveAttempt counts a login attempt against keys for every instance,
// under a lock on each key (taken in order: no deadlock), so two instances
// never both let the attempt over a limit through.
func (db *DB) ReserveAttempt(ctx context.Context, keys []string, window []time.Duration, max []int, at time.Time) (id int64, ok bool, err error) {
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		ok = false
		for _, k := range sorted {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('fielddesk-login/' || $1, 0))`, k); err != nil {
				return err
			}
		}
		for i, k := range keys {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM login_attempts WHERE key = $1 AND at_ns > $2`,
				k, at.Add(-window[i]).UnixNano()).Scan(&n); err != nil {
				return err
			}
			if n >= max[i] {
				return nil
			}
		}
		if err := tx.QueryRow(ctx, `SELECT nextval('login_attempt_ids')`).Scan(&id); err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := tx.Exec(ctx, `INSERT INTO login_attempts (attempt, key, at_ns) VALUES ($1, $2, $3)`, id, k, at.UnixNano()); err != nil {
				return err
			}
		}
		// Old attempts go now and then (one attempt in fifty).
		if id%50 == 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM login_attempts WHERE at_ns < $1`, at.Add(-attemptsKept).UnixNano()); err != nil {
				return err
			}
		}
		ok = true
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("login attempts: %w", unavailable(err))
	}
	return id, ok, nil
}

// ForgetAttempt takes back a reserved attempt.
func (db *DB) ForgetAttempt(ctx context.Context, id int64) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM login_attempts WHERE attempt = $1`, id); err != nil {
		return fmt.Errorf("login attempts: %w", unavailable(err))
	}
	return nil
}
