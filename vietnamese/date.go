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
