package ingest

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseTimestamp(t *testing.T) {
	sh := func(y int, m time.Month, d, hh, mm, ss, ms int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, ms*1_000_000, shanghai).UTC()
	}
	tests := []struct {
		in   string
		want time.Time // zero: must fail
	}{
		{"2026-09-01 10:04:05", sh(2026, 9, 1, 10, 4, 5, 0)},
		{"2026-09-01 10:04", sh(2026, 9, 1, 10, 4, 0, 0)},
		{"2026/9/1 8:04", sh(2026, 9, 1, 8, 4, 0, 0)},
		{"2026/9/1 08:04:59", sh(2026, 9, 1, 8, 4, 59, 0)},
		{"2026/09/01 23:59:59", sh(2026, 9, 1, 23, 59, 59, 0)},
		{"2026-9-1 7:05", sh(2026, 9, 1, 7, 5, 0, 0)},
		{"2026.9.1 7:05", sh(2026, 9, 1, 7, 5, 0, 0)},
		{"2026-09-01T10:04:05", sh(2026, 9, 1, 10, 4, 5, 0)},
		{"2026-09-01T10:04:05.123", sh(2026, 9, 1, 10, 4, 5, 123)},
		{"2026-09-01T10:04:05.123456789", sh(2026, 9, 1, 10, 4, 5, 123)},
		{"2026-09-01 10:04:05.5", sh(2026, 9, 1, 10, 4, 5, 500)},
		{"2026-09-01T10:04:05Z", time.Date(2026, 9, 1, 10, 4, 5, 0, time.UTC)},
		{"2026-09-01T10:04:05.250Z", time.Date(2026, 9, 1, 10, 4, 5, 250_000_000, time.UTC)},
		{"2026-09-01T10:04:05+08:00", time.Date(2026, 9, 1, 2, 4, 5, 0, time.UTC)},
		{"2026-09-01T10:04:05-0530", time.Date(2026, 9, 1, 15, 34, 5, 0, time.UTC)},
		{"2026-09-01T10:04:05+09", time.Date(2026, 9, 1, 1, 4, 5, 0, time.UTC)},
		{"2026-09-01 10:04:05 +08:00", time.Date(2026, 9, 1, 2, 4, 5, 0, time.UTC)},
		{"2026年9月1日 10:04", sh(2026, 9, 1, 10, 4, 0, 0)},
		{"2026年09月01日 10:04:05", sh(2026, 9, 1, 10, 4, 5, 0)},
		{"2026年9月1日10:04", sh(2026, 9, 1, 10, 4, 0, 0)},
		{"2026年9月1日", sh(2026, 9, 1, 0, 0, 0, 0)},
		{"2026年9月1号", sh(2026, 9, 1, 0, 0, 0, 0)},
		{"2026-09-01", sh(2026, 9, 1, 0, 0, 0, 0)},
		{"2026/9/1", sh(2026, 9, 1, 0, 0, 0, 0)},
		{"  2026/9/1 8:04  ", sh(2026, 9, 1, 8, 4, 0, 0)},
		{"２０２６－０９－０１　１０：０４", sh(2026, 9, 1, 10, 4, 0, 0)}, // full-width
		{"2024-02-29", sh(2024, 2, 29, 0, 0, 0, 0)},
		{"2026-01-01 00:00:00", sh(2026, 1, 1, 0, 0, 0, 0)},
		{"2026-12-31 23:59", sh(2026, 12, 31, 23, 59, 0, 0)},
		// failures
		{"", time.Time{}},
		{"2026", time.Time{}},
		{"2026-09", time.Time{}},
		{"2026-13-01", time.Time{}},
		{"2026-02-29", time.Time{}},
		{"2026-09-31", time.Time{}},
		{"2026-09-00", time.Time{}},
		{"2026-09-01 24:00", time.Time{}},
		{"2026-09-01 10:60", time.Time{}},
		{"2026-09-01 10:04:60", time.Time{}},
		{"2026-09-01 10", time.Time{}},
		{"2026-09-01 10:4", time.Time{}},
		{"2026-09/01", time.Time{}},
		{"2026-09-01x", time.Time{}},
		{"2026-09-01 10:04:05.", time.Time{}},
		{"2026-09-01T10:04:05+25:00", time.Time{}},
		{"26-09-01", time.Time{}},
		{"20260901", time.Time{}},
		{"45901.5", time.Time{}},
		{"0999-01-01", time.Time{}},
		{"2026年9月1", time.Time{}},
		{"2026-009-01", time.Time{}},
		{"not a date", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTimestamp(tc.in, shanghai)
			if tc.want.IsZero() {
				if err == nil {
					t.Fatalf("ParseTimestamp(%q) = %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTimestamp(%q): %v", tc.in, err)
			}
			if !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Fatalf("ParseTimestamp(%q) = %v, want %v (UTC)", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseTimestampOtherZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("loading zone: %v", err)
	}
	got, err := ParseTimestamp("2026-07-01 12:00", ny)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 7, 1, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2026-09-01 10:04:05", "2026/9/1 8:04", "2026-09-01T10:04:05.123+08:00",
		"2026年9月1日 10:04", "2026-02-29", "2026-09-01T10:04:05Z", "９", "2026-09-01 10:04:05 -0530", "2026年"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseTime(s, shanghai)
		if !ok {
			return
		}
		if got.Location() != time.UTC || got.Nanosecond()%1_000_000 != 0 {
			t.Fatalf("parseTime(%q) = %v: want UTC, whole milliseconds", s, got)
		}
		if y := got.Year(); y < 1899 || y > 10000 {
			t.Fatalf("parseTime(%q) = %v: year out of range", s, got)
		}
		// Writing the result back in the same zone must parse to the same instant.
		back := got.In(shanghai).Format("2006-01-02 15:04:05.000")
		again, ok := parseTime(back, shanghai)
		if !ok || !again.Equal(got) {
			t.Fatalf("parseTime(%q) = %v; reparsing %q gives %v, %v", s, got, back, again, ok)
		}
	})
}

func TestParseExcelSerial(t *testing.T) {
	tests := []struct {
		in       string
		date1904 bool
		want     time.Time
	}{
		{"45901", false, shanghaiTime(2025, 9, 1, 0, 0, 0)},
		{"46266.5", false, shanghaiTime(2026, 9, 1, 12, 0, 0)},
		{"46266.4375", false, shanghaiTime(2026, 9, 1, 10, 30, 0)},
		{"46266.999999999", false, shanghaiTime(2026, 9, 2, 0, 0, 0)}, // rounds to the next midnight
		{"1", false, shanghaiTime(1900, 1, 1, 0, 0, 0)},
		{"59", false, shanghaiTime(1900, 2, 28, 0, 0, 0)},
		{"61", false, shanghaiTime(1900, 3, 1, 0, 0, 0)},
		{"44804", true, shanghaiTime(2026, 9, 1, 0, 0, 0)},
		{"60", false, time.Time{}},
		{"0", false, time.Time{}},
		{"-1", false, time.Time{}},
		{"3000000", false, time.Time{}},
		{"1e5", false, time.Time{}},
		{"abc", false, time.Time{}},
		{"", false, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseExcelSerial(tc.in, shanghai, tc.date1904)
			if tc.want.IsZero() {
				if ok {
					t.Fatalf("parseExcelSerial(%q) = %v, want failure", tc.in, got)
				}
				return
			}
			if !ok || !got.Equal(tc.want) {
				t.Fatalf("parseExcelSerial(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
			}
		})
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in       string
		want, ok bool
	}{
		{"是", true, true}, {"否", false, true}, {"Y", true, true}, {"n", false, true},
		{"yes", true, true}, {"YES", true, true}, {"No", false, true}, {"true", true, true},
		{"FALSE", false, true}, {"1", true, true}, {"0", false, true}, {"", false, true},
		{"  是 ", true, true}, {"Ｙ", true, true}, {"ＴＲＵＥ", true, true},
		{"2", false, false}, {"maybe", false, false}, {"对", false, false}, {"yes!", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseBool(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("parseBool(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 1200, true}, {"12.5", 1250, true}, {"12.50", 1250, true}, {"0.01", 1, true},
		{".5", 50, true}, {"5.", 500, true}, {"1,234.50", 123450, true}, {"1,234,567", 123456700, true},
		{"¥12.30", 1230, true}, {"￥ 12.30", 1230, true}, {"12.30元", 1230, true}, {" 1 234 ", 0, false}, {" 1234 ", 123400, true},
		{"-12.30", -1230, true}, {"¥-12.30", -1230, true}, {"-¥12.30", -1230, true}, {"+3", 300, true},
		{"RMB 100", 10000, true}, {"０.５", 50, true}, {"999999999999999.99", 99999999999999999, true},
		{"12.345", 0, false}, {"12,34", 0, false}, {"1,2345", 0, false}, {",123", 0, false},
		{"abc", 0, false}, {"", 0, false}, {"¥", 0, false}, {"1.2.3", 0, false}, {"-", 0, false},
		{".", 0, false}, {"1e3", 0, false}, {"1234567890123456", 0, false}, {"12$", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseDecimal2(tc.in, true)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("parseDecimal2(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestParseRating(t *testing.T) {
	tests := []struct {
		in     string
		want   int32
		reason string
	}{
		{"5", 5, ""}, {"1", 1, ""}, {"5.0", 5, ""}, {"4.00", 4, ""}, {"5分", 5, ""}, {"3 分", 3, ""},
		{"４", 4, ""}, {"非常满意", 5, ""}, {"满意", 4, ""}, {"一般", 3, ""}, {"不满意", 2, ""},
		{"非常不满意", 1, ""}, {"Very Satisfied", 5, ""}, {"satisfied", 4, ""}, {"neutral", 3, ""},
		{"Dissatisfied", 2, ""}, {"very  dissatisfied", 1, ""}, {" 满意 ", 4, ""},
		{"0", 0, ReasonOutOfRange}, {"6", 0, ReasonOutOfRange}, {"4.5", 0, ReasonOutOfRange},
		{"-1", 0, ReasonOutOfRange}, {"10分", 0, ReasonOutOfRange},
		{"good", 0, ReasonUnknownValue}, {"满意度高", 0, ReasonUnknownValue}, {"4.55", 0, ReasonOutOfRange}, {"4.555", 0, ReasonOutOfRange}, {"5 stars", 0, ReasonUnknownValue},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, reason := parseRating(tc.in)
			if got != tc.want || reason != tc.reason {
				t.Fatalf("parseRating(%q) = %d, %q; want %d, %q", tc.in, got, reason, tc.want, tc.reason)
			}
		})
	}
}

func TestParseMonth(t *testing.T) {
	tests := []struct {
		in   string
		xlsx bool
		want string
	}{
		{"2026-09", false, "2026-09"}, {"2026-9", false, "2026-09"}, {"2026/9", false, "2026-09"},
		{"2026/09", false, "2026-09"}, {"2026.9", false, "2026-09"}, {"2026年9月", false, "2026-09"},
		{"2026年09月", false, "2026-09"}, {"202609", false, "2026-09"}, {"2026-09-15", false, "2026-09"},
		{"2026/9/30 23:00", false, "2026-09"}, {"2026年9月1日", false, "2026-09"},
		{"2026-08-31T20:00:00Z", false, "2026-09"}, // 04:00 on 1 September in Shanghai
		{"46266", true, "2026-09"}, {"２０２６－０９", false, "2026-09"},
		{"46266", false, ""}, {"2026-13", false, ""}, {"2026-00", false, ""}, {"2026", false, ""},
		{"202613", false, ""}, {"September", false, ""}, {"", false, ""}, {"2026-09-", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseMonth(tc.in, shanghai, tc.xlsx, false)
			if got != tc.want || ok != (tc.want != "") {
				t.Fatalf("parseMonth(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
			}
		})
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"2", 2, true}, {"2.0", 2, true}, {"3次", 3, true}, {"-1", -1, true},
		{"1.5", 0, false}, {"x", 0, false}, {"", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseCount(tc.in)
			if got != tc.want || (err == nil) != tc.ok {
				t.Fatalf("parseCount(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestEvaluationKind(t *testing.T) {
	tests := []struct{ in, want string }{
		{"exam_score", "exam_score"}, {"Exam Score", "exam_score"}, {"peer-review", "peer_review"},
		{"专业技能考试", "exam_score"}, {"考试成绩", "exam_score"}, {"责任心", "responsibility_incident"},
		{"推诿", "responsibility_incident"}, {"责任心事故", "responsibility_incident"},
		{"服务态度投诉", "attitude_complaint"}, {"沟通失误", "communication_error"},
		{"问题解决评分", "problem_solving"}, {"内部协作满意度", "peer_review"},
		{"responsibility_incident", "responsibility_incident"}, {"communication_error", "communication_error"},
		{"attitude_complaint", "attitude_complaint"}, {"problem_solving", "problem_solving"},
		{"出勤", ""}, {"exam", ""}, {"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := evaluationKind(normalizeValue(tc.in))
			if got != tc.want || ok != (tc.want != "") {
				t.Fatalf("evaluationKind(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
			}
		})
	}
}

func TestSurveyMethod(t *testing.T) {
	tests := []struct{ in, want string }{
		{"问卷", "questionnaire"}, {"问卷调查", "questionnaire"}, {"Questionnaire", "questionnaire"},
		{"电话", "phone"}, {"电话回访", "phone"}, {"phone", "phone"}, {"在线", "online"},
		{"网页", "online"}, {"微信", "online"}, {"微信公众号", "online"}, {"ONLINE", "online"},
		{"短信", "短信"}, {"上门", "上门"}, {"Email", "Email"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := surveyMethod(tc.in, normalizeValue(tc.in)); got != tc.want {
				t.Fatalf("surveyMethod(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestXLSXNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"12.5", "12.5"}, {"0.30000000000000004", "0.3"}, {"1234.5600000000001", "1234.56"},
		{"1.5E-2", "0.015"}, {"1E+3", "1000"}, {"46266.437500000007", "46266.4375"},
		{"T0001", "T0001"}, {"", ""}, {"12345678901234567890", "12345678901234600000"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := xlsxNumber(tc.in); got != tc.want {
				t.Fatalf("xlsxNumber(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTruncateRunes(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"}, {"abcdef", 3, "abc"}, {"中文字符", 2, "中文"}, {"中文", 2, "中文"}, {"", 3, ""},
	}
	for _, tc := range tests {
		if got := truncateRunes(tc.in, tc.n); got != tc.want {
			t.Errorf("truncateRunes(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
	long := strings.Repeat("满", 5000)
	if got := truncateRunes(long, MaxCommentRunes); utf8.RuneCountInString(got) != MaxCommentRunes {
		t.Errorf("cut to %d runes, want %d", utf8.RuneCountInString(got), MaxCommentRunes)
	}
}
