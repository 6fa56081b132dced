package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fielddesk/fielddesk"
)

// The power-cut test's children, built on every system: the Linux test
// (powercut_test.go) runs them on its power-cut file system, and also runs
// the Windows build of the saving child under Wine there (the Windows
// flush path).

const (
	powerChildEnv    = "FIELDDESK_POWERCUT_CHILD_DIR"
	powerCheckEnv    = "FIELDDESK_POWERCUT_CHECK_DIR"
	powerServerEnv   = "FIELDDESK_POWERCUT_SERVER_DIR"
	powerFlushOffEnv = "FIELDDESK_POWERCUT_FLUSH_OFF"
)

// childRun names one run of a child: its devices and headlines are its
// own (not the process ID, which Wine gives again from one run to the next).
var childRun = fmt.Sprintf("%d.%d", os.Getpid(), time.Now().UnixNano())

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
		a.Headline = fmt.Sprintf("Bản tin số %s-%d", childRun, n)
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
			device := fmt.Sprintf("dev-%s-%d", childRun, g)
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
	up := Uploader{User: "lethib", Device: fmt.Sprintf("dev-%s-photos", childRun)}
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
			st, err := appendUpload(db, up, hash, int64(off), int64(len(pic)), "", bytes.NewReader(pic[off:end]), 1<<20)
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
