package fielddesk

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// ID identifies an article or a revision. IDs are ULIDs generated on the
// client: unique without coordination and sortable by creation time, so sync
// can rely on them and stores can list revisions in order by key.
type ID string

var (
	idMu      sync.Mutex
	idEntropy = ulid.Monotonic(rand.Reader, 0)
)

// NewID returns a fresh ID whose time component is now. IDs made in the same
// process are strictly increasing.
func NewID() ID {
	idMu.Lock()
	defer idMu.Unlock()
	return ID(ulid.MustNew(ulid.Timestamp(time.Now()), idEntropy).String())
}

// ParseID checks that s is a well-formed ID.
func ParseID(s string) (ID, error) {
	if _, err := ulid.ParseStrict(s); err != nil {
		return "", fmt.Errorf("%q is not an article or revision ID: %w", s, ErrInvalid)
	}
	return ID(s), nil
}

// Time is the creation time encoded in the ID.
func (id ID) Time() time.Time {
	u, err := ulid.ParseStrict(string(id))
	if err != nil {
		return time.Time{}
	}
	return ulid.Time(u.Time())
}

func (id ID) String() string { return string(id) }
