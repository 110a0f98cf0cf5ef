package calendar

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMonth(t *testing.T) {
	good := []struct {
		in   string
		want Month
	}{
		{"2026-09", Month{2026, time.September}},
		{"2026-01", Month{2026, time.January}},
		{"2026-12", Month{2026, time.December}},
		{"0001-01", Month{1, time.January}},
		{"9999-12", Month{9999, time.December}},
	}
	for _, tt := range good {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMonth(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.in, got.String())
		})
	}
	bad := []string{"", "2026", "2026-9", "2026-00", "2026-13", "2026/09", "2026-09-01", " 2026-09", "2026-09 ",
		"26-09", "+026-09", "2026--9", "0000-01", "２０２６-09", "2026-0a", "2026-1\x00"}
	for _, in := range bad {
		t.Run("bad "+in, func(t *testing.T) {
			_, err := ParseMonth(in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), strconv.Quote(in), "the error names the input")
		})
	}
}

func TestMonthAdd(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-09", 0, "2026-09"},
		{"2026-09", 1, "2026-10"},
		{"2026-12", 1, "2027-01"},
		{"2026-01", -1, "2025-12"},
		{"2026-01", -13, "2024-12"},
		{"2026-01", -12, "2025-01"},
		{"2026-03", -3, "2025-12"},
		{"2025-11", 14, "2027-01"},
		{"2026-09", 24, "2028-09"},
		{"0001-01", -1, "0000-12"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			m, err := ParseMonth(tt.from)
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.Add(tt.n).String())
			assert.Equal(t, m, m.Add(tt.n).Add(-tt.n), "Add(-n) undoes Add(n)")
		})
	}
}

func TestMonthDays(t *testing.T) {
	tests := []struct {
		month       string
		first, last string
	}{
		{"2026-02", "2026-02-01", "2026-02-28"},
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2026-12", "2026-12-01", "2026-12-31"},
		{"2026-09", "2026-09-01", "2026-09-30"},
	}
	for _, tt := range tests {
		t.Run(tt.month, func(t *testing.T) {
			m, err := ParseMonth(tt.month)
			require.NoError(t, err)
			assert.Equal(t, tt.first, m.firstDay().String())
			assert.Equal(t, tt.last, m.lastDay().String())
		})
	}
}

func TestMonthInShanghai(t *testing.T) {
	loc := shanghai(t)
	m := Month{2026, time.September}
	assert.Equal(t, time.Date(2026, 8, 31, 16, 0, 0, 0, time.UTC), m.Start(loc).UTC())
	assert.Equal(t, time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), m.End(loc).UTC())
	assert.Equal(t, loc, m.Start(loc).Location())

	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"last ms before", time.Date(2026, 8, 31, 15, 59, 59, 999_000_000, time.UTC), false},
		{"first instant", time.Date(2026, 8, 31, 16, 0, 0, 0, time.UTC), true},
		{"middle", time.Date(2026, 9, 15, 12, 0, 0, 0, loc), true},
		{"last ms", time.Date(2026, 9, 30, 15, 59, 59, 999_000_000, time.UTC), true},
		{"end is exclusive", time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, m.contains(tt.t, loc))
			assert.Equal(t, tt.want, MonthOf(tt.t, loc) == m)
		})
	}
	// The same instant is in August in UTC.
	assert.Equal(t, Month{2026, time.August}, MonthOf(time.Date(2026, 8, 31, 16, 0, 0, 0, time.UTC), time.UTC))
	assert.Equal(t, civilDate{2026, 9, 1}, dateOf(time.Date(2026, 8, 31, 16, 0, 0, 0, time.UTC), loc))
}

func TestMonthCompareAndJSON(t *testing.T) {
	a, b := Month{2025, time.December}, Month{2026, time.January}
	assert.True(t, a.before(b))
	assert.True(t, b.after(a))
	assert.Equal(t, 0, a.compare(a))
	assert.Equal(t, -1, a.compare(b))

	var v struct {
		Month Month `json:"month"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"month":"2026-09"}`), &v))
	assert.Equal(t, Month{2026, time.September}, v.Month)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"month":"2026-09"}`, string(out))
	assert.ErrorContains(t, json.Unmarshal([]byte(`{"month":"2026-9"}`), &v), `"2026-9"`)
	_, err = json.Marshal(struct{ M Month }{})
	assert.Error(t, err, "the zero month is not written")
}

func TestDate(t *testing.T) {
	d := civilDate{2025, time.December, 31}
	assert.Equal(t, "2026-01-01", d.AddDays(1).String())
	assert.Equal(t, "2025-12-01", d.AddDays(-30).String())
	assert.Equal(t, "2024-02-29", civilDate{2024, 3, 1}.AddDays(-1).String())
	assert.Equal(t, time.Wednesday, d.Weekday())
	assert.Equal(t, time.Saturday, civilDate{2026, 10, 10}.Weekday())
	assert.True(t, d.before(d.AddDays(1)))
	assert.True(t, d.AddDays(1).after(d))
	assert.Equal(t, 1, civilDate{2026, 2, 1}.compare(civilDate{2026, 1, 31}))
	assert.Equal(t, -1, civilDate{2025, 12, 31}.compare(civilDate{2026, 1, 1}))
	assert.Equal(t, 0, d.compare(d))

	for _, s := range []string{"2026-02-29", "2026-00-01", "2026-01-00", "2026-1-01", "2026-01-32", "20260101", "0000-01-01"} {
		_, err := parseDate(s)
		assert.ErrorContains(t, err, `"`+s+`"`, s)
	}
	got, err := parseDate("2024-02-29")
	require.NoError(t, err)
	assert.Equal(t, civilDate{2024, 2, 29}, got)
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-09", "0001-01", "9999-12", "2026-13", "2026-9", "", "abcd-ef", "2026-09-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			return
		}
		if !m.Valid() {
			t.Fatalf("ParseMonth(%q) = %v, not valid", s, m)
		}
		if m.String() != s {
			t.Fatalf("ParseMonth(%q).String() = %q", s, m.String())
		}
		if m.Add(1).Add(-1) != m {
			t.Fatalf("Add(1).Add(-1) of %v = %v", m, m.Add(1).Add(-1))
		}
		if !m.lastDay().Valid() || m.lastDay().AddDays(1) != m.Add(1).firstDay() {
			t.Fatalf("LastDay of %v = %v", m, m.lastDay())
		}
	})
}
