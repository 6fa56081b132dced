package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/cmd/fielddesk/cli"
)

// TestMain lets the smoke test run this binary's main as the app.
func TestMain(m *testing.M) {
	if os.Getenv("FIELDDESK_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestWindowAppearsAndSavesTyping starts the real app under Xvfb on a
// temporary data folder, waits for its window, types a headline with
// xdotool, asks it to quit like a desktop session would (SIGTERM) and then
// finds the headline saved in the store.
func TestWindowAppearsAndSavesTyping(t *testing.T) {
	a := startApp(t)
	a.click(560, 93)
	a.xdo("type", "--delay", "80", "Xin chao Lao Cai")
	// The title names the article once its autosave is durable.
	waitFor(t, 30*time.Second, "the autosaved headline in the window title", func() bool {
		return a.xdo("search", "--name", "Xin chao Lao Cai") != ""
	})
	app, exited, out, data := a.cmd, a.exited, a.out, a.data
	app.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the app did not exit cleanly: %v\n%s", err, out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the app did not quit on SIGTERM\n%s", out.String())
	}

	var list bytes.Buffer
	if code := cli.Run([]string{"--data", data, "list", "--json"}, nil, &list, os.Stderr, nil); code != 0 {
		t.Fatalf("list after the app quit: exit %d", code)
	}
	var got []fielddesk.Summary
	if err := json.Unmarshal(list.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Headline != "Xin chao Lao Cai" {
		t.Fatalf("saved articles = %+v, want the typed headline\napp output:\n%s", got, out.String())
	}
	if _, err := os.Stat(filepath.Join(data, "db")); err != nil {
		t.Errorf("the store is not in the --data folder: %v", err)
	}
}

// runningApp is the real app under a private Xvfb, typed into with xdotool.
type runningApp struct {
	t      *testing.T
	cmd    *exec.Cmd
	exited chan error
	out    *bytes.Buffer
	data   string
	disp   string
	win    string
}

func (a *runningApp) xdo(args ...string) string {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+a.disp)
	b, _ := cmd.Output()
	return strings.TrimSpace(string(b))
}

// click clicks at x, y in the window.
func (a *runningApp) click(x, y int) {
	a.xdo("mousemove", "--window", a.win, strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	time.Sleep(time.Second)
}

// startApp starts the real app under Xvfb on a temporary data folder and
// waits for its window.
func startApp(t *testing.T) *runningApp {
	t.Helper()
	return startAppWith(t, nil)
}

// startAppWith is startApp with setup called on the data folder first.
func startAppWith(t *testing.T, setup func(data string)) *runningApp {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Xvfb and the app")
	}
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing: make test installs it (scripts/deps.sh test)", tool)
			}
			t.Skipf("%s is not installed (make test installs it)", tool)
		}
	}
	a := &runningApp{t: t, disp: startXvfb(t), out: &bytes.Buffer{}, data: t.TempDir(), exited: make(chan error, 1)}
	if setup != nil {
		setup(a.data)
	}
	a.cmd = exec.Command(os.Args[0], "--data", a.data)
	a.cmd.Env = append(os.Environ(), "FIELDDESK_RUN_MAIN=1", "DISPLAY="+a.disp, "LANGUAGE=en", "LANG=C.UTF-8",
		"HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.exited <- a.cmd.Wait() }()
	t.Cleanup(func() { a.cmd.Process.Kill() })
	waitFor(t, 90*time.Second, "the FieldDesk window", func() bool {
		select {
		case err := <-a.exited:
			t.Fatalf("the app exited before its window appeared: %v\n%s", err, a.out.String())
		default:
		}
		a.win = a.xdo("search", "--onlyvisible", "--name", "^FieldDesk$")
		return a.win != ""
	})
	if i := strings.IndexByte(a.win, '\n'); i >= 0 {
		a.win = a.win[:i]
	}
	// Give keyboard focus to the window (there is no window manager) and
	// let the app finish starting (slow under -race).
	a.xdo("windowfocus", "--sync", a.win)
	time.Sleep(3 * time.Second)
	return a
}

// startXvfb starts a private Xvfb (with the extra arguments) and returns
// its display once it takes connections.
func startXvfb(t *testing.T, extra ...string) string {
	t.Helper()
	disp := fmt.Sprintf(":%d", 100+rand.IntN(800))
	xvfb := exec.Command("Xvfb", append([]string{disp, "-screen", "0", "1280x800x24", "-nolisten", "tcp"}, extra...)...)
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { xvfb.Process.Kill(); xvfb.Wait() })
	sock := "/tmp/.X11-unix/X" + disp[1:]
	waitFor(t, 10*time.Second, "Xvfb", func() bool { _, err := os.Stat(sock); return err == nil })
	return disp
}

// On a display without OpenGL (an old graphics driver, a virtual machine
// or remote desktop without 3D; here Xvfb without GLX) the app says so in
// the person's language and ends, without touching the data folder; it
// used to log "window creation error" and hang, holding the folder.
func TestNoOpenGLIsSaidAndTheAppEnds(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Xvfb and the app")
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Skip("Xvfb is not installed (make test installs it)")
	}
	disp := startXvfb(t, "-extension", "GLX")
	data := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(os.Args[0], "--data", data)
	cmd.Env = append(os.Environ(), "FIELDDESK_RUN_MAIN=1", "DISPLAY="+disp, "LANGUAGE=vi", "LANG=C.UTF-8",
		"HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err == nil {
			t.Fatalf("the app ended well without a window:\n%s", out.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the app neither opened a window nor ended:\n%s", out.String())
	}
	if s := out.String(); !strings.Contains(s, "FieldDesk không mở được cửa sổ") || !strings.Contains(s, "OpenGL 2.1") {
		t.Fatalf("the app did not say why, in Vietnamese:\n%s", s)
	}
	if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the data folder was made or opened: %v", err)
	}
}

// Ten seconds of typing without a pause, then the process is killed
// (SIGKILL: no chance to save on the way out): everything typed more than
// 2 s before the kill is in the data folder (the autosave waits for a
// pause, and at most its longest wait when none comes).
func TestSteadyTypingSurvivesAKill(t *testing.T) {
	a := startApp(t)
	a.click(560, 93)
	text := strings.Repeat("0123456789 ", 10) // digits: nothing for Telex to compose
	start := time.Now()
	a.xdo("type", "--delay", "100", text)
	typing := time.Since(start)
	a.cmd.Process.Signal(syscall.SIGKILL)
	<-a.exited

	var list bytes.Buffer
	if code := cli.Run([]string{"--data", a.data, "list", "--json"}, nil, &list, os.Stderr, nil); code != 0 {
		t.Fatalf("list after the kill: exit %d", code)
	}
	var got []fielddesk.Summary
	if err := json.Unmarshal(list.Bytes(), &got); err != nil || len(got) != 1 {
		t.Fatalf("after 10 s of typing and a kill: %+v %v\n%s", got, err, a.out.String())
	}
	saved := got[0].Headline
	perKey := typing / time.Duration(len(text))
	// Typed more than 2 s before the kill, less a second for the app to
	// take in keys it was sent (slow under -race).
	must := len(text) - int((3*time.Second)/perKey)
	if !strings.HasPrefix(text, saved) || len(saved) < must {
		t.Errorf("%d of %d characters survived the kill (%q); want at least %d", len(saved), len(text), saved, must)
	}
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within %s", what, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A headless command prints its answer and nothing else under the C.UTF-8
// locale of containers, CI and ssh sessions (Fyne, linked into the same
// binary, used to log three lines about the locale before main ran).
func TestHeadlessCommandIsQuietUnderTheCLocale(t *testing.T) {
	cmd := exec.Command(os.Args[0], "--data", t.TempDir(), "list", "--json")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LANGUAGE=") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "LANG=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "FIELDDESK_RUN_MAIN=1", "LANG=C.UTF-8")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("list: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("list printed on stderr:\n%s", stderr.String())
	}
	if got := strings.TrimSpace(stdout.String()); got != "[]" {
		t.Errorf("list --json on an empty folder printed %q", got)
	}
}

// cpuTicks is the CPU time (user and system, in clock ticks) a process used.
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// The fields after the command name, which may hold spaces: utime and
	// stime are the 14th and 15th of the whole line.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}

// With a long article open and nothing happening, the window does not
// repaint itself: before, the hidden busy bar's animation (and the
// blinking cursor) redrew the whole window 60 times a second, more than a
// core under software OpenGL. The bound is loose on purpose (a quarter of
// a core, even under -race); docs/BENCHMARKS.md has the measurement.
func TestIdleWindowDoesNotRepaint(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	a := startAppWith(t, func(data string) {
		var body []string
		for i := range 60 {
			body = append(body, strings.Repeat(fmt.Sprintf("Người dân xã %d trồng lúa nương năm nay được mùa. ", i), 10))
		}
		bundle := filepath.Join(t.TempDir(), "dai.md")
		os.WriteFile(bundle, []byte("---\nheadline: Bài dài\nlanguage: vi\n---\n"+strings.Join(body, "\n\n")+"\n"), 0o644)
		if code := cli.Run([]string{"--data", data, "import", bundle}, nil, io.Discard, os.Stderr, nil); code != 0 {
			t.Fatalf("import: exit %d", code)
		}
	})
	a.click(140, 166) // the article in the list
	a.click(560, 390) // the cursor in its body
	const ticks = 100 // USER_HZ on Linux
	// Let it finish opening the article (slow under -race, beside other
	// tests): until two seconds pass with little work, for at most a minute.
	pid := a.cmd.Process.Pid
	for end := time.Now().Add(time.Minute); ; {
		b := cpuTicks(t, pid)
		time.Sleep(2 * time.Second)
		if cpuTicks(t, pid)-b < ticks/2 || time.Now().After(end) {
			break
		}
	}
	before := cpuTicks(t, pid)
	time.Sleep(10 * time.Second)
	used := float64(cpuTicks(t, pid)-before) / ticks
	if used > 2.5 {
		t.Errorf("idle for 10 s with a long article open, the app used %.1f CPU-seconds", used)
	}
	t.Logf("idle: %.2f CPU-seconds in 10 s", used)
}

// The real window answers headless commands on its data folder: an import
// from a terminal while the window is open goes in, and the window lists it.
func TestHeadlessImportWhileTheWindowIsOpen(t *testing.T) {
	a := startApp(t)
	src := filepath.Join(t.TempDir(), "bai.md")
	os.WriteFile(src, []byte("---\nheadline: \"Nhập khi cửa sổ đang mở\"\n---\nNội dung.\n"), 0o644)
	var out, errOut bytes.Buffer
	if code := cli.Run([]string{"--data", a.data, "import", src}, nil, &out, &errOut, nil); code != 0 {
		t.Fatalf("import with the window open: exit %d: %s\n%s", code, errOut.String(), a.out.String())
	}
	// The window lists it: its title shows once the list is clicked.
	time.Sleep(2 * time.Second)
	a.click(140, 166)
	waitFor(t, 20*time.Second, "the imported article in the window", func() bool {
		return a.xdo("search", "--name", "Nhập khi cửa sổ đang mở") != ""
	})
}
