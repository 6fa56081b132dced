package fielddesk

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var (
	byEditor = MergeSide{By: "bien-tap", Revision: "01JEDITOR00000000000000000"}
	byWriter = MergeSide{By: "phong-vien", Revision: "01JWRITER00000000000000000"}
)

func article(headline string, paras ...string) Article {
	return Article{ID: "01JARTICLE0000000000000000", Headline: headline, Body: JoinParagraphs(paras),
		Language: "vi", Status: StatusChangesRequested, Tags: []string{"lũ"}}.Normalized()
}

func TestMergeDifferentParagraphsCombine(t *testing.T) {
	base := article("Lũ quét ở Mường Lát", "Đoạn một về lũ.", "Đoạn hai về đường.", "Đoạn ba về trường.")
	ours := article("Lũ quét ở Mường Lát", "Đoạn một về lũ.", "Đoạn hai về đường sạt lở nặng.", "Đoạn ba về trường.")
	theirs := article("Lũ quét tại Mường Lát, Thanh Hóa", "Đoạn một về lũ lớn.", "Đoạn hai về đường.", "Đoạn ba về trường.", "Đoạn bốn mới.")
	theirs.Tags = []string{"lũ", "Thanh Hóa"}
	got := Merge(base, ours, theirs, byEditor, byWriter)
	if len(got.Conflicts) != 0 {
		t.Fatalf("conflicts %+v; different paragraphs must combine", got.Conflicts)
	}
	want := JoinParagraphs([]string{"Đoạn một về lũ lớn.", "Đoạn hai về đường sạt lở nặng.", "Đoạn ba về trường.", "Đoạn bốn mới."})
	if got.Body != want || got.Headline != "Lũ quét tại Mường Lát, Thanh Hóa" {
		t.Errorf("merged %q / %q\nwant %q", got.Headline, got.Body, want)
	}
	if !slices.Equal(got.Tags, []string{"lũ", "Thanh Hóa"}) {
		t.Errorf("tags %v", got.Tags)
	}
}

func TestMergeSameParagraphConflictsAndResolves(t *testing.T) {
	base := article("Tin", "Một.", "Hai người bị thương.", "Ba.")
	ours := article("Tin", "Một.", "Hai người bị thương nhẹ.", "Ba.")
	theirs := article("Tin", "Một.", "Ba người bị thương.", "Ba.", "Bốn.")
	got := Merge(base, ours, theirs, byEditor, byWriter)
	if len(got.Conflicts) != 1 {
		t.Fatalf("conflicts %+v; want one", got.Conflicts)
	}
	c := got.Conflicts[0]
	if c.Field != "body" || c.Paragraph != 2 || c.Ours != "Hai người bị thương nhẹ." || c.Theirs != "Ba người bị thương." ||
		c.Base != "Hai người bị thương." || c.OursBy != "bien-tap" || c.TheirsBy != "phong-vien" {
		t.Errorf("conflict %+v", c)
	}
	if !strings.Contains(got.Body, "thương nhẹ.") || !strings.Contains(got.Body, "Bốn.") {
		t.Errorf("body %q: keeps ours in place and takes the other paragraph", got.Body)
	}
	res, err := Resolve(got, c.ID, c.Theirs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conflicts) != 0 || res.Body != JoinParagraphs([]string{"Một.", "Ba người bị thương.", "Ba.", "Bốn."}) {
		t.Errorf("resolved: %q %+v", res.Body, res.Conflicts)
	}
	if _, err := Resolve(res, c.ID, "x"); err == nil {
		t.Error("resolving a conflict twice succeeded")
	}
}

func TestMergeDeleteAgainstEditConflicts(t *testing.T) {
	base := article("Tin", "Một.", "Hai.", "Ba.")
	ours := article("Tin", "Một.", "Ba.")
	theirs := article("Tin", "Một.", "Hai đã sửa.", "Ba.")
	got := Merge(base, ours, theirs, byEditor, byWriter)
	if len(got.Conflicts) != 1 || got.Conflicts[0].Ours != "" || got.Conflicts[0].Theirs != "Hai đã sửa." {
		t.Fatalf("conflicts %+v", got.Conflicts)
	}
	res, err := Resolve(got, got.Conflicts[0].ID, got.Conflicts[0].Theirs)
	if err != nil || res.Body != JoinParagraphs([]string{"Một.", "Hai đã sửa.", "Ba."}) {
		t.Errorf("resolved to theirs: %q, %v", res.Body, err)
	}
}

func TestMergeFieldConflictAndSameChange(t *testing.T) {
	base := article("Tin cũ", "Một.")
	ours := article("Tin của biên tập", "Một sửa.")
	theirs := article("Tin của phóng viên", "Một sửa.")
	got := Merge(base, ours, theirs, byEditor, byWriter)
	if len(got.Conflicts) != 1 || got.Conflicts[0].Field != "headline" || got.Headline != "Tin của biên tập" {
		t.Fatalf("%q %+v", got.Headline, got.Conflicts)
	}
	if got.Body != "Một sửa." {
		t.Errorf("the same change on both sides: body %q", got.Body)
	}
	res, err := Resolve(got, got.Conflicts[0].ID, "Tin chung")
	if err != nil || res.Headline != "Tin chung" {
		t.Errorf("a combination written by hand: %q, %v", res.Headline, err)
	}
}

func TestConflictsSurviveALaterMergeUntilResolved(t *testing.T) {
	base := article("Tin", "Một.", "Hai.", "Ba.")
	first := Merge(base, article("Tin", "Một.", "Hai A.", "Ba."), article("Tin", "Một.", "Hai B.", "Ba."), byEditor, byWriter)
	if len(first.Conflicts) != 1 {
		t.Fatal(first.Conflicts)
	}
	// The editor edits paragraph three; the writer, apart, resolves the conflict.
	ed := first
	ed.Body = JoinParagraphs([]string{"Một.", "Hai A.", "Ba sửa."})
	wr, err := Resolve(first, first.Conflicts[0].ID, "Hai A và B.")
	if err != nil {
		t.Fatal(err)
	}
	got := Merge(first, ed, wr, byEditor, byWriter)
	if len(got.Conflicts) != 0 || got.Body != JoinParagraphs([]string{"Một.", "Hai A và B.", "Ba sửa."}) {
		t.Errorf("%q %+v", got.Body, got.Conflicts)
	}
	// Nobody resolved it: it stays, placed where its text now is.
	ed2 := first
	ed2.Body = JoinParagraphs([]string{"Không.", "Một.", "Hai A.", "Ba."})
	got = Merge(first, ed2, first, byEditor, byWriter)
	if len(got.Conflicts) != 1 || got.Conflicts[0].Paragraph != 3 {
		t.Errorf("%+v", got.Conflicts)
	}
}

func TestWordDiffIsBySyllable(t *testing.T) {
	spans := WordDiff("Lũ quét ở Mường Lát, Thanh Hóa.", "Lũ quét lớn ở Mường Lát, tỉnh Thanh Hóa.")
	var del, ins []string
	var old, new strings.Builder
	for _, s := range spans {
		switch s.Op {
		case DiffDelete:
			del = append(del, strings.TrimSpace(s.Text))
			old.WriteString(s.Text)
		case DiffInsert:
			ins = append(ins, strings.TrimSpace(s.Text))
			new.WriteString(s.Text)
		default:
			old.WriteString(s.Text)
			new.WriteString(s.Text)
		}
	}
	if len(del) != 0 || !slices.Equal(ins, []string{"lớn", "tỉnh"}) {
		t.Errorf("deleted %q inserted %q", del, ins)
	}
	if old.String() != "Lũ quét ở Mường Lát, Thanh Hóa." || new.String() != "Lũ quét lớn ở Mường Lát, tỉnh Thanh Hóa." {
		t.Errorf("spans do not rebuild both texts: %q / %q", old.String(), new.String())
	}
	// A changed tone mark replaces the syllable, not one letter of it.
	spans = WordDiff("quét", "quẹt")
	if len(spans) != 2 || spans[0] != (DiffSpan{DiffDelete, "quét"}) || spans[1] != (DiffSpan{DiffInsert, "quẹt"}) {
		t.Errorf("%+v", spans)
	}
}

// TestMergeNeverDropsAnEditedWord generates random concurrent edits and
// checks that every word either side wrote is in the merged article or in
// a recorded conflict, and that paragraphs neither side touched stay once.
func TestMergeNeverDropsAnEditedWord(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2026))
	vocab := strings.Fields("lũ quét xã huyện Mường Lát bản người dân nhà sập đường sạt lở cứu hộ bộ đội trường học điện nước gạo mì")
	for round := 0; round < 2000; round++ {
		var paras []string
		for p := 0; p < 3+rng.IntN(12); p++ {
			var w []string
			for range 3 + rng.IntN(10) {
				w = append(w, vocab[rng.IntN(len(vocab))])
			}
			paras = append(paras, strings.Join(w, " ")+fmt.Sprintf(" p%d.", p))
		}
		base := article("Tiêu đề gốc", paras...)
		ours, oursWords := randomEdits(rng, base, "O", round)
		theirs, theirsWords := randomEdits(rng, base, "T", round)
		got := Merge(base, ours, theirs, byEditor, byWriter)
		kept := got.Headline + "\n" + got.Body
		for _, c := range got.Conflicts {
			kept += "\n" + c.Ours + "\n" + c.Theirs
		}
		for _, w := range append(oursWords, theirsWords...) {
			if !strings.Contains(kept, w) {
				t.Fatalf("round %d: %q was written and is lost\nbase %q\nours %q\ntheirs %q\nmerged %q\nconflicts %+v",
					round, w, base.Body, ours.Body, theirs.Body, got.Body, got.Conflicts)
			}
		}
		mergedParas := Paragraphs(got.Body)
		for _, p := range Paragraphs(base.Body) {
			if slices.Contains(Paragraphs(ours.Body), p) && slices.Contains(Paragraphs(theirs.Body), p) {
				if n := count(mergedParas, p); n != 1 {
					t.Fatalf("round %d: untouched paragraph %q is in the merge %d times\n%q", round, p, n, got.Body)
				}
			}
		}
		// Taking theirs everywhere gives an article with no conflict left.
		res := got
		for len(res.Conflicts) > 0 {
			var err error
			if res, err = Resolve(res, res.Conflicts[0].ID, res.Conflicts[0].Theirs); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// randomEdits edits a copy of a: words replaced, paragraphs added and
// removed, the headline changed. It returns the marker words it wrote that
// are still in the result.
func randomEdits(rng *rand.Rand, a Article, side string, round int) (Article, []string) {
	ps := Paragraphs(a.Body)
	n := 0
	marker := func() string { n++; return fmt.Sprintf("%s%dx%d", side, round, n) }
	for range 1 + rng.IntN(5) {
		switch rng.IntN(5) {
		case 0, 1: // replace a word
			if len(ps) == 0 {
				continue
			}
			i := rng.IntN(len(ps))
			w := strings.Fields(ps[i])
			w[rng.IntN(len(w))] = marker()
			ps[i] = strings.Join(w, " ")
		case 2: // add a paragraph
			i := rng.IntN(len(ps) + 1)
			ps = slices.Insert(ps, i, marker()+" "+marker())
		case 3: // remove a paragraph
			if len(ps) > 1 {
				i := rng.IntN(len(ps))
				ps = slices.Delete(ps, i, i+1)
			}
		case 4:
			a.Headline = "Tiêu đề " + marker()
		}
	}
	a.Body = JoinParagraphs(ps)
	a = a.Normalized()
	var alive []string
	for i := 1; i <= n; i++ {
		w := fmt.Sprintf("%s%dx%d", side, round, i)
		if strings.Contains(a.Headline+"\n"+a.Body, w) {
			alive = append(alive, w)
		}
	}
	return a, alive
}

func FuzzMerge(f *testing.F) {
	f.Add("Một.\n\nHai.\n\nBa.", "Một.\n\nHai A.\n\nBa.", "Một.\n\nHai B.\n\nBa.\n\nBốn.")
	f.Add("", "Mới.", "Khác.")
	f.Add("a\n\nb", "b", "a\n\n\n\nb\n\nc")
	f.Fuzz(func(t *testing.T, base, ours, theirs string) {
		mk := func(body string) Article { return Article{ID: "01JARTICLE0000000000000000", Body: body}.Normalized() }
		b, o, th := mk(base), mk(ours), mk(theirs)
		got := Merge(b, o, th, byEditor, byWriter)
		kept := Paragraphs(got.Body)
		for _, c := range got.Conflicts {
			kept = append(kept, Paragraphs(c.Ours)...)
			kept = append(kept, Paragraphs(c.Theirs)...)
		}
		for i := range kept {
			kept[i] = strings.TrimSpace(kept[i])
		}
		baseParas := Paragraphs(b.Body)
		for _, side := range []Article{o, th} {
			for _, p := range Paragraphs(side.Body) {
				if !slices.Contains(baseParas, p) && !slices.Contains(kept, strings.TrimSpace(p)) {
					t.Fatalf("paragraph %q was written and is lost: merged %q, conflicts %+v", p, got.Body, got.Conflicts)
				}
			}
		}
		for len(got.Conflicts) > 0 {
			var err error
			if got, err = Resolve(got, got.Conflicts[0].ID, got.Conflicts[0].Theirs); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Ten edits on each side of a 3,000-word article, in different
// paragraphs, merge with no conflict and keep every edit.
func TestMerge3000WordsTenEditsEachSide(t *testing.T) {
	base, ours, theirs := bigEdits()
	got := Merge(base, ours, theirs, byEditor, byWriter)
	if len(got.Conflicts) != 0 {
		t.Fatalf("%d conflicts: %+v", len(got.Conflicts), got.Conflicts[0])
	}
	for _, side := range []Article{ours, theirs} {
		for _, p := range Paragraphs(side.Body) {
			if !slices.Contains(Paragraphs(base.Body), p) && !strings.Contains(got.Body, p) {
				t.Fatalf("an edit is lost: %q", p)
			}
		}
	}
}

// BenchmarkMerge3000Words merges a 3,000-word article (100 paragraphs of
// 30 syllables) edited in ten places on each side.
func BenchmarkMerge3000Words(b *testing.B) {
	base, ours, theirs := bigEdits()
	b.ReportAllocs()
	for b.Loop() {
		got := Merge(base, ours, theirs, byEditor, byWriter)
		if len(got.Conflicts) != 0 {
			b.Fatal("unexpected conflicts")
		}
	}
}

// BenchmarkWordDiff3000Words is the baseline for the merge: one word-level
// diff of the same body, which a naive merge would run twice.
func BenchmarkWordDiff3000Words(b *testing.B) {
	base, ours, _ := bigEdits()
	for b.Loop() {
		WordDiff(base.Body, ours.Body)
	}
}

func bigEdits() (base, ours, theirs Article) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := strings.Fields("lũ quét xã huyện Mường Lát bản người dân nhà sập đường sạt lở cứu hộ bộ đội trường học điện nước gạo mì")
	var paras []string
	for p := range 100 {
		var w []string
		for range 29 {
			w = append(w, vocab[rng.IntN(len(vocab))])
		}
		paras = append(paras, strings.Join(w, " ")+fmt.Sprintf(" đoạn%d.", p))
	}
	base = article("Tiêu đề", paras...)
	edit := func(from int) Article {
		ps := slices.Clone(paras)
		for i := range 10 {
			ps[from+i*5] = "Đã sửa " + ps[from+i*5]
		}
		return article("Tiêu đề", ps...)
	}
	return base, edit(0), edit(2)
}
