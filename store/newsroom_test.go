package store

import (
	"testing"

	"github.com/fielddesk/fielddesk/newsroom/newsroomtest"
)

// The embedded backend obeys the suite every newsroom backend obeys.
func TestNewsroomConformance(t *testing.T) {
	newsroomtest.Run(t, func(t *testing.T) newsroomtest.Backend {
		db, _ := openTemp(t)
		return newsroomtest.Backend{Backend: db}
	})
}
