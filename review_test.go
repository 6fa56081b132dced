package fielddesk

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAnchorCommentFollowsItsParagraph(t *testing.T) {
	body := JoinParagraphs([]string{"Mở đầu.", "Cầu Mường Lát bị cuốn trôi sáng nay.", "Kết."})
	c := Event{Kind: EventComment, Paragraph: 2, Quote: "Cầu Mường Lát bị cuốn trôi sáng nay.", Text: "Nguồn?"}
	cases := []struct {
		name string
		body string
		want Anchor
	}{
		{"unchanged", body, Anchor{Paragraph: 2}},
		{"a paragraph added before it", JoinParagraphs([]string{"Mới.", "Mở đầu.", "Cầu Mường Lát bị cuốn trôi sáng nay.", "Kết."}), Anchor{Paragraph: 3}},
		{"reworded", JoinParagraphs([]string{"Mở đầu.", "Cầu Mường Lát bị lũ cuốn trôi sáng nay.", "Kết."}), Anchor{Paragraph: 2}},
		{"deleted: the nearest survivor", JoinParagraphs([]string{"Mở đầu.", "Kết."}), Anchor{Paragraph: 2, Moved: true}},
		{"deleted at the end", "Mở đầu.", Anchor{Paragraph: 1, Moved: true}},
		{"no body left", "", Anchor{Moved: true, Gone: true}},
	}
	for _, c2 := range cases {
		if got := AnchorComment(c, c2.body); got != c2.want {
			t.Errorf("%s: %+v, want %+v", c2.name, got, c2.want)
		}
	}
	if got := AnchorComment(Event{Kind: EventComment, Text: "Tốt"}, body); got != (Anchor{}) {
		t.Errorf("a general comment: %+v", got)
	}
}

func TestEventValidate(t *testing.T) {
	ok := Event{ID: NewID(), Article: NewID(), Kind: EventComment, Text: "Cần  thêm nguồn\u0301", At: time.Now()}
	if err := ok.Normalized().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		e    Event
		want string
	}{
		{Event{ID: NewID(), Article: NewID(), Kind: EventComment, Text: " – "}, "needs some words"},
		{Event{ID: "x", Article: NewID(), Kind: EventComment, Text: "a"}, "id"},
		{Event{ID: NewID(), Article: NewID(), Kind: "like"}, "not a kind"},
		{Event{ID: NewID(), Article: NewID(), Kind: EventTransition, Action: "delete"}, "not an action"},
		{Event{ID: NewID(), Article: NewID(), Kind: EventComment, Text: strings.Repeat("chữ ", 2000)}, "limit"},
	}
	for _, b := range bad {
		err := b.e.Normalized().Validate()
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: %v; want it to say %q", b.e, err, b.want)
		}
	}
}
