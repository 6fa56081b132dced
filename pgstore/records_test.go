package pgstore

import (
	"testing"

	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/newsroom/newsroomtest"
)

// PostgreSQL obeys the suite every newsroom backend obeys; Second is
// another server instance on the same database.
func TestNewsroomConformance(t *testing.T) {
	newsroomtest.Run(t, func(t *testing.T) newsroomtest.Backend {
		db, open := openTest(t)
		return newsroomtest.Backend{Backend: db, Second: func(t *testing.T) newsroom.Backend { return open(t) }}
	})
}
