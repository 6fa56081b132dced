package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/render"
)

// ErrFormat is wrapped by every error about a malformed bundle.
var ErrFormat = errors.New("malformed bundle")

// Meta is the front matter of a bundle.
type Meta struct {
	ID       string    `yaml:"id,omitempty"`
	Created  time.Time `yaml:"created,omitempty"`
	Headline string    `yaml:"headline"`
	Sapo     string    `yaml:"sapo,omitempty"`
	Agency   string    `yaml:"agency,omitempty"`
	Byline   string    `yaml:"byline,omitempty"`
	Category string    `yaml:"category,omitempty"`
	Location string    `yaml:"location,omitempty"`
	Language string    `yaml:"language,omitempty"`
	Tags     []string  `yaml:"tags,omitempty,flow"`
	// Urgency is ninjs's: 1 (most urgent) to 9; 1 to 3 is breaking news.
	Urgency int `yaml:"urgency,omitempty"`
}

var knownKeys = []string{"id", "created", "headline", "sapo", "agency", "byline", "category", "location", "language", "tags", "urgency"}

// Bundle is a parsed bundle file: its metadata, its body as written and the
// relative photo paths the body refers to, in order.
type Bundle struct {
	Meta   Meta
	Body   string
	Photos []string
}

// Parse parses a bundle file's bytes. Every text comes back in NFC. Errors
// wrap ErrFormat and name the line (counted from the top of the file) or
// the unknown keys.
func Parse(data []byte) (Bundle, error) {
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return Bundle{}, fmt.Errorf("%w: line %d is not UTF-8 text (save the file as UTF-8; legacy TCVN3/VNI files need converting first)", ErrFormat, line)
	}
	// A file from Notepad starts with a BOM and ends its lines with CRLF.
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = fielddesk.NFC(text)
	if !strings.HasPrefix(text, "---\n") {
		return Bundle{}, fmt.Errorf("%w: line 1 must be --- to open the front matter", ErrFormat)
	}
	rest := text[4:]
	end := strings.Index(rest, "\n---\n")
	if end < 0 {
		if strings.HasSuffix(rest, "\n---") {
			end = len(rest) - 4
		} else {
			return Bundle{}, fmt.Errorf("%w: the front matter opened on line 1 is never closed with ---", ErrFormat)
		}
	}
	front := rest[:end+1]
	body := ""
	if end+5 <= len(rest) {
		body = rest[end+5:]
	}
	meta, err := parseFront(front)
	if err != nil {
		return Bundle{}, err
	}
	b := Bundle{Meta: meta, Body: strings.TrimLeft(body, "\n")}
	for _, dest := range render.ImageDestinations(b.Body) {
		if strings.HasPrefix(dest, fielddesk.PhotoRefScheme) {
			return Bundle{}, fmt.Errorf("%w: image %q refers to a stored photo; a bundle names photo files", ErrFormat, dest)
		}
		if u, err := url.Parse(dest); err == nil && u.Scheme != "" {
			return Bundle{}, fmt.Errorf("%w: image %q is a web address; put the photo file beside the bundle and name its path", ErrFormat, dest)
		}
		if !slices.Contains(b.Photos, dest) {
			b.Photos = append(b.Photos, dest)
		}
	}
	return b, nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

func parseFront(front string) (Meta, error) {
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(front), &node); err != nil {
		return Meta{}, fmt.Errorf("%w: front matter: %s", ErrFormat, shiftLines(strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	var meta Meta
	if len(node.Content) == 0 {
		return meta, nil
	}
	m := node.Content[0]
	if m.Kind != yaml.MappingNode {
		return Meta{}, fmt.Errorf("%w: front matter on line %d must be key: value lines", ErrFormat, m.Line+1)
	}
	var unknown []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i].Value; !slices.Contains(knownKeys, k) {
			unknown = append(unknown, fmt.Sprintf("%q (line %d)", k, m.Content[i].Line+1))
		}
	}
	if len(unknown) > 0 {
		return Meta{}, fmt.Errorf("%w: unknown front matter keys %s; the keys are %s", ErrFormat, strings.Join(unknown, ", "), strings.Join(knownKeys, ", "))
	}
	if err := m.Decode(&meta); err != nil {
		return Meta{}, fmt.Errorf("%w: front matter: %s", ErrFormat, shiftLines(strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	return meta, nil
}

// shiftLines turns yaml's line numbers (counted inside the front matter) into
// the file's (the opening --- is line 1).
func shiftLines(msg string) string {
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	return yamlLineRe.ReplaceAllStringFunc(msg, func(s string) string {
		n, _ := strconv.Atoi(yamlLineRe.FindStringSubmatch(s)[1])
		return "line " + strconv.Itoa(n+1)
	})
}

// Article builds the article a bundle describes, with each photo path in the
// body replaced by the stored photo it maps to (photos maps a bundle path to
// the stored photo). It does not validate.
func (b Bundle) Article(photos map[string]fielddesk.Photo) (fielddesk.Article, error) {
	a := fielddesk.Article{
		Headline: b.Meta.Headline, Sapo: b.Meta.Sapo, Agency: b.Meta.Agency,
		Byline: b.Meta.Byline, Category: b.Meta.Category, Location: b.Meta.Location,
		Language: b.Meta.Language, Tags: b.Meta.Tags, Created: b.Meta.Created, Urgency: b.Meta.Urgency,
		Status: fielddesk.StatusDraft,
	}
	if b.Meta.ID != "" {
		id, err := fielddesk.ParseID(b.Meta.ID)
		if err != nil {
			return a, fmt.Errorf("%w: id: %v", ErrFormat, err)
		}
		a.ID = id
	}
	a.Body = render.RewriteImageDestinations(b.Body, func(dest string) string {
		if p, ok := photos[dest]; ok {
			return fielddesk.PhotoRefScheme + p.Hash
		}
		return dest
	})
	for _, dest := range b.Photos {
		if p, ok := photos[dest]; ok {
			a.Photos = append(a.Photos, p)
		}
	}
	return a, nil
}

// Write renders an article as bundle bytes. Stored photo references become
// the relative paths names gives for each photo hash.
func Write(a fielddesk.Article, names map[string]string) ([]byte, error) {
	meta := Meta{ID: string(a.ID), Created: a.Created.UTC(), Headline: a.Headline, Sapo: a.Sapo, Agency: a.Agency,
		Byline: a.Byline, Category: a.Category, Location: a.Location, Language: a.Language, Tags: a.Tags, Urgency: a.Urgency}
	front, err := yaml.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("write bundle: %w", err)
	}
	body := render.RewriteImageDestinations(a.Body, func(dest string) string {
		if hash, ok := strings.CutPrefix(dest, fielddesk.PhotoRefScheme); ok {
			if name, ok := names[hash]; ok {
				return name
			}
		}
		return dest
	})
	var out bytes.Buffer
	out.WriteString("---\n")
	out.Write(front)
	out.WriteString("---\n")
	out.WriteString(body)
	if body != "" && !strings.HasSuffix(body, "\n") {
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

// PhotoNames picks a file name under photos/ for each photo, keeping the
// original names and numbering clashes ("a.jpg", "a-2.jpg").
func PhotoNames(photos []fielddesk.Photo) map[string]string {
	names := make(map[string]string, len(photos))
	used := map[string]bool{}
	for _, p := range photos {
		base := path.Base(strings.ReplaceAll(p.Name, "\\", "/"))
		if base == "." || base == "/" || base == "" {
			base = p.Hash[:12] + ".jpg"
		}
		name := base
		ext := path.Ext(base)
		for n := 2; used[name]; n++ {
			name = strings.TrimSuffix(base, ext) + "-" + strconv.Itoa(n) + ext
		}
		used[name] = true
		names[p.Hash] = "photos/" + name
	}
	return names
}
