package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk/internal/wintest"

	"github.com/fielddesk/fielddesk/sync/wire"
)

// Managing accounts while the server runs: a stolen device's token is
// revoked at once, an account disabled and enabled again, a password
// changed (and a password of spaces refused), all without a stop; the
// access log is JSON with who and from where.
func TestAdminCommandsOnARunningServer(t *testing.T) {
	wintest.UnixSockets(t)
	data := t.TempDir()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("mật khẩu đủ dài\n"), 0o600)
	if _, e, code := cli(t, "", "user", "add", "lethib", "--role", "correspondent", "--desk", "laocai", "--password-file", pw, "--data", data); code != 0 {
		t.Fatal(e)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var serverLog lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", data, "--listen", addr, "--ops-listen", "off"}, nil, &bytes.Buffer{}, &serverLog)
	}()
	base := "http://" + addr
	waitUp(t, base+"/articles")

	login := func(password string) (int, wire.LoginResponse) {
		b, _ := json.Marshal(wire.LoginRequest{User: "lethib", Password: password, DeviceName: "máy\x1b[2J bị mất\nPHÓNG VIÊN"})
		req, _ := http.NewRequest("POST", base+"/v1/login", bytes.NewReader(b))
		req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var lr wire.LoginResponse
		json.NewDecoder(resp.Body).Decode(&lr)
		return resp.StatusCode, lr
	}
	pull := func(token string) int {
		req, _ := http.NewRequest("POST", base+"/v1/pull", strings.NewReader("{}"))
		req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	code, stolen := login("mật khẩu đủ dài")
	if code != 200 || pull(stolen.Token) != 200 {
		t.Fatalf("login: %d", code)
	}
	out, e, code := cli(t, "", "device", "list", "--data", data)
	if code != 0 || !strings.Contains(out, stolen.DeviceID) {
		t.Fatalf("device list on the running server: %d %q %q", code, out, e)
	}
	if strings.ContainsAny(out, "\x1b") || strings.Count(out, "\n") != 2 {
		t.Errorf("a device name drew on the terminal:\n%q", out)
	}
	if _, e, code := cli(t, "", "device", "revoke", stolen.DeviceID, "--data", data); code != 0 {
		t.Fatalf("revoke on the running server: %s", e)
	}
	if got := pull(stolen.Token); got != http.StatusUnauthorized {
		t.Errorf("the stolen token right after the revoke: %d, want 401", got)
	}

	if _, e, code := cli(t, "", "user", "disable", "lethib", "--data", data); code != 0 {
		t.Fatal(e)
	}
	if code, _ := login("mật khẩu đủ dài"); code != http.StatusUnauthorized {
		t.Errorf("login of a disabled account: %d", code)
	}
	if _, e, code := cli(t, "", "user", "enable", "lethib", "--data", data); code != 0 {
		t.Fatal(e)
	}
	code, second := login("mật khẩu đủ dài")
	if code != 200 {
		t.Errorf("login after enable: %d", code)
	}
	if _, e, code := cli(t, "          \n", "user", "password", "lethib", "--data", data); code == 0 || !strings.Contains(e, "at least 10 characters") {
		t.Errorf("a password of ten spaces: %d %q", code, e)
	}
	if _, e, code := cli(t, "một mật khẩu mới hẳn\n", "user", "password", "lethib", "--revoke-devices", "--data", data); code != 0 {
		t.Fatal(e)
	}
	if got := pull(second.Token); got != http.StatusUnauthorized {
		t.Errorf("a device after the password changed with --revoke-devices: %d", got)
	}
	if code, _ := login("mật khẩu đủ dài"); code != http.StatusUnauthorized {
		t.Errorf("the old password: %d", code)
	}
	if code, _ := login("một mật khẩu mới hẳn"); code != 200 {
		t.Errorf("the new password: %d", code)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	var sawRevoked, sawRefused bool
	for _, line := range strings.Split(serverLog.String(), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a log line that is not JSON: %q", line)
		}
		if rec["msg"] == "request" && rec["route"] == "POST /v1/pull" && rec["status"] == 401.0 {
			sawRevoked = rec["addr"] == "127.0.0.1"
		}
		if rec["msg"] == "login failed" && rec["user"] == "lethib" && rec["addr"] == "127.0.0.1" {
			sawRefused = true
		}
	}
	if !sawRevoked || !sawRefused {
		t.Errorf("the JSON log lacks the refused pull (%v) or the failed login with user and address (%v)", sawRevoked, sawRefused)
	}
}
