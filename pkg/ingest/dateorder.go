package ingest

import (
	"strings"
	"time"
)

// parseTimeOrder parses a timestamp whose date is written day or month
// first (order "DMY" or "MDY"): 29-02-2016 01:16, 08/01/2025 15:00,
// 1.2.2026, with a 4-digit year and '-', '/' or '.' between the parts, and
// then anything parseTime accepts after a date (a time, seconds, a zone).
// A 12-hour clock ending in AM or PM is read too (08/01/2025 3:00 PM).
// Dates that start with a 4-digit year are left to parseTime, which is
// tried first. The date is rewritten year first and parsed by parseTime, so
// both accept the same times.
func parseTimeOrder(s string, loc *time.Location, order string) (time.Time, bool) {
	if t, ok := parseTime(s, loc); ok {
		return t, true
	}
	if order != "DMY" && order != "MDY" {
		return time.Time{}, false
	}
	s = trimSpace(s)
	if !isASCII(s) {
		s = nfkc(s)
	}
	a, p, ok := number(s, 0, 1, 2)
	if !ok || p >= len(s) {
		return time.Time{}, false
	}
	sep := s[p]
	if sep != '-' && sep != '/' && sep != '.' {
		return time.Time{}, false
	}
	b, q, ok := number(s, p+1, 1, 2)
	if !ok || q >= len(s) || s[q] != sep {
		return time.Time{}, false
	}
	year, r, ok := number(s, q+1, 4, 4)
	if !ok {
		return time.Time{}, false
	}
	day, month := a, b
	if order == "MDY" {
		day, month = b, a
	}
	rest, pm, twelve := s[r:], false, false
	if up := strings.ToUpper(rest); strings.HasSuffix(up, " AM") || strings.HasSuffix(up, " PM") {
		pm, twelve = strings.HasSuffix(up, " PM"), true
		rest = strings.TrimRight(rest[:len(rest)-3], " ")
	}
	if twelve {
		// hh:mm[:ss] on a 12-hour clock: 12 AM is 0, 12 PM is 12.
		rest = strings.TrimLeft(rest, " ")
		h, hp, ok := number(rest, 0, 1, 2)
		if !ok || h < 1 || h > 12 || hp >= len(rest) || rest[hp] != ':' {
			return time.Time{}, false
		}
		if h == 12 {
			h = 0
		}
		if pm {
			h += 12
		}
		rest = " " + twoDigitString(h) + rest[hp:]
	}
	ymd := make([]byte, 0, 10+len(rest))
	ymd = append(ymd, fourDigitString(year)...)
	ymd = append(ymd, '-')
	ymd = append(ymd, twoDigitString(month)...)
	ymd = append(ymd, '-')
	ymd = append(ymd, twoDigitString(day)...)
	ymd = append(ymd, rest...)
	return parseTimeASCII(string(ymd), loc)
}

func twoDigitString(n int) string {
	return string([]byte{byte('0' + n/10%10), byte('0' + n%10)})
}

func fourDigitString(n int) string {
	return string([]byte{byte('0' + n/1000%10), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}

// parseLayouts tries the mapping's Go time layouts (time.ParseInLocation),
// returning UTC truncated to milliseconds like parseTime.
func parseLayouts(s string, loc *time.Location, layouts []string) (time.Time, bool) {
	s = trimSpace(s)
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil && t.Year() >= 1900 {
			return t.UTC().Truncate(time.Millisecond), true
		}
	}
	return time.Time{}, false
}
