package render

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/ninjstest"
)

var sharedNinJS = ninjstest.Dir()

func ninjsSchema(t *testing.T) *jsonschema.Schema { return ninjstest.Schema(t) }

func validate(sch *jsonschema.Schema, data []byte) error { return ninjstest.Validate(sch, data) }

// TestValidatorIsLive proves the validator rejects what IPTC says must fail
// and accepts what must pass, so a pass below means something.
func exampleURL(p fielddesk.Photo) string { return "https://example.org/photos/" + p.Hash + ".jpg" }

func TestValidatorIsLive(t *testing.T) {
	sch := ninjsSchema(t)
	for _, dir := range []string{"should_pass", "should_fail"} {
		files, _ := filepath.Glob(filepath.Join(sharedNinJS, "test_suite_3.0", dir, "*.json"))
		if len(files) == 0 {
			t.Fatalf("no IPTC examples in %s", dir)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			err = validate(sch, data)
			if dir == "should_pass" && err != nil {
				t.Errorf("%s: %v", filepath.Base(f), err)
			}
			if dir == "should_fail" && err == nil {
				t.Errorf("%s validated, but IPTC says it must fail", filepath.Base(f))
			}
		}
	}
}

func TestNinJSValidatesAndCarriesPhotos(t *testing.T) {
	sch := ninjsSchema(t)
	for _, path := range cases(t) {
		a := loadCase(t, path)
		item, err := Parse(a, testTime).NinJS(NinJSOptions{Revision: "01J00000000000000000000REV", PhotoURL: exampleURL})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.MarshalIndent(item, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(sch, data); err != nil {
			t.Errorf("%s: ninjs does not validate: %v\n%s", path, err, data)
		}
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		golden(t, filepath.Join("testdata", name+".ninjs.json"), append(data, '\n'))
		if got, want := len(item.Associations), len(a.Photos); got != want {
			t.Errorf("%s: %d associations, want %d", path, got, want)
		}
	}
	item, _ := Parse(loadCase(t, "testdata/cases/full.json"), testTime).NinJS(NinJSOptions{PhotoURL: exampleURL})
	assoc := item.Associations[0]
	if assoc.Descriptions[0].Value != "Người dân góp công làm đường bê tông." || assoc.By != "Nguyễn Văn A" {
		t.Errorf("association = %+v, want caption and credit", assoc)
	}
	if item.Descriptions[0].Value != "(TTXVN) – Sau hai năm vận động, người dân đã hiến đất làm đường." {
		t.Errorf("description = %q", item.Descriptions[0].Value)
	}
}

func TestPubStatusFollowsTheWorkflow(t *testing.T) {
	want := map[fielddesk.Status]string{fielddesk.StatusDraft: "withheld", fielddesk.StatusApproved: "withheld",
		fielddesk.StatusPublished: "usable", fielddesk.StatusKilled: "canceled", fielddesk.StatusSpiked: "canceled"}
	for st, ps := range want {
		if got := PubStatus(st); got != ps {
			t.Errorf("%s: %s, want %s", st, got, ps)
		}
	}
}

// Breaking news carries its urgency, a corrected article its notes at the
// end of the body; both still validate against the ninjs schema.
func TestNinJSCarriesUrgencyAndCorrections(t *testing.T) {
	sch := ninjsSchema(t)
	a := loadCase(t, "testdata/cases/full.json")
	a.Urgency = 2
	doc := Parse(a, testTime)
	at := time.Date(2026, 12, 2, 3, 32, 0, 0, time.UTC) // 10:32 in Hà Nội
	doc.Notes = []fielddesk.PublicationNote{{Action: fielddesk.ActionCorrect, Text: "Là 120 hộ, không phải 12.", At: at},
		{Action: fielddesk.ActionUpdate, At: at.Add(time.Hour)}}
	item, err := doc.NinJS(NinJSOptions{PhotoURL: exampleURL, PubStatus: PubStatus(fielddesk.StatusCorrecting)})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(item)
	if err := validate(sch, data); err != nil {
		t.Errorf("ninjs does not validate: %v\n%s", err, data)
	}
	body := item.Bodies[0].Value
	if item.Urgency != 2 || item.PubStatus != "usable" ||
		!strings.HasSuffix(strings.TrimSpace(body), `<aside class="notes"><p class="correction">Đính chính: Là 120 hộ, không phải 12. (cập nhật lúc 10:32, 02/12/2026)</p><p class="update">Cập nhật lúc 11:32, 02/12/2026.</p></aside>`) {
		t.Errorf("urgency %d, %s, body ends %q", item.Urgency, item.PubStatus, body[max(0, len(body)-300):])
	}
	if got := NoteLine(doc.Notes[0], "en"); got != "Correction: Là 120 hộ, không phải 12. (updated 10:32, 2 December 2026)" {
		t.Errorf("English correction: %q", got)
	}
	if got := NoteLine(fielddesk.PublicationNote{Action: fielddesk.ActionUpdate, Text: "Thêm số liệu.", At: at}, "en"); got != "Updated 10:32, 2 December 2026: Thêm số liệu." {
		t.Errorf("English update: %q", got)
	}
}
