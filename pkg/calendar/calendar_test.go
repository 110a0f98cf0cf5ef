package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai without relying on the host's zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	return loc
}

func mustDate(t testing.TB, s string) civilDate {
	t.Helper()
	d, err := parseDate(s)
	require.NoError(t, err)
	return d
}

// cal2027 is a test calendar that covers 2027 (one made-up holiday), so the
// step from 2027 into 2028 can be tested on a covered year.
const cal2027 = `{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}`

func TestEndOfNthWorkingDay(t *testing.T) {
	loc := shanghai(t)
	cal := MainlandChina()
	tests := []struct {
		name    string
		cal     *Calendar
		created time.Time
		n       int
		want    string // deadline date; the time is always 23:59:59.999 local
		wantErr string // substring of the error; ErrNotCovered is checked too
	}{
		{name: "friday: 3rd working day is wednesday",
			created: time.Date(2026, 3, 6, 10, 0, 0, 0, loc), n: 3, want: "2026-03-11"},
		{name: "friday late evening",
			created: time.Date(2026, 3, 6, 23, 59, 59, 0, loc), n: 3, want: "2026-03-11"},
		{name: "saturday",
			created: time.Date(2026, 3, 7, 9, 0, 0, 0, loc), n: 3, want: "2026-03-11"},
		{name: "sunday",
			created: time.Date(2026, 3, 8, 9, 0, 0, 0, loc), n: 3, want: "2026-03-11"},
		{name: "date is taken in the time zone: UTC thursday evening is shanghai friday",
			created: time.Date(2026, 3, 5, 23, 30, 0, 0, time.UTC), n: 3, want: "2026-03-11"},
		{name: "first working day",
			created: time.Date(2026, 3, 9, 9, 0, 0, 0, loc), n: 1, want: "2026-03-10"},
		{name: "make-up sunday 2026-09-20 counts",
			created: time.Date(2026, 9, 18, 9, 0, 0, 0, loc), n: 3, want: "2026-09-22"},
		{name: "中秋 2026-09-25..27 off",
			created: time.Date(2026, 9, 24, 9, 0, 0, 0, loc), n: 3, want: "2026-09-30"},
		{name: "国庆 2026: oct 1-7 off, make-up saturday oct 10 counts",
			created: time.Date(2026, 9, 30, 18, 0, 0, 0, loc), n: 3, want: "2026-10-10"},
		{name: "created on a holiday (国庆 saturday)",
			created: time.Date(2026, 10, 3, 12, 0, 0, 0, loc), n: 3, want: "2026-10-10"},
		{name: "created on a weekday holiday (劳动节 friday)",
			created: time.Date(2026, 5, 1, 12, 0, 0, 0, loc), n: 3, want: "2026-05-08"},
		{name: "春节 2026: make-up saturday feb 14, then feb 15-23 off",
			created: time.Date(2026, 2, 12, 9, 0, 0, 0, loc), n: 3, want: "2026-02-24"},
		{name: "春节 2026: make-up saturday feb 28",
			created: time.Date(2026, 2, 26, 9, 0, 0, 0, loc), n: 3, want: "2026-03-02"},
		{name: "year boundary 2025-12-31 into 元旦 2026 and make-up sunday jan 4",
			created: time.Date(2025, 12, 31, 9, 0, 0, 0, loc), n: 3, want: "2026-01-06"},
		{name: "2026 into unpublished 2027 is an error, not a guess",
			created: time.Date(2026, 12, 30, 9, 0, 0, 0, loc), n: 3, wantErr: "2027-01-01"},
		{name: "dec 2027 into uncovered 2028",
			cal:     mustOverride(t, cal, cal2027),
			created: time.Date(2027, 12, 29, 9, 0, 0, 0, loc), n: 3, wantErr: "2028-01-01"},
		{name: "created before the first covered year",
			created: time.Date(2023, 12, 29, 9, 0, 0, 0, loc), n: 3, wantErr: "2023-12-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cal
			if tt.cal != nil {
				c = tt.cal
			}
			got, err := c.EndOfNthWorkingDay(tt.created, tt.n, loc)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrNotCovered)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			want := mustDate(t, tt.want)
			assert.Equal(t, time.Date(want.Year, want.Month, want.Day, 23, 59, 59, 999_000_000, loc), got)
			assert.Equal(t, loc, got.Location())
			assert.Equal(t, time.Millisecond, want.AddDays(1).start(loc).Sub(got), "deadline is the last millisecond of the day")
		})
	}
}

func mustOverride(t testing.TB, c *Calendar, files ...string) *Calendar {
	t.Helper()
	srcs := make([]Source, len(files))
	for i, f := range files {
		srcs[i] = Source{Name: fmt.Sprintf("override %d", i+1), Data: []byte(f)}
	}
	o, err := c.Override(srcs...)
	require.NoError(t, err)
	return o
}

func TestEndOfNthWorkingDayNilLocation(t *testing.T) {
	_, err := MainlandChina().EndOfNthWorkingDay(time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC), 3, nil)
	assert.ErrorContains(t, err, "nil time zone")
}

func TestIsWorkingDay(t *testing.T) {
	cal := MainlandChina()
	tests := []struct {
		date    civilDate
		want    bool
		wantErr error
	}{
		{date: civilDate{2026, 3, 9}, want: true},                   // Monday
		{date: civilDate{2026, 3, 13}, want: true},                  // Friday
		{date: civilDate{2026, 3, 7}, want: false},                  // Saturday
		{date: civilDate{2026, 3, 8}, want: false},                  // Sunday
		{date: civilDate{2026, 9, 20}, want: true},                  // Sunday, 国庆 make-up
		{date: civilDate{2026, 10, 10}, want: true},                 // Saturday, 国庆 make-up
		{date: civilDate{2026, 10, 1}, want: false},                 // Thursday, 国庆
		{date: civilDate{2026, 10, 7}, want: false},                 // Wednesday, 国庆
		{date: civilDate{2026, 10, 8}, want: true},                  // Thursday after 国庆
		{date: civilDate{2026, 2, 14}, want: true},                  // Saturday, 春节 make-up
		{date: civilDate{2026, 2, 28}, want: true},                  // Saturday, 春节 make-up
		{date: civilDate{2026, 2, 23}, want: false},                 // Monday, 春节
		{date: civilDate{2024, 2, 4}, want: true},                   // Sunday, 2024 春节 make-up
		{date: civilDate{2024, 12, 31}, want: true},                 // Tuesday
		{date: civilDate{2025, 10, 8}, want: false},                 // Wednesday, 2025 国庆/中秋
		{date: civilDate{2025, 5, 31}, want: false},                 // Saturday, 端午
		{date: civilDate{2027, 3, 1}, wantErr: ErrNotCovered},       // 2027 file lists no days
		{date: civilDate{2023, 12, 29}, wantErr: ErrNotCovered},     // before 2024
		{date: civilDate{2028, 1, 3}, wantErr: ErrNotCovered},       // after 2027
		{date: civilDate{2026, 2, 29}, wantErr: errInvalidSentinel}, // no such date
	}
	for _, tt := range tests {
		t.Run(tt.date.String(), func(t *testing.T) {
			got, err := cal.isWorkingDay(tt.date)
			switch {
			case tt.wantErr == errInvalidSentinel:
				assert.ErrorContains(t, err, "not a valid date")
			case tt.wantErr != nil:
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Contains(t, err.Error(), tt.date.String(), "the error names the date")
			default:
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

var errInvalidSentinel = errors.New("test: invalid date")

func TestUnpublishedYearError(t *testing.T) {
	_, err := MainlandChina().isWorkingDay(civilDate{2027, 6, 1})
	require.ErrorIs(t, err, ErrNotCovered)
	assert.Contains(t, err.Error(), "embedded 2027.json lists no days")

	_, err = MainlandChina().isWorkingDay(civilDate{2030, 6, 1})
	require.ErrorIs(t, err, ErrNotCovered)
	assert.Contains(t, err.Error(), "covers 2024, 2025, 2026")
}

func TestWorkingDaysInMonth(t *testing.T) {
	// Counted by hand from the calendar: days in month, minus weekend days,
	// minus weekday holidays, plus make-up days.
	tests := []struct {
		month string
		want  int
	}{
		{"2026-03", 31 - 9 - 0 + 0},  // no holiday
		{"2026-10", 31 - 9 - 5 + 1},  // 国庆 1,2,5,6,7 on weekdays; make-up sat 10
		{"2026-02", 28 - 8 - 6 + 2},  // 春节 16-20, 23 on weekdays; make-up 14, 28
		{"2026-01", 31 - 9 - 2 + 1},  // 元旦 1, 2 on weekdays; make-up sun 4
		{"2024-12", 31 - 9 - 0 + 0},  // no holiday
		{"2025-10", 31 - 8 - 6 + 1},  // 国庆/中秋 1-3, 6-8 on weekdays; make-up sat 11
		{"2025-09", 30 - 8 - 0 + 1},  // make-up sun 28
		{"2024-02", 29 - 8 - 5 + 2},  // 春节 12-16 on weekdays; make-up sun 4, sun 18
		{"2024-06", 30 - 10 - 1 + 0}, // 端午 mon 10
	}
	cal := MainlandChina()
	for _, tt := range tests {
		t.Run(tt.month, func(t *testing.T) {
			m, err := ParseMonth(tt.month)
			require.NoError(t, err)
			n := 0
			for d := m.firstDay(); !d.after(m.lastDay()); d = d.AddDays(1) {
				ok, err := cal.isWorkingDay(d)
				require.NoError(t, err)
				if ok {
					n++
				}
			}
			assert.Equal(t, tt.want, n)
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := MainlandChina()
	tests := []struct {
		from    string
		n       int
		want    string
		wantErr string
	}{
		{from: "2026-03-06", n: 1, want: "2026-03-09"},
		{from: "2026-03-09", n: 5, want: "2026-03-16"},
		{from: "2026-09-30", n: 1, want: "2026-10-08"},
		{from: "2026-09-30", n: 4, want: "2026-10-12"},
		{from: "2024-12-31", n: 1, want: "2025-01-02"},
		{from: "2026-03-06", n: 0, wantErr: "n must be at least 1"},
		{from: "2026-03-06", n: -1, wantErr: "n must be at least 1"},
		{from: "2026-12-31", n: 1, wantErr: "2027-01-01"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s+%d", tt.from, tt.n), func(t *testing.T) {
			got, err := cal.addWorkingDays(mustDate(t, tt.from), tt.n)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

// TestEmbeddedFiles checks every embedded holiday-cn file against an
// independent decoding of the same JSON.
func TestEmbeddedFiles(t *testing.T) {
	cal := MainlandChina()
	paths, err := filepath.Glob("holidaycn/*.json")
	require.NoError(t, err)
	require.Len(t, paths, 4)
	wantCounts := map[int][2]int{ // year -> {days off, make-up days}, counted in the files
		2024: {28, 8},
		2025: {28, 5},
		2026: {33, 6},
		2027: {0, 0},
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			_, err = parse(b)
			require.NoError(t, err, "the file parses on its own")

			var f struct {
				Year int
				Days []struct {
					Name     string
					Date     string
					IsOffDay bool
				}
			}
			require.NoError(t, json.Unmarshal(b, &f))
			require.Equal(t, strings.TrimSuffix(filepath.Base(p), ".json"), fmt.Sprint(f.Year))

			off, makeUp := 0, 0
			for _, d := range f.Days {
				if d.IsOffDay {
					off++
				} else {
					makeUp++
				}
			}
			assert.Equal(t, wantCounts[f.Year], [2]int{off, makeUp})

			got := cal.listedDays(f.Year)
			require.Len(t, got, len(f.Days))
			for i, d := range f.Days {
				assert.Equal(t, d.Date, got[i].Date.String())
				assert.Equal(t, d.Name, got[i].Name)
				assert.Equal(t, d.IsOffDay, got[i].OffDay)
			}
			assert.Equal(t, len(f.Days) > 0, cal.covers(f.Year))
		})
	}
	assert.Equal(t, []int{2024, 2025, 2026}, cal.coveredYears())
	license, err := holidayCN.ReadFile("holidaycn/LICENSE")
	require.NoError(t, err)
	assert.Contains(t, string(license), "MIT License")
	assert.Same(t, cal, MainlandChina(), "parsed once and shared")
}

func TestParseValidation(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		wantErr string
	}{
		{name: "no files", wantErr: "no files"},
		{name: "not json", files: []string{`{"year":`}, wantErr: "calendar file 1"},
		{name: "missing year", files: []string{`{"days": []}`}, wantErr: `missing "year"`},
		{name: "year zero", files: []string{`{"year": 0, "days": []}`}, wantErr: "year 0 out of range"},
		{name: "missing days", files: []string{`{"year": 2026}`}, wantErr: `missing "days"`},
		{name: "date outside its year", files: []string{`{"year": 2026, "days": [{"name": "x", "date": "2025-10-01", "isOffDay": true}]}`},
			wantErr: "date 2025-10-01 is not in year 2026"},
		{name: "not a date", files: []string{`{"year": 2026, "days": [{"name": "x", "date": "2026-02-30", "isOffDay": true}]}`},
			wantErr: `days[0]: parsing date "2026-02-30"`},
		{name: "sloppy date", files: []string{`{"year": 2026, "days": [{"name": "x", "date": "2026-2-3", "isOffDay": true}]}`},
			wantErr: `parsing date "2026-2-3"`},
		{name: "missing isOffDay", files: []string{`{"year": 2026, "days": [{"name": "x", "date": "2026-10-01"}]}`},
			wantErr: `missing "isOffDay"`},
		{name: "duplicate date", files: []string{`{"year": 2026, "days": [{"name": "x", "date": "2026-10-01", "isOffDay": true}, {"name": "y", "date": "2026-10-01", "isOffDay": false}]}`},
			wantErr: "days[1]: date 2026-10-01 listed twice"},
		{name: "duplicate year", files: []string{`{"year": 2026, "days": []}`, `{"year": 2026, "days": []}`},
			wantErr: "calendar file 2: year 2026 is also given by calendar file 1"},
		{name: "valid", files: []string{cal2027, `{"year": 2028, "days": []}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs := make([][]byte, len(tt.files))
			for i, f := range tt.files {
				bs[i] = []byte(f)
			}
			c, err := parse(bs...)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				assert.Nil(t, c)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []int{2027}, c.coveredYears())
		})
	}
}

func TestParseSourcesNamesTheKey(t *testing.T) {
	_, err := parseSources(Source{Name: "config/calendar/2026.json", Data: []byte(`{"year": 2026, "days": [{"date": "2026-13-01", "isOffDay": true}]}`)})
	assert.ErrorContains(t, err, "parsing config/calendar/2026.json: days[0]")
}

func TestOverride(t *testing.T) {
	base := MainlandChina()
	o := mustOverride(t, base, cal2027)
	assert.Equal(t, []int{2024, 2025, 2026, 2027}, o.coveredYears())
	assert.Equal(t, []int{2024, 2025, 2026}, base.coveredYears(), "the base calendar is unchanged")

	ok, err := o.isWorkingDay(civilDate{2027, 1, 1})
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = o.isWorkingDay(civilDate{2027, 1, 4})
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = o.isWorkingDay(civilDate{2026, 10, 10})
	require.NoError(t, err)
	assert.True(t, ok, "kept years keep their make-up days")

	// Replacing a year drops its old entries.
	o2 := mustOverride(t, base, `{"year": 2026, "days": [{"name": "x", "date": "2026-03-09", "isOffDay": true}]}`)
	ok, err = o2.isWorkingDay(civilDate{2026, 10, 1})
	require.NoError(t, err)
	assert.True(t, ok, "国庆 is gone from the replaced 2026")
	ok, err = o2.isWorkingDay(civilDate{2026, 3, 9})
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Len(t, o2.listedDays(2026), 1)
	assert.Len(t, o2.listedDays(2025), 33)

	_, err = base.Override(Source{Name: "bad.json", Data: []byte(`{}`)})
	assert.ErrorContains(t, err, "bad.json")
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{cal2027, `{"year": 2026, "days": []}`, `{"year": 1, "days": [{"date": "0001-01-01", "isOffDay": false}]}`, `[]`, `{"year": -5}`} {
		f.Add([]byte(s))
	}
	b, err := holidayCN.ReadFile("holidaycn/2026.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parse(data)
		if err != nil {
			return
		}
		for _, y := range c.coveredYears() {
			for _, d := range c.listedDays(y) {
				if d.Date.Year != y || !d.Date.Valid() {
					t.Fatalf("listed day %s outside year %d", d.Date, y)
				}
				ok, err := c.isWorkingDay(d.Date)
				if err != nil || ok == d.OffDay {
					t.Fatalf("IsWorkingDay(%s) = %v, %v; listed off=%v", d.Date, ok, err, d.OffDay)
				}
			}
		}
	})
}

// parse builds a calendar from holiday-cn JSON files named by position
// ("calendar file 2").
func parse(files ...[]byte) (*Calendar, error) {
	srcs := make([]Source, len(files))
	for i, b := range files {
		srcs[i] = Source{Name: "calendar file " + strconv.Itoa(i+1), Data: b}
	}
	return parseSources(srcs...)
}

func TestCoveredThrough(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	c := MainlandChina()
	last, ok := c.CoveredThrough(time.Date(2025, 3, 1, 0, 0, 0, 0, loc), loc)
	if !ok || last.Format("2006-01-02") != "2026-12-31" {
		t.Errorf("from 2025: %v %v, want 2026-12-31 (2027 is not published)", last, ok)
	}
	if _, ok := c.CoveredThrough(time.Date(2027, 1, 2, 0, 0, 0, 0, loc), loc); ok {
		t.Error("2027 reported covered")
	}
	// Late on 31 December UTC is already 1 January in Shanghai.
	if _, ok := c.CoveredThrough(time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), loc); ok {
		t.Error("the year is taken in UTC, not the calendar's zone")
	}
}
