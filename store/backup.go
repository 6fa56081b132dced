package store

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/durable"
)

// A backup of a data folder, taken while the store is open (a server
// serving): one tar file with Badger's own backup of the database at one
// moment (backupMarker says the format), then the photo files. Photos are
// only ever added while an article refers to them, so those copied after
// the database's moment include every photo it refers to. Photos still
// arriving, thumbnails and caches are left out.

const (
	backupMarker = "fielddesk-backup-v1"
	backupDB     = "db.badger"
)

// BackupInfo says what a backup holds.
type BackupInfo struct {
	Photos int
	Bytes  int64
}

// ErrNotBackup means a file is not a FieldDesk backup.
var ErrNotBackup = errors.New("not a FieldDesk backup")

// Backup writes a consistent copy of the store to w.
func (s *DB) Backup(ctx context.Context, w io.Writer) (BackupInfo, error) {
	var info BackupInfo
	tmp, err := os.CreateTemp(s.CacheDir(), "backup-*")
	if err != nil {
		return info, fmt.Errorf("backup: %w", diskErr(err))
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	s.kvMu.RLock()
	_, err = s.db.Backup(tmp, 0)
	s.kvMu.RUnlock()
	if err != nil {
		return info, fmt.Errorf("backup the database: %w", diskErr(err))
	}
	tw := tar.NewWriter(w)
	add := func(name string, size int64, r io.Reader) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := io.Copy(tw, r)
		info.Bytes += size
		return err
	}
	if err := add(backupMarker, 0, strings.NewReader("")); err != nil {
		return info, fmt.Errorf("backup: %w", err)
	}
	size, err := tmp.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err == nil {
		err = add(backupDB, size, tmp)
	}
	if err != nil {
		return info, fmt.Errorf("backup the database: %w", err)
	}
	root := filepath.Join(s.dir, "photos")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "partial" || rel == "tmp" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") { // a file being written
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		info.Photos++
		return add("photos/"+filepath.ToSlash(rel), fi.Size(), f)
	})
	if err != nil {
		return info, fmt.Errorf("backup the photos: %w", err)
	}
	return info, tw.Close()
}

// Restore makes the data folder dir (which must not exist, or be empty)
// from a backup read from r; every file is durable before it returns. A
// file that is not a backup is ErrNotBackup.
func Restore(r io.Reader, dir string) (BackupInfo, error) {
	var info BackupInfo
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return info, fmt.Errorf("restore: %s is not empty: restore into a new folder: %w", dir, fielddesk.ErrInvalid)
	}
	tr := tar.NewReader(r)
	first, err := tr.Next()
	if err != nil || first.Name != backupMarker {
		return info, fmt.Errorf("restore: %w", ErrNotBackup)
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return info, fmt.Errorf("restore: the backup is cut short or damaged: %w", err)
		}
		info.Bytes += h.Size
		switch {
		case h.Name == backupDB:
			if err := loadBadger(filepath.Join(dir, "db"), tr); err != nil {
				return info, err
			}
		case strings.HasPrefix(h.Name, "photos/") && h.Typeflag == tar.TypeReg:
			rel := filepath.FromSlash(strings.TrimPrefix(h.Name, "photos/"))
			if !filepath.IsLocal(rel) {
				return info, fmt.Errorf("restore: %q is outside the photos: %w", h.Name, ErrNotBackup)
			}
			if err := writeDurably(filepath.Join(dir, "photos", rel), tr); err != nil {
				return info, fmt.Errorf("restore %s: %w", h.Name, diskErr(err))
			}
			info.Photos++
		}
	}
	return info, nil
}

// loadBadger makes a Badger database in dbDir from its backup stream.
func loadBadger(dbDir string, r io.Reader) error {
	if err := os.MkdirAll(dbDir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", diskErr(err))
	}
	db, err := badger.Open(badgerOptions(dbDir, false))
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := db.Load(r, 256); err != nil {
		db.Close()
		return fmt.Errorf("restore the database: %w", err)
	}
	if err := db.Sync(); err != nil {
		db.Close()
		return fmt.Errorf("restore the database: %w", err)
	}
	return db.Close()
}

// writeDurably writes r to path: a temporary name, flushed, moved into place.
func writeDurably(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := durable.Create(path, 0o600)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := io.Copy(f, r); err != nil {
		return err
	}
	return f.Commit()
}
