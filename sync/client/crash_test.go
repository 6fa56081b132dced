package client_test

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/client"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// waitFor polls cond every 10 ms for up to d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// The server dies in the middle of a photo and comes back: the upload goes
// on from the prefix the server kept, not from the start.
func TestServerRestartInTheMiddleOfAPhoto(t *testing.T) {
	n := startNewsroom(t)
	c := newDevice(t, n, "lethib", store.OriginalsAlways)
	r := c.write("Mưa đá ở Sìn Hồ", 1400)
	c.send(r.Article.ID)
	h := r.Article.Photos[0].Hash
	size := r.Article.Photos[0].Size
	n.proxy.SetRate(512 << 10)
	done := make(chan error, 1)
	go func() { _, err := c.c.Sync(context.Background()); done <- err }()
	waitFor(t, 30*time.Second, "half the original", func() bool {
		st, _ := n.photoState(h)
		return st.Have > size/2
	})
	upBefore := n.proxy.Up.Load()
	n.stop()
	if err := <-done; err == nil {
		t.Fatal("the exchange succeeded while the server was down")
	}
	n.open()
	st, err := n.photoState(h)
	if err != nil || st.Have < size/2 || st.Complete {
		t.Fatalf("after the restart the server holds %+v (%v)", st, err)
	}
	kept := st.Have
	n.proxy.SetRate(0)
	c.syncUntilDone(5)
	resent := (n.proxy.Up.Load() - upBefore) - (size - kept)
	t.Logf("photo %d bytes; kept %d across the restart; %d bytes (with requests) sent after it beyond the missing part", size, kept, resent)
	// At most the frame the server was writing when it died (frames follow
	// the link's speed, up to wire.MaxChunkBytes), never the photo again.
	if resent > wire.MaxChunkBytes+16<<10 {
		t.Errorf("%d bytes more than the missing part went after the restart", resent)
	}
	checkServerHolds(t, n, c, map[fielddesk.ID]bool{r.Article.ID: true})
}

// TestHelperSyncProcess is the child of TestClientKilledInTheMiddle: it
// syncs the data folder named in its environment until everything went.
func TestHelperSyncProcess(t *testing.T) {
	dir := os.Getenv("FIELDDESK_SYNC_CHILD")
	if dir == "" {
		t.Skip("only run as a child process")
	}
	d, err := desk.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	c := client.New(d.DB, client.Options{Stall: 2 * time.Second, Metered: func() bool { return false }})
	for {
		if _, err := c.Sync(context.Background()); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The app is killed (SIGKILL) in the middle of a sync, several times, and
// started again: everything arrives once.
func TestClientKilledInTheMiddleOfASync(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	n := startNewsroom(t)
	c := newDevice(t, n, "lethib", store.OriginalsAlways)
	sent := map[fielddesk.ID]bool{}
	for i, side := range []int{1200, 900, 300} {
		r := c.write("Tin "+string(rune('A'+i))+": đường lên bản bị sạt", side)
		c.send(r.Article.ID)
		sent[r.Article.ID] = true
	}
	c.close()
	n.proxy.SetRate(256 << 10)
	run := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSyncProcess$")
		cmd.Env = append(os.Environ(), "FIELDDESK_SYNC_CHILD="+c.dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	for kill := 0; kill < 4; kill++ {
		cmd := run()
		before := n.proxy.Up.Load()
		waitFor(t, 60*time.Second, "bytes to move", func() bool { return n.proxy.Up.Load() > before+150<<10 })
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	n.proxy.SetRate(0)
	cmd := run()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the last run: %v", err)
	}
	c.open()
	checkServerHolds(t, n, c, sent)
}
