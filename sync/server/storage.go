package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/newsroom"
)

// The newsroom's storage as the operators see it: every call to the
// records (transactions) and to the photo store is timed and its errors
// counted (/metrics), and /healthz asks both.

// latencyBuckets are the upper bounds (seconds) of the storage histograms.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// storageStats are the histograms of storage calls by store and operation.
type storageStats struct {
	mu  sync.Mutex
	ops map[string]*opStats // "store op"
}

type opStats struct {
	counts []uint64 // per bucket, and one more for +Inf
	sum    float64
	n      uint64
	errors uint64
}

func newStorageStats() *storageStats { return &storageStats{ops: map[string]*opStats{}} }

// observe records one call of op on store that took d and ended with err.
// A photo that is not there is an answer, not an error.
func (s *storageStats) observe(store, op string, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := store + " " + op
	o := s.ops[k]
	if o == nil {
		o = &opStats{counts: make([]uint64, len(latencyBuckets)+1)}
		s.ops[k] = o
	}
	sec := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, sec)
	o.counts[i]++
	o.sum += sec
	o.n++
	if err != nil && !errors.Is(err, fielddesk.ErrNotFound) && !errors.Is(err, blobs.ErrWrongOffset) {
		o.errors++
	}
}

// write adds the histograms to a /metrics page.
func (s *storageStats) write(b *strings.Builder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.ops))
	for k := range s.ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("# HELP fielddesk_storage_seconds Time of calls to the newsroom's database and photo store.\n# TYPE fielddesk_storage_seconds histogram\n")
	for _, k := range keys {
		store, op, _ := strings.Cut(k, " ")
		o := s.ops[k]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += o.counts[i]
			fmt.Fprintf(b, "fielddesk_storage_seconds_bucket{store=%q,op=%q,le=\"%g\"} %d\n", store, op, le, cum)
		}
		fmt.Fprintf(b, "fielddesk_storage_seconds_bucket{store=%q,op=%q,le=\"+Inf\"} %d\n", store, op, o.n)
		fmt.Fprintf(b, "fielddesk_storage_seconds_sum{store=%q,op=%q} %g\n", store, op, o.sum)
		fmt.Fprintf(b, "fielddesk_storage_seconds_count{store=%q,op=%q} %d\n", store, op, o.n)
	}
	b.WriteString("# HELP fielddesk_storage_errors_total Calls to the newsroom's database and photo store that failed.\n# TYPE fielddesk_storage_errors_total counter\n")
	for _, k := range keys {
		store, op, _ := strings.Cut(k, " ")
		fmt.Fprintf(b, "fielddesk_storage_errors_total{store=%q,op=%q} %d\n", store, op, s.ops[k].errors)
	}
}

// timedRecords is a newsroom.Backend whose transactions are timed.
type timedRecords struct {
	newsroom.Backend
	stats *storageStats
}

func (t timedRecords) Update(ctx context.Context, fn func(newsroom.Tx) error) error {
	start := time.Now()
	err := t.Backend.Update(ctx, fn)
	t.stats.observe("database", "update", time.Since(start), err)
	return err
}

func (t timedRecords) View(ctx context.Context, fn func(newsroom.Tx) error) error {
	start := time.Now()
	err := t.Backend.View(ctx, fn)
	t.stats.observe("database", "view", time.Since(start), err)
	return err
}

// timedBlobs is a blobs.Store whose calls are timed.
type timedBlobs struct {
	blobs.Store
	stats *storageStats
}

func (t timedBlobs) time(op string, start time.Time, err error) {
	t.stats.observe("photos", op, time.Since(start), err)
}

func (t timedBlobs) Open(ctx context.Context, k blobs.Key) (o blobs.Object, err error) {
	defer func(start time.Time) { t.time("open", start, err) }(time.Now())
	return t.Store.Open(ctx, k)
}

func (t timedBlobs) Stat(ctx context.Context, k blobs.Key) (n int64, err error) {
	defer func(start time.Time) { t.time("stat", start, err) }(time.Now())
	return t.Store.Stat(ctx, k)
}

func (t timedBlobs) Start(ctx context.Context, u blobs.Upload, l blobs.Limits) (err error) {
	defer func(start time.Time) { t.time("start", start, err) }(time.Now())
	return t.Store.Start(ctx, u, l)
}

func (t timedBlobs) Progress(ctx context.Context, u blobs.Upload) (p blobs.Progress, err error) {
	defer func(start time.Time) { t.time("progress", start, err) }(time.Now())
	return t.Store.Progress(ctx, u)
}

func (t timedBlobs) Write(ctx context.Context, u blobs.Upload, offset int64, chunk, state []byte) (err error) {
	defer func(start time.Time) { t.time("write", start, err) }(time.Now())
	return t.Store.Write(ctx, u, offset, chunk, state)
}

func (t timedBlobs) Read(ctx context.Context, u blobs.Upload) (r io.ReadCloser, err error) {
	defer func(start time.Time) { t.time("read", start, err) }(time.Now())
	return t.Store.Read(ctx, u)
}

func (t timedBlobs) Finish(ctx context.Context, u blobs.Upload, k blobs.Key) (err error) {
	defer func(start time.Time) { t.time("finish", start, err) }(time.Now())
	return t.Store.Finish(ctx, u, k)
}

// health asks the database and the photo store whether they answer.
func (s *Server) health(ctx context.Context) (database, photos error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	database = s.records.View(ctx, func(tx newsroom.Tx) error {
		_, _, err := tx.NextDue()
		return err
	})
	// A photo nobody has: "not found" is the store answering.
	if _, err := s.blobs.Stat(ctx, blobs.Original(strings.Repeat("0", 64))); err != nil && !errors.Is(err, blobs.ErrNotFound) {
		photos = err
	}
	return database, photos
}
