package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
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
	disp := fmt.Sprintf(":%d", 100+rand.IntN(800))
	xvfb := exec.Command("Xvfb", disp, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { xvfb.Process.Kill(); xvfb.Wait() })
	sock := "/tmp/.X11-unix/X" + disp[1:]
	waitFor(t, 10*time.Second, "Xvfb", func() bool { _, err := os.Stat(sock); return err == nil })

	data := t.TempDir()
	var out bytes.Buffer
	app := exec.Command(os.Args[0], "--data", data)
	app.Env = append(os.Environ(), "FIELDDESK_RUN_MAIN=1", "DISPLAY="+disp, "LANGUAGE=en", "LANG=C.UTF-8",
		"HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	app.Stdout, app.Stderr = &out, &out
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	t.Cleanup(func() { app.Process.Kill() })

	xdo := func(args ...string) string {
		cmd := exec.Command("xdotool", args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+disp)
		b, _ := cmd.Output()
		return strings.TrimSpace(string(b))
	}
	var win string
	waitFor(t, 90*time.Second, "the FieldDesk window", func() bool {
		select {
		case err := <-exited:
			t.Fatalf("the app exited before its window appeared: %v\n%s", err, out.String())
		default:
		}
		win = xdo("search", "--onlyvisible", "--name", "^FieldDesk$")
		return win != ""
	})
	if i := strings.IndexByte(win, '\n'); i >= 0 {
		win = win[:i]
	}
	// Give keyboard focus to the window (there is no window manager), let the
	// app finish starting (slow under -race), click into the headline, type.
	xdo("windowfocus", "--sync", win)
	time.Sleep(3 * time.Second)
	xdo("mousemove", "--window", win, "560", "93", "click", "1")
	time.Sleep(time.Second)
	xdo("type", "--delay", "80", "Xin chao Lao Cai")
	// The title names the article once its autosave is durable.
	waitFor(t, 30*time.Second, "the autosaved headline in the window title", func() bool {
		return xdo("search", "--name", "Xin chao Lao Cai") != ""
	})
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
