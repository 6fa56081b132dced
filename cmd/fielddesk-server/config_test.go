package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A config file sets what the command line leaves out (the command line
// wins), and a wrong line is named.
func TestConfigFile(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("mật khẩu đủ dài\n"), 0o600)
	conf := filepath.Join(dir, "fielddesk.conf")
	os.WriteFile(conf, []byte("# the newsroom of Lào Cai\n\ndata = "+data+"\nrole = editor\ndesk = laocai\n"), 0o600)
	if _, e, code := cli(t, "", "user", "add", "bientap", "--config", conf, "--password-file", pw); code != 0 {
		t.Fatalf("user add with a config file: %s", e)
	}
	if _, e, code := cli(t, "", "user", "add", "lethib", "--config", conf, "--role", "correspondent", "--password-file", pw); code != 0 {
		t.Fatalf("user add overriding the config: %s", e)
	}
	out, _, _ := cli(t, "", "user", "list", "--config", conf)
	if !strings.Contains(out, "bientap  editor") || !strings.Contains(out, "lethib   correspondent") {
		t.Errorf("user list through the config file:\n%s", out)
	}
	for _, bad := range []struct{ text, want string }{
		{"data " + data + "\n", ":1: write name = value"},
		{"# ok\ndatabase = x\n", `:2: "database" is not a setting`},
		{"hsts = maybe\n", ":1: hsts"},
	} {
		os.WriteFile(conf, []byte(bad.text), 0o600)
		if _, e, code := cli(t, "", "user", "list", "--config", conf); code == 0 || !strings.Contains(e, bad.want) {
			t.Errorf("config %q: %d %q, want an error with %q", bad.text, code, e, bad.want)
		}
	}
	if _, e, code := cli(t, "", "user", "list", "--config", filepath.Join(dir, "nothing.conf")); code == 0 || !strings.Contains(e, "--config") {
		t.Errorf("a config file that is not there: %d %q", code, e)
	}
}
