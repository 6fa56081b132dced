package vietnamese

import (
	"time"
)

var weekdays = [...]string{"Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"}

// Newsroom is the time zone datelines are written in unless an article says otherwise.
var Newsroom = mustZone("Asia/Ho_Chi_Minh", 7*3600)

func mustZone(name string, offset int) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	// No zoneinfo on the machine: Vietnam has kept UTC+7 without DST since 1975.
	return time.FixedZone("ICT", offset)
}

// Dateline formats t in loc in the style of the article's language:
// "Thứ sáu, 26/08/2016 19:37" for Vietnamese, "Friday, 26 August 2016 19:37"
// for any other language.
func Dateline(t time.Time, lang string, loc *time.Location) string {
	if loc == nil {
		loc = Newsroom
	}
	t = t.In(loc)
	if lang == "vi" || len(lang) > 2 && lang[:3] == "vi-" {
		return weekdays[t.Weekday()] + ", " + t.Format("02/01/2006 15:04")
	}
	return t.Format("Monday, 2 January 2006 15:04")
}

// FormatInt writes n with thousands grouped in the style of the language:
// "1.234.567" in Vietnamese, "1,234,567" otherwise.
func FormatInt(n int, lang string) string {
	sep := ","
	if lang == "vi" || len(lang) > 2 && lang[:3] == "vi-" {
		sep = "."
	}
	neg := n < 0
	if neg {
		n = -n
	}
	digits := []byte{}
	for i := 0; n > 0 || i == 0; i++ {
		if i > 0 && i%3 == 0 {
			digits = append(digits, sep[0])
		}
		digits = append(digits, byte('0'+n%10))
		n /= 10
	}
	if neg {
		digits = append(digits, '-')
	}
	for i, j := 0, len(digits)-1; i < j; i, j = i+1, j-1 {
		digits[i], digits[j] = digits[j], digits[i]
	}
	return string(digits)
}
