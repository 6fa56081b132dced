package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk"
	rules "github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/server"
)

// newsroom is a real server on loopback with a correspondent (lethib) and
// an editor (bientap) of one desk, both with the password "mật khẩu đủ dài".
func newsroom(t *testing.T) (*store.DB, *httptest.Server) {
	t.Helper()
	sdb, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sdb.Close() })
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role fielddesk.Role
	}{{"lethib", fielddesk.RoleCorrespondent}, {"bientap", fielddesk.RoleEditor}} {
		if _, err := rules.New(sdb).AddUser(ctx, u.name, u.role, "laocai", "mật khẩu đủ dài"); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(server.New(sdb, sdb.Blobs(), slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return sdb, srv
}

// login, send and sync from a script, against a real server on loopback;
// then an editor's device receives the article and lists and exports it.
func TestLoginSendSync(t *testing.T) {
	_, srv := newsroom(t)

	data := t.TempDir()
	if _, errOut, code := run(t, "--data", data, "sync", "--once"); code != 1 || !strings.Contains(errOut, "fielddesk login") {
		t.Errorf("sync before login: %d %q", code, errOut)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("sai\n"), 0o600)
	if _, errOut, code := run(t, "--data", data, "login", "--server", srv.URL, "--user", "lethib", "--password-file", pw); code != 1 || !strings.Contains(errOut, "wrong user name or password") {
		t.Errorf("wrong password: %d %q", code, errOut)
	}
	out, errOut, code := runIn(t, "mật khẩu đủ dài\n", "--data", data, "login", "--server", srv.URL, "--user", "lethib", "--originals", "always")
	if code != 0 || !strings.Contains(out, "logged in to "+srv.URL+" as lethib (correspondent, desk laocai)") {
		t.Fatalf("login: %d %q %q", code, out, errOut)
	}
	src := filepath.Join(t.TempDir(), "bai.md")
	os.WriteFile(src, []byte("---\nheadline: \"Lũ quét ở Bát Xát\"\n---\nNước rút dần.\n"), 0o644)
	id, _, _ := run(t, "--data", data, "import", src)
	id = strings.TrimSpace(id)
	draft, _, _ := run(t, "--data", data, "import", src)

	out, errOut, code = run(t, "--data", data, "sync", "--once")
	if code != 0 || !strings.Contains(out, "sent: 0 change(s)") {
		t.Errorf("sync with only drafts: %d %q %q", code, out, errOut)
	}
	if out, _, code := run(t, "--data", data, "send", id); code != 0 || !strings.Contains(out, "queued") {
		t.Errorf("send: %d %q", code, out)
	}
	if _, errOut, code := run(t, "--data", data, "send", "01ARZ3NDEKTSV4RRFFQ69G5FAV"); code != 1 || !strings.Contains(errOut, "not found") {
		t.Errorf("send of an unknown article: %d %q", code, errOut)
	}
	out, errOut, code = run(t, "--data", data, "sync", "--once")
	if code != 0 || !strings.Contains(out, "sent: 1 change(s)") || !strings.Contains(out, "waiting: 0 article(s)") {
		t.Errorf("sync: %d %q %q", code, out, errOut)
	}
	list, _, _ := run(t, "--data", data, "list")
	if !strings.Contains(list, "submitted") {
		t.Errorf("list after sending:\n%s", list)
	}

	// The editor's device.
	ed := t.TempDir()
	pwOK := filepath.Join(t.TempDir(), "pw-ok")
	os.WriteFile(pwOK, []byte("mật khẩu đủ dài\n"), 0o600)
	if _, errOut, code := run(t, "--data", ed, "login", "--server", srv.URL, "--user", "bientap", "--password-file", pwOK); code != 0 {
		t.Fatalf("editor login: %q", errOut)
	}
	out, _, code = run(t, "--data", ed, "sync", "--once")
	if code != 0 || !strings.Contains(out, "received: 1 article revision(s)") {
		t.Errorf("editor sync: %d %q", code, out)
	}
	list, _, _ = run(t, "--data", ed, "list")
	if !strings.Contains(list, "Lũ quét ở Bát Xát") || strings.Contains(list, strings.TrimSpace(draft)) {
		t.Errorf("the editor's list:\n%s", list)
	}
	out, _, code = run(t, "--data", ed, "export", id, "--format", "ninjs")
	if code != 0 || !strings.Contains(out, "Lũ quét ở Bát Xát") {
		t.Errorf("export on the editor's device: %d %q", code, out)
	}

	// The server goes away: sync says so and fails.
	srv.Close()
	if out, errOut, code := run(t, "--data", data, "send", draft); code != 0 {
		t.Fatalf("send: %q %q", out, errOut)
	}
	if _, errOut, code := run(t, "--data", data, "sync", "--once"); code != 1 || !strings.Contains(errOut, "no link to the server") {
		t.Errorf("sync without a server: %d %q", code, errOut)
	}
}
