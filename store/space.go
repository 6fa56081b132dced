package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/durable"
)

// A full disk must never reach Badger: its memtable and value log are
// memory-mapped files, and a write into a page the disk has no room for is
// a SIGBUS that kills the process whatever the caller does. Every write is
// therefore checked against the free space first, with a reserve for what
// Badger writes on its own (a memtable flushed to a table, compactions).

// spaceReserve is what must stay free after any write.
const spaceReserve = 24 << 20

// roomFor returns a *fielddesk.DiskFullError when writing n more bytes
// would leave less than the reserve free on the data folder's disk.
func (s *DB) roomFor(n int64) error {
	free, err := freeBytes(s.dir)
	if err != nil {
		return nil // unknown: let the write say
	}
	if need := n + spaceReserve; free < need {
		return &fielddesk.DiskFullError{Free: free, Need: need}
	}
	return nil
}

// diskErr turns an error of a file write into the domain's words for it:
// a *fielddesk.DiskFullError when the disk ran out of space, and errors
// wrapping fielddesk.ErrReadOnly, ErrFileBusy or ErrDiskGone; others are
// returned as they are.
func diskErr(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC) || isDiskFullOS(err):
		return &fielddesk.DiskFullError{Need: spaceReserve}
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%w: %v", fielddesk.ErrReadOnly, err)
	case errors.Is(err, durable.ErrBusy):
		return fmt.Errorf("%w: %v", fielddesk.ErrFileBusy, err)
	case isDiskGoneOS(err):
		return fmt.Errorf("%w: %v", fielddesk.ErrDiskGone, err)
	}
	return err
}

// probeWritable tries a write in dir: an error wrapping
// fielddesk.ErrReadOnly when its disk takes none (Badger's own errors do
// not say so in a way one can match).
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		if errors.Is(err, syscall.EROFS) {
			return diskErr(err)
		}
		return nil // not a read-only disk: Badger says what it is
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// Another program can fill the disk too (a download, a video), and Badger
// writes on its own in the background (a full memtable becomes a table,
// tables are compacted) into memory-mapped files: on a disk with no room
// left that is a SIGBUS, whatever the reserve kept for our own writes.
// So once space runs low, a ballast file holds some back, and it is given
// up the moment free space falls near zero, for Badger's work in flight.
const (
	ballastSize = 16 << 20
	lowSpace    = 1 << 30 // below this free space the ballast is kept
	spaceCheck  = 500 * time.Millisecond
)

func (s *DB) ballastPath() string { return filepath.Join(s.dir, "reserve.space") }

// watchSpace keeps the ballast until done is closed.
func (s *DB) watchSpace(done <-chan struct{}) {
	t := time.NewTicker(spaceCheck)
	defer t.Stop()
	for {
		s.tendBallast()
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}

// tendBallast makes the ballast when space runs low and there is room for
// it, and gives it up when the disk is nearly full.
func (s *DB) tendBallast() {
	free, err := freeBytes(s.dir)
	if err != nil {
		return
	}
	_, statErr := os.Stat(s.ballastPath())
	have := statErr == nil
	switch {
	case have && free < spaceReserve/3:
		os.Remove(s.ballastPath())
	case !have && free < lowSpace && free >= spaceReserve+2*ballastSize:
		s.kvMu.RLock()
		ro := s.readOnly
		s.kvMu.RUnlock()
		if !ro {
			s.writeBallast()
		}
	}
}

// writeBallast takes the ballast's space for real (written, not a sparse
// file).
func (s *DB) writeBallast() {
	s.writeSynced(s.ballastPath(), make([]byte, ballastSize))
}
