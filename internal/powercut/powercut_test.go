//go:build linux

package powercut

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// What was flushed survives a cut; what was only written does not; the
// namespace (create, rename) survives as LazyFS keeps it.
func TestACutLosesWhatWasNotFlushed(t *testing.T) {
	for _, model := range []Model{DataOnly, SizesToo} {
		t.Run(model.String(), func(t *testing.T) {
			f := Mount(t, model)
			kept := filepath.Join(f.Dir(), "kept.txt")
			lost := filepath.Join(f.Dir(), "lost.txt")
			k, err := os.Create(kept)
			if err != nil {
				t.Fatal(err)
			}
			k.Write(bytes.Repeat([]byte("đã lưu "), 2000))
			if err := k.Sync(); err != nil {
				t.Fatal(err)
			}
			k.Write([]byte("chưa lưu")) // after the flush: lost
			k.Close()
			if err := os.WriteFile(lost, []byte("không bao giờ lưu"), 0o600); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(lost); string(got) != "không bao giờ lưu" {
				t.Fatalf("before the cut a reader sees %q", got)
			}
			sized := filepath.Join(f.Dir(), "sized")
			s, _ := os.Create(sized)
			s.Sync()
			s.Truncate(1 << 20)
			s.Close()

			f.Cut()
			if err := os.WriteFile(filepath.Join(f.Dir(), "after"), []byte("x"), 0o600); err == nil {
				t.Error("a write after the cut succeeded")
			}
			if _, err := f.Restore(); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(kept); !bytes.Equal(got, bytes.Repeat([]byte("đã lưu "), 2000)) {
				t.Errorf("the flushed file holds %d bytes after the cut; want exactly what was flushed", len(got))
			}
			if got, err := os.ReadFile(lost); err != nil || len(got) != 0 {
				t.Errorf("the unflushed file after the cut: %q, %v; want it there and empty", got, err)
			}
			var st syscall.Stat_t
			syscall.Stat(sized, &st)
			if want := map[Model]int64{DataOnly: 1 << 20, SizesToo: 0}[model]; st.Size != want {
				t.Errorf("a truncate not flushed: size %d after the cut, want %d", st.Size, want)
			}
		})
	}
}

// mapChildEnv names the file the mapping child writes through a memory
// mapping. The mapping is done in a child process: a process serving a
// FUSE file system must not map its files (unmapping a dirty page waits on
// the server while holding the process's memory-map lock, which the
// server's goroutines need to allocate: a deadlock the race detector's
// allocations made happen).
const mapChildEnv = "FIELDDESK_POWERCUT_MAP_CHILD"

func init() {
	path := os.Getenv(mapChildEnv)
	if path == "" {
		return
	}
	fd, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		err = fd.Truncate(64 << 10)
	}
	if err == nil {
		// Found by a path again (a lookup), as Badger opens its files: the
		// size set by the truncate above holds though it is not flushed.
		if st, serr := os.Stat(path); serr != nil || st.Size() != 64<<10 {
			err = fmt.Errorf("stat after an unflushed truncate: %v, %v", st, serr)
		}
	}
	var m []byte
	if err == nil {
		m, err = syscall.Mmap(int(fd.Fd()), 0, 64<<10, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	}
	if err == nil {
		copy(m, "đã đồng bộ")
		err = unix.Msync(m, unix.MS_SYNC)
	}
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	copy(m[8192:], "chưa đồng bộ")
	fmt.Println("written")
	select {} // until the power is cut and the process killed
}

// A file written through a memory mapping (as Badger writes) keeps what
// msync flushed and loses the rest.
func TestMappedWritesSurviveOnlyWhenSynced(t *testing.T) {
	f := Mount(t, SizesToo)
	path := filepath.Join(f.Dir(), "00001.mem")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), mapChildEnv+"="+path)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "written\n" {
		child.Process.Kill()
		child.Wait()
		t.Fatalf("the mapping child: %q", line)
	}
	f.Cut()
	child.Process.Kill()
	child.Wait()
	if _, err := f.Restore(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || len(got) != 64<<10 {
		t.Fatalf("after the cut: %d bytes, %v", len(got), err)
	}
	if !bytes.HasPrefix(got, []byte("đã đồng bộ")) {
		t.Error("the synced page was lost")
	}
	if bytes.Contains(got, []byte("chưa")) {
		t.Error("a page never synced survived the cut")
	}
}
