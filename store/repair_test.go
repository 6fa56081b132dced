package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
)

// A kill while Badger creates its files at open leaves a value log or a
// memtable of zero bytes; the next open repairs it and keeps everything.
func TestOpenRepairsEmptyFilesAKillLeft(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := db.Save(ctx, fielddesk.Article{Headline: "Mưa lớn ở Y Tý", Body: "Đường bị sạt."}, "")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	dbDir := filepath.Join(dir, "db")
	vlogs, _ := filepath.Glob(filepath.Join(dbDir, "*.vlog"))
	mems, _ := filepath.Glob(filepath.Join(dbDir, "*.mem"))
	// The files the next open would have made, as the kill left them.
	for _, name := range []string{fmt.Sprintf("%06d.vlog", len(vlogs)+5), fmt.Sprintf("%05d.mem", len(mems)+7)} {
		if err := os.WriteFile(filepath.Join(dbDir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err = Open(dir)
	if err != nil {
		t.Fatalf("the first open after the kill: %v", err)
	}
	defer db.Close()
	if got, err := db.Latest(ctx, rev.Article.ID); err != nil || got.ID != rev.ID {
		t.Errorf("after the repair: %v, %v", got.ID, err)
	}
}

const openChildEnv = "FIELDDESK_OPEN_CHILD_DIR"

// openChild opens the store as the app does at start, saves once and closes.
func openChild(dir string) {
	fmt.Println("opening")
	db, err := Open(dir)
	if err != nil {
		fmt.Println("open-error", err)
		os.Exit(3)
	}
	db.Save(context.Background(), fielddesk.Article{Headline: "Khởi động", Body: "Mở máy."}, "")
	db.Close()
}

// The battery dies as FieldDesk starts: a child is killed with SIGKILL at
// random moments of its open, many times; every open after a kill works
// the first time.
func TestKillsDuringOpenNeverLockTheFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	if db, err := Open(dir); err != nil {
		t.Fatal(err)
	} else {
		db.Close()
	}
	const kills = 60
	for round := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), openChildEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		if !sc.Scan() || sc.Text() != "opening" {
			t.Fatalf("round %d: child said %q", round, sc.Text())
		}
		time.Sleep(time.Duration(rand.IntN(40_000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		for sc.Scan() {
			if line := sc.Text(); line != "" {
				t.Fatalf("round %d: child said %q", round, line)
			}
		}
		cmd.Wait()
		db, err := Open(dir)
		if err != nil {
			t.Fatalf("round %d: the first open after a kill during open: %v", round, err)
		}
		db.Close()
	}
}
