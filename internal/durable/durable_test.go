package durable

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileReplacesWholeAndLeavesNoTemporaryFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Nguyễn Văn An", "dữ liệu")
	path := filepath.Join(dir, "bài viết.json")
	if err := WriteFile(path, []byte("bản đầu"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("bản thứ hai, dài hơn"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "bản thứ hai, dài hơn" {
		t.Fatalf("read back %q, %v", got, err)
	}
	if names := leftovers(t, dir); len(names) != 1 {
		t.Errorf("the folder holds %v; want only the file", names)
	}
	if runtime.GOOS != "windows" {
		if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", info.Mode().Perm())
		}
	}
}

func TestAFailedCommitKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "photo.jpg")
	if err := WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("new")); err != nil {
		t.Fatal(err)
	}
	// Something takes the final name's place before the move: a folder
	// cannot be replaced by a file.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "inside"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("a move over a folder succeeded")
	}
	f.Abort() // after Commit: nothing
	if names := leftovers(t, dir); len(names) != 1 || names[0] != "photo.jpg" {
		t.Errorf("after a failed commit the folder holds %v; want only what was there", names)
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
}

func TestAbortKeepsWhatWasThere(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	if err := WriteFile(path, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("dropped"))
	f.Abort()
	if got, _ := os.ReadFile(path); string(got) != "kept" {
		t.Errorf("after Abort the file holds %q", got)
	}
	if names := leftovers(t, dir); len(names) != 1 {
		t.Errorf("after Abort the folder holds %v", names)
	}
}

func TestSyncDirOfAMissingFolderIsAnError(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows flushes no folders: the move's write-through makes it durable")
	}
	err := SyncDir(filepath.Join(t.TempDir(), "gone"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("SyncDir of a missing folder: %v; want not-exist", err)
	}
}
