package vietnamese

import (
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

var (
	collatorMu sync.Mutex // a Collator is not safe for concurrent use
	collator   = collate.New(language.Vietnamese, collate.IgnoreCase)
)

// Compare orders two texts as a Vietnamese dictionary does (a ă â b c d đ
// e ê …, tones after the bare letter), ignoring case.
func Compare(a, b string) int {
	collatorMu.Lock()
	defer collatorMu.Unlock()
	return collator.CompareString(a, b)
}

// SortFunc sorts items by the text key gives, in Vietnamese order.
func SortFunc[T any](items []T, key func(T) string) {
	slices.SortStableFunc(items, func(x, y T) int { return Compare(key(x), key(y)) })
}
