package render

import (
	"bytes"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/fielddesk/fielddesk"
)

// NinJS is an IPTC ninjs 3.0 news item, limited to the properties FieldDesk fills.
type NinJS struct {
	Standard        *NinJSStandard     `json:"standard,omitempty"`
	URI             string             `json:"uri"`
	Type            string             `json:"type,omitempty"`
	Version         string             `json:"version,omitempty"`
	FirstCreated    string             `json:"firstCreated,omitempty"`
	VersionCreated  string             `json:"versionCreated,omitempty"`
	PubStatus       string             `json:"pubStatus,omitempty"`
	Urgency         int                `json:"urgency,omitempty"`
	Language        string             `json:"language,omitempty"`
	Headlines       []NinJSText        `json:"headlines,omitempty"`
	Descriptions    []NinJSText        `json:"descriptions,omitempty"`
	Bodies          []NinJSBody        `json:"bodies,omitempty"`
	By              string             `json:"by,omitempty"`
	Located         string             `json:"located,omitempty"`
	CopyrightHolder string             `json:"copyrightHolder,omitempty"`
	Subjects        []NinJSSubject     `json:"subjects,omitempty"`
	Renditions      []NinJSRendition   `json:"renditions,omitempty"`
	Associations    []NinJSAssociation `json:"associations,omitempty"`
}

// NinJSStandard names the standard an item conforms to.
type NinJSStandard struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Schema  string `json:"schema"`
}

// NinJSText is a headline or description.
type NinJSText struct {
	Role        string `json:"role,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Value       string `json:"value"`
}

// NinJSBody is the article body.
type NinJSBody struct {
	Role        string `json:"role,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	CharCount   int    `json:"charCount,omitempty"`
	WordCount   int    `json:"wordCount,omitempty"`
	Value       string `json:"value"`
}

// NinJSSubject is a category or keyword.
type NinJSSubject struct {
	Name string `json:"name"`
	Rel  string `json:"rel,omitempty"`
}

// NinJSRendition is one file of a picture.
type NinJSRendition struct {
	Name        string `json:"name"`
	Href        string `json:"href,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	SizeInBytes int64  `json:"sizeInBytes,omitempty"`
}

// NinJSAssociation is a picture of the article.
type NinJSAssociation struct {
	Name         string           `json:"name"`
	URI          string           `json:"uri"`
	Type         string           `json:"type"`
	Headlines    []NinJSText      `json:"headlines,omitempty"`
	Descriptions []NinJSText      `json:"descriptions,omitempty"`
	By           string           `json:"by,omitempty"`
	Renditions   []NinJSRendition `json:"renditions,omitempty"`
}

// NinJSOptions says where the item's pictures can be fetched and what state it is in.
type NinJSOptions struct {
	// PhotoURL maps stored photos to rendition addresses. ninjs wants absolute
	// URLs here (format "uri"); nil means BesideURL, which is relative.
	PhotoURL PhotoURL
	// Revision is the version the item carries.
	Revision fielddesk.ID
	// PubStatus is usable, withheld or canceled; empty means withheld for a
	// draft, which is not for publication yet.
	PubStatus string
}

// PubStatus is the ninjs pubStatus of an article in a workflow state:
// usable once published (also while a correction or an update is being
// made: the published version stays), canceled once killed (or spiked),
// withheld before.
func PubStatus(s fielddesk.Status) string {
	switch s {
	case fielddesk.StatusPublished, fielddesk.StatusCorrecting, fielddesk.StatusUpdating:
		return "usable"
	case fielddesk.StatusKilled, fielddesk.StatusSpiked:
		return "canceled"
	}
	return "withheld"
}

// NinJSVersion is the ninjs version FieldDesk writes.
const NinJSVersion = "3.0"

// NinJS maps the document to an IPTC ninjs 3.0 news item. Photos become
// picture associations with their caption and credit.
func (d *Document) NinJS(opts NinJSOptions) (NinJS, error) {
	a := d.Article
	photoURL := opts.PhotoURL
	if photoURL == nil {
		photoURL = BesideURL
	}
	var body bytes.Buffer
	if err := d.BodyHTML(&body, HTMLOptions{PhotoURL: photoURL}); err != nil {
		return NinJS{}, fmt.Errorf("ninjs: %w", err)
	}
	d.writeNotes(&body) // partners print the corrections too
	status := opts.PubStatus
	if status == "" {
		status = "withheld"
	}
	item := NinJS{
		Standard:        &NinJSStandard{Name: "ninjs", Version: NinJSVersion, Schema: "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json#"},
		URI:             "urn:fielddesk:article:" + string(a.ID),
		Type:            "text",
		Version:         string(opts.Revision),
		FirstCreated:    a.Created.UTC().Format(time.RFC3339),
		VersionCreated:  d.Time.UTC().Format(time.RFC3339),
		PubStatus:       status,
		Urgency:         a.Urgency,
		Language:        a.Language,
		Headlines:       []NinJSText{{Role: "main", ContentType: "text/plain", Value: a.Headline}},
		By:              a.Byline,
		Located:         a.Location,
		CopyrightHolder: a.Agency,
	}
	if a.Sapo != "" {
		item.Descriptions = []NinJSText{{Role: "summary", ContentType: "text/plain", Value: d.AgencyTag() + a.Sapo}}
	}
	plain := d.plainBody()
	item.Bodies = []NinJSBody{{Role: "main", ContentType: "text/html", Value: body.String(),
		WordCount: fielddesk.WordCount(plain), CharCount: utf8.RuneCountInString(plain)}}
	if a.Category != "" {
		item.Subjects = append(item.Subjects, NinJSSubject{Name: a.Category, Rel: "category"})
	}
	for _, t := range a.Tags {
		item.Subjects = append(item.Subjects, NinJSSubject{Name: t, Rel: "keyword"})
	}
	for i, f := range d.Figures() {
		if f.Photo == nil {
			continue
		}
		p := f.Photo
		assoc := NinJSAssociation{
			Name: fmt.Sprintf("picture%d", i+1),
			URI:  "urn:fielddesk:photo:" + p.Hash,
			Type: "picture",
			By:   CreditName(f.Credit),
			Renditions: []NinJSRendition{{Name: "original", Href: photoURL(*p), ContentType: p.Type,
				Width: p.Width, Height: p.Height, SizeInBytes: p.Size}},
		}
		if f.Caption != "" {
			assoc.Descriptions = []NinJSText{{Role: "caption", ContentType: "text/plain", Value: f.Caption}}
		}
		item.Associations = append(item.Associations, assoc)
	}
	return item, nil
}

// plainBody is the body text without figures (ninjs counts exclude captions).
func (d *Document) plainBody() string {
	var b bytes.Buffer
	var walk func([]Block)
	walk = func(blocks []Block) {
		for _, bl := range blocks {
			for _, s := range bl.Spans {
				b.WriteString(s.Text)
			}
			b.WriteByte('\n')
			for _, it := range bl.Items {
				walk(it)
			}
			walk(bl.Children)
			for _, row := range bl.Rows {
				for _, cell := range row {
					for _, s := range cell {
						b.WriteString(s.Text + " ")
					}
				}
				b.WriteByte('\n')
			}
		}
	}
	walk(d.blocks(d.root))
	return b.String()
}
