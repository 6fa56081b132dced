package store

import (
	"os"
	"path/filepath"

	"github.com/fielddesk/fielddesk/internal/durable"
)

// Writing files durably: every photo, upload and state file goes through
// these, over internal/durable (which knows what each system needs), so
// that "flushed before acknowledged" holds in one place and a test can
// count the flushes (onFlush).

// syncFile flushes a file's bytes to the disk.
func (s *DB) syncFile(f *os.File) error {
	var err error
	if flushOff != "files" {
		err = durable.Sync(f)
	}
	s.flushed("file", f.Name())
	return err
}

// syncDir makes the entries of a folder (a file created in it) durable.
func (s *DB) syncDir(dir string) error {
	err := durable.SyncDir(dir)
	s.flushed("folder", dir)
	return err
}

func (s *DB) flushed(kind, path string) {
	if s.onFlush != nil {
		s.onFlush(kind, path)
	}
}

// writeSynced writes a small file whole: to a temporary name, flushed,
// moved into place durably (the folder is flushed with the move).
func (s *DB) writeSynced(path string, data []byte) error {
	f, err := durable.Create(path, 0o600)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	err = f.Commit()
	s.flushed("file", path)
	s.flushed("folder", filepath.Dir(path))
	return err
}

// placeFile moves a complete, flushed file to final durably.
func (s *DB) placeFile(tmp, final string) error {
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return err
	}
	err := durable.Rename(tmp, final)
	s.flushed("folder", filepath.Dir(final))
	return err
}
