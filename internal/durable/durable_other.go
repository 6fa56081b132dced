//go:build !windows

package durable

import "os"

// syncDir flushes a folder with fsync, which is how POSIX makes a new
// entry in it (a rename) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// rename is rename(2): atomic, made durable by syncDir after it.
func rename(oldPath, newPath string) error { return os.Rename(oldPath, newPath) }
