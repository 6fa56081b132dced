//go:build !windows

package store

import (
	"errors"
	"os"
	"syscall"
)

// heldByAnother says whether another FieldDesk holds the Badger folder
// dir: Badger takes an flock on the folder, and a try for it without
// waiting says so (Badger's own error says it only in English words).
func heldByAnother(dir string) bool {
	d, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer d.Close()
	err = syscall.Flock(int(d.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(d.Fd()), syscall.LOCK_UN)
		return false
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}

// canOpenReadOnly: Badger opens a folder read-only on this system.
const canOpenReadOnly = true
