package fielddesk

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Status is where an article stands in the editorial workflow.
type Status string

// A draft stays on the correspondent's machine; a submitted article was
// sent to the newsroom. The other states are in workflow.go.
const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
)

// Article is the content of a news article at one revision.
//
// Photos are placed in Body as Markdown images alone in their paragraph:
// ![caption](photo:SHA256 "credit"). Photos lists the files those references
// point to, in order of first appearance.
type Article struct {
	ID       ID       `json:"id"`
	Headline string   `json:"headline"`
	Sapo     string   `json:"sapo,omitempty"`
	Agency   string   `json:"agency,omitempty"`
	Body     string   `json:"body,omitempty"`
	Byline   string   `json:"byline,omitempty"`
	Category string   `json:"category,omitempty"`
	Location string   `json:"location,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	Language string   `json:"language"`
	Photos   []Photo  `json:"photos,omitempty"`
	// Urgency is ninjs's: 1 (most urgent) to 9, 0 when not set; 1 to 3
	// is breaking news ("Tin nóng"): it goes to the newsroom before
	// everything else queued and tops the editors' queue.
	Urgency int    `json:"urgency,omitempty"`
	Status  Status `json:"status"`
	// Conflicts are parts two people changed differently while apart (see
	// Merge); an article with conflicts cannot be published.
	Conflicts []Conflict `json:"conflicts,omitempty"`
	// Created is when the article was first written.
	Created time.Time `json:"created"`
}

// Photo is an image file an article refers to. The file is addressed by the
// SHA-256 of its bytes; the caption and credit live in the body's figure.
type Photo struct {
	Hash   string `json:"hash"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Size   int64  `json:"size"`
}

// Revision is one immutable saved state of an article.
type Revision struct {
	ID ID `json:"id"`
	// Base is the revision this one was edited from; empty for the first.
	Base    ID        `json:"base,omitempty"`
	Saved   time.Time `json:"saved"`
	Words   int       `json:"words"`
	Article Article   `json:"article"`
}

// RevisionInfo is a revision without its content: what a history list shows.
type RevisionInfo struct {
	ID       ID        `json:"id"`
	Base     ID        `json:"base,omitempty"`
	Saved    time.Time `json:"saved"`
	Words    int       `json:"words"`
	Headline string    `json:"headline"`
	// RestoredFrom names the revision this one restored, if it was a restore.
	RestoredFrom ID `json:"restored_from,omitempty"`
	// Received: the revision came from the newsroom (an editor's edit, or a
	// merge), not from this device.
	Received bool `json:"received,omitempty"`
	// Name is what a person called this version ("sent to the desk",
	// "before cuts"); empty for most.
	Name string `json:"name,omitempty"`
}

// MaxVersionName bounds a version's name, in characters.
const MaxVersionName = 80

// Summary is what lists show of an article: its latest revision in brief.
type Summary struct {
	ID        ID        `json:"id"`
	Headline  string    `json:"headline"`
	Status    Status    `json:"status"`
	Updated   time.Time `json:"updated"`
	Words     int       `json:"words"`
	Head      ID        `json:"head"`
	Revisions int       `json:"revisions"`
	// Submitted is when the article was last sent for review.
	Submitted time.Time `json:"submitted,omitzero"`
	// Conflicts counts parts that wait for a person to pick a version.
	Conflicts int `json:"conflicts,omitempty"`
	// Urgency is the article's (see Article.Urgency).
	Urgency int `json:"urgency,omitempty"`
	// Due is when a scheduled article is published (Embargo: the time is
	// an embargo).
	Due     time.Time `json:"due,omitzero"`
	Embargo bool      `json:"embargo,omitempty"`
	// Holder is the editor who holds the article (hold.go), since Held.
	Holder string    `json:"holder,omitempty"`
	Held   time.Time `json:"held,omitzero"`
	// Trashed is when the article was moved to the trash (zero: it is not
	// there; set only in the trash's list).
	Trashed time.Time `json:"trashed,omitzero"`
}

// NextSummary is the summary of an article once rev is its newest
// revision, after prev (zero for a new article): the list line follows
// rev; what the workflow keeps (when it was submitted, who holds it, when it
// is due) carries over, and rev's time is when it was submitted when rev is
// the one that submits it.
func NextSummary(prev Summary, rev Revision) Summary {
	a := rev.Article
	next := Summary{ID: a.ID, Headline: a.Headline, Status: a.Status, Updated: rev.Saved,
		Words: rev.Words, Head: rev.ID, Revisions: prev.Revisions + 1,
		Submitted: prev.Submitted, Conflicts: len(a.Conflicts), Holder: prev.Holder, Held: prev.Held, Urgency: a.Urgency,
		Due: prev.Due, Embargo: prev.Embargo}
	if a.Status == StatusSubmitted && prev.Status != StatusSubmitted {
		next.Submitted = rev.Saved
	}
	return next
}

// Hit is one search result: the article, its score and a snippet of its
// text around the first match, with the byte ranges of the matched words.
type Hit struct {
	Summary
	Score   int      `json:"score"`
	Snippet string   `json:"snippet"`
	Matches [][2]int `json:"matches"`
}

// DefaultLanguage is the language of new articles.
const DefaultLanguage = "vi"

// Limits on field sizes, chosen far above any real article so they only stop
// accidents (a whole file pasted into the headline).
const (
	MaxHeadlineRunes = 300
	MaxShortRunes    = 200
	MaxSapoRunes     = 2000
	MaxBodyBytes     = 2 << 20
	MaxTags          = 50
	MaxConflicts     = 200
	// MaxConflictBytes bounds the text of all an article's conflicts
	// together, so that an article with its conflicts always fits in one
	// push and one pull (a merge that would need more asks a person).
	MaxConflictBytes = 2 << 20
)

// PhotoRefScheme prefixes the destination of a figure that points at a stored photo.
const PhotoRefScheme = "photo:"

var photoRefRe = regexp.MustCompile(`photo:([0-9a-f]{64})`)

// PhotoRefs lists the photo hashes the body refers to, in order of first appearance.
func PhotoRefs(body string) []string {
	if !strings.Contains(body, PhotoRefScheme) {
		return nil
	}
	var out []string
	for _, m := range photoRefRe.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// NFC returns s in Unicode normalization form C with Windows and old Mac line
// endings turned into "\n". Every text entering the domain passes through it.
func NFC(s string) string {
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return norm.NFC.String(s)
}

// Normalized returns a copy of a with every text in NFC, single-line fields
// trimmed, tags trimmed and de-duplicated, the language defaulted and
// Photos ordered as the body refers to them (photos the body no longer
// refers to are dropped).
func (a Article) Normalized() Article {
	line := func(s string) string { return strings.Join(strings.Fields(NFC(s)), " ") }
	a.Headline = line(a.Headline)
	a.Sapo = strings.TrimSpace(NFC(a.Sapo))
	a.Agency = line(a.Agency)
	a.Byline = line(a.Byline)
	a.Category = line(a.Category)
	a.Location = line(a.Location)
	a.Body = strings.TrimRight(CleanTabs(cleanText(a.Body), true), " \n\t")
	a.Sapo = CleanTabs(cleanText(a.Sapo), false)
	a.Language = strings.TrimSpace(a.Language)
	if a.Language == "" {
		a.Language = DefaultLanguage
	}
	if a.Status == "" {
		a.Status = StatusDraft
	}
	var tags []string
	for _, t := range a.Tags {
		t = line(t)
		if t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	a.Tags = tags
	byHash := make(map[string]Photo, len(a.Photos))
	for _, p := range a.Photos {
		p.Name = NFC(p.Name)
		byHash[p.Hash] = p
	}
	var photos []Photo
	refs := PhotoRefs(a.Body)
	for _, c := range a.Conflicts {
		for _, h := range PhotoRefs(c.Ours + "\n" + c.Theirs) {
			if !slices.Contains(refs, h) {
				refs = append(refs, h)
			}
		}
	}
	for _, h := range refs {
		if p, ok := byHash[h]; ok {
			photos = append(photos, p)
		}
	}
	a.Photos = photos
	if len(a.Conflicts) > 0 {
		cs := slices.Clone(a.Conflicts)
		for i := range cs {
			cs[i].Base, cs[i].Ours, cs[i].Theirs = NFC(cs[i].Base), NFC(cs[i].Ours), NFC(cs[i].Theirs)
		}
		a.Conflicts = cs
	}
	return a
}

// Validate checks a (normally after Normalized) and returns a *ValidationError
// naming every problem, or nil. A draft may be incomplete: nothing is
// required, but what is there must be sound.
func (a Article) Validate() error {
	var probs []FieldProblem
	add := func(field, format string, args ...any) {
		probs = append(probs, FieldProblem{field, fmt.Sprintf(format, args...)})
	}
	texts := []struct {
		field, value string
		max          int
	}{
		{"headline", a.Headline, MaxHeadlineRunes},
		{"sapo", a.Sapo, MaxSapoRunes},
		{"agency", a.Agency, MaxShortRunes},
		{"byline", a.Byline, MaxShortRunes},
		{"category", a.Category, MaxShortRunes},
		{"location", a.Location, MaxShortRunes},
	}
	for _, t := range texts {
		switch {
		case !utf8.ValidString(t.value):
			add(t.field, "is not valid UTF-8 text")
		case utf8.RuneCountInString(t.value) > t.max:
			add(t.field, "is %d characters long; the limit is %d", utf8.RuneCountInString(t.value), t.max)
		case hasControl(t.value, t.field == "sapo"):
			add(t.field, "contains control characters")
		}
	}
	if !utf8.ValidString(a.Body) {
		add("body", "is not valid UTF-8 text")
	} else if len(a.Body) > MaxBodyBytes {
		add("body", "is %d bytes long; the limit is %d", len(a.Body), MaxBodyBytes)
	}
	if a.Urgency < 0 || a.Urgency > 9 {
		add("urgency", "is %d; ninjs urgency goes from 1 (most urgent) to 9, or 0 for none", a.Urgency)
	}
	if len(a.Tags) > MaxTags {
		add("tags", "has %d tags; the limit is %d", len(a.Tags), MaxTags)
	}
	for _, t := range a.Tags {
		if utf8.RuneCountInString(t) > MaxShortRunes || hasControl(t, false) || !utf8.ValidString(t) {
			add("tags", "tag %q is not a short line of text", t)
		}
	}
	if tag, err := language.Parse(a.Language); err != nil || tag.String() == "und" {
		add("language", "%q is not a language code such as vi or en", a.Language)
	}
	if !a.Status.Valid() {
		add("status", "%q is not a known status", a.Status)
	}
	if len(a.Conflicts) > MaxConflicts {
		add("conflicts", "has %d conflicts; the limit is %d", len(a.Conflicts), MaxConflicts)
	}
	conflictBytes := 0
	for _, c := range a.Conflicts {
		size := len(c.Base) + len(c.Ours) + len(c.Theirs)
		conflictBytes += size
		switch {
		case c.ID == "" || c.Field == "":
			add("conflicts", "a conflict has no ID or field")
		case !utf8.ValidString(c.Base + c.Ours + c.Theirs):
			add("conflicts", "conflict %s is not valid UTF-8 text", c.ID)
		case size > MaxBodyBytes:
			add("conflicts", "conflict %s is %d bytes long; the limit is %d", c.ID, size, MaxBodyBytes)
		}
	}
	if conflictBytes > MaxConflictBytes {
		add("conflicts", "are %d bytes long together; the limit is %d", conflictBytes, MaxConflictBytes)
	}
	have := make(map[string]bool, len(a.Photos))
	for _, p := range a.Photos {
		if !photoRefRe.MatchString(PhotoRefScheme+p.Hash) || len(p.Hash) != 64 {
			add("photos", "photo %q has no valid SHA-256 hash", p.Name)
		}
		have[p.Hash] = true
	}
	for _, h := range PhotoRefs(a.Body) {
		if !have[h] {
			add("body", "refers to photo %s…, which is not attached", h[:12])
		}
	}
	if probs == nil {
		return nil
	}
	return &ValidationError{Problems: probs}
}

// cleanText is NFC without the control characters no reader can see (a
// removed control can leave marks to compose, hence NFC again).
// CleanTabs takes the tab characters out of prose, where nobody sees them
// and they break layouts: each becomes a space, except in Markdown
// (markdown true), where a tab that indents a line (a nested list, a code
// block) becomes four spaces and fenced code blocks keep theirs.
func CleanTabs(s string, markdown bool) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	if !markdown {
		return strings.ReplaceAll(s, "\t", " ")
	}
	lines := strings.Split(s, "\n")
	fence := ""
	for i, line := range lines {
		trim := strings.TrimSpace(line)
		switch {
		case fence == "" && (strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~")):
			fence = trim[:3]
			continue
		case fence != "":
			if strings.HasPrefix(trim, fence) {
				fence = ""
			}
			continue
		}
		indent := 0
		for indent < len(line) && (line[indent] == '\t' || line[indent] == ' ') {
			indent++
		}
		lead := strings.ReplaceAll(line[:indent], "\t", "    ")
		lines[i] = lead + strings.ReplaceAll(line[indent:], "\t", " ")
	}
	return strings.Join(lines, "\n")
}

func cleanText(s string) string {
	s = NFC(s)
	if t := dropControls(s); t != s {
		s = norm.NFC.String(t)
	}
	return s
}

// dropControls removes control characters other than new lines and tabs,
// which pasted text sometimes carries and no reader can see.
func dropControls(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

func hasControl(s string, allowNewline bool) bool {
	for _, r := range s {
		if r == '\n' && allowNewline {
			continue
		}
		if r == '\t' {
			continue
		}
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// WordCount counts the words in s: tokens separated by white space that hold
// at least one letter or digit. A lone dash or bullet is not a word, and a
// Vietnamese syllable counts as one.
func WordCount(s string) int {
	n := 0
	inWord, hasAlnum := false, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if inWord && hasAlnum {
				n++
			}
			inWord, hasAlnum = false, false
			continue
		}
		inWord = true
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			hasAlnum = true
		}
	}
	if inWord && hasAlnum {
		n++
	}
	return n
}

// figureLine matches a photo placed alone on its line: ![caption](photo:HASH "credit").
var figureLine = regexp.MustCompile(`^\s*!\[((?:[^\]\\]|\\.)*)\]\(` + PhotoRefScheme + `([0-9a-f]{64})(?:\s+"((?:[^"\\]|\\.)*)")?\)\s*$`)

// Figure is a stored photo placed alone in its paragraph, as the body
// writes it: ![caption](photo:HASH "credit").
type Figure struct {
	Hash, Caption, Credit string
}

// ParseFigure reads a paragraph that is exactly one placed photo.
func ParseFigure(paragraph string) (Figure, bool) {
	m := figureLine.FindStringSubmatch(paragraph)
	if m == nil {
		return Figure{}, false
	}
	return Figure{Hash: m[2], Caption: unescapeMarkdown(m[1]), Credit: unescapeMarkdown(m[3])}, true
}

// ParseFigureOf finds the figure that places the photo hash in body.
func ParseFigureOf(body, hash string) (Figure, bool) {
	for _, line := range strings.Split(body, "\n") {
		if f, ok := ParseFigure(line); ok && f.Hash == hash {
			return f, true
		}
	}
	return Figure{}, false
}

var markdownEscaper = strings.NewReplacer(`\`, `\\`, `]`, `\]`, `[`, `\[`, `"`, `\"`, "\n", " ")

// Markdown writes the figure as the body stores it (a caption or credit on
// one line, Markdown's special characters escaped).
func (f Figure) Markdown() string {
	s := "![" + markdownEscaper.Replace(f.Caption) + "](" + PhotoRefScheme + f.Hash
	if f.Credit != "" {
		s += ` "` + markdownEscaper.Replace(f.Credit) + `"`
	}
	return s + ")"
}

// SplitFigures separates a body's text from its photo placements: text is
// the body without the figure lines, captions their alt texts (Markdown
// backslash escapes removed).
func SplitFigures(body string) (text string, captions []string) {
	if !strings.Contains(body, "]("+PhotoRefScheme) {
		return body, nil
	}
	var b strings.Builder
	for _, line := range strings.Split(body, "\n") {
		if f, ok := ParseFigure(line); ok {
			captions = append(captions, f.Caption)
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String(), captions
}

func unescapeMarkdown(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Words is the article's length as editors count it: the sapo and the body,
// not counting the Markdown of photo placements (captions do not count).
func (a Article) Words() int {
	n := WordCount(a.Sapo)
	body := a.Body
	for body != "" {
		line, rest, _ := strings.Cut(body, "\n")
		body = rest
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "![") && strings.Contains(t, "]("+PhotoRefScheme) && strings.HasSuffix(t, ")") {
			continue
		}
		n += WordCount(line)
	}
	return n
}

// UrgentLevel is the most an article can be urgent and still not be
// breaking news: urgencies 1 to UrgentLevel are.
const UrgentLevel = 3

// IsUrgent reports whether an urgency (ninjs: 1 the most urgent, 0 none)
// is breaking news.
func IsUrgent(urgency int) bool { return urgency >= 1 && urgency <= UrgentLevel }
