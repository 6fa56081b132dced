package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/fielddesk/fielddesk"
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

// diskErr turns an error of a file write that ran out of space into a
// *fielddesk.DiskFullError; others are returned as they are.
func diskErr(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC) || isDiskFullOS(err):
		return &fielddesk.DiskFullError{Need: spaceReserve}
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%w: %v", fielddesk.ErrReadOnly, err)
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
