// Package wintest says, for tests of the Windows build run under Wine (make
// test-windows), what this run cannot do, so that a test skips with the
// reason instead of failing on the test machine's limits. Only tests
// import it.
package wintest

import (
	"net"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// LinuxTool skips the test on Windows: it drives a Linux program the test
// machine installed (nginx, Chromium, the go command), which the Windows
// build under Wine cannot start.
func LinuxTool(t testing.TB, tool string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skipf("drives %s, a program of the Linux test machine that the Windows build cannot start", tool)
	}
}

// UnixSockets skips the test when the system cannot listen on a Unix
// socket: Windows 10 (1803) and 11 can, Wine 8 cannot.
func UnixSockets(t testing.TB) {
	t.Helper()
	dir, err := os.MkdirTemp("", "sock")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("unix", filepath.Join(dir, "s"))
	if err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("this Windows cannot listen on a Unix socket (Wine 8 has none; Windows 10 1803 and later do): %v", err)
		}
		t.Fatalf("listen on a Unix socket: %v", err)
	}
	ln.Close()
}
