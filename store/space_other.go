//go:build !windows

package store

import (
	"errors"
	"syscall"
)

// freeBytes is the space free for this process's writes on dir's disk.
func freeBytes(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

func isDiskFullOS(error) bool { return false }

// isDiskGoneOS: a pulled-out USB drive or card answers with an I/O error,
// or says there is no such device any more.
func isDiskGoneOS(err error) bool {
	return errors.Is(err, syscall.EIO) || errors.Is(err, syscall.ENODEV) || errors.Is(err, syscall.ENXIO)
}
