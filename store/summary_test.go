package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
)

func TestSummaryRoundTrip(t *testing.T) {
	in := summaryRecord{
		Summary: fielddesk.Summary{ID: fielddesk.NewID(), Headline: "Đảng bộ xã Pha Long", Status: fielddesk.StatusDraft,
			Updated: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Words: 1234, Head: fielddesk.NewID(), Revisions: 77,
			Submitted: time.Date(2026, 1, 2, 4, 0, 0, 0, time.UTC), Conflicts: 2,
			Holder: "nguyen.an", Held: time.Date(2026, 1, 2, 4, 30, 0, 0, time.UTC), Urgency: 2,
			Due: time.Date(2026, 1, 3, 6, 0, 0, 0, time.UTC), Embargo: true},
		Created: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), ContentHash: "abc123",
	}
	out, err := decodeSummary(in.encode())
	if err != nil || !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip: %+v, %v\nwant %+v", out, err, in)
	}
}

func TestSummaryVersion1StillReads(t *testing.T) {
	// A record written before version 2: the same fields up to Revisions.
	v2 := summaryRecord{Summary: fielddesk.Summary{ID: "A", Head: "B", Status: fielddesk.StatusSubmitted, Headline: "Tin",
		Updated: time.Unix(5, 0).UTC(), Words: 3, Revisions: 2}, Created: time.Unix(4, 0).UTC(), ContentHash: "h"}
	b := v2.encode()
	b = b[:len(b)-7] // no submitted time (0), conflicts (0), holder (""), hold time (0), urgency (0), due (0), embargo (0)
	b[0] = 1
	out, err := decodeSummary(b)
	if err != nil || !reflect.DeepEqual(out, v2) {
		t.Fatalf("%+v, %v", out, err)
	}
}

func TestSummaryVersion2StillReads(t *testing.T) {
	// A record written before version 3: nobody held articles.
	v2 := summaryRecord{Summary: fielddesk.Summary{ID: "A", Head: "B", Status: fielddesk.StatusInReview, Headline: "Tin",
		Updated: time.Unix(5, 0).UTC(), Words: 3, Revisions: 2, Submitted: time.Unix(6, 0).UTC(), Conflicts: 1},
		Created: time.Unix(4, 0).UTC(), ContentHash: "h"}
	b := v2.encode()
	b = b[:len(b)-5] // no holder (""), hold time (0), urgency (0), due (0) nor embargo (0)
	b[0] = 2
	out, err := decodeSummary(b)
	if err != nil || !reflect.DeepEqual(out, v2) {
		t.Fatalf("%+v, %v", out, err)
	}
}

func TestSummaryVersion3StillReads(t *testing.T) {
	// A record written before version 4: no urgency.
	v3 := summaryRecord{Summary: fielddesk.Summary{ID: "A", Head: "B", Status: fielddesk.StatusInReview, Headline: "Tin",
		Updated: time.Unix(5, 0).UTC(), Words: 3, Revisions: 2, Submitted: time.Unix(6, 0).UTC(), Holder: "bientap", Held: time.Unix(7, 0).UTC()},
		Created: time.Unix(4, 0).UTC(), ContentHash: "h"}
	b := v3.encode()
	b = b[:len(b)-3] // no urgency (0), due (0) nor embargo (0)
	b[0] = 3
	out, err := decodeSummary(b)
	if err != nil || !reflect.DeepEqual(out, v3) {
		t.Fatalf("%+v, %v", out, err)
	}
}

func FuzzDecodeSummary(f *testing.F) {
	f.Add(summaryRecord{Summary: fielddesk.Summary{ID: "x", Headline: "y"}}.encode())
	f.Add([]byte{1, 200})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeSummary(b)
		if err != nil {
			return
		}
		again, err := decodeSummary(r.encode())
		if err != nil {
			t.Fatalf("re-encoded summary does not decode: %v", err)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("a summary changed on its way through encode: %+v → %+v", r, again)
		}
	})
}
