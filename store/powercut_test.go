//go:build linux

package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/powercut"
)

var powerCuts = flag.Int("powercut.n", 60, "power cuts per model in the desktop power-cut test (half as many for the server)")

const (
	powerChildEnv    = "FIELDDESK_POWERCUT_CHILD_DIR"
	powerCheckEnv    = "FIELDDESK_POWERCUT_CHECK_DIR"
	powerServerEnv   = "FIELDDESK_POWERCUT_SERVER_DIR"
	powerFlushOffEnv = "FIELDDESK_POWERCUT_FLUSH_OFF"
)

// The power-cut test's child: it saves revisions of one article as fast as
// it can, with a photo of 100–300 KB every third save, and prints
// "ack <article> <revision> <headline number> <photo hash>" after each Save
// returns, until the power is cut and it is killed.
func init() {
	if dir := os.Getenv(powerCheckEnv); dir != "" {
		checkAfterCut(dir)
		os.Exit(0)
	}
	if dir := os.Getenv(powerServerEnv); dir != "" {
		serverPushChild(dir)
		os.Exit(0)
	}
	dir := os.Getenv(powerChildEnv)
	if dir == "" {
		return
	}
	flushOff = os.Getenv(powerFlushOffEnv)
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
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	for n := 0; ; n++ {
		a.Headline = fmt.Sprintf("Bản tin số %d-%d", os.Getpid(), n)
		a.Body = strings.Repeat("Người dân xã Pha Long góp công làm đường bê tông. ", 50+rng.IntN(400)) + fmt.Sprint(n)
		a.Photos = nil
		photoHash := "-"
		if n%3 == 0 {
			pic := make([]byte, 100<<10+rng.IntN(200<<10))
			for i := range pic {
				pic[i] = byte(rng.Uint32())
			}
			hash, size, err := db.PutPhoto(strings.NewReader(string(pic)))
			if err != nil {
				fmt.Println("photo-error", err)
				os.Exit(4)
			}
			a.Body += "\n\n![Ảnh](photo:" + hash + ` "A")`
			a.Photos = []fielddesk.Photo{{Hash: hash, Name: "p.jpg", Size: size}}
			photoHash = hash
		}
		rev, err := db.Save(ctx, a, "")
		if err != nil {
			fmt.Println("save-error", err)
			os.Exit(5)
		}
		a = rev.Article
		fmt.Fprintf(out, "ack %s %s %s %s\n", a.ID, rev.ID, strings.TrimPrefix(a.Headline, "Bản tin số "), photoHash)
		out.Flush()
	}
}

// checkAfterCut opens the store after a cut and checks the acknowledged
// saves read from stdin ("article revision headline-number photo-hash"),
// printing "open-error …", "lost …" for each one gone, then "checked N".
func checkAfterCut(dir string) {
	db, err := Open(dir)
	if err != nil {
		fmt.Println("open-error", strings.ReplaceAll(err.Error(), "\n", " "))
		return
	}
	defer db.Close()
	ctx := context.Background()
	sc := bufio.NewScanner(os.Stdin)
	n := 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		n++
		switch f[0] {
		case "mut":
			checkMutation(ctx, db, f[1:])
			continue
		case "photo":
			if b, err := os.ReadFile(db.PhotoPath(f[1])); err != nil {
				fmt.Printf("lost photo %s: %v\n", f[1][:12], err)
			} else if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f[1] {
				fmt.Printf("lost photo %s: %d bytes that are not the photo\n", f[1][:12], len(b))
			}
			continue
		}
		f = f[1:]
		a := powerAck{fielddesk.ID(f[0]), fielddesk.ID(f[1]), "Bản tin số " + f[2], strings.TrimPrefix(f[3], "-")}
		rev, err := db.Revision(ctx, a.article, a.rev)
		switch {
		case err != nil:
			fmt.Printf("lost revision %s: %v\n", a.rev, err)
		case rev.Article.Headline != a.headline:
			fmt.Printf("lost revision %s: holds %q, want %q\n", a.rev, rev.Article.Headline, a.headline)
		case a.photo != "":
			if b, err := os.ReadFile(db.PhotoPath(a.photo)); err != nil {
				fmt.Printf("lost photo of revision %s: %v\n", a.rev, err)
			} else if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != a.photo {
				fmt.Printf("lost photo of revision %s: %d bytes that are not the photo\n", a.rev, len(b))
			}
		}
	}
	fmt.Println("checked", n)
}

// serverPushChild is the server's side: three devices push batches of new
// articles at once (committed together, as the server does), and a fourth
// sends articles with a photo of about 200 KB each, the text first, then
// the photo in 64 KB chunks. It prints
// "mut <device> <id> <article> <revision> <result>" for each outcome and
// "photo <hash>" for each photo whole, as soon as the store returns them.
func serverPushChild(dir string) {
	flushOff = os.Getenv(powerFlushOffEnv)
	db, err := Open(dir)
	if err != nil {
		fmt.Println("open-error", err)
		os.Exit(3)
	}
	ctx := context.Background()
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		fmt.Printf(format+"\n", args...)
		mu.Unlock()
	}
	for g := range 3 {
		go func() {
			device := fmt.Sprintf("dev-%d-%d", os.Getpid(), g)
			rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(g)))
			for id := uint64(1); ; {
				n := 1 + rng.IntN(3)
				var muts []Mutation
				for i := range n {
					rev := remoteRevision(fielddesk.NewID(), "", fmt.Sprintf("Tin %s %d", device, id+uint64(i)))
					rev.Article.Body = strings.Repeat("Mưa lớn kéo dài ở vùng cao. ", 20+rng.IntN(200))
					muts = append(muts, Mutation{ID: id + uint64(i), Revision: rev})
				}
				outs, err := db.ApplyBatch(ctx, device, "", muts)
				for i, o := range outs {
					say("mut %s %d %s %s %s", device, muts[i].ID, muts[i].Revision.Article.ID, muts[i].Revision.ID, o.Result)
				}
				if err != nil {
					say("apply-error %v", err)
					return
				}
				id += uint64(n)
			}
		}()
	}
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), 9))
	up := Uploader{User: "lethib", Device: fmt.Sprintf("dev-%d-photos", os.Getpid())}
	var photoID uint64
	for {
		pic := make([]byte, 150<<10+rng.IntN(100<<10))
		for i := range pic {
			pic[i] = byte(rng.Uint32())
		}
		sum := sha256.Sum256(pic)
		hash := hex.EncodeToString(sum[:])
		// Text first, as devices send it: the article naming the photo.
		rev := remoteRevision(fielddesk.NewID(), "", "Ảnh "+hash[:8])
		rev.Article.Body = "![Ảnh](photo:" + hash + ` "Mưa lũ")`
		rev.Article.Photos = []fielddesk.Photo{{Hash: hash, Name: "lu.jpg", Size: int64(len(pic))}}
		photoID++
		outs, err := db.ApplyBatch(ctx, up.Device, "", []Mutation{{ID: photoID, Revision: rev}})
		if err != nil {
			say("apply-error %v", err)
			select {}
		}
		say("mut %s %d %s %s %s", up.Device, photoID, rev.Article.ID, rev.ID, outs[0].Result)
		for off := 0; off < len(pic); off += 64 << 10 {
			end := min(off+64<<10, len(pic))
			st, err := db.AppendUpload(up, hash, int64(off), int64(len(pic)), "", bytes.NewReader(pic[off:end]), 1<<20, nil)
			if err != nil {
				say("upload-error %v", err)
				select {} // wait for the cut
			}
			if st.Complete {
				say("photo %s", hash)
			}
		}
	}
}

// checkMutation checks an acknowledged mutation ("device id article
// revision result"): its revision is there, and sent again it is a
// duplicate with the same first result.
func checkMutation(ctx context.Context, db *DB, f []string) {
	device, article, rev, result := f[0], fielddesk.ID(f[2]), fielddesk.ID(f[3]), f[4]
	id, _ := strconv.ParseUint(f[1], 10, 64)
	if Result(result) == Applied {
		if _, err := db.Revision(ctx, article, rev); err != nil {
			fmt.Printf("lost revision %s of mutation %s/%d: %v\n", rev, device, id, err)
			return
		}
	}
	again := remoteRevision(article, "", "gửi lại")
	again.ID = rev
	o, err := db.Apply(ctx, device, "", id, again)
	if err != nil || o.Result != Duplicate || o.Reason != result {
		fmt.Printf("lost outcome of mutation %s/%d (was %s): sent again %+v %v\n", device, id, result, o, err)
	}
}

type powerAck struct {
	article, rev fielddesk.ID
	headline     string
	photo        string
}

// cutResult is what a run of power cuts found.
type cutResult struct {
	cuts, acked, lost, failedOpens int
	first                          string // the first loss or failed open, said
}

// runPowerCuts runs the saving child on a power-cut file system and cuts
// the power at a random moment, cuts times, checking after each cut that
// the store opens and holds every revision (and photo) the child was told
// was saved.
func runPowerCuts(t *testing.T, child string, model powercut.Model, cuts int, off string) cutResult {
	pfs := powercut.Mount(t, model)
	dir := pfs.Dir() + "/data"
	var acked []string // the lines the child printed for what it was told is saved
	res := cutResult{}
	for round := range cuts {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), child+"="+dir, powerFlushOffEnv+"="+off)
		var stderr strings.Builder
		cmd.Stderr = &stderr
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
		var deadline <-chan time.Time
		cut := false
		for line := range lines {
			if kind, _, _ := strings.Cut(line, " "); kind != "ack" && kind != "mut" && kind != "photo" {
				if cut {
					continue // the cut made a save fail: never acknowledged
				}
				t.Fatalf("round %d: the child said %q", round, line)
			}
			acked = append(acked, line)
			if deadline == nil {
				deadline = time.After(time.Duration(rand.IntN(150)) * time.Millisecond)
			}
			select {
			case <-deadline:
				// The power goes: nothing more reaches the disk, then the
				// machine stops. Acks printed after this were flushed before.
				pfs.Cut()
				cmd.Process.Signal(syscall.SIGKILL)
				deadline, cut = make(chan time.Time), true
			default:
			}
		}
		cmd.Wait()
		if !cut {
			t.Fatalf("round %d: the child stopped before the cut: %s", round, stderr.String())
		}
		if _, err := pfs.Restore(); err != nil {
			t.Fatal(err)
		}
		res.cuts++
		// The check runs in a child too: the process serving a FUSE file
		// system must not map its files (Badger does), or a page fault
		// there stops the Go runtime with the server inside it.
		check := exec.Command(os.Args[0], "-test.run=^$")
		check.Env = append(os.Environ(), powerCheckEnv+"="+dir)
		check.Stdin = strings.NewReader(strings.Join(acked, "\n") + "\n")
		out, err := check.Output()
		if err != nil {
			t.Fatalf("the check after cut %d: %v\n%s", round+1, err, out)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			kind, said, _ := strings.Cut(line, " ")
			switch kind {
			case "open-error":
				res.failedOpens++
			case "lost":
				res.lost++
			default:
				continue
			}
			if res.first == "" {
				res.first = fmt.Sprintf("after cut %d: %s %s", round+1, kind, said)
			}
		}
		if res.lost > 0 {
			break // the rest of the run would only count the same losses again
		}
	}
	res.acked = len(acked)
	return res
}

// A real power cut (unflushed data lost, not only a killed process):
// after every cut, in both models of what a disk loses, the store opens
// and every acknowledged revision and photo is there.
func TestPowerCutKeepsEveryAcknowledgedSave(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, model := range []powercut.Model{powercut.DataOnly, powercut.SizesToo} {
		t.Run(model.String(), func(t *testing.T) {
			r := runPowerCuts(t, powerChildEnv, model, *powerCuts, "")
			if r.first != "" {
				t.Fatalf("%s (%d cuts, %d acknowledged saves, %d lost, %d failed opens)", r.first, r.cuts, r.acked, r.lost, r.failedOpens)
			}
			if r.acked < r.cuts {
				t.Fatalf("only %d acknowledged saves in %d cuts", r.acked, r.cuts)
			}
			t.Logf("%d power cuts (losing %s), %d acknowledged saves, all there after every cut", r.cuts, model, r.acked)
		})
	}
}

// The test sees a missing flush: with Badger's SyncWrites off, or photo
// files not flushed, acknowledged saves are lost within a few cuts.
func TestPowerCutCatchesAMissingFlush(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, off := range []string{"database", "files"} {
		t.Run(off, func(t *testing.T) {
			r := runPowerCuts(t, powerChildEnv, powercut.DataOnly, 30, off)
			if r.lost == 0 && r.failedOpens == 0 {
				t.Fatalf("with the %s flush removed, %d cuts lost none of %d acknowledged saves: the test cannot see a missing flush", off, r.cuts, r.acked)
			}
			t.Logf("without the %s flush: %s", off, r.first)
		})
	}
}

// The server's side of the same promise: devices pushing at once (group
// commits) and photo uploads in chunks; after every cut the store opens,
// every acknowledged mutation's revision and outcome is there (sent again,
// it is a duplicate with its first result), and every photo said whole is.
func TestPowerCutKeepsEveryAcknowledgedPush(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, model := range []powercut.Model{powercut.DataOnly, powercut.SizesToo} {
		t.Run(model.String(), func(t *testing.T) {
			r := runPowerCuts(t, powerServerEnv, model, *powerCuts/2, "")
			if r.first != "" {
				t.Fatalf("%s (%d cuts, %d acknowledgements, %d lost, %d failed opens)", r.first, r.cuts, r.acked, r.lost, r.failedOpens)
			}
			t.Logf("%d power cuts (losing %s), %d acknowledged mutations and photos, all there after every cut", r.cuts, model, r.acked)
		})
	}
	t.Run("without the database flush", func(t *testing.T) {
		r := runPowerCuts(t, powerServerEnv, powercut.DataOnly, 30, "database")
		if r.lost == 0 && r.failedOpens == 0 {
			t.Fatalf("with SyncWrites off, %d cuts lost none of %d acknowledged pushes: the test cannot see it", r.cuts, r.acked)
		}
		t.Logf("without the database flush: %s", r.first)
	})
}
