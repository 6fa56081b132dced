package fielddesk

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Three-way merge: two people edited the same article apart (the
// correspondent offline, the editor at the desk); each field and each
// paragraph of the body is compared with the revision both started from.
// What only one side changed is taken; what both changed the same way is
// taken once; what both changed differently is a Conflict that keeps both
// versions until a person decides. Nothing either side wrote is dropped.

// Conflict is a part of an article that two people changed differently.
// The article holds Ours (the version that was there first) until someone
// resolves it; Theirs is the other version.
type Conflict struct {
	// ID names the conflict (a hash of what collided).
	ID string `json:"id"`
	// Field is the field that collided: "body" or a single field such as
	// "headline".
	Field string `json:"field"`
	// Paragraph is where Ours sits in the body (1-based), for the body;
	// Paragraphs is how many paragraphs Ours spans there (0: Ours deleted
	// the text Theirs edited).
	Paragraph  int    `json:"paragraph,omitempty"`
	Paragraphs int    `json:"paragraphs,omitempty"`
	Base       string `json:"base,omitempty"`
	Ours       string `json:"ours"`
	Theirs     string `json:"theirs"`
	// Who wrote each side and in which revision.
	OursBy         string `json:"ours_by,omitempty"`
	TheirsBy       string `json:"theirs_by,omitempty"`
	OursRevision   ID     `json:"ours_revision,omitempty"`
	TheirsRevision ID     `json:"theirs_revision,omitempty"`
}

// textFieldOf is one of an article's one-text fields: the name conflicts and
// diffs give it, and where it is in an article.
type textFieldOf struct {
	name string
	of   func(*Article) *string
}

// textFields are an article's one-text fields, in reading order.
var textFields = []textFieldOf{
	{"headline", func(a *Article) *string { return &a.Headline }},
	{"sapo", func(a *Article) *string { return &a.Sapo }},
	{"agency", func(a *Article) *string { return &a.Agency }},
	{"byline", func(a *Article) *string { return &a.Byline }},
	{"category", func(a *Article) *string { return &a.Category }},
	{"location", func(a *Article) *string { return &a.Location }},
	{"language", func(a *Article) *string { return &a.Language }},
}

func textField(name string) (textFieldOf, bool) {
	for _, f := range textFields {
		if f.name == name {
			return f, true
		}
	}
	return textFieldOf{}, false
}

// MergeSide names the author and revision of one side of a merge, written
// into the conflicts it produces.
type MergeSide struct {
	By       string
	Revision ID
}

var paragraphBreak = regexp.MustCompile(`\n[ \t]*\n\s*`)

// Paragraphs splits a Markdown body into its paragraphs (blocks separated
// by blank lines), without the blank lines (nor paragraphs of spaces alone).
func Paragraphs(body string) []string {
	body = strings.Trim(body, "\n")
	if strings.TrimSpace(body) == "" {
		return nil
	}
	ps := paragraphBreak.Split(body, -1)
	return slices.DeleteFunc(ps, func(p string) bool { return strings.TrimSpace(p) == "" })
}

// JoinParagraphs is the inverse of Paragraphs.
func JoinParagraphs(ps []string) string { return strings.Join(ps, "\n\n") }

// Merge combines ours and theirs, both edited from base. The result is ours
// with theirs' changes applied where they do not collide; each collision is
// added to the result's Conflicts (and keeps ours' text in place). Conflicts
// already recorded on either side stay unless the other side resolved them.
func Merge(base, ours, theirs Article, oursBy, theirsBy MergeSide) Article {
	out := ours
	var conflicts []Conflict
	for _, f := range textFields {
		b, o, t := *f.of(&base), *f.of(&ours), *f.of(&theirs)
		switch {
		case o == t, t == b:
		case o == b:
			*f.of(&out) = t
		default:
			conflicts = append(conflicts, newConflict(f.name, 0, 0, b, o, t, oursBy, theirsBy))
		}
	}
	out.Tags = mergeSets(base.Tags, ours.Tags, theirs.Tags)
	if ours.Urgency == base.Urgency {
		out.Urgency = theirs.Urgency
	}

	switch {
	case ours.Body == theirs.Body, theirs.Body == base.Body:
	case ours.Body == base.Body:
		out.Body = theirs.Body
	default:
		var bodyConflicts []Conflict
		out.Body, bodyConflicts = mergeBody(base.Body, ours.Body, theirs.Body, oursBy, theirsBy)
		conflicts = append(conflicts, bodyConflicts...)
	}

	// Photos: whatever either side attached (Normalized keeps those the
	// body or a conflict refers to).
	out.Photos = slices.Clone(ours.Photos)
	for _, p := range theirs.Photos {
		if !slices.ContainsFunc(out.Photos, func(q Photo) bool { return q.Hash == p.Hash }) {
			out.Photos = append(out.Photos, p)
		}
	}
	out.Conflicts = mergeConflicts(base.Conflicts, ours.Conflicts, theirs.Conflicts, out.Body)
	for _, c := range conflicts {
		if !slices.ContainsFunc(out.Conflicts, func(d Conflict) bool { return d.ID == c.ID }) {
			out.Conflicts = append(out.Conflicts, c)
		}
	}
	return out.Normalized()
}

func newConflict(field string, para, count int, base, ours, theirs string, oursBy, theirsBy MergeSide) Conflict {
	h := sha256.Sum256([]byte(field + "\x00" + base + "\x00" + ours + "\x00" + theirs))
	return Conflict{ID: hex.EncodeToString(h[:8]), Field: field, Paragraph: para, Paragraphs: count,
		Base: base, Ours: ours, Theirs: theirs,
		OursBy: oursBy.By, TheirsBy: theirsBy.By, OursRevision: oursBy.Revision, TheirsRevision: theirsBy.Revision}
}

// mergeBody merges bodies paragraph by paragraph: each paragraph of the
// base is kept, replaced or deleted by each side (see fates), and the
// paragraphs a side added sit between them.
func mergeBody(base, ours, theirs string, oursBy, theirsBy MergeSide) (string, []Conflict) {
	o := Paragraphs(base)
	a, aIns := fates(o, Paragraphs(ours))
	b, bIns := fates(o, Paragraphs(theirs))
	var out []string
	var conflicts []Conflict
	for x := 0; x <= len(o); x++ {
		out = append(out, aIns[x]...)
		if !slices.Equal(aIns[x], bIns[x]) {
			out = append(out, bIns[x]...) // both added here: keep both
		}
		if x == len(o) {
			break
		}
		fa, fb := a[x], b[x]
		switch {
		case fa == fb:
			if fa.kind != deleted {
				out = append(out, fa.text)
			}
		case fa.kind == kept:
			if fb.kind != deleted {
				out = append(out, fb.text)
			}
		case fb.kind == kept:
			if fa.kind != deleted {
				out = append(out, fa.text)
			}
		default: // both changed it, differently (or one deleted what the other edited)
			count := 1
			if fa.kind == deleted {
				count = 0
			}
			conflicts = append(conflicts, newConflict("body", len(out)+1, count, o[x], fa.text, fb.text, oursBy, theirsBy))
			if fa.kind != deleted {
				out = append(out, fa.text)
			}
		}
	}
	return JoinParagraphs(out), conflicts
}

type fateKind int8

const (
	kept fateKind = iota
	replaced
	deleted
)

// fate is what one side did to one paragraph of the base.
type fate struct {
	kind fateKind
	text string // the paragraph as the side has it (kept or replaced)
}

// fates aligns side with the base o: for each base paragraph, whether the
// side kept, replaced or deleted it, and the paragraphs the side added
// before each base paragraph (ins[len(o)]: at the end). Between two
// paragraphs kept on both, the side's new paragraphs replace the base's
// removed ones in order; the rest are additions or deletions.
func fates(o, side []string) ([]fate, [][]string) {
	f := make([]fate, len(o))
	ins := make([][]string, len(o)+1)
	po, ps := 0, 0
	anchors := append(matchTokens(o, side), [2]int{len(o), len(side)})
	for _, p := range anchors {
		gapO, gapS := p[0]-po, p[1]-ps
		k := min(gapO, gapS)
		for t := range k {
			f[po+t] = fate{replaced, side[ps+t]}
		}
		for t := k; t < gapO; t++ {
			f[po+t] = fate{kind: deleted}
		}
		if gapS > k {
			ins[po+k] = append(ins[po+k], side[ps+k:p[1]]...)
		}
		if p[0] < len(o) {
			f[p[0]] = fate{kept, o[p[0]]}
		}
		po, ps = p[0]+1, p[1]+1
	}
	return f, ins
}

// mergeSets merges two edits of a set kept in order: what either side
// added is in, what either side removed is out.
func mergeSets(base, ours, theirs []string) []string {
	var out []string
	for _, t := range ours {
		if slices.Contains(base, t) && !slices.Contains(theirs, t) {
			continue // theirs removed it
		}
		out = append(out, t)
	}
	for _, t := range theirs {
		if !slices.Contains(base, t) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// mergeConflicts keeps the conflicts still open on both sides and the new
// ones either side brought; one resolved by either side (present in base,
// gone from that side) stays resolved. Body conflicts are placed again in
// the merged body.
func mergeConflicts(base, ours, theirs []Conflict, body string) []Conflict {
	has := func(list []Conflict, id string) bool {
		return slices.ContainsFunc(list, func(c Conflict) bool { return c.ID == id })
	}
	var out []Conflict
	for _, side := range [][]Conflict{ours, theirs} {
		for _, c := range side {
			resolved := has(base, c.ID) && (!has(ours, c.ID) || !has(theirs, c.ID))
			if !resolved && !has(out, c.ID) {
				out = append(out, c)
			}
		}
	}
	ps := Paragraphs(body)
	for i := range out {
		if out[i].Field == "body" {
			if at := findParagraphs(ps, Paragraphs(out[i].Ours), out[i].Paragraph); at > 0 {
				out[i].Paragraph = at
			}
		}
	}
	return out
}

// findParagraphs finds where the run want starts in ps (1-based), preferring
// the place nearest to near; 0 when it is not there.
func findParagraphs(ps, want []string, near int) int {
	best := 0
	for i := 0; i+len(want) <= len(ps); i++ {
		if slices.Equal(ps[i:i+len(want)], want) {
			if best == 0 || abs(i+1-near) < abs(best-near) {
				best = i + 1
			}
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Resolve settles one conflict of a: text (one side, the other, or a
// combination a person wrote) takes the conflict's place and the conflict
// is removed. For a body conflict the paragraphs that hold Ours are
// replaced; they are found by their text first (the body may have changed
// since), by position otherwise.
func Resolve(a Article, conflictID, text string) (Article, error) {
	i := slices.IndexFunc(a.Conflicts, func(c Conflict) bool { return c.ID == conflictID })
	if i < 0 {
		return a, fmt.Errorf("article %s has no conflict %q: %w", a.ID, conflictID, ErrNotFound)
	}
	c := a.Conflicts[i]
	text = NFC(text)
	switch c.Field {
	case "body":
		ps := Paragraphs(a.Body)
		ours := Paragraphs(c.Ours)
		at := findParagraphs(ps, ours, c.Paragraph)
		if at == 0 {
			if len(ours) > 0 || c.Paragraph < 1 || c.Paragraph > len(ps)+1 {
				return a, fmt.Errorf("the paragraphs of conflict %s are no longer in the body (edited since): %w", c.ID, ErrInvalid)
			}
			at = c.Paragraph
		}
		repl := Paragraphs(text)
		next := append(slices.Clone(ps[:at-1]), repl...)
		next = append(next, ps[at-1+len(ours):]...)
		a.Body = JoinParagraphs(next)
		shift := len(repl) - len(ours)
		for j := range a.Conflicts {
			if j != i && a.Conflicts[j].Field == "body" && a.Conflicts[j].Paragraph > at {
				a.Conflicts[j].Paragraph += shift
			}
		}
	default:
		f, ok := textField(c.Field)
		if !ok {
			return a, fmt.Errorf("conflict %s is on an unknown field %q: %w", c.ID, c.Field, ErrInvalid)
		}
		*f.of(&a) = text
	}
	a.Conflicts = slices.Delete(slices.Clone(a.Conflicts), i, i+1)
	return a.Normalized(), nil
}
