package fielddesk

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Review: what people do to an article besides writing it. Each decision
// (a transition of the workflow) and each comment is an Event, made on a
// device with an ID of its own so that sending it twice never makes two,
// and delivered by sync like a revision. The server stamps who made it and
// from which device, checks it against the workflow and keeps it in the
// article's audit log.

// EventKind says what an Event is.
type EventKind string

// The kinds of event.
const (
	EventTransition EventKind = "transition"
	EventComment    EventKind = "comment"
	// EventBreaking is never made nor sent: a pull says with it that
	// breaking news reached this desk (its ID is the article's, its Text
	// the headline, Author the byline).
	EventBreaking EventKind = "breaking"
)

// MaxCommentRunes bounds a comment (a long one is a mistake: paste the text
// into the article instead).
const MaxCommentRunes = 5000

// Event is a decision or a comment on an article.
type Event struct {
	ID      ID        `json:"id"`
	Article ID        `json:"article"`
	Kind    EventKind `json:"kind"`
	// A transition: the action and the states it moved the article between.
	Action Action `json:"action,omitempty"`
	From   Status `json:"from,omitempty"`
	To     Status `json:"to,omitempty"`
	// Text is the comment, or the note given with a decision (what to
	// change, why it was killed).
	Text string `json:"text,omitempty"`
	// Paragraph is the body paragraph a comment is about (1-based; 0 for a
	// comment on the whole article), and Quote that paragraph's text when
	// the comment was made, to find it again after edits.
	Paragraph int    `json:"paragraph,omitempty"`
	Quote     string `json:"quote,omitempty"`
	// Assignee is the editor an assign hands the article to.
	Assignee string `json:"assignee,omitempty"`
	// Due is when a schedule publishes the article; Embargo: the time is
	// an embargo (said so; it works the same).
	Due     time.Time `json:"due,omitzero"`
	Embargo bool      `json:"embargo,omitempty"`
	// ReplyTo is the comment this one answers.
	ReplyTo ID `json:"reply_to,omitempty"`
	// Revision is the revision of the article the person was looking at.
	Revision ID        `json:"revision,omitempty"`
	At       time.Time `json:"at"`
	// Author, Role and Device are set by the server from the device's login.
	Author string `json:"author,omitempty"`
	Role   Role   `json:"role,omitempty"`
	Device string `json:"device,omitempty"`
}

// Normalized returns e with its text in NFC, trimmed.
func (e Event) Normalized() Event {
	e.Text = strings.TrimSpace(cleanText(e.Text))
	e.Quote = strings.TrimSpace(cleanText(e.Quote))
	e.Assignee = strings.TrimSpace(NFC(e.Assignee))
	return e
}

// Validate checks an event's shape (not whether the workflow allows it:
// see CheckTransition).
func (e Event) Validate() error {
	var probs []FieldProblem
	add := func(field, format string, args ...any) {
		probs = append(probs, FieldProblem{field, fmt.Sprintf(format, args...)})
	}
	if _, err := ParseID(string(e.ID)); err != nil {
		add("id", "%v", err)
	}
	if _, err := ParseID(string(e.Article)); err != nil {
		add("article", "%v", err)
	}
	if e.ReplyTo != "" {
		if _, err := ParseID(string(e.ReplyTo)); err != nil {
			add("reply_to", "%v", err)
		}
	}
	switch e.Kind {
	case EventTransition:
		if _, err := ParseAction(string(e.Action)); err != nil {
			add("action", "%v", err)
		}
		if e.Paragraph != 0 || e.ReplyTo != "" {
			add("paragraph", "a decision is about the whole article")
		}
		if e.Action == ActionAssign && e.Assignee == "" {
			add("assignee", "say which editor the article goes to")
		} else if e.Action != ActionAssign && e.Assignee != "" {
			add("assignee", "only an assign names an editor")
		} else if len(e.Assignee) > 64 || strings.ContainsAny(e.Assignee, " /\\") {
			add("assignee", "%q is not a user name", e.Assignee)
		}
		if e.Action == ActionSchedule && e.Due.IsZero() {
			add("due", "say when the article is published")
		} else if e.Action != ActionSchedule && (!e.Due.IsZero() || e.Embargo) {
			add("due", "only a schedule has a time")
		}
	case EventComment:
		if e.Assignee != "" || !e.Due.IsZero() || e.Embargo {
			add("assignee", "a comment hands the article to nobody and schedules nothing")
		}
		if WordCount(e.Text) == 0 {
			add("text", "a comment needs some words")
		}
		if e.Paragraph < 0 {
			add("paragraph", "%d is not a paragraph number", e.Paragraph)
		}
	default:
		add("kind", "%q is not a kind of event (transition or comment)", e.Kind)
	}
	if !utf8.ValidString(e.Text + e.Quote + e.Assignee) {
		add("text", "is not valid UTF-8 text")
	} else if n := utf8.RuneCountInString(e.Text); n > MaxCommentRunes {
		add("text", "is %d characters long; the limit is %d", n, MaxCommentRunes)
	} else if len(e.Quote) > MaxBodyBytes {
		add("quote", "is too long")
	}
	if probs == nil {
		return nil
	}
	return &ValidationError{Problems: probs}
}

// Anchor is where a comment about a paragraph belongs in the body now.
type Anchor struct {
	// Paragraph is the paragraph (1-based) the comment is shown beside; 0
	// for a comment on the whole article.
	Paragraph int
	// Moved: the paragraph the comment was made on is gone or changed, and
	// the comment was attached to the nearest surviving one.
	Moved bool
	// Gone: the body has no paragraph left at all.
	Gone bool
}

// AnchorComment finds the paragraph of body a comment belongs beside: the
// one with the text it quoted (the one nearest its old place if several),
// else the most similar paragraph near its old place, else the nearest
// one that still exists.
func AnchorComment(e Event, body string) Anchor {
	if e.Paragraph == 0 {
		return Anchor{}
	}
	ps := Paragraphs(body)
	if len(ps) == 0 {
		return Anchor{Moved: true, Gone: true}
	}
	if e.Quote == "" {
		if e.Paragraph <= len(ps) {
			return Anchor{Paragraph: e.Paragraph}
		}
		return Anchor{Paragraph: len(ps), Moved: true}
	}
	if at := findParagraphs(ps, []string{e.Quote}, e.Paragraph); at > 0 {
		return Anchor{Paragraph: at}
	}
	quoted := wordSet(e.Quote)
	best, bestScore := 0, 0.0
	for i, p := range ps {
		words := wordSet(p)
		shared := 0
		for w := range quoted {
			if words[w] {
				shared++
			}
		}
		score := float64(shared) / float64(max(len(quoted), len(words), 1))
		if score > bestScore || (score == bestScore && best > 0 && abs(i+1-e.Paragraph) < abs(best-e.Paragraph)) {
			best, bestScore = i+1, score
		}
	}
	if bestScore >= 0.5 {
		return Anchor{Paragraph: best, Moved: best != e.Paragraph}
	}
	return Anchor{Paragraph: min(e.Paragraph, len(ps)), Moved: true}
}

func wordSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(s)) {
		out[w] = true
	}
	return out
}

// PublicationNote is a correction or an update of a published article,
// shown at its end on every surface: what was wrong (a correction) or what
// is new (an update, optional), and when the version carrying it went out.
type PublicationNote struct {
	Action Action    `json:"action"` // ActionCorrect or ActionUpdate
	Text   string    `json:"text,omitempty"`
	At     time.Time `json:"at"`
}

// AuditEntry is one line of an article's audit log: who did what, from
// which device, when (the server's clock).
type AuditEntry struct {
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Role   Role      `json:"role,omitempty"`
	Device string    `json:"device"`
	// Kind is "revision", "merge", "transition" or "comment".
	Kind     string `json:"kind"`
	Revision ID     `json:"revision,omitempty"`
	Action   Action `json:"action,omitempty"`
	From     Status `json:"from,omitempty"`
	To       Status `json:"to,omitempty"`
	// Note: the conflicts a merge left, or a decision's comment.
	Note string `json:"note,omitempty"`
	// Holder: who holds the article after a take or an assign.
	Holder string `json:"holder,omitempty"`
}

// Review is what people decided and said about an article: its workflow
// state, its decisions and comments (oldest first) and, for editors, its
// audit log.
type Review struct {
	Status    Status
	Submitted time.Time
	Events    []Event
	Audit     []AuditEntry
	// Slug is where the newsroom published it (/articles/{slug} on its
	// server), when it is published.
	Slug string
	// Holder is the editor who holds it (hold.go), since Held.
	Holder string
	Held   time.Time
	// Due is when it is scheduled to be published (Embargo: an embargo).
	Due     time.Time
	Embargo bool
}
