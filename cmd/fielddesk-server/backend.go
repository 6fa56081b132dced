package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/pgstore"
	"github.com/fielddesk/fielddesk/store"
)

// where names the newsroom's backend: an embedded store in a data folder
// (--data DIR), or PostgreSQL and an S3-compatible bucket (--db URL
// --photos URL, or FIELDDESK_DB and FIELDDESK_PHOTOS in the environment;
// the bucket's credentials come from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY).
type where struct {
	data, db, photos string
}

// fromEnv fills what the flags left out from the environment.
func (w *where) fromEnv() {
	if w.db == "" {
		w.db = os.Getenv("FIELDDESK_DB")
	}
	if w.photos == "" {
		w.photos = os.Getenv("FIELDDESK_PHOTOS")
	}
}

// check says what is missing or contradictory.
func (w where) check(cmd string) error {
	switch {
	case w.data != "" && (w.db != "" || w.photos != ""):
		return fmt.Errorf("%s: give --data DIR (the embedded store) or --db and --photos (PostgreSQL and an S3 bucket), not both", cmd)
	case w.data == "" && w.db == "" && w.photos == "":
		return fmt.Errorf("%s needs --data DIR, or --db postgres://… and --photos s3://…", cmd)
	case w.data == "" && (w.db == "" || w.photos == ""):
		return fmt.Errorf("%s: --db and --photos go together: PostgreSQL keeps the records, the bucket the photos", cmd)
	}
	return nil
}

// backend is an open newsroom backend.
type backend struct {
	records newsroom.Backend
	photos  blobs.Store
	// local is the embedded store (nil for PostgreSQL).
	local *store.DB
	close func()
}

// open opens the backend w names.
func (w where) open(ctx context.Context) (backend, error) {
	if w.data != "" {
		db, err := store.Open(w.data)
		if err != nil {
			return backend{}, err
		}
		return backend{records: db, photos: db.Blobs(), local: db, close: func() { db.Close() }}, nil
	}
	db, err := pgstore.Open(ctx, w.db, w.photos)
	if err != nil {
		return backend{}, err
	}
	return backend{records: db, photos: db.Blobs(), close: db.Close}, nil
}

// recovery is the embedded store's report of a rebuild (nil: none, or
// PostgreSQL, which recovers on its own).
func (b backend) recovery() *fielddesk.Recovery {
	if b.local == nil {
		return nil
	}
	return b.local.Recovery()
}

// migrate moves the newsroom of the embedded store in from (its server
// stopped) into the empty database and bucket to names, and says what it
// moved.
func migrate(ctx context.Context, from string, to where, stdout io.Writer) error {
	if from == "" || to.db == "" || to.photos == "" {
		return errors.New("migrate needs --from DIR (the embedded store) and --to postgres://… --photos s3://…")
	}
	src, err := store.Open(from)
	if errors.Is(err, fielddesk.ErrInUse) {
		return fmt.Errorf("migrate: a server is running on %s: stop it first, so that nothing changes while its newsroom moves", from)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer src.Close()
	dst, err := pgstore.Open(ctx, to.db, to.photos)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer dst.Close()
	moved, err := dst.Import(ctx, src, src.Blobs())
	if errors.Is(err, pgstore.ErrNotEmpty) {
		return fmt.Errorf("migrate: the database already holds a newsroom; give an empty one (nothing was changed)")
	}
	if err != nil {
		return fmt.Errorf("migrate: %w (nothing was committed; run it again)", err)
	}
	fmt.Fprintf(stdout, "moved %s from %s\n", moved, from)
	return nil
}
