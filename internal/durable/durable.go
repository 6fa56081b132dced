// Package durable writes files so that a crash or a power cut leaves
// either the old file or the whole new one, and so that a caller told "done"
// can count on the bytes being on the disk: write to a temporary file beside
// the final one, flush it, move it into place, and make the move durable.
// What each step takes differs by operating system (a folder is flushed
// with fsync on Linux; Windows cannot flush a folder and makes the move
// durable with MoveFileEx's write-through instead), so the steps live here
// once, in build-tagged files, for the store, the photo cache and the export.
package durable

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrBusy means another program holds a file FieldDesk must replace (on
// Windows an antivirus or a backup tool scanning it makes a rename fail
// with a sharing violation). Nothing was replaced; the same call succeeds
// once the other program lets go.
var ErrBusy = errors.New("the file is held by another program")

// Sync flushes a file's bytes (and its size) to the disk.
func Sync(f *os.File) error {
	if err := f.Sync(); err != nil {
		return fmt.Errorf("flush %s: %w", f.Name(), err)
	}
	return nil
}

// SyncDir makes the entries of a folder (a file created or moved into it)
// durable where the system needs that asked for separately.
func SyncDir(dir string) error {
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("flush folder %s: %w", dir, err)
	}
	return nil
}

// Rename moves a complete, flushed file to newPath, replacing what is
// there, and returns once the move itself is durable. An error wrapping
// ErrBusy means another program held one of the two files for longer than
// a moment.
func Rename(oldPath, newPath string) error {
	if err := rename(oldPath, newPath); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(newPath))
}

const tempInfix = ".tmp-"

// IsTemp says whether a file name is one of Create's temporary files: a
// crash between Create and Commit leaves one behind, for its owner to
// sweep when it next starts.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempInfix)
}

// File is a file being written that replaces its final path only at
// Commit: until then the final path keeps what it had.
type File struct {
	*os.File
	final string
	done  bool
}

// Create starts writing a file that will become final. The folder is made
// if it is missing.
func Create(final string, perm os.FileMode) (*File, error) {
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(final)+tempInfix+"*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &File{File: f, final: final}, nil
}

// Commit flushes the file, closes it and moves it into place durably. On
// an error the final path keeps what it had and the temporary file is gone.
func (f *File) Commit() error {
	if f.done {
		return errors.New("durable: file committed or aborted already")
	}
	f.done = true
	err := Sync(f.File)
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = Rename(f.File.Name(), f.final)
	}
	if err != nil {
		os.Remove(f.File.Name()) // a half-written file gives its space back
	}
	return err
}

// Abort gives up the file: the final path keeps what it had. It is safe to
// call after Commit (it does nothing then), so it can be deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// WriteFile writes data to path whole and durably: after a crash a reader
// finds the old file or the new one, never a mix or a truncated file.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}
