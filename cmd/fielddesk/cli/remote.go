package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fielddesk/fielddesk/desk"
)

// While the window is open on a data folder it holds the folder (Badger
// allows one writer), so a headless command there would be refused. The
// window listens on a socket in the data folder instead, and a command
// that finds the folder in use runs inside the window's process, on its
// open folder, with the same code: scripts and editors' tools work while
// the window is open, and the window shows what they changed.

// SocketName is the socket's file name in the data folder.
const SocketName = "app.sock"

// request is one command sent to the window; answer what it printed.
type request struct {
	Args []string `json:"args"`
}

type answer struct {
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	Code   int    `json:"code"`
}

// maxRequest bounds a request (a command line).
const maxRequest = 1 << 20

// notThroughTheWindow are the commands the window does itself.
var notThroughTheWindow = map[string]string{
	"login": "the window is open on this data folder: connect from it (File › Connect to the newsroom…), or close it first",
	"sync":  "the window is open on this data folder and syncs by itself: use its Sync now (Ctrl+Shift+R), or close it first",
}

// runInApp sends a command to the window holding dir. ok is false when no
// window answers (another process holds the folder, or an old socket).
func runInApp(dir, cmd string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	conn, err := net.DialTimeout("unix", filepath.Join(dir, SocketName), 2*time.Second)
	if err != nil {
		return 0, false
	}
	defer conn.Close()
	if why, refused := notThroughTheWindow[cmd]; refused {
		return fail(stderr, errors.New(cmd+": "+why)), true
	}
	req := request{Args: append([]string{cmd}, absolutePaths(cmd, args)...)}
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return 0, false
	}
	var a answer
	if err := json.NewDecoder(bufio.NewReader(conn)).Decode(&a); err != nil {
		return fail(stderr, fmt.Errorf("the FieldDesk window open on %s did not answer: %w", dir, err)), true
	}
	io.WriteString(stdout, a.Stdout)
	io.WriteString(stderr, a.Stderr)
	return a.Code, true
}

// absolutePaths makes the file names a command takes absolute, since the
// window runs it in its own working folder.
func absolutePaths(cmd string, args []string) []string {
	out := append([]string(nil), args...)
	abs := func(p string) string {
		if p == "" || p == "-" || filepath.IsAbs(p) {
			return p
		}
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	for i := 0; i < len(out); i++ {
		a := out[i]
		switch {
		case cmd == "import" && !strings.HasPrefix(a, "-"):
			out[i] = abs(a)
		case cmd == "import" && a == "--legacy" || cmd == "import" && a == "-legacy":
			i++ // its value is not a file
		case cmd == "export" && (a == "--out" || a == "-out") && i+1 < len(out):
			out[i+1] = abs(out[i+1])
			i++
		case cmd == "export" && (strings.HasPrefix(a, "--out=") || strings.HasPrefix(a, "-out=")):
			k, v, _ := strings.Cut(a, "=")
			out[i] = k + "=" + abs(v)
		}
	}
	return out
}

// Serve answers the commands sent to the window open on d until ctx ends;
// changed is called (from Serve's goroutine) after each command, for the
// window to show what it changed. The socket is the data folder's, its
// file readable and writable by its owner only.
func Serve(ctx context.Context, d *desk.Desk, opt Options, changed func()) error {
	path := filepath.Join(d.Dir(), SocketName)
	// A socket left by a window that crashed: nobody answers on it.
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("another FieldDesk window answers on %s", path)
	}
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("listen for commands on %s: %w", path, err)
	}
	os.Chmod(path, 0o600)
	var wg sync.WaitGroup
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	var mu sync.Mutex // one command at a time, as from a terminal
	for {
		conn, err := ln.Accept()
		if err != nil {
			wg.Wait()
			os.Remove(path)
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Minute))
			var req request
			if err := json.NewDecoder(io.LimitReader(conn, maxRequest)).Decode(&req); err != nil || len(req.Args) == 0 {
				return
			}
			var stdout, stderr bytes.Buffer
			code := 0
			if why, refused := notThroughTheWindow[req.Args[0]]; refused {
				code = fail(&stderr, errors.New(req.Args[0]+": "+why))
			} else {
				mu.Lock()
				code = Dispatch(ctx, d, opt, req.Args[0], req.Args[1:], strings.NewReader(""), &stdout, &stderr)
				mu.Unlock()
			}
			// The window hears of it before the command returns.
			if changed != nil {
				changed()
			}
			json.NewEncoder(conn).Encode(answer{Stdout: stdout.String(), Stderr: stderr.String(), Code: code})
		}()
	}
}
