//go:build !windows

package store

import "os"

// syncFolder flushes a folder's entries (fsync on the folder).
func syncFolder(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
