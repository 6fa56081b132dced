//go:build linux

// Package smallfs mounts a real small file system for tests that must see
// a disk fill up (a tmpfs of a few megabytes, as root), and fills it.
// Only tests import it.
package smallfs

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Mount mounts a tmpfs of size bytes on a new temporary folder and returns
// the folder; it is unmounted when the test ends. Without root it skips
// the test (CI runs as root, so there it always runs).
func Mount(t testing.TB, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root (CI runs as root)")
	}
	dir, err := os.MkdirTemp("", "fielddesk-smallfs-")
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		os.Remove(dir)
		t.Fatalf("mount a %d-byte tmpfs: %v", size, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
		os.Remove(dir)
	})
	return dir
}

// Free is the space free on dir's file system.
func Free(t testing.TB, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// Fill writes to a file in dir as many bytes as leave only leave bytes
// free, measured once at the start (as a download of that size would:
// space freed meanwhile stays free), and returns its path; removing it
// gives the space back. Called again, it adds to the same file.
func Fill(t testing.TB, dir string, leave int64) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 64<<10)
	for rest := Free(t, dir) - leave; rest > 0; {
		n := min(int64(len(block)), rest)
		if _, err := f.Write(block[:n]); err != nil {
			return path // full
		}
		rest -= n
	}
	return path
}

// ReadOnly remounts the file system at dir read-only (ro true) or
// read-write again, as a write-protected card or a failing disk would be.
func ReadOnly(t testing.TB, dir string, ro bool) {
	t.Helper()
	flags := uintptr(syscall.MS_REMOUNT)
	if ro {
		flags |= syscall.MS_RDONLY
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, ""); err != nil {
		t.Fatalf("remount %s (read-only %v): %v", dir, ro, err)
	}
}
