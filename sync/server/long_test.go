package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/longtext"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// Pull answers are sized by bytes: a desk with long articles is received a
// few at a time, each answer within what any device reads, every article
// exactly once.
func TestPullAnswersAreSizedByBytes(t *testing.T) {
	e := newEnv(t)
	c := e.login("lethib")
	const articles = 6
	want := map[fielddesk.ID]bool{}
	for i := range articles {
		r := rev(fielddesk.NewID(), "", "Kết quả bầu cử "+strconv.Itoa(i))
		r.Article.Body = longtext.Body(fielddesk.MaxBodyBytes - 100<<10)
		want[r.Article.ID] = true
		var pr wire.PushResponse
		if code := e.call("/v1/push", c.Token, wire.PushRequest{DeviceID: c.DeviceID, Mutations: []wire.Mutation{{ID: uint64(i + 1), Revision: r}}}, &pr); code != 200 || pr.Results[0].Result != wire.Applied {
			t.Fatalf("push %d: %d %+v", i, code, pr)
		}
	}
	ed := e.login("bientap")
	cursor, answers := "", 0
	got := map[fielddesk.ID]int{}
	for {
		raw := e.rawPull(ed.Token, cursor)
		if len(raw) > wire.MaxBatchBytes {
			t.Errorf("a pull answer of %d bytes; devices read %d", len(raw), wire.MaxBatchBytes)
		}
		var pr wire.PullResponse
		if err := json.Unmarshal(raw, &pr); err != nil {
			t.Fatal(err)
		}
		answers++
		for _, ch := range pr.Changes {
			got[ch.Revision.Article.ID]++
		}
		if !pr.More {
			break
		}
		if pr.Cursor == cursor || answers > articles+1 {
			t.Fatalf("the pull does not move on: cursor %q after %d answers", pr.Cursor, answers)
		}
		cursor = pr.Cursor
	}
	for id := range want {
		if got[id] != 1 {
			t.Errorf("article %s came %d times", id, got[id])
		}
	}
	if answers < 2 {
		t.Errorf("%d long articles came in %d answer", articles, answers)
	}
}

// rawPull asks for changes after cursor and returns the answer's body as
// sent (not compressed).
func (e *env) rawPull(token, cursor string) []byte {
	e.t.Helper()
	b, _ := json.Marshal(wire.PullRequest{Cursor: cursor, Limit: 100})
	req, _ := http.NewRequest("POST", e.url+"/v1/pull", bytes.NewReader(b))
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		e.t.Fatalf("pull: %d %v %s", resp.StatusCode, err, raw[:min(len(raw), 200)])
	}
	return raw
}
