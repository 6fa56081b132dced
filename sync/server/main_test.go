package server

import (
	"os"
	"testing"

	"github.com/fielddesk/fielddesk/internal/servertest"
)

// The tests run on the embedded store, or on PostgreSQL and S3 when
// FIELDDESK_TEST_BACKEND=postgres (servertest); the servers they started
// stop at the end.
func TestMain(m *testing.M) { os.Exit(servertest.Main(m)) }
