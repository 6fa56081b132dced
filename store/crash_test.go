package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
)

const crashChildEnv = "FIELDDESK_CRASH_CHILD_DIR"

// TestMain lets the crash test re-run this test binary as a child that saves
// in a loop until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	if dir := os.Getenv(openChildEnv); dir != "" {
		openChild(dir)
		return
	}
	if dir := os.Getenv(fillChildEnv); dir != "" {
		fillChild(dir)
		return
	}
	os.Exit(m.Run())
}

// crashChild saves revisions of one article (and a photo every few saves) as
// fast as it can, printing "ack <article> <revision> <n>" after each Save
// returns. The parent kills it at a random moment.
func crashChild(dir string) {
	db, err := Open(dir)
	if err != nil {
		fmt.Println("open-error", err)
		os.Exit(3)
	}
	ctx := context.Background()
	out := bufio.NewWriter(os.Stdout)
	var a fielddesk.Article
	if list, _ := db.List(ctx); len(list) > 0 {
		rev, _ := db.Latest(ctx, list[0].ID)
		a = rev.Article
	}
	for n := 0; ; n++ {
		a.Headline = fmt.Sprintf("Bản tin số %d", n)
		a.Body = strings.Repeat("Người dân góp công làm đường. ", 600) + fmt.Sprint(n)
		a.Photos = nil
		if n%5 == 0 {
			hash, size, err := db.PutPhoto(strings.NewReader(fmt.Sprintf("photo bytes %d %d", os.Getpid(), n)))
			if err != nil {
				fmt.Println("photo-error", err)
				os.Exit(4)
			}
			a.Body += "\n\n![Ảnh](photo:" + hash + ` "A")`
			a.Photos = []fielddesk.Photo{{Hash: hash, Name: "p.jpg", Size: size}}
		}
		rev, err := db.Save(ctx, a, "")
		if err != nil {
			fmt.Println("save-error", err)
			os.Exit(5)
		}
		a = rev.Article
		fmt.Fprintf(out, "ack %s %s %d\n", a.ID, rev.ID, n)
		out.Flush()
	}
}

type ack struct {
	article, rev fielddesk.ID
	headline     string
}

// TestCrashKeepsEveryAcknowledgedRevision kills a saving child with SIGKILL at
// random moments and checks, after each kill, that every revision the child
// was told is saved is there, with its photo.
func TestCrashKeepsEveryAcknowledgedRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	rounds := 12
	var acked []ack
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Let it save for a random while after its first ack, then kill it mid-save.
		var deadline <-chan time.Time
		for line := range lines {
			f := strings.Fields(line)
			if f[0] != "ack" {
				t.Fatalf("round %d: child said %q", round, line)
			}
			acked = append(acked, ack{fielddesk.ID(f[1]), fielddesk.ID(f[2]), "Bản tin số " + f[3]})
			if deadline == nil {
				deadline = time.After(time.Duration(20+rand.IntN(200)) * time.Millisecond)
			}
			select {
			case <-deadline:
				cmd.Process.Signal(syscall.SIGKILL)
				deadline = make(chan time.Time) // never again
			default:
			}
		}
		cmd.Wait()
	}
	if len(acked) < rounds {
		t.Fatalf("only %d acknowledged saves in %d rounds", len(acked), rounds)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, a := range acked {
		rev, err := db.Revision(ctx, a.article, a.rev)
		if err != nil {
			t.Fatalf("acknowledged revision %s lost: %v", a.rev, err)
		}
		if rev.Article.Headline != a.headline {
			t.Fatalf("revision %s headline %q, want %q", a.rev, rev.Article.Headline, a.headline)
		}
		for _, p := range rev.Article.Photos {
			if _, err := os.Stat(db.PhotoPath(p.Hash)); err != nil {
				t.Fatalf("photo of acknowledged revision %s lost: %v", a.rev, err)
			}
		}
	}
	t.Logf("%d acknowledged revisions over %d kills, all present", len(acked), rounds)
}

const fillChildEnv = "FIELDDESK_FILL_CHILD_DIR"

// fillChild saves articles of random text until a save fails, printing
// "ack <article>" after each and then "full" or "error" with the message.
func fillChild(dir string) {
	db, err := Open(dir)
	if err != nil {
		fmt.Println("open-error", err)
		os.Exit(3)
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; ; n++ {
		var b strings.Builder
		for b.Len() < 200<<10 {
			fmt.Fprintf(&b, "mã %08x ", rng.Uint32())
		}
		rev, err := db.Save(ctx, fielddesk.Article{Headline: fmt.Sprintf("Bảng số %d", n), Body: b.String()}, "")
		if errors.Is(err, fielddesk.ErrDiskFull) {
			fmt.Println("full", strings.ReplaceAll(err.Error(), "\n", " "))
			break
		}
		if err != nil {
			fmt.Println("error", err)
			break
		}
		fmt.Println("ack", rev.Article.ID)
	}
	if err := db.Close(); err != nil {
		fmt.Println("close-error", err)
		os.Exit(4)
	}
}
