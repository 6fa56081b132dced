//go:build windows

package durable

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// holdExclusively opens path the way a scanner does when it shares
// nothing: until the handle is closed, no one may replace the file.
func holdExclusively(t *testing.T, path string) windows.Handle {
	t.Helper()
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestARenameWaitsOutAScannerHoldingTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := holdExclusively(t, path)
	go func() {
		time.Sleep(150 * time.Millisecond)
		windows.CloseHandle(h)
	}()
	if err := WriteFile(path, []byte("new"), 0o644); err != nil {
		t.Fatalf("a save while a scanner held the file for a moment: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("the file holds %q", got)
	}
}

func TestAFileHeldForLongIsBusyAndTheOldOneStays(t *testing.T) {
	defer func(d time.Duration) { busyFor = d }(busyFor)
	busyFor = 100 * time.Millisecond
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := holdExclusively(t, path)
	err := WriteFile(path, []byte("new"), 0o644)
	windows.CloseHandle(h)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("a save over a held file: %v; want ErrBusy", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("after the refused save the file holds %q", got)
	}
	if err := WriteFile(path, []byte("new"), 0o644); err != nil {
		t.Errorf("the retry once the file was let go: %v", err)
	}
}
