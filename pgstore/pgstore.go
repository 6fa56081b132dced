// Package pgstore is the newsroom server's shared backend: PostgreSQL
// (through pgx) for the records, and an S3-compatible object store
// (through minio-go) for photo bytes, so that several server instances
// behind a load balancer serve one newsroom. It is the only package that
// imports pgx or the S3 client; store stays the embedded default.
//
// Photos still arriving are kept in PostgreSQL, chunk by chunk, with the
// hash state that covers them, in the transaction that acknowledges each
// chunk: an upload survives a restart and goes on at any instance, and
// needs no lock outside the database. A photo whole and verified is
// written to the object store under its content-addressed key
// (photo/<sha256>, rendition/<area>/<sha256>) and its chunks deleted.
//
// The schema is created and migrated at Open (versioned migrations,
// schema.go); a database whose schema is newer than this program knows is
// refused.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
)

// DB is an open PostgreSQL database and object store bucket.
type DB struct {
	pool   *pgxpool.Pool
	s3     *minio.Client
	bucket string
}

// Open connects to the PostgreSQL database at dbURL (postgres://…) and the
// bucket at photosURL (s3://bucket?endpoint=…&region=…; credentials from
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or MINIO_ROOT_USER and
// MINIO_ROOT_PASSWORD), and brings the schema up to date. It returns an
// error wrapping ErrSchemaTooNew for a database a newer server migrated,
// and one wrapping blobs.ErrUnavailable when either cannot be reached.
func Open(ctx context.Context, dbURL, photosURL string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("database address: %w: %w", err, fielddesk.ErrInvalid)
	}
	if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	db := &DB{pool: pool}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if db.s3, db.bucket, err = openBucket(ctx, photosURL); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// openBucket connects to the bucket of an s3:// URL and checks it is there.
func openBucket(ctx context.Context, photosURL string) (*minio.Client, string, error) {
	u, err := url.Parse(photosURL)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, "", fmt.Errorf("photo storage %q: want s3://BUCKET?endpoint=URL&region=REGION: %w", photosURL, fielddesk.ErrInvalid)
	}
	q := u.Query()
	endpoint := q.Get("endpoint")
	if endpoint == "" {
		endpoint = "https://s3.amazonaws.com"
	}
	ep, err := url.Parse(endpoint)
	if err != nil || ep.Host == "" || (ep.Scheme != "http" && ep.Scheme != "https") {
		return nil, "", fmt.Errorf("photo storage endpoint %q: want http(s)://HOST[:PORT]: %w", endpoint, fielddesk.ErrInvalid)
	}
	creds := credentials.NewChainCredentials([]credentials.Provider{&credentials.EnvAWS{}, &credentials.EnvMinio{}})
	if v, err := creds.GetWithContext(nil); err != nil || v.AccessKeyID == "" {
		return nil, "", fmt.Errorf("photo storage: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: %w", fielddesk.ErrInvalid)
	}
	client, err := minio.New(ep.Host, &minio.Options{
		Creds:        creds,
		Secure:       ep.Scheme == "https",
		Region:       q.Get("region"),
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, "", fmt.Errorf("photo storage: %w", err)
	}
	bucket := u.Host
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ok, err := client.BucketExists(cctx, bucket)
	if err != nil {
		return nil, "", fmt.Errorf("photo storage %s: %w: %v", bucket, blobs.ErrUnavailable, err)
	}
	if !ok {
		return nil, "", fmt.Errorf("photo storage: there is no bucket %q at %s (create it first): %w", bucket, ep.Host, fielddesk.ErrNotFound)
	}
	return client, bucket, nil
}

// Close closes the connections.
func (db *DB) Close() { db.pool.Close() }

// unavailable marks errors that mean the database could not be reached or
// went away mid-way (a restart): nothing was committed; try again.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-03: the server shutting
		// down or not yet started; 53300: too many connections.
		if strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P0") || pgErr.Code == "53300" {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	var netErr net.Error
	var connErr *pgconn.ConnectError
	if errors.As(err, &netErr) || errors.As(err, &connErr) || errors.Is(err, os.ErrDeadlineExceeded) || pgconn.SafeToRetry(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// ErrUnavailable means the database could not be reached: nothing was
// committed; the request can be tried again (the server answers 503).
var ErrUnavailable = fielddesk.ErrUnavailable
