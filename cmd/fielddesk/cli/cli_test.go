package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/sync/client"
	"github.com/fielddesk/fielddesk/vietnamese"
)

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runIn(t, "", args...)
}

// runIn runs the command line with stdin holding in.
func runIn(t *testing.T, in string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	// Short waits between tries, for these commands only (no global).
	opt := Options{Sync: client.Options{MinBackoff: 10 * time.Millisecond}}
	code = RunWith(opt, args, strings.NewReader(in), &o, &e, func(string) error { t.Fatal("the GUI must not start"); return nil })
	return o.String(), e.String(), code
}

func TestHeadlessCommands(t *testing.T) {
	data := t.TempDir()
	src := filepath.Join(t.TempDir(), "bai.md")
	os.WriteFile(src, []byte("---\nheadline: \"Lũ quét ở Bát Xát\"\nbyline: \"Lê Thị B\"\n---\nNước rút dần.\n"), 0o644)

	out, errOut, code := run(t, "--data", data, "import", src)
	if code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	id := strings.TrimSpace(out)
	if _, err := fielddesk.ParseID(id); err != nil {
		t.Fatalf("import printed %q, not an ID", out)
	}

	out, _, code = run(t, "--data", data, "list")
	if code != 0 || !strings.Contains(out, "Lũ quét ở Bát Xát") || !strings.Contains(out, id) {
		t.Errorf("list: %d\n%s", code, out)
	}
	out, _, _ = run(t, "--data", data, "list", "--json")
	var list []fielddesk.Summary
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0].Words != 3 {
		t.Errorf("list --json = %s (%v)", out, err)
	}

	out, _, code = run(t, "--data", data, "export", id, "--format", "html")
	if code != 0 || !strings.Contains(out, "<h1>Lũ quét ở Bát Xát</h1>") {
		t.Errorf("export html: %d\n%s", code, out)
	}
	mdPath := filepath.Join(t.TempDir(), "out.md")
	if _, e, code := run(t, "--data", data, "export", "--format", "md", "--out", mdPath, id); code != 0 {
		t.Fatalf("export md: %s", e)
	}
	if b, _ := os.ReadFile(mdPath); !strings.Contains(string(b), "id: "+id) {
		t.Errorf("exported bundle lacks its id:\n%s", b)
	}
	out, _, code = run(t, "--data", data, "search", "lu quet", "--json")
	var hits []fielddesk.Hit
	if err := json.Unmarshal([]byte(out), &hits); code != 0 || err != nil || len(hits) != 1 || string(hits[0].ID) != id {
		t.Errorf("search --json: %d %v\n%s", code, err, out)
	}
	out, _, code = run(t, "--data", data, "history", id)
	if code != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("history: %d\n%s", code, out)
	}
}

func TestHeadlessErrorsAreOneLine(t *testing.T) {
	data := t.TempDir()
	bad := filepath.Join(t.TempDir(), "bad.md")
	os.WriteFile(bad, []byte("---\nheadline: x\nauthor: y\n---\n"), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"import", bad}, `unknown front matter keys "author"`},
		{[]string{"import", "/no/such/file.md"}, "no such file"},
		{[]string{"export", "01J00000000000000000000000", "--format", "md"}, "not found"},
		{[]string{"export", "nope", "--format", "md"}, "not an article or revision ID"},
		{[]string{"export", "01J00000000000000000000000"}, "--format"},
		{[]string{"history"}, "needs an article ID"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
	} {
		out, errOut, code := run(t, append([]string{"--data", data}, tt.args...)...)
		if code == 0 || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want failure and nothing on stdout", tt.args, code, out)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "fielddesk: ") || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: stderr %q, want one line mentioning %q", tt.args, errOut, tt.want)
		}
	}
}

func TestSecondInstanceMessage(t *testing.T) {
	data := t.TempDir()
	var e bytes.Buffer
	ran := false
	code := Run([]string{"--data", data}, nil, &bytes.Buffer{}, &e, func(dir string) error {
		ran = true
		// While the window holds the folder, a headless command is refused clearly.
		d, err := desk.Open(dir)
		if err != nil {
			return err
		}
		defer d.Close()
		_, errOut, code := run(t, "--data", data, "list")
		if code == 0 || !strings.Contains(errOut, "another FieldDesk") {
			t.Errorf("list while open: %d %q", code, errOut)
		}
		return nil
	})
	if !ran || code != 0 {
		t.Fatalf("the window never opened (ran %v, exit %d): %s", ran, code, e.String())
	}
}

func TestConvert(t *testing.T) {
	want := "Sau hai năm vận động, người dân đã hiến đất làm đường."
	legacy := vietnamese.Encode(want, vietnamese.TCVN3)
	// An old .txt file: the TCVN3 bytes as Windows-1252, not UTF-8.
	raw, err := charmap.Windows1252.NewEncoder().String(legacy)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cu.txt")
	os.WriteFile(path, []byte(raw), 0o644)
	out, errOut, code := run(t, "convert", "--from", "auto", path)
	if code != 0 || out != want {
		t.Errorf("convert file: %d %q %q", code, out, errOut)
	}
	out, _, code = runIn(t, vietnamese.Encode(want, vietnamese.VNIWin), "convert", "--from", "vni")
	if code != 0 || out != want {
		t.Errorf("convert stdin: %d %q", code, out)
	}
	_, errOut, code = runIn(t, "The committee met on Friday.", "convert")
	if code == 0 || !strings.Contains(errOut, "does not look like") {
		t.Errorf("English text: %d %q", code, errOut)
	}
}

// trash moves a draft out of the list, --list shows it, --restore brings
// it back, --empty deletes it for good; a bad ID is refused by name.
func TestTrashCommand(t *testing.T) {
	data := t.TempDir()
	src := filepath.Join(t.TempDir(), "a.md")
	if err := os.WriteFile(src, []byte("---\nheadline: Bài bỏ\n---\nChữ.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "--data", data, "import", src)
	if code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	id := strings.TrimSpace(out)
	if _, e, code := run(t, "--data", data, "trash", id); code != 0 {
		t.Fatalf("trash: %s", e)
	}
	if out, _, _ := run(t, "--data", data, "list"); strings.Contains(out, "Bài bỏ") {
		t.Errorf("list after trash:\n%s", out)
	}
	if out, _, _ := run(t, "--data", data, "trash", "--list"); !strings.Contains(out, id) || !strings.Contains(out, "Bài bỏ") {
		t.Errorf("trash --list:\n%s", out)
	}
	if _, e, code := run(t, "--data", data, "trash", "--restore", id); code != 0 {
		t.Fatalf("trash --restore: %s", e)
	}
	if out, _, _ := run(t, "--data", data, "list"); !strings.Contains(out, "Bài bỏ") {
		t.Errorf("list after restore:\n%s", out)
	}
	run(t, "--data", data, "trash", id)
	if out, e, code := run(t, "--data", data, "trash", "--empty"); code != 0 || !strings.Contains(out, "1 articles deleted") {
		t.Errorf("trash --empty: %q %q", out, e)
	}
	if _, e, code := run(t, "--data", data, "history", id); code == 0 || !strings.Contains(e, "not found") {
		t.Errorf("history of a deleted article: %q (exit %d)", e, code)
	}
	if _, e, code := run(t, "--data", data, "trash", "nonsense"); code == 0 || !strings.Contains(e, "nonsense") {
		t.Errorf("trash nonsense: %q (exit %d)", e, code)
	}
}

// A command run on a data folder whose database had to be rebuilt says so
// once on stderr, with where the damaged files are kept, and does its work.
func TestHeadlessCommandSaysTheDatabaseWasRebuilt(t *testing.T) {
	data := t.TempDir()
	src := filepath.Join(t.TempDir(), "bai.md")
	for _, h := range []string{"Lũ quét ở Bát Xát", "Đường lên Pha Long"} {
		os.WriteFile(src, []byte("---\nheadline: \""+h+"\"\n---\nNước rút dần.\n"), 0o644)
		if _, errOut, code := run(t, "--data", data, "import", src); code != 0 {
			t.Fatalf("import: %d %s", code, errOut)
		}
	}
	if err := os.Remove(filepath.Join(data, "db", "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "--data", data, "list")
	if code != 0 {
		t.Fatalf("list: %d %s", code, errOut)
	}
	if !strings.Contains(errOut, "rebuilt from everything still readable, 2 articles") || !strings.Contains(errOut, filepath.Join(data, "db-damaged-")) {
		t.Fatalf("stderr does not tell of the rebuild: %q", errOut)
	}
	if !strings.Contains(out, "Bát Xát") || !strings.Contains(out, "Pha Long") {
		t.Fatalf("list after the rebuild: %q", out)
	}
	if _, errOut, _ := run(t, "--data", data, "list"); errOut != "" {
		t.Fatalf("said again: %q", errOut)
	}
}
