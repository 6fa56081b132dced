package store

import (
	"os"
	"path/filepath"
)

// Writing files durably: every photo, upload and state file goes through
// these, so that "flushed before acknowledged" holds in one place (and a
// test can count the flushes: onFlush).

// syncFile flushes a file's bytes to the disk.
func (s *DB) syncFile(f *os.File) error {
	err := f.Sync()
	s.flushed("file", f.Name())
	return err
}

// syncDir makes the entries of a folder (a rename into it) durable.
func (s *DB) syncDir(dir string) error {
	err := syncFolder(dir)
	s.flushed("folder", dir)
	return err
}

func (s *DB) flushed(kind, path string) {
	if s.onFlush != nil {
		s.onFlush(kind, path)
	}
}

// writeSynced writes a small file whole: to a temporary name, flushed,
// renamed into place.
func (s *DB) writeSynced(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = s.syncFile(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp) // a half-written file (a full disk) gives its space back
	}
	return err
}

// placeFile moves a complete, flushed file to final durably.
func (s *DB) placeFile(tmp, final string) error {
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	return s.syncDir(filepath.Dir(final))
}
