package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk/internal/wintest"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
)

// With the window open on a data folder (it holds the folder), headless
// commands still work: they run in the window's process on its open
// folder (import with a path relative to the caller's folder, list,
// export), the window is told after each, and the commands the window
// does itself (sync, login) are refused with a sentence saying so.
func TestCommandsRunThroughTheOpenWindow(t *testing.T) {
	wintest.UnixSockets(t)
	data := t.TempDir()
	d, err := desk.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var told atomic.Int32
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, d, Options{}, func() { told.Add(1) }) }()
	sock := filepath.Join(data, SocketName)
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(end) {
			t.Fatal("no socket")
		}
	}
	// (On Windows file modes say nothing: the user's folder's ACL keeps others out.)
	if fi, _ := os.Stat(sock); runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("the socket is open to others: %v", fi.Mode())
	}

	work := t.TempDir()
	t.Chdir(work)
	os.WriteFile("bai.md", []byte("---\nheadline: \"Chợ phiên Bắc Hà\"\n---\nĐông vui.\n"), 0o644)
	out, errOut, code := run(t, "--data", data, "import", "bai.md")
	if code != 0 {
		t.Fatalf("import through the window: %d %q", code, errOut)
	}
	id := fielddesk.ID(strings.TrimSpace(out))
	if rev, err := d.Latest(context.Background(), id); err != nil || rev.Article.Headline != "Chợ phiên Bắc Hà" {
		t.Fatalf("the window's folder holds %+v %v", rev.Article, err)
	}
	out, _, code = run(t, "--data", data, "list", "--json")
	var list []fielddesk.Summary
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 {
		t.Errorf("list through the window: %d %q", code, out)
	}
	if _, errOut, code := run(t, "--data", data, "export", string(id), "--format", "html", "--out", "trang/bai.html"); code != 0 {
		t.Errorf("export: %q", errOut)
	}
	if b, err := os.ReadFile(filepath.Join(work, "trang", "bai.html")); err != nil || !strings.Contains(string(b), "Chợ phiên Bắc Hà") {
		t.Errorf("the export went elsewhere: %v", err)
	}
	_, errOut, code = run(t, "--data", data, "sync", "--once")
	if code != 1 || !strings.Contains(errOut, "syncs by itself") {
		t.Errorf("sync through the window: %d %q", code, errOut)
	}
	if _, errOut, code := run(t, "--data", data, "review", "01ZZZZZZZZZZZZZZZZZZZZZZZZ", "approve"); code != 1 || errOut == "" {
		t.Errorf("a failing command's exit code and message: %d %q", code, errOut)
	}
	if n := told.Load(); n < 4 {
		t.Errorf("the window was told of %d commands", n)
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket outlived the window: %v", err)
	}
	// With no window answering, the folder in use is said as before.
	if _, errOut, code := run(t, "--data", data, "list"); code != 1 || !strings.Contains(errOut, "open in another FieldDesk window") {
		t.Errorf("no window: %d %q", code, errOut)
	}
}
