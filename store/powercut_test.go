//go:build linux

package store

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk/internal/powercut"
)

var (
	powerCuts = flag.Int("powercut.n", 60, "power cuts per model in the desktop power-cut test (half as many for the server)")
	// The Windows build of this package's tests (go test -c with
	// GOOS=windows), and the same built with upstream ristretto (whose
	// msync does nothing on Windows): scripts/test-windows.sh builds both.
	windowsTests     = flag.String("powercut.windows", "", "the Windows build of the store tests, run under Wine as the saving child")
	windowsStubTests = flag.String("powercut.windows-stub", "", "the same built with upstream ristretto's empty msync: it must lose saves")
)

// cutResult is what a run of power cuts found.
type cutResult struct {
	cuts, acked, lost, failedOpens int
	first                          string // the first loss or failed open, said
}

// runPowerCuts runs the saving child on a power-cut file system and cuts
// the power at a random moment, cuts times, checking after each cut that
// the store opens and holds every revision (and photo) the child was told
// was saved.
func runPowerCuts(t *testing.T, child string, model powercut.Model, cuts int, off string) cutResult {
	return runPowerCutsOf(t, func(dir string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), child+"="+dir, powerFlushOffEnv+"="+off)
		return cmd
	}, model, cuts)
}

// runPowerCutsOf is runPowerCuts with the saving child that start makes
// for the data folder dir.
func runPowerCutsOf(t *testing.T, start func(dir string) *exec.Cmd, model powercut.Model, cuts int) cutResult {
	pfs := powercut.Mount(t, model)
	dir := pfs.Dir() + "/data"
	var acked []string // the lines the child printed for what it was told is saved
	res := cutResult{}
	for round := range cuts {
		cmd := start(dir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		var deadline <-chan time.Time
		cut := false
		for line := range lines {
			if kind, _, _ := strings.Cut(line, " "); kind != "ack" && kind != "mut" && kind != "photo" {
				if cut {
					continue // the cut made a save fail: never acknowledged
				}
				t.Fatalf("round %d: the child said %q", round, line)
			}
			acked = append(acked, line)
			if deadline == nil {
				deadline = time.After(time.Duration(rand.IntN(150)) * time.Millisecond)
			}
			select {
			case <-deadline:
				// The power goes: nothing more reaches the disk, then the
				// machine stops. Acks printed after this were flushed before.
				pfs.Cut()
				cmd.Process.Signal(syscall.SIGKILL)
				deadline, cut = make(chan time.Time), true
			default:
			}
		}
		cmd.Wait()
		if !cut {
			t.Fatalf("round %d: the child stopped before the cut: %s", round, stderr.String())
		}
		if _, err := pfs.Restore(); err != nil {
			t.Fatal(err)
		}
		res.cuts++
		// The check runs in a child too: the process serving a FUSE file
		// system must not map its files (Badger does), or a page fault
		// there stops the Go runtime with the server inside it.
		check := exec.Command(os.Args[0], "-test.run=^$")
		check.Env = append(os.Environ(), powerCheckEnv+"="+dir)
		check.Stdin = strings.NewReader(strings.Join(acked, "\n") + "\n")
		out, err := check.Output()
		if err != nil {
			t.Fatalf("the check after cut %d: %v\n%s", round+1, err, out)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			kind, said, _ := strings.Cut(line, " ")
			switch kind {
			case "open-error":
				res.failedOpens++
			case "lost":
				res.lost++
			default:
				continue
			}
			if res.first == "" {
				res.first = fmt.Sprintf("after cut %d: %s %s", round+1, kind, said)
			}
		}
		if res.lost > 0 {
			break // the rest of the run would only count the same losses again
		}
	}
	res.acked = len(acked)
	return res
}

// A real power cut (unflushed data lost, not only a killed process):
// after every cut, in both models of what a disk loses, the store opens
// and every acknowledged revision and photo is there.
func TestPowerCutKeepsEveryAcknowledgedSave(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, model := range []powercut.Model{powercut.DataOnly, powercut.SizesToo} {
		t.Run(model.String(), func(t *testing.T) {
			r := runPowerCuts(t, powerChildEnv, model, *powerCuts, "")
			if r.first != "" {
				t.Fatalf("%s (%d cuts, %d acknowledged saves, %d lost, %d failed opens)", r.first, r.cuts, r.acked, r.lost, r.failedOpens)
			}
			if r.acked < r.cuts {
				t.Fatalf("only %d acknowledged saves in %d cuts", r.acked, r.cuts)
			}
			t.Logf("%d power cuts (losing %s), %d acknowledged saves, all there after every cut", r.cuts, model, r.acked)
		})
	}
}

// The test sees a missing flush: with Badger's SyncWrites off, or photo
// files not flushed, acknowledged saves are lost within a few cuts.
func TestPowerCutCatchesAMissingFlush(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, off := range []string{"database", "files"} {
		t.Run(off, func(t *testing.T) {
			r := runPowerCuts(t, powerChildEnv, powercut.DataOnly, 30, off)
			if r.lost == 0 && r.failedOpens == 0 {
				t.Fatalf("with the %s flush removed, %d cuts lost none of %d acknowledged saves: the test cannot see a missing flush", off, r.cuts, r.acked)
			}
			t.Logf("without the %s flush: %s", off, r.first)
		})
	}
}

// The server's side of the same promise: devices pushing at once (group
// commits) and photo uploads in chunks; after every cut the store opens,
// every acknowledged mutation's revision and outcome is there (sent again,
// it is a duplicate with its first result), and every photo said whole is.
func TestPowerCutKeepsEveryAcknowledgedPush(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, model := range []powercut.Model{powercut.DataOnly, powercut.SizesToo} {
		t.Run(model.String(), func(t *testing.T) {
			r := runPowerCuts(t, powerServerEnv, model, *powerCuts/2, "")
			if r.first != "" {
				t.Fatalf("%s (%d cuts, %d acknowledgements, %d lost, %d failed opens)", r.first, r.cuts, r.acked, r.lost, r.failedOpens)
			}
			t.Logf("%d power cuts (losing %s), %d acknowledged mutations and photos, all there after every cut", r.cuts, model, r.acked)
		})
	}
	t.Run("without the database flush", func(t *testing.T) {
		r := runPowerCuts(t, powerServerEnv, powercut.DataOnly, 30, "database")
		if r.lost == 0 && r.failedOpens == 0 {
			t.Fatalf("with SyncWrites off, %d cuts lost none of %d acknowledged pushes: the test cannot see it", r.cuts, r.acked)
		}
		t.Logf("without the database flush: %s", r.first)
	})
}

// wineChild starts the Windows build exe of this package's tests under
// Wine as the saving child: every write, flush and rename of the store
// goes through the Windows code (durable_windows.go, ristretto's
// FlushViewOfFile and FlushFileBuffers) and Wine's mapping of them onto
// this file system. Wine's prefix comes from WINEPREFIX.
func wineChild(t *testing.T, exe, child string) func(dir string) *exec.Cmd {
	t.Helper()
	if os.Getenv("WINEPREFIX") == "" {
		t.Skip("WINEPREFIX is not set: scripts/test-windows.sh runs this with the project's Wine prefix")
	}
	return func(dir string) *exec.Cmd {
		cmd := exec.Command("/usr/lib/wine/wine64", exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "WINEDEBUG=-all", child+"=Z:"+strings.ReplaceAll(dir, "/", `\`))
		return cmd
	}
}

// The Windows build keeps the same promise over real power cuts: its
// saving child, run under Wine, saves through Windows' flush calls (mapped
// by Wine onto fsync), and after every cut the store opens and holds every
// acknowledged revision and photo; the server's push loop too. Built with upstream ristretto, whose
// msync is an empty stub on Windows, it loses acknowledged saves: the
// test sees the flush Badger's data needs on Windows.
func TestPowerCutOnTheWindowsFlushPath(t *testing.T) {
	if *windowsTests == "" {
		t.Skip("give -powercut.windows EXE (scripts/test-windows.sh builds it and runs this test)")
	}
	cuts := max(*powerCuts/3, 5)
	for _, model := range []powercut.Model{powercut.DataOnly, powercut.SizesToo} {
		t.Run(model.String(), func(t *testing.T) {
			r := runPowerCutsOf(t, wineChild(t, *windowsTests, powerChildEnv), model, cuts)
			if r.first != "" {
				t.Fatalf("%s (%d cuts, %d acknowledged saves, %d lost, %d failed opens)", r.first, r.cuts, r.acked, r.lost, r.failedOpens)
			}
			if r.acked < r.cuts {
				t.Fatalf("only %d acknowledged saves in %d cuts", r.acked, r.cuts)
			}
			t.Logf("Windows build under Wine: %d power cuts (losing %s), %d acknowledged saves, all there after every cut", r.cuts, model, r.acked)
		})
	}
	t.Run("server", func(t *testing.T) {
		r := runPowerCutsOf(t, wineChild(t, *windowsTests, powerServerEnv), powercut.SizesToo, max(cuts/2, 3))
		if r.first != "" {
			t.Fatalf("%s (%d cuts, %d acknowledgements, %d lost, %d failed opens)", r.first, r.cuts, r.acked, r.lost, r.failedOpens)
		}
		t.Logf("fielddesk-server's store, Windows build under Wine: %d power cuts, %d acknowledged mutations and photos, all there after every cut", r.cuts, r.acked)
	})
	t.Run("upstream ristretto", func(t *testing.T) {
		if *windowsStubTests == "" {
			t.Skip("give -powercut.windows-stub EXE")
		}
		r := runPowerCutsOf(t, wineChild(t, *windowsStubTests, powerChildEnv), powercut.DataOnly, 30)
		if r.lost == 0 && r.failedOpens == 0 {
			t.Fatalf("with msync an empty stub, %d cuts lost none of %d acknowledged saves: the test cannot see the missing flush", r.cuts, r.acked)
		}
		t.Logf("with upstream ristretto's msync: %s", r.first)
	})
}
