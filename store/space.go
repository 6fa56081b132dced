package store

import (
	"errors"
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
	if errors.Is(err, syscall.ENOSPC) || isDiskFullOS(err) {
		return &fielddesk.DiskFullError{Need: spaceReserve}
	}
	return err
}
