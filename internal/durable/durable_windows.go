//go:build windows

package durable

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// syncDir does nothing: Windows cannot open a folder for flushing without
// backup privileges (golang/go#75541, "Access is denied"); the rename is
// made durable by MoveFileEx's write-through instead (rename).
func syncDir(dir string) error { return nil }

// How long a rename keeps trying while another program holds one of its
// files: antivirus and indexers open a new file for a moment to scan it.
var busyFor = 2 * time.Second

// rename moves with MOVEFILE_WRITE_THROUGH, which returns only once the
// move is on the disk (NTFS flushes its journal), and tries again for a
// moment on a sharing violation or a denied access, which on Windows
// usually means a scanner has the file open.
func rename(oldPath, newPath string) error {
	from, err := windows.UTF16PtrFromString(oldPath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldPath, New: newPath, Err: err}
	}
	to, err := windows.UTF16PtrFromString(newPath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldPath, New: newPath, Err: err}
	}
	deadline := time.Now().Add(busyFor)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 200*time.Millisecond) {
		err = windows.MoveFileEx(from, to, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
		if err == nil {
			return nil
		}
		if !isBusy(err) {
			return &os.LinkError{Op: "rename", Old: oldPath, New: newPath, Err: err}
		}
		if time.Now().After(deadline) {
			if errors.Is(err, windows.ERROR_ACCESS_DENIED) && !heldOpen(to) && !heldOpen(from) {
				// No one holds the files: a read-only file, a folder's rights.
				return &os.LinkError{Op: "rename", Old: oldPath, New: newPath, Err: err}
			}
			return fmt.Errorf("rename %s to %s: %w (%w)", oldPath, newPath, ErrBusy, err)
		}
		time.Sleep(pause)
	}
}

// heldOpen says whether another handle on the file refuses to share its
// deletion (which a replace needs): Windows answers MoveFileEx over such a
// file with "access denied", the same as for a file one may not touch.
func heldOpen(path *uint16) bool {
	h, err := windows.CreateFile(path, windows.DELETE, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return errors.Is(err, windows.ERROR_SHARING_VIOLATION)
	}
	windows.CloseHandle(h)
	return false
}

func isBusy(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION) ||
		errors.Is(err, windows.ERROR_ACCESS_DENIED)
}
