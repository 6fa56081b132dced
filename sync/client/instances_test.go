package client_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/internal/backendtest"
	"github.com/fielddesk/fielddesk/internal/servertest"
	rules "github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/pgstore"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/internal/faultnet"
)

// balancer spreads connections over server instances, as a load balancer
// does: round robin, passing over an instance that refuses connections.
type balancer struct {
	ln      net.Listener
	targets []string
	next    atomic.Int64
	served  []atomic.Int64 // connections per target
}

func startBalancer(t *testing.T, targets ...string) *balancer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &balancer{ln: ln, targets: targets, served: make([]atomic.Int64, len(targets))}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go b.serve(c)
		}
	}()
	return b
}

func (b *balancer) serve(c net.Conn) {
	defer c.Close()
	for range b.targets {
		i := int(b.next.Add(1)) % len(b.targets)
		s, err := net.DialTimeout("tcp", b.targets[i], time.Second)
		if err != nil {
			continue // down: the next one
		}
		b.served[i].Add(1)
		defer s.Close()
		go func() { io.Copy(s, c); s.(*net.TCPConn).CloseWrite() }()
		io.Copy(c, s)
		return
	}
}

// instance is a fielddesk-server process on PostgreSQL and S3.
type instance struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
}

func startInstance(t *testing.T, bin, dbURL string, bucket backendtest.Bucket) *instance {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--db", dbURL, "--photos", bucket.URL(), "--listen", addr, "--ops-listen", "off")
	cmd.Env = append(os.Environ(), bucket.Env()...)
	log, err := os.Create(filepath.Join(t.TempDir(), "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in := &instance{cmd: cmd, addr: addr, done: make(chan struct{})}
	go func() { cmd.Wait(); close(in.done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-in.done })
	for deadline := time.Now().Add(30 * time.Second); ; {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return in
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("the server on %s did not start: %s", addr, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// buildServer builds fielddesk-server once for the test.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fielddesk-server")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/fielddesk/fielddesk/cmd/fielddesk-server").CombinedOutput()
	if err != nil {
		t.Fatalf("build the server: %v: %s", err, out)
	}
	return bin
}

// Two server instances on one PostgreSQL and one object store, behind a
// load balancer, 50 devices spread over both through a link that cuts
// connections at random, pushing articles and uploading their photos; one
// instance is killed (SIGKILL) in the middle.
// The devices carry on through the other: afterwards the newsroom holds
// every article once, each revision applied once, every photo whole and
// matching its hash, and a device pulling from the start sees every
// article (the change log skipped nothing).
func TestTwoInstancesOneKilled(t *testing.T) {
	if !servertest.Shared() {
		t.Skip("runs on PostgreSQL and S3 (FIELDDESK_TEST_BACKEND=postgres, as make test's second pass)")
	}
	if testing.Short() {
		t.Skip("long")
	}
	ctx := context.Background()
	bin := buildServer(t)
	dbURL := backendtest.Postgres(t)
	bucket := backendtest.S3(t)
	for _, kv := range bucket.Env() {
		k, v, _ := cut(kv)
		t.Setenv(k, v)
	}
	admin, err := pgstore.Open(ctx, dbURL, bucket.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	const correspondents, devicesEach, articlesEach = 25, 2, 1 // 50 devices
	for i := range correspondents {
		if _, err := rules.New(admin).AddUser(ctx, fmt.Sprintf("pv%d", i), fielddesk.RoleCorrespondent, "laocai", password); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rules.New(admin).AddUser(ctx, "bientap", fielddesk.RoleEditor, "laocai", password); err != nil {
		t.Fatal(err)
	}
	a := startInstance(t, bin, dbURL, bucket)
	b := startInstance(t, bin, dbURL, bucket)
	lb := startBalancer(t, a.addr, b.addr)
	link, err := faultnet.Start(lb.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer link.Close()
	n := &newsroom{t: t, URL: "http://" + link.Addr()}

	type sent struct {
		dev *device
		rev fielddesk.Revision
	}
	var devices []*device
	var all []sent
	for i := range correspondents {
		for range devicesEach {
			d := newDevice(t, n, fmt.Sprintf("pv%d", i), store.OriginalsAlways)
			devices = append(devices, d)
			for k := range articlesEach {
				r := d.write(fmt.Sprintf("Tin %d của pv%d", k, i), 400)
				d.send(r.Article.ID)
				all = append(all, sent{d, r})
			}
		}
	}
	// Cuts at random, from a few KB to a few hundred.
	stopCuts := make(chan struct{})
	go func() {
		rng := rand.New(rand.NewSource(7))
		for {
			select {
			case <-stopCuts:
				link.SetCutEvery(0)
				return
			case <-time.After(200 * time.Millisecond):
				link.SetCutEvery(int64(4<<10 + rng.Intn(300<<10)))
			}
		}
	}()
	var wg sync.WaitGroup
	var finished atomic.Int64
	for _, d := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last error
			for try := 0; try < 400; try++ {
				_, err := d.c.Sync(ctx)
				if err == nil {
					if box, _ := d.desk.Outbox(ctx); len(box.Articles) == 0 && len(box.Photos) == 0 {
						finished.Add(1)
						return
					}
				} else {
					last = err
				}
				time.Sleep(20 * time.Millisecond)
			}
			box, _ := d.desk.Outbox(ctx)
			t.Errorf("a device never finished: %v; its outbox: %+v", last, box)
		}()
	}
	// Kill one instance while the devices are at it.
	for finished.Load() == 0 && lb.served[0].Load()+lb.served[1].Load() < 120 {
		time.Sleep(10 * time.Millisecond)
	}
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-a.done
	killedAfter, finishedBefore := lb.served[0].Load(), finished.Load()
	wg.Wait()
	close(stopCuts)
	t.Logf("instance A served %d connections before it was killed, B %d; %d cuts; %d of %d devices had finished before the kill",
		killedAfter, lb.served[1].Load(), link.Cuts.Load(), finishedBefore, len(devices))
	if lb.served[1].Load() == 0 || killedAfter == 0 {
		t.Errorf("the devices did not use both instances: A %d, B %d", killedAfter, lb.served[1].Load())
	}

	// Every article once, each revision applied once, every photo whole.
	revs := make([]fielddesk.Revision, len(all))
	for i, s := range all {
		revs[i] = s.rev
	}
	appliedOnce(t, &newsroom{t: t, db: admin, photos: admin.Blobs()}, revs)
	for _, s := range all {
		for _, p := range s.rev.Article.Photos {
			o, err := admin.Blobs().Open(ctx, blobs.Original(p.Hash))
			if err != nil {
				t.Errorf("photo of %s: %v", s.rev.Article.Headline, err)
				continue
			}
			h := sha256.New()
			io.Copy(h, o)
			o.Close()
			if got := hex.EncodeToString(h.Sum(nil)); got != p.Hash {
				t.Errorf("photo of %s hashes to %s", s.rev.Article.Headline, got)
			}
		}
	}
	// A device pulling from the start, through the instance left, in small
	// pages: it sees every article.
	ed := newDevice(t, &newsroom{t: t, URL: "http://" + b.addr}, "bientap", "")
	ed.syncUntilDone(5)
	list, err := ed.desk.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(all) {
		t.Errorf("the editor's desk has %d articles, want %d", len(list), len(all))
	}
}

func cut(kv string) (string, string, bool) {
	for i := range kv {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return kv, "", false
}
