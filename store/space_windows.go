//go:build windows

package store

import (
	"errors"

	"golang.org/x/sys/windows"
)

// freeBytes is the space free for this process's writes on dir's disk.
func freeBytes(dir string) (int64, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, err
	}
	var free, total, all uint64
	if err := windows.GetDiskFreeSpaceEx(p, &free, &total, &all); err != nil {
		return 0, err
	}
	return int64(free), nil
}

// isDiskGoneOS: Windows says the device is not connected or not ready
// when a USB drive or card was pulled out, or that the drive is gone.
func isDiskGoneOS(err error) bool {
	return errors.Is(err, windows.ERROR_DEVICE_NOT_CONNECTED) || errors.Is(err, windows.ERROR_NOT_READY) ||
		errors.Is(err, windows.ERROR_DEV_NOT_EXIST) || errors.Is(err, windows.ERROR_INVALID_DRIVE)
}

// isDiskFullOS: Windows says ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL.
func isDiskFullOS(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL)
}
