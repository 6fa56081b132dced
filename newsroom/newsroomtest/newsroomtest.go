// Package newsroomtest is what the newsroom's rules rely on from a
// backend, run against every newsroom.Backend (the embedded store, and
// PostgreSQL): the same suite, so that at most once, merges, visibility,
// the change log, accounts and publications hold whichever a newsroom runs.
package newsroomtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
)

// Backend is one backend under test.
type Backend struct {
	newsroom.Backend
	// Second, if not nil, returns another handle on the same data (a
	// second server instance on a shared database).
	Second func(t *testing.T) newsroom.Backend
}

// Run runs the suite; open makes a new, empty backend for each test.
func Run(t *testing.T, open func(t *testing.T) Backend) {
	tests := []struct {
		name string
		fn   func(*testing.T, Backend)
	}{
		{"AtMostOnce", testAtMostOnce},
		{"ChangesCursor", testChangesCursor},
		{"RandomResends", testRandomResends},
		{"OwnersAndVisibility", testOwners},
		{"BatchWithAGap", testBatch},
		{"ConcurrentDevices", testConcurrentDevices},
		{"CursorsSkipNothingUnderConcurrentWriters", testCursorsUnderConcurrency},
		{"Accounts", testAccounts},
		{"WorkflowAndPublication", testPublication},
		{"PhotoHolders", testPhotoHolders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// Remote is a revision made on a device, based on base.
func Remote(article, base fielddesk.ID, headline string) fielddesk.Revision {
	return fielddesk.Revision{ID: fielddesk.NewID(), Base: base, Saved: time.Now().UTC().Truncate(time.Millisecond),
		Article: fielddesk.Article{ID: article, Headline: headline, Language: "vi", Status: fielddesk.StatusDraft}}
}

func apply(t *testing.T, n *newsroom.Newsroom, device, user string, id uint64, r fielddesk.Revision) fielddesk.Outcome {
	t.Helper()
	out, err := n.ApplyMutation(context.Background(), device, user, fielddesk.Mutation{ID: id, Revision: r})
	if err != nil {
		t.Fatalf("apply %d of %s: %v", id, device, err)
	}
	return out
}

// head reads an article's newest revision.
func head(t *testing.T, b newsroom.Backend, id fielddesk.ID) fielddesk.Revision {
	t.Helper()
	var r fielddesk.Revision
	err := b.View(context.Background(), func(tx newsroom.Tx) error {
		sum, err := tx.Summary(id)
		if err != nil {
			return err
		}
		r, err = tx.Revision(id, sum.Head)
		return err
	})
	if err != nil {
		t.Fatalf("head of %s: %v", id, err)
	}
	return r
}

// written counts the revisions the audit log says were written of an article.
func written(t *testing.T, b newsroom.Backend, id fielddesk.ID) int {
	t.Helper()
	n := 0
	err := b.View(context.Background(), func(tx newsroom.Tx) error {
		log, err := tx.Audit(id)
		for _, e := range log {
			if e.Kind == "revision" {
				n++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testAtMostOnce(t *testing.T, b Backend) {
	n := newsroom.New(b)
	ctx := context.Background()
	art := fielddesk.NewID()
	r1 := Remote(art, "", "Bản một")
	if out := apply(t, n, "dev-A", "", 1, r1); out.Result != fielddesk.ResultApplied || out.Head != r1.ID {
		t.Fatalf("first apply: %+v", out)
	}
	if h := head(t, b, art); h.ID != r1.ID || h.Article.Headline != "Bản một" || h.Article.Status != fielddesk.StatusSubmitted {
		t.Fatalf("head = %+v; want the device's own revision, submitted", h)
	}
	// The answer was lost; the device sends mutation 1 again.
	if out := apply(t, n, "dev-A", "", 1, r1); out.Result != fielddesk.ResultDuplicate || out.Reason != string(fielddesk.ResultApplied) {
		t.Fatalf("re-sent: %+v", out)
	}
	if got := written(t, b, art); got != 1 {
		t.Fatalf("a re-sent mutation wrote %d revisions", got)
	}
	// A gap: mutation 3 before 2 is refused and not recorded.
	r2 := Remote(art, r1.ID, "Bản hai")
	if _, err := n.ApplyMutation(ctx, "dev-A", "", fielddesk.Mutation{ID: 3, Revision: r2}); !errors.Is(err, fielddesk.ErrOutOfOrder) {
		t.Fatalf("gap: %v, want ErrOutOfOrder", err)
	}
	if out := apply(t, n, "dev-A", "", 2, r2); out.Result != fielddesk.ResultApplied {
		t.Fatalf("mutation 2: %+v", out)
	}
	// Another device edited from the old head: merged; both changed the
	// headline, so the merge keeps a conflict and both texts.
	stale := Remote(art, r1.ID, "Sửa từ bản một")
	out := apply(t, n, "dev-B", "", 1, stale)
	if out.Result != fielddesk.ResultMerged || out.Head == r2.ID {
		t.Fatalf("stale base: %+v", out)
	}
	h := head(t, b, art)
	if h.ID != out.Head || h.Base != r2.ID || h.Article.Headline != "Bản hai" ||
		len(h.Article.Conflicts) != 1 || h.Article.Conflicts[0].Theirs != "Sửa từ bản một" {
		t.Fatalf("merge: %+v", h)
	}
	err := b.View(ctx, func(tx newsroom.Tx) error {
		kept, err := tx.Revision(art, stale.ID)
		if err == nil && kept.Article.Headline != "Sửa từ bản một" {
			err = fmt.Errorf("kept as %q", kept.Article.Headline)
		}
		return err
	})
	if err != nil {
		t.Fatalf("the stale revision is not in the history: %v", err)
	}
	if out2 := apply(t, n, "dev-B", "", 1, stale); out2.Result != fielddesk.ResultDuplicate || out2.Reason != string(fielddesk.ResultMerged) || out2.Head != out.Head {
		t.Errorf("re-sent merge: %+v", out2)
	}
	// Based on a revision the newsroom never saw: a conflict, never an overwrite.
	if out := apply(t, n, "dev-C", "", 1, Remote(art, fielddesk.NewID(), "Từ đâu")); out.Result != fielddesk.ResultConflict {
		t.Errorf("unknown base: %+v", out)
	}
	// Invalid input is rejected with the reason, and that too is remembered.
	bad := Remote(art, h.ID, "x")
	bad.Article.Language = "???"
	if out := apply(t, n, "dev-B", "", 2, bad); out.Result != fielddesk.ResultRejected || out.Reason == "" {
		t.Errorf("invalid revision: %+v", out)
	}
	if out := apply(t, n, "dev-B", "", 2, bad); out.Result != fielddesk.ResultDuplicate || out.Reason != string(fielddesk.ResultRejected) {
		t.Errorf("invalid revision sent again: %+v", out)
	}
}

func headlines(cs []newsroom.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Revision.Article.Headline)
	}
	return out
}

func testChangesCursor(t *testing.T, b Backend) {
	n := newsroom.New(b)
	ctx := context.Background()
	a, c := fielddesk.NewID(), fielddesk.NewID()
	ra := Remote(a, "", "A1")
	rc := Remote(c, "", "B1")
	apply(t, n, "d", "", 1, ra)
	apply(t, n, "d", "", 2, rc)
	apply(t, n, "d", "", 3, Remote(a, ra.ID, "A2"))
	got, cur, err := n.Changes(ctx, 0, 10, nil, false)
	if err != nil || len(got) != 2 || got[0].Revision.Article.Headline != "A2" || got[1].Revision.Article.Headline != "B1" {
		t.Fatalf("changes from 0: %v %d %v; want each article once, with its newest revision", headlines(got), cur, err)
	}
	if got, _, _ := n.Changes(ctx, cur, 10, nil, false); len(got) != 0 {
		t.Errorf("nothing changed since %d, got %v", cur, headlines(got))
	}
	apply(t, n, "d", "", 4, Remote(c, rc.ID, "B2"))
	got, cur2, _ := n.Changes(ctx, cur, 10, nil, false)
	if len(got) != 1 || got[0].Revision.Article.Headline != "B2" || cur2 <= cur {
		t.Errorf("changes since %d: %v (cursor %d)", cur, headlines(got), cur2)
	}
	onlyA := func(_ string, r fielddesk.Revision) bool { return r.Article.ID == a }
	if got, _, _ := n.Changes(ctx, 0, 10, onlyA, false); len(got) != 1 {
		t.Errorf("filtered: %v", headlines(got))
	}
	if got, c, _ := n.Changes(ctx, 0, 1, nil, false); len(got) != 1 || c == 0 {
		t.Errorf("limit 1: %v cursor %d", headlines(got), c)
	}
}

// Every mutation of several devices sent many times, in random batches, as
// a flaky link would: each revision is held exactly once.
func testRandomResends(t *testing.T, b Backend) {
	n := newsroom.New(b)
	ctx := context.Background()
	type dev struct {
		name  string
		revs  []fielddesk.Revision
		acked int
	}
	var devs []*dev
	for d := range 3 {
		dv := &dev{name: "dev-" + string(rune('A'+d))}
		art := fielddesk.NewID()
		base := fielddesk.ID("")
		for i := range 20 {
			r := Remote(art, base, dv.name+" "+string(rune('a'+i)))
			dv.revs = append(dv.revs, r)
			base = r.ID
		}
		devs = append(devs, dv)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		dv := devs[rng.IntN(len(devs))]
		if dv.acked == len(dv.revs) {
			continue
		}
		from := rng.IntN(dv.acked + 1)
		to := min(len(dv.revs), from+1+rng.IntN(4))
		var muts []fielddesk.Mutation
		for i := from; i < to; i++ {
			muts = append(muts, fielddesk.Mutation{ID: uint64(i + 1), Revision: dv.revs[i]})
		}
		outs, err := n.ApplyBatch(ctx, dv.name, "", muts)
		if err != nil {
			t.Fatal(err)
		}
		for i, out := range outs {
			if out.Result == fielddesk.ResultConflict || out.Result == fielddesk.ResultRejected {
				t.Fatalf("mutation %d of %s: %+v", from+i+1, dv.name, out)
			}
		}
		if rng.IntN(3) > 0 { // the answer arrives two times out of three
			dv.acked = max(dv.acked, to)
		}
	}
	for _, dv := range devs {
		var muts []fielddesk.Mutation
		for i := dv.acked; i < len(dv.revs); i++ {
			muts = append(muts, fielddesk.Mutation{ID: uint64(i + 1), Revision: dv.revs[i]})
		}
		if _, err := n.ApplyBatch(ctx, dv.name, "", muts); err != nil {
			t.Fatal(err)
		}
		id := dv.revs[0].Article.ID
		if got := written(t, b, id); got != len(dv.revs) {
			t.Fatalf("%s: %d revisions written, want %d", dv.name, got, len(dv.revs))
		}
		if h := head(t, b, id); h.ID != dv.revs[len(dv.revs)-1].ID {
			t.Fatalf("%s: the head is %q, want the last", dv.name, h.Article.Headline)
		}
	}
}

func testOwners(t *testing.T, b Backend) {
	n := newsroom.New(b)
	ctx := context.Background()
	art := fielddesk.NewID()
	r1 := Remote(art, "", "Của B")
	if out := apply(t, n, "dev-B", "lethib", 1, r1); out.Result != fielddesk.ResultApplied {
		t.Fatalf("owner's first revision: %+v", out)
	}
	out := apply(t, n, "dev-C", "tranvanc", 1, Remote(art, r1.ID, "Sửa trộm"))
	if out.Result != fielddesk.ResultRejected || out.Code != fielddesk.CodeNotFound {
		t.Errorf("another user's article: %+v, want rejected as not found", out)
	}
	mine := func(owner string, _ fielddesk.Revision) bool { return owner == "tranvanc" }
	if got, _, _ := n.Changes(ctx, 0, 10, mine, false); len(got) != 0 {
		t.Errorf("C sees %v", headlines(got))
	}
	theirs := func(owner string, _ fielddesk.Revision) bool { return owner == "lethib" }
	if got, _, _ := n.Changes(ctx, 0, 10, theirs, false); len(got) != 1 || got[0].Owner != "lethib" {
		t.Errorf("B sees %v", headlines(got))
	}
}

// A push in one transaction: edits of one article chain inside it, a
// re-sent prefix answers duplicate, and a gap keeps what came before it.
func testBatch(t *testing.T, b Backend) {
	n := newsroom.New(b)
	ctx := context.Background()
	art := fielddesk.NewID()
	r1 := Remote(art, "", "Bản một")
	r2 := Remote(art, r1.ID, "Bản hai")
	r3 := Remote(art, r2.ID, "Bản ba")
	outs, err := n.ApplyBatch(ctx, "dev-B", "lethib", []fielddesk.Mutation{{ID: 1, Revision: r1}, {ID: 2, Revision: r2}})
	if err != nil || len(outs) != 2 || outs[0].Result != fielddesk.ResultApplied || outs[1].Result != fielddesk.ResultApplied {
		t.Fatalf("batch: %+v %v", outs, err)
	}
	outs, err = n.ApplyBatch(ctx, "dev-B", "lethib", []fielddesk.Mutation{{ID: 1, Revision: r1}, {ID: 2, Revision: r2}, {ID: 3, Revision: r3},
		{ID: 5, Revision: Remote(art, r3.ID, "Bản năm")}})
	if !errors.Is(err, fielddesk.ErrOutOfOrder) || len(outs) != 3 || outs[0].Result != fielddesk.ResultDuplicate || outs[2].Result != fielddesk.ResultApplied {
		t.Fatalf("re-sent batch with a gap: %+v %v", outs, err)
	}
	if h := head(t, b, art); h.ID != r3.ID {
		t.Errorf("the head is %s, want mutation 3's revision", h.Article.Headline)
	}
	if got := written(t, b, art); got != 3 {
		t.Errorf("%d revisions, want 3", got)
	}
}

// Pushes from many devices at once are committed together and each is
// answered as if alone; a device with a gap gets its own error only.
func testConcurrentDevices(t *testing.T, b Backend) {
	n := newsroom.New(b)
	ctx := context.Background()
	const devices = 24
	type result struct {
		outs []fielddesk.Outcome
		err  error
	}
	results := make([]result, devices)
	var wg sync.WaitGroup
	for d := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var muts []fielddesk.Mutation
			for i := range 5 {
				id := uint64(i + 1)
				if d == 7 && i == 3 {
					id = 9 // a gap
				}
				muts = append(muts, fielddesk.Mutation{ID: id, Revision: Remote(fielddesk.NewID(), "", fmt.Sprintf("Tin %d-%d", d, i))})
			}
			outs, err := n.ApplyBatch(ctx, fmt.Sprintf("dev-%d", d), fmt.Sprintf("pv%d", d), muts)
			results[d] = result{outs, err}
		}()
	}
	wg.Wait()
	for d, r := range results {
		want := 5
		if d == 7 {
			want = 3
			if !errors.Is(r.err, fielddesk.ErrOutOfOrder) {
				t.Errorf("device 7: %v", r.err)
			}
		} else if r.err != nil {
			t.Errorf("device %d: %v", d, r.err)
		}
		if len(r.outs) != want {
			t.Errorf("device %d: %d outcomes, want %d", d, len(r.outs), want)
		}
		for _, o := range r.outs {
			if o.Result != fielddesk.ResultApplied {
				t.Errorf("device %d: %+v", d, o)
			}
		}
	}
	all, _, err := n.Changes(ctx, 0, 1000, nil, false)
	if err != nil || len(all) != devices*5-2 {
		t.Errorf("%d articles in the change log (%v), want %d", len(all), err, devices*5-2)
	}
}

// Writers on every handle at once (two server instances, for a shared
// backend) while a reader pulls with its cursor: the reader ends with every
// article, none skipped by a change that committed after a later position
// was read.
func testCursorsUnderConcurrency(t *testing.T, b Backend) {
	ctx := context.Background()
	rooms := []*newsroom.Newsroom{newsroom.New(b), newsroom.New(b)}
	if b.Second != nil {
		rooms[1] = newsroom.New(b.Second(t))
	}
	const writers, each = 8, 15
	want := map[fielddesk.ID]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := rooms[w%len(rooms)]
			for i := range each {
				r := Remote(fielddesk.NewID(), "", fmt.Sprintf("Tin %d-%d", w, i))
				out, err := n.ApplyMutation(ctx, fmt.Sprintf("w%d", w), "", fielddesk.Mutation{ID: uint64(i + 1), Revision: r})
				if err != nil || out.Result != fielddesk.ResultApplied {
					t.Errorf("writer %d: %+v %v", w, out, err)
					return
				}
				mu.Lock()
				want[r.Article.ID] = true
				mu.Unlock()
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	seen := map[fielddesk.ID]bool{}
	var cursor uint64
	pull := func(n *newsroom.Newsroom) {
		got, next, err := n.Changes(ctx, cursor, 7, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range got {
			seen[c.Revision.Article.ID] = true
		}
		cursor = next
	}
	for i := 0; ; i++ {
		select {
		case <-done:
			for range 100 { // what is left, to the end
				pull(rooms[0])
			}
			for id := range want {
				if !seen[id] {
					t.Errorf("the cursor skipped article %s", id)
				}
			}
			if len(want) != writers*each {
				t.Errorf("%d articles written, want %d", len(want), writers*each)
			}
			return
		default:
			pull(rooms[i%len(rooms)])
		}
	}
}

func testAccounts(t *testing.T, b Backend) {
	n := newsroom.New(b)
	ctx := context.Background()
	if _, err := n.AddUser(ctx, "lethib", fielddesk.RoleCorrespondent, "Lào Cai", "mật khẩu đủ dài"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.AddUser(ctx, "lethib", fielddesk.RoleEditor, "", "mật khẩu đủ dài"); !errors.Is(err, fielddesk.ErrInvalid) {
		t.Errorf("a name taken: %v", err)
	}
	if _, _, _, err := n.Login(ctx, "lethib", "sai mật khẩu", "laptop"); !errors.Is(err, newsroom.ErrUnauthorized) {
		t.Errorf("wrong password: %v", err)
	}
	if _, _, _, err := n.Login(ctx, "nobody", "mật khẩu đủ dài", "laptop"); !errors.Is(err, newsroom.ErrUnauthorized) {
		t.Errorf("unknown user: %v", err)
	}
	token, dev, u, err := n.Login(ctx, "lethib", "mật khẩu đủ dài", "Laptop bản")
	if err != nil || token == "" || u.Role != fielddesk.RoleCorrespondent || u.Desk != "Lào Cai" {
		t.Fatalf("login: %q %+v %v", token, u, err)
	}
	if gotDev, gotUser, err := n.Authenticate(ctx, token); err != nil || gotDev.ID != dev.ID || gotUser.Name != "lethib" {
		t.Fatalf("authenticate: %+v %+v %v", gotDev, gotUser, err)
	}
	if _, _, err := n.Authenticate(ctx, token+"x"); !errors.Is(err, newsroom.ErrUnauthorized) {
		t.Errorf("a wrong token: %v", err)
	}
	// Another instance knows the token at once.
	if b.Second != nil {
		if _, _, err := newsroom.New(b.Second(t)).Authenticate(ctx, token); err != nil {
			t.Errorf("the token on the other instance: %v", err)
		}
	}
	if err := n.DisableUser(ctx, "lethib"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.Authenticate(ctx, token); !errors.Is(err, newsroom.ErrUnauthorized) {
		t.Errorf("a disabled account's token: %v", err)
	}
	if err := n.EnableUser(ctx, "lethib"); err != nil {
		t.Fatal(err)
	}
	if err := n.SetPassword(ctx, "lethib", "một mật khẩu mới", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.Authenticate(ctx, token); !errors.Is(err, newsroom.ErrUnauthorized) {
		t.Errorf("a revoked device's token: %v", err)
	}
	if _, _, _, err := n.Login(ctx, "lethib", "một mật khẩu mới", "laptop"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	users, err := n.Users(ctx)
	if err != nil || len(users) != 1 || users[0].Hash != nil {
		t.Errorf("users: %+v %v (without their hashes)", users, err)
	}
	devs, err := n.Devices(ctx)
	if err != nil || len(devs) != 2 {
		t.Errorf("devices: %+v %v", devs, err)
	}
	// The clock the rules read: a token expires.
	n.SetClock(func() time.Time { return time.Now().Add(newsroom.TokenLifetime + time.Hour) })
	tok2, _, _, _ := newsroom.New(b).Login(ctx, "lethib", "một mật khẩu mới", "phone")
	if _, _, err := n.Authenticate(ctx, tok2); !errors.Is(err, newsroom.ErrUnauthorized) {
		t.Errorf("an expired token: %v", err)
	}
}

func decide(t *testing.T, n *newsroom.Newsroom, device, user string, id uint64, article fielddesk.ID, action fielddesk.Action, text string) fielddesk.Outcome {
	t.Helper()
	e := fielddesk.Event{ID: fielddesk.NewID(), Article: article, Kind: fielddesk.EventTransition, Action: action, Text: text}
	out, err := n.ApplyMutation(context.Background(), device, user, fielddesk.Mutation{ID: id, Event: &e})
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return out
}

func testPublication(t *testing.T, b Backend) {
	n := newsroom.New(b)
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role fielddesk.Role
	}{{"lethib", fielddesk.RoleCorrespondent}, {"bientap", fielddesk.RoleEditor}, {"bientap2", fielddesk.RoleEditor}} {
		if _, err := n.AddUser(ctx, u.name, u.role, "laocai", "mật khẩu đủ dài"); err != nil {
			t.Fatal(err)
		}
	}
	art := fielddesk.NewID()
	r1 := Remote(art, "", "Mưa lũ ở Lào Cai")
	apply(t, n, "phone", "lethib", 1, r1)
	if out := decide(t, n, "desk", "bientap", 1, art, fielddesk.ActionTake, ""); out.Result != fielddesk.ResultApplied {
		t.Fatalf("take: %+v", out)
	}
	// Another editor may not decide while bientap holds it.
	if out := decide(t, n, "desk2", "bientap2", 1, art, fielddesk.ActionApprove, ""); out.Result != fielddesk.ResultRejected {
		t.Errorf("approve by another editor: %+v", out)
	}
	// A correspondent may not publish.
	if out := decide(t, n, "phone", "lethib", 2, art, fielddesk.ActionPublish, ""); out.Result != fielddesk.ResultRejected {
		t.Errorf("publish by the correspondent: %+v", out)
	}
	for i, a := range []fielddesk.Action{fielddesk.ActionApprove, fielddesk.ActionPublish} {
		if out := decide(t, n, "desk", "bientap", uint64(i+2), art, a, ""); out.Result != fielddesk.ResultApplied {
			t.Fatalf("%s: %+v", a, out)
		}
	}
	items, err := n.Published(ctx, time.Time{}, 10, nil)
	if err != nil || len(items) != 1 || items[0].Revision.ID != r1.ID || items[0].Status != fielddesk.StatusPublished {
		t.Fatalf("published: %+v %v", items, err)
	}
	slug := items[0].Slug
	pub, r, err := n.PublishedArticle(ctx, slug)
	if err != nil || pub.Article != art || r.Article.Headline != "Mưa lũ ở Lào Cai" || pub.VersionNumber() != 1 {
		t.Fatalf("at %q: %+v %v", slug, pub, err)
	}
	// A correction: the same address, version 2, the note; version 1 kept.
	if out := decide(t, n, "desk", "bientap", 4, art, fielddesk.ActionCorrect, "Sai tên xã"); out.Result != fielddesk.ResultApplied {
		t.Fatalf("correct: %+v", out)
	}
	apply(t, n, "desk", "bientap", 5, Remote(art, r1.ID, "Mưa lũ ở Lào Cai (đã sửa)"))
	if out := decide(t, n, "desk", "bientap", 6, art, fielddesk.ActionPublish, ""); out.Result != fielddesk.ResultApplied {
		t.Fatalf("publish the correction: %+v", out)
	}
	pub, r, err = n.PublishedArticle(ctx, slug)
	if err != nil || pub.VersionNumber() != 2 || len(pub.Notes) != 1 || pub.Notes[0].Text != "Sai tên xã" || r.Article.Headline != "Mưa lũ ở Lào Cai (đã sửa)" {
		t.Fatalf("the correction at %q: %+v %v", slug, pub, err)
	}
	if v1, r, err := n.PublishedVersion(ctx, slug, 1); err != nil || v1.VersionNumber() != 1 || r.ID != r1.ID {
		t.Errorf("version 1: %+v %v", v1, err)
	}
	if _, _, err := n.PublishedVersion(ctx, slug, 3); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("version 3: %v", err)
	}
	if items, _ := n.Published(ctx, pub.Updated, 10, nil); len(items) != 0 {
		t.Errorf("changed after its own time: %d", len(items))
	}
	// Scheduling: due in the past is refused; released once when due.
	art2 := fielddesk.NewID()
	apply(t, n, "phone", "lethib", 3, Remote(art2, "", "Tin hẹn giờ"))
	for i, a := range []fielddesk.Action{fielddesk.ActionTake, fielddesk.ActionApprove} {
		if out := decide(t, n, "desk", "bientap", uint64(7+i), art2, a, ""); out.Result != fielddesk.ResultApplied {
			t.Fatalf("%s: %+v", a, out)
		}
	}
	due := time.Now().Add(time.Hour).UTC()
	e := fielddesk.Event{ID: fielddesk.NewID(), Article: art2, Kind: fielddesk.EventTransition, Action: fielddesk.ActionSchedule, Due: due}
	if out, err := n.ApplyMutation(ctx, "desk", "bientap", fielddesk.Mutation{ID: 9, Event: &e}); err != nil || out.Result != fielddesk.ResultApplied {
		t.Fatalf("schedule: %+v %v", out, err)
	}
	if next, ok, err := n.NextDue(ctx); err != nil || !ok || !next.Equal(due) {
		t.Errorf("next due: %v %v %v, want %v", next, ok, err, due)
	}
	if ids, err := n.ReleaseDue(ctx, due.Add(-time.Second)); err != nil || len(ids) != 0 {
		t.Errorf("released early: %v %v", ids, err)
	}
	ids, err := n.ReleaseDue(ctx, due.Add(time.Second))
	if err != nil || len(ids) != 1 || ids[0] != art2 {
		t.Fatalf("released when due: %v %v", ids, err)
	}
	if ids, _ := n.ReleaseDue(ctx, due.Add(time.Second)); len(ids) != 0 {
		t.Errorf("released twice: %v", ids)
	}
	if items, _ := n.Published(ctx, time.Time{}, 10, nil); len(items) != 2 {
		t.Errorf("%d publications, want 2", len(items))
	}
}

func testPhotoHolders(t *testing.T, b Backend) {
	n := newsroom.New(b)
	ctx := context.Background()
	for _, u := range []string{"lethib", "tranvanc"} {
		if _, err := n.AddUser(ctx, u, fielddesk.RoleCorrespondent, u, "mật khẩu đủ dài"); err != nil {
			t.Fatal(err)
		}
	}
	hash := "0000000000000000000000000000000000000000000000000000000000000abc"
	art := fielddesk.NewID()
	r := Remote(art, "", "Có ảnh")
	r.Article.Body = "![Ảnh](photo:" + hash + ` "A")`
	r.Article.Photos = []fielddesk.Photo{{Hash: hash, Name: "a.jpg", Size: 3}}
	if out := apply(t, n, "phone", "lethib", 1, r); out.Result != fielddesk.ResultApplied {
		t.Fatalf("%+v", out)
	}
	if ok, err := n.MayUpload(ctx, "lethib", hash); err != nil || !ok {
		t.Errorf("the owner may upload: %v %v", ok, err)
	}
	if ok, _ := n.MayUpload(ctx, "tranvanc", hash); ok {
		t.Error("another desk may upload a photo of an article it cannot see")
	}
	own := func(owner string) bool { return owner == "lethib" }
	if ok, _ := n.PhotoVisible(ctx, hash, own); ok {
		t.Error("a photo nobody sent is visible")
	}
	// Another account naming the hash and sending the bytes holds nothing here.
	if err := n.HoldPhoto(ctx, "tranvanc", hash); err != nil {
		t.Fatal(err)
	}
	if ok, _ := n.PhotoVisible(ctx, hash, own); ok {
		t.Error("another account's copy shows with the article")
	}
	if err := n.HoldPhoto(ctx, "lethib", hash); err != nil {
		t.Fatal(err)
	}
	if ok, err := n.PhotoVisible(ctx, hash, own); err != nil || !ok {
		t.Errorf("the owner's photo: %v %v", ok, err)
	}
	if held, rendition, err := n.PhotoHolds(ctx, "lethib", hash); err != nil || !held || rendition {
		t.Errorf("holds: %v %v %v", held, rendition, err)
	}
	if err := n.FileRendition(ctx, "lethib", hash, "r1"); err != nil {
		t.Fatal(err)
	}
	if key, rh, err := n.VisibleRendition(ctx, hash, own); err != nil || rh != "r1" || key == "" {
		t.Errorf("rendition: %q %q %v", key, rh, err)
	}
	if original, rendition, err := n.ArticlePhoto(ctx, art, hash); err != nil || !original || rendition == "" {
		t.Errorf("article photo: %v %q %v", original, rendition, err)
	}
	if wanted, _ := n.OriginalWanted(ctx, hash); wanted {
		t.Error("wanted before anyone asked")
	}
	if err := n.WantOriginal(ctx, hash); err != nil {
		t.Fatal(err)
	}
	if wanted, err := n.OriginalWanted(ctx, hash); err != nil || !wanted {
		t.Errorf("wanted: %v %v", wanted, err)
	}
}
