package ingest

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Masking of customer data inside text (see "Customer data" in doc.go).

const maskedCell = "***"

var (
	// emailRE: a local part, @ (or full-width ＠), a domain with a dot.
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
	// phoneRE: a mainland mobile (1[3-9] and 9 digits) or a landline with
	// its area code (0 and 2-3 digits, then 7-8 digits), with an optional
	// +86 / 0086 / 86 prefix, spaces or hyphens between groups, the area
	// code optionally in parentheses; ASCII or full-width digits.
	phoneRE = regexp.MustCompile(
		`(?:(?:[+＋]|00|００)?(?:86|８６)[\s\-－]*)?` +
			`(?:` +
			`[1１][3-9３-９][0-9０-９][\s\-－]?[0-9０-９]{4}[\s\-－]?[0-9０-９]{4}` +
			`|[(（]?[0０]?[1-9１-９][0-9０-９]{1,2}[)）]?[\s\-－]*[1-9１-９][0-9０-９]{2,3}[\s\-－]?[0-9０-９]{4}` +
			`)`)
)

// maskFreeText masks the phone numbers and e-mail addresses in a text that
// is kept or echoed (comments, channels, complaint types, names, header
// texts, quarantined cells):
//
//   - a mainland mobile keeps its first 3 and last 4 digits:
//     13800138000, 138-0013-8000, ＋86 138 0013 8000 → 138****8000 (a
//     country prefix is kept as "+86 ");
//   - a landline keeps its area code and last 4 digits: 010-12345678,
//     (010)12345678, 0755 1234567 → 010-****5678, 0755-****4567; with
//     +86 and no leading 0: +86 10 12345678 → +86 10-****5678;
//   - an e-mail keeps the first character of its local part and the
//     domain: zhang.san@example.com → z***@example.com.
//
// A digit run longer than the number it starts with (an order or ticket
// number) is left as it is, and so is everything else.
func maskFreeText(s string) string {
	if !maybePersonal(s) {
		return s
	}
	if strings.ContainsAny(s, "@＠") {
		s = emailRE.ReplaceAllStringFunc(s, maskEmail)
	}
	var b strings.Builder
	last := 0
	for pos := 0; pos < len(s); {
		l := phoneRE.FindStringIndex(s[pos:])
		if l == nil {
			break
		}
		i, j := pos+l[0], pos+l[1]
		m, ok := maskPhone(s[i:j])
		if !ok || digitBefore(s, i) || digitAfter(s, j) {
			// Not a number on its own: look again from the next character,
			// a shorter match may start inside this one.
			_, n := utf8.DecodeRuneInString(s[i:])
			pos = i + n
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(m)
		last, pos = j, j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// maybePersonal is the cheap test: an @ or at least 7 digits.
func maybePersonal(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r == '@' || r == '＠':
			return true
		case isAnyDigit(r):
			if n++; n >= 7 {
				return true
			}
		}
	}
	return false
}

func isAnyDigit(r rune) bool { return '0' <= r && r <= '9' || '０' <= r && r <= '９' }

func digitBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return i > 0 && isAnyDigit(r)
}

func digitAfter(s string, j int) bool {
	r, _ := utf8.DecodeRuneInString(s[j:])
	return j < len(s) && isAnyDigit(r)
}

// maskPhone masks one phone number matched by phoneRE.
func maskPhone(m string) (string, bool) {
	plus := strings.HasPrefix(m, "+") || strings.HasPrefix(m, "＋")
	var d []byte
	for _, r := range m {
		switch {
		case '0' <= r && r <= '9':
			d = append(d, byte(r))
		case '０' <= r && r <= '９':
			d = append(d, byte(r-'０'+'0'))
		}
	}
	prefix := ""
	rest := string(d)
	switch {
	case plus && strings.HasPrefix(rest, "86"):
		prefix, rest = "+86 ", rest[2:]
	case strings.HasPrefix(rest, "0086"):
		prefix, rest = "+86 ", rest[4:]
	case strings.HasPrefix(rest, "86") && len(rest) == 13 && rest[2] == '1':
		prefix, rest = "+86 ", rest[2:]
	}
	if len(rest) == 11 && rest[0] == '1' && rest[1] >= '3' {
		return prefix + rest[:3] + "****" + rest[7:], true
	}
	national, code := rest, ""
	switch {
	case strings.HasPrefix(rest, "0"):
		national, code = rest[1:], "0"
	case prefix == "":
		return "", false // no area code: not a phone number
	}
	area := 3 // 0755, 0571: three digits after the 0
	if national != "" && (national[0] == '1' || national[0] == '2') {
		area = 2 // 010, 020-029
	}
	if len(national) < area+7 || len(national) > area+8 {
		return "", false
	}
	local := national[area:]
	return prefix + code + national[:area] + "-****" + local[len(local)-4:], true
}

// maskEmail keeps the first character of the local part and the domain.
func maskEmail(m string) string {
	at := strings.IndexAny(m, "@＠")
	_, n := utf8.DecodeRuneInString(m)
	return m[:n] + "***@" + m[at+len(string([]rune(m[at:])[0])):]
}

// looksPersonal reports whether a header text names customer contact data
// that no field maps: such an unknown column is masked like customer_phone.
func looksPersonal(normalized string) bool {
	for _, w := range personalWords {
		if strings.Contains(normalized, w) {
			return true
		}
	}
	return false
}

var personalWords = []string{
	"电话", "手机", "联系方式", "联系人", "邮箱", "邮件", "姓名", "客户名", "客户编号", "客户id", "身份证", "地址", "微信号",
	"phone", "mobile", "e-mail", "email", "customer", "contact", "address",
}
