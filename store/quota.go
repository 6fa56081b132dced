package store

import (
	"context"

	"github.com/fielddesk/fielddesk/blobs"
)

// SweepUploads deletes the senders' uploads that got no new byte for
// longer than blobs.DefaultLimits.MaxAge (a device that gave up, a photo
// removed from its article) and returns how many it deleted.
func (s *DB) SweepUploads() (int, error) {
	return s.Blobs().Sweep(context.Background(), blobs.DefaultLimits.MaxAge)
}
