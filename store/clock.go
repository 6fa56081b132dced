package store

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// A laptop whose CMOS battery died boots in 2000 (or on its firmware's
// date). The desk's store keeps its own clock so that such a clock never
// reorders what the person sees nor dates an article 2001: it never goes
// back past the newest time the store has seen (its own saves, the
// newsroom server's Date), and when the system clock is found far behind
// that, it runs on from there at the system clock's pace (and from the
// newsroom's time once a sync brings it).

var clockKey = []byte("meta/clock")

// ClockTolerance is how far behind the newest time seen the system clock
// may be before the store calls it wrong (NTP steps, a changed time zone
// setting and summer time stay well inside it).
const ClockTolerance = time.Hour

type storeClock struct {
	mu     sync.Mutex
	seen   time.Time     // the newest time the store has seen
	offset time.Duration // added to the system clock once it was found wrong
	behind bool
}

// loadClock reads the newest time seen, at open.
func (s *DB) loadClock() error {
	return s.view(func(txn *badger.Txn) error {
		item, err := txn.Get(clockKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			var t time.Time
			if err := t.UnmarshalBinary(v); err != nil {
				return fmt.Errorf("damaged clock record: %w", err)
			}
			s.clk.seen = t
			return nil
		})
	})
}

// clock is the store's time: the system's, corrected once it was found
// far behind, and never before the newest time seen.
func (s *DB) clock() time.Time {
	s.clk.mu.Lock()
	defer s.clk.mu.Unlock()
	t := s.now().Add(s.clk.offset)
	if gap := s.clk.seen.Sub(t); gap > 0 {
		if gap > ClockTolerance {
			s.clk.offset += gap
			s.clk.behind = true
		}
		t = s.clk.seen
	}
	return t
}

// saw records a time the store has seen (a save it makes) in txn.
func (s *DB) saw(txn *badger.Txn, t time.Time) error {
	s.clk.mu.Lock()
	later := t.After(s.clk.seen)
	s.clk.mu.Unlock()
	if !later {
		return nil
	}
	b, err := t.UTC().MarshalBinary()
	if err != nil {
		return err
	}
	return txn.Set(clockKey, b)
}

// committed notes t as seen once the transaction that recorded it is in.
func (s *DB) committed(t time.Time) {
	s.clk.mu.Lock()
	if t.After(s.clk.seen) {
		s.clk.seen = t
	}
	s.clk.mu.Unlock()
}

// ObserveServerTime takes the newsroom server's time (its HTTP Date): the
// store's clock follows it when the system clock is more than
// ClockTolerance away from it.
func (s *DB) ObserveServerTime(server time.Time) {
	if server.IsZero() {
		return
	}
	s.clk.mu.Lock()
	defer s.clk.mu.Unlock()
	now := s.now()
	off := server.Sub(now)
	if off > ClockTolerance || off < -ClockTolerance {
		s.clk.offset = off
		s.clk.behind = off > 0
	} else if s.clk.offset != 0 && !s.clk.behind {
		s.clk.offset = 0
	}
}

// Clock is the store's clock and what it thinks of the system's.
func (s *DB) Clock() fielddesk.ClockState {
	t := s.clock()
	s.clk.mu.Lock()
	defer s.clk.mu.Unlock()
	return fielddesk.ClockState{Behind: s.clk.behind, System: s.now(), Trusted: t}
}

// Now is the store's time (see clock).
func (s *DB) Now() time.Time { return s.clock() }

// SetSystemClock replaces the system clock the store reads (tests, and
// tools that show what a wrong clock does). Go programs read the clock
// through the vDSO, so libfaketime cannot.
func (s *DB) SetSystemClock(now func() time.Time) {
	s.clk.mu.Lock()
	s.now = now
	s.clk.mu.Unlock()
}
