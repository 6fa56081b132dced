package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func cli(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func TestAdminCommands(t *testing.T) {
	data := t.TempDir()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("mật khẩu đủ dài\n"), 0o600)
	if _, e, code := cli(t, "", "user", "add", "lethib", "--role", "correspondent", "--desk", "laocai", "--password-file", pw, "--data", data); code != 0 {
		t.Fatalf("user add: %s", e)
	}
	if _, e, code := cli(t, "mật khẩu khác đủ dài\n", "user", "add", "bientap", "--role", "editor", "--data", data); code != 0 {
		t.Fatalf("user add with a prompt: %s", e)
	}
	_, e, code := cli(t, "", "user", "add", "x", "--role", "boss", "--password-file", pw, "--data", data)
	if code == 0 || !strings.Contains(e, "role") || strings.Count(e, "\n") != 1 {
		t.Errorf("bad role: %d %q", code, e)
	}
	out, _, _ := cli(t, "", "user", "list", "--data", data)
	if !strings.Contains(out, "lethib") || !strings.Contains(out, "bientap") {
		t.Errorf("user list:\n%s", out)
	}
	if _, e, code := cli(t, "", "user", "disable", "lethib", "--data", data); code != 0 {
		t.Fatal(e)
	}
	if out, _, _ := cli(t, "", "user", "list", "--data", data); !strings.Contains(out, "disabled") {
		t.Errorf("after disable:\n%s", out)
	}
	if _, e, code := cli(t, "", "device", "revoke", "nope", "--data", data); code == 0 || !strings.Contains(e, "not found") {
		t.Errorf("revoke unknown: %d %q", code, e)
	}
	if _, e, code := cli(t, "", "serve"); code == 0 || !strings.Contains(e, "--data") {
		t.Errorf("serve without data: %q", e)
	}
}

func TestServeAndShutDown(t *testing.T) {
	data := t.TempDir()
	addr, opsAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var errb lockedBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--data", data, "--listen", addr, "--ops-listen", opsAddr}, nil, &bytes.Buffer{}, &errb)
	}()
	waitUp(t, "http://"+opsAddr+"/healthz")
	// /metrics and /healthz are for the operators' listener only.
	for _, path := range []string{"/metrics", "/healthz"} {
		if code := status(t, "http://"+addr+path); code != http.StatusNotFound {
			t.Errorf("%s on the public listener: %d, want 404", path, code)
		}
		if code := status(t, "http://"+opsAddr+path); code != http.StatusOK {
			t.Errorf("%s on the operators' listener: %d", path, code)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(errb.String(), `"msg":"shutting down"`) {
		t.Errorf("no structured log of the shutdown: %s", errb.String())
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitUp(t *testing.T, url string) {
	t.Helper()
	for range 100 {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never answered", url)
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// lockedBuffer is a log the server writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A server whose database had to be rebuilt at start (its files damaged by
// a power cut) logs it once, with what came back and where the damaged
// files are kept, and serves the accounts it still has.
func TestServeLogsARebuiltDatabase(t *testing.T) {
	data := t.TempDir()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("mật khẩu đủ dài\n"), 0o600)
	for _, name := range []string{"lethib", "bientap"} {
		if _, e, code := cli(t, "", "user", "add", name, "--role", "editor", "--password-file", pw, "--data", data); code != 0 {
			t.Fatalf("user add: %s", e)
		}
	}
	if err := os.Remove(filepath.Join(data, "db", "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	serveOnce := func() string {
		addr, opsAddr := freeAddr(t), freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		var errb lockedBuffer
		go func() {
			done <- run(ctx, []string{"serve", "--data", data, "--listen", addr, "--ops-listen", opsAddr}, nil, &bytes.Buffer{}, &errb)
		}()
		waitUp(t, "http://"+opsAddr+"/healthz")
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
		return errb.String()
	}
	log := serveOnce()
	kept, _ := json.Marshal(filepath.Join(data, "db-damaged-")) // as the log writes it (Windows' \ escaped)
	if !strings.Contains(log, `"msg":"the database's files were damaged and it was rebuilt from everything still readable"`) ||
		!strings.Contains(log, `"damaged_files_kept_in":`+strings.TrimSuffix(string(kept), `"`)) {
		t.Fatalf("no structured log of the rebuild: %s", log)
	}
	if out, _, _ := cli(t, "", "user", "list", "--data", data); !strings.Contains(out, "lethib") || !strings.Contains(out, "bientap") {
		t.Errorf("accounts after the rebuild:\n%s", out)
	}
	if log := serveOnce(); strings.Contains(log, "rebuilt") {
		t.Errorf("logged again at the next start: %s", log)
	}
}
