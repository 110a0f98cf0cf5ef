package ingest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ParseTimestamp parses an export timestamp: 2006-01-02 15:04:05,
// 2006-01-02 15:04, 2006/1/2 15:04[:05], 2006-01-02T15:04:05[.000][Z|+08:00],
// 2006年1月2日 15:04[:05], the date-only forms (midnight), with one- or
// two-digit month, day and hour and '-', '/' or '.' between date parts. A
// timestamp without an offset is local time in loc. The result is UTC,
// truncated to milliseconds.
func ParseTimestamp(s string, loc *time.Location) (time.Time, error) {
	if t, ok := parseTime(s, loc); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("parsing timestamp %q: not a recognized date or time", s)
}

// parseTime is ParseTimestamp without the error value. It retries after
// NFKC normalization, so full-width digits and punctuation work too.
func parseTime(s string, loc *time.Location) (time.Time, bool) {
	if t, ok := parseTimeASCII(s, loc); ok {
		return t, true
	}
	if !isASCII(s) {
		if n := norm.NFKC.String(s); n != s {
			return parseTimeASCII(n, loc)
		}
	}
	return time.Time{}, false
}

// parseTimeASCII is the allocation-free parser. "ASCII" refers to the
// digits and separators; 年月日 are matched too.
func parseTimeASCII(s string, loc *time.Location) (time.Time, bool) {
	s = trimSpace(s)
	var ok bool
	var year, month, day int
	p := 0
	if year, p, ok = number(s, 0, 4, 4); !ok {
		return time.Time{}, false
	}
	chinese := false
	var sep byte
	switch {
	case p < len(s) && (s[p] == '-' || s[p] == '/' || s[p] == '.'):
		sep = s[p]
		p++
	case strings.HasPrefix(s[p:], "年"):
		chinese = true
		p += len("年")
	default:
		return time.Time{}, false
	}
	if month, p, ok = number(s, p, 1, 2); !ok {
		return time.Time{}, false
	}
	if chinese {
		if !strings.HasPrefix(s[p:], "月") {
			return time.Time{}, false
		}
		p += len("月")
	} else {
		if p >= len(s) || s[p] != sep {
			return time.Time{}, false
		}
		p++
	}
	if day, p, ok = number(s, p, 1, 2); !ok {
		return time.Time{}, false
	}
	if chinese {
		switch {
		case strings.HasPrefix(s[p:], "日"):
			p += len("日")
		case strings.HasPrefix(s[p:], "号"):
			p += len("号")
		default:
			return time.Time{}, false
		}
	}
	if year < 1900 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return time.Time{}, false
	}
	var hour, min, sec, nsec int
	zone, hasZone := 0, false
	if p < len(s) {
		switch {
		case s[p] == 'T' || s[p] == 't':
			p++
		case s[p] == ' ':
			for p < len(s) && s[p] == ' ' {
				p++
			}
		case chinese && isDigit(s[p]):
		default:
			return time.Time{}, false
		}
		if hour, p, ok = number(s, p, 1, 2); !ok || p >= len(s) || s[p] != ':' {
			return time.Time{}, false
		}
		if min, p, ok = number(s, p+1, 2, 2); !ok {
			return time.Time{}, false
		}
		if p < len(s) && s[p] == ':' {
			if sec, p, ok = number(s, p+1, 2, 2); !ok {
				return time.Time{}, false
			}
			if p < len(s) && (s[p] == '.' || s[p] == ',') {
				p++
				start := p
				scale := 100_000_000
				for p < len(s) && isDigit(s[p]) {
					if p-start < 9 {
						nsec += int(s[p]-'0') * scale
						scale /= 10
					}
					p++
				}
				if p == start || p-start > 9 {
					return time.Time{}, false
				}
			}
		}
		if hour > 23 || min > 59 || sec > 59 {
			return time.Time{}, false
		}
		if p < len(s) && s[p] == ' ' && p+1 < len(s) && (s[p+1] == 'Z' || s[p+1] == '+' || s[p+1] == '-') {
			p++ // "2006-01-02 15:04:05 +08:00"
		}
		if p < len(s) {
			if zone, p, ok = parseZone(s, p); !ok {
				return time.Time{}, false
			}
			hasZone = true
		}
	}
	if p != len(s) {
		return time.Time{}, false
	}
	// Zone offsets are whole seconds, so dropping the sub-millisecond digits
	// here truncates the instant to milliseconds.
	nsec -= nsec % int(time.Millisecond)
	var t time.Time
	if hasZone {
		t = time.Date(year, time.Month(month), day, hour, min, sec, nsec, time.UTC).Add(-time.Duration(zone) * time.Second)
	} else {
		t = time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc)
	}
	return t.UTC(), true
}

// parseZone parses Z, ±hh, ±hhmm or ±hh:mm at s[p:], returning seconds east.
func parseZone(s string, p int) (int, int, bool) {
	if s[p] == 'Z' || s[p] == 'z' {
		return 0, p + 1, true
	}
	sign := 1
	switch s[p] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, p, false
	}
	h, q, ok := twoDigits(s, p+1)
	if !ok {
		return 0, p, false
	}
	m := 0
	if q < len(s) && s[q] == ':' {
		q++
	}
	if q < len(s) {
		if m, q, ok = twoDigits(s, q); !ok || q != len(s) {
			return 0, p, false
		}
	}
	if h > 14 || m > 59 {
		return 0, p, false
	}
	return sign * (h*3600 + m*60), q, true
}

// number reads between min and max ASCII digits at s[p:].
func number(s string, p, min, max int) (int, int, bool) {
	v, n := 0, 0
	for p+n < len(s) && n < max && isDigit(s[p+n]) {
		v = v*10 + int(s[p+n]-'0')
		n++
	}
	if n < min || (p+n < len(s) && isDigit(s[p+n])) {
		return 0, p, false
	}
	return v, p + n, true
}

// twoDigits reads exactly two digits at s[p:], whatever follows.
func twoDigits(s string, p int) (int, int, bool) {
	if p+2 > len(s) || !isDigit(s[p]) || !isDigit(s[p+1]) {
		return 0, p, false
	}
	return int(s[p]-'0')*10 + int(s[p+1]-'0'), p + 2, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// Excel serial dates: 1900 system (with Lotus's phantom 1900-02-29, serial
// 60) or 1904 system. The largest serial Excel accepts is 9999-12-31.
const maxExcelSerial = 2958466

// parseExcelSerial turns an Excel serial date-time (days, fraction = time
// of day) into a UTC time, reading the wall clock in loc.
func parseExcelSerial(s string, loc *time.Location, date1904 bool) (time.Time, bool) {
	s = trimSpace(s)
	if s == "" || !isPlainDecimal(s) {
		return time.Time{}, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 1 || v >= maxExcelSerial {
		return time.Time{}, false
	}
	days := math.Floor(v)
	ms := int64(math.Round((v - days) * 86_400_000))
	d := int(days)
	if ms >= 86_400_000 {
		d++
		ms -= 86_400_000
	}
	var base time.Time
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case d == 60:
		return time.Time{}, false // 1900-02-29 does not exist
	case d < 60:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	y, m, dd := base.AddDate(0, 0, d).Date()
	t := time.Date(y, m, dd, int(ms/3_600_000), int(ms/60_000%60), int(ms/1000%60), int(ms%1000)*1_000_000, loc)
	return t.UTC().Truncate(time.Millisecond), true
}

// isPlainDecimal reports whether s is digits with at most one '.'.
func isPlainDecimal(s string) bool {
	dot := false
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// parseBool parses 是/否, Y/N, yes/no, true/false, 1/0 (case-insensitive,
// trimmed); the empty cell is false.
func parseBool(s string) (bool, bool) {
	s = trimSpace(s)
	switch len(s) {
	case 0:
		return false, true
	case 1:
		switch s[0] {
		case 'y', 'Y', '1':
			return true, true
		case 'n', 'N', '0':
			return false, true
		}
	}
	switch {
	case s == "是", strings.EqualFold(s, "yes"), strings.EqualFold(s, "true"):
		return true, true
	case s == "否", strings.EqualFold(s, "no"), strings.EqualFold(s, "false"):
		return false, true
	}
	if !isASCII(s) {
		if n := norm.NFKC.String(s); n != s {
			return parseBool(n)
		}
	}
	return false, false
}

var errBadNumber = errors.New("not a number")

// parseDecimal2 parses a decimal with at most 2 decimals into hundredths
// (fen for yuan). It strips ¥ ￥ 元 and, when unit is set, that unit
// suffix; allows thousands separators in groups of three, a sign, spaces
// around the number but not inside it ("1 234" is not a number).
// Integer and fraction digits are read exactly; no float is involved.
func parseDecimal2(s string, currency bool, units ...string) (int64, error) {
	s = trimSpace(s)
	if innerSpace(s) {
		return 0, errBadNumber // " 1 2 3 " is not 123
	}
	s = stripMoney(s, currency, units)
	if s == "" {
		return 0, errBadNumber
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && (!hasDot || frac == "") {
		return 0, errBadNumber
	}
	if strings.IndexByte(intPart, ',') >= 0 {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, errBadNumber
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, errBadNumber
			}
		}
		intPart = strings.ReplaceAll(intPart, ",", "")
	}
	if len(frac) > 2 {
		return 0, errBadNumber
	}
	if len(intPart) > 15 {
		return 0, errBadNumber
	}
	var v int64
	for i := 0; i < len(intPart); i++ {
		if !isDigit(intPart[i]) {
			return 0, errBadNumber
		}
		v = v*10 + int64(intPart[i]-'0')
	}
	for i := 0; i < 2; i++ {
		v *= 10
		if i < len(frac) {
			if !isDigit(frac[i]) {
				return 0, errBadNumber
			}
			v += int64(frac[i] - '0')
		}
	}
	if neg {
		v = -v
	}
	return v, nil
}

// innerSpace reports whether white space stands between two parts of the
// number itself (digits, the decimal point, thousands separators, ASCII or
// full-width): "1 234", "12 .5", "1, 234". Space after a sign or around a
// currency sign or unit ("- 5", "¥ 85", "85 元") is allowed.
func innerSpace(s string) bool {
	if isASCII(s) && !strings.ContainsAny(s, asciiSpace) {
		return false
	}
	prev, space := false, false // previous non-space is a number part; space since
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		part := '0' <= r && r <= '9' || '０' <= r && r <= '９' || r == '.' || r == ',' || r == '．' || r == '，'
		if part && prev && space {
			return true
		}
		prev, space = part, false
	}
	return false
}

// stripMoney removes spaces, currency signs and unit suffixes, normalizing
// full-width characters first when the cell is not ASCII.
func stripMoney(s string, currency bool, units []string) string {
	ascii := isASCII(s)
	if !ascii {
		// Fast path for "￥85.50" and "35元": NFKC of ASCII text with these
		// signs is the same text with ￥ as ¥, and the signs go below anyway.
		if t := stripSigns(s, currency); isASCII(t) {
			s, ascii = t, true
		} else {
			s = norm.NFKC.String(s)
		}
	}
	if currency && (!ascii || strings.ContainsAny(s, "RrCc")) {
		for _, c := range []string{"¥", "￥", "元", "RMB", "rmb", "CNY", "cny"} {
			if strings.Contains(s, c) {
				s = strings.ReplaceAll(s, c, "")
			}
		}
	}
	for _, u := range units {
		s = strings.TrimSuffix(strings.TrimSpace(s), u)
	}
	if ascii && !strings.ContainsAny(s, asciiSpace) {
		return s // what unicode.IsSpace finds in ASCII text
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	return s
}

const asciiSpace = " \t\n\v\f\r"

// stripSigns removes the currency signs ¥ ￥ 元 from s when currency is set.
// A sign at either end (where people type it) is cut without copying.
func stripSigns(s string, currency bool) string {
	if !currency {
		return s
	}
	for {
		switch {
		case strings.HasPrefix(s, "￥"):
			s = s[len("￥"):]
		case strings.HasPrefix(s, "¥"):
			s = s[len("¥"):]
		case strings.HasSuffix(s, "元"):
			s = s[:len(s)-len("元")]
		default:
			for _, c := range []string{"¥", "￥", "元"} {
				if strings.Contains(s, c) {
					s = strings.ReplaceAll(s, c, "")
				}
			}
			return s
		}
	}
}

// parseCount parses a non-negative-or-not integer count; "2", "2.0", "2次".
func parseCount(s string) (int64, error) {
	v, err := parseDecimal2(s, false, "次")
	if err != nil {
		return 0, err
	}
	if v%100 != 0 {
		return 0, errBadNumber
	}
	return v / 100, nil
}

// Survey ratings by text, after normalizeValue.
var ratingWords = map[string]int32{
	"非常满意": 5, "很满意": 5, "满意": 4, "一般": 3, "不满意": 2, "非常不满意": 1, "很不满意": 1,
	"very satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2, "very dissatisfied": 1,
	"unsatisfied": 2, "very unsatisfied": 1,
	"好评": 5, "中评": 3, "差评": 1,
}

// parseRating parses a 1-5 rating: a number (5, 5.0, 5分, 5星) or a word.
// It returns the reason code on failure.
func parseRating(s string) (int32, string) {
	if v, err := parseDecimal2(s, false, "分", "星"); err == nil {
		if v%100 != 0 || v < 100 || v > 500 {
			return 0, ReasonOutOfRange
		}
		return int32(v / 100), ""
	}
	n := normalizeValue(s)
	if r, ok := ratingWords[n]; ok {
		return r, ""
	}
	if r, ok := starRating(n); ok {
		return r, ""
	}
	n = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(n, "分"), "星"))
	if isPlainDecimal(strings.TrimPrefix(n, "-")) {
		return 0, ReasonOutOfRange // a number, but not a whole 1-5
	}
	return 0, ReasonUnknownValue
}

// parseMonth parses an assessment month: YYYY-MM, YYYY/M, YYYY.M, YYYY年M月,
// YYYYMM, any date or timestamp in it (read in loc), and in XLSX an Excel
// serial date. It returns "YYYY-MM".
func parseMonth(s string, loc *time.Location, xlsx, date1904 bool) (string, bool) {
	s = trimSpace(s)
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	if len(s) == 6 && allDigits(s) {
		s = s[:4] + "-" + s[4:]
	}
	if y, p, ok := number(s, 0, 4, 4); ok && y >= 1900 {
		rest := s[p:]
		var m int
		switch {
		case len(rest) == 2 && isDigit(rest[0]) && isDigit(rest[1]):
			m, _, ok = number(rest, 0, 2, 2)
		case len(rest) > 1 && (rest[0] == '-' || rest[0] == '/' || rest[0] == '.'):
			var q int
			m, q, ok = number(rest, 1, 1, 2)
			ok = ok && q == len(rest)
		case strings.HasPrefix(rest, "年"):
			var q int
			m, q, ok = number(rest, len("年"), 1, 2)
			ok = ok && (rest[q:] == "月" || rest[q:] == "")
		default:
			ok = false
		}
		if ok && m >= 1 && m <= 12 {
			return fmt.Sprintf("%04d-%02d", y, m), true
		}
	}
	t, ok := parseTime(s, loc)
	if !ok && xlsx {
		t, ok = parseExcelSerial(s, loc, date1904)
	}
	if !ok {
		return "", false
	}
	return t.In(loc).Format("2006-01"), true
}

// normalizeValue prepares an enumerated cell for lookup: NFKC (for
// non-ASCII), lower case, trimmed, inner spaces collapsed to one.
func normalizeValue(s string) string {
	if isASCII(s) {
		s = strings.ToLower(trimSpace(s))
		if strings.Contains(s, "  ") || strings.ContainsAny(s, "\t\r\n") {
			s = strings.Join(strings.Fields(s), " ")
		}
		return s
	}
	return strings.Join(strings.Fields(strings.ToLower(norm.NFKC.String(s))), " ")
}

// trimSpace trims ASCII and Unicode white space, including U+3000 and the
// zero-width no-break space (BOM) that spreadsheets leave behind.
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	// Fast path: cells are nearly always trimmed already, so look at the
	// first and last rune only.
	if firstKept(s) && lastKept(s) {
		return s
	}
	return strings.TrimFunc(s, isTrimmed)
}

// firstKept reports whether trimSpace keeps the first rune of s (not empty).
func firstKept(s string) bool {
	switch c := s[0]; {
	case c < utf8.RuneSelf:
		return c > ' '
	case c >= 0xE4 && c <= 0xE9:
		return true // a CJK ideograph (U+4000-U+9FFF), or invalid UTF-8
	}
	r, _ := utf8.DecodeRuneInString(s)
	return !isTrimmed(r)
}

// lastKept reports whether trimSpace keeps the last rune of s (not empty).
func lastKept(s string) bool {
	n := len(s)
	if c := s[n-1]; c < utf8.RuneSelf {
		return c > ' '
	}
	if n >= 3 && s[n-3] >= 0xE4 && s[n-3] <= 0xE9 && s[n-2]&0xC0 == 0x80 && s[n-1]&0xC0 == 0x80 {
		return true // a CJK ideograph (U+4000-U+9FFF)
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return !isTrimmed(r)
}

// isTrimmed reports whether trimSpace removes r at either end of a cell.
func isTrimmed(r rune) bool {
	if r > '\u3000' && r < '\ufeff' {
		return false // Chinese text: no white space after U+3000
	}
	return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// truncateRunes cuts s to at most n runes. A cut string is cloned so it
// does not pin a large record in memory.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	if i >= len(s) {
		return s
	}
	return strings.Clone(s[:i])
}

func nfkc(s string) string { return norm.NFKC.String(s) }

// starRating reads a rating written in stars: ★★★★★ is 5, ★★★☆☆ is 3 (a
// white star is an empty one). One to five black stars, nothing else.
func starRating(s string) (int32, bool) {
	var black int32
	for _, r := range s {
		switch r {
		case '★':
			black++
		case '☆', ' ':
		default:
			return 0, false
		}
	}
	return black, black >= 1 && black <= 5
}
