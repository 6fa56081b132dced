//go:build windows

package store

import (
	"errors"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// heldByAnother says whether another FieldDesk holds the Badger folder
// dir: on Windows Badger holds its LOCK file open sharing nothing, so an
// open of it fails with a sharing violation while that process runs.
func heldByAnother(dir string) bool {
	p, err := windows.UTF16PtrFromString(filepath.Join(dir, "LOCK"))
	if err != nil {
		return false
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return errors.Is(err, windows.ERROR_SHARING_VIOLATION)
	}
	windows.CloseHandle(h)
	return false
}

// canOpenReadOnly: Badger refuses read-only opens on Windows
// (ErrWindowsNotSupported), so a store on a full or write-protected disk
// is opened for writing and says what stops it.
const canOpenReadOnly = false
