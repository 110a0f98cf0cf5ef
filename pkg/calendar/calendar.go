// Package calendar owns calendar months (Month, the close's unit of time)
// and the working-day calendar used for SLA deadlines
// (Calendar.EndOfNthWorkingDay, the score package's WorkingDays).
//
// A Calendar is built from files in the holiday-cn JSON format
// (https://github.com/NateScarlet/holiday-cn):
//
//	{"year": 2026, "days": [{"name": "国庆节", "date": "2026-10-01", "isOffDay": true}, ...]}
//
// A working day is Monday to Friday, minus the dates marked isOffDay:true
// (public holidays), plus the dates marked isOffDay:false (调休 make-up
// working days, usually a weekend day). A calendar covers only the years it
// has a published schedule for; asking about any other date is an error
// wrapping ErrNotCovered, never a guess. holiday-cn ships a placeholder file
// with an empty "days" list for a year whose schedule the State Council has
// not announced yet (every real year has at least 元旦 off): such a file is
// accepted, but does not make its year covered.
//
// MainlandChina is the mainland-China calendar for 2024-2027, embedded from
// the holiday-cn files in holidaycn/; Calendar.Override replaces years of it
// with an operator's files. That data is © NateScarlet under the MIT
// licence; the licence text, holidaycn/LICENSE, is embedded in the binaries
// with the data.
//
// Nothing here reads the clock: every function takes the instant and the
// time zone it works in. The package imports only the standard library: no
// AWS package, no store, no other package of this module.
package calendar

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNotCovered is returned (wrapped) for a date in a year the calendar has
// no published schedule for.
var ErrNotCovered = errors.New("date not covered by the working-day calendar")

// Calendar knows which dates are working days. It is immutable once built
// and safe for concurrent use.
type Calendar struct {
	// years maps every year a file was given for to that file's description.
	years map[int]yearFile
	// days holds the listed dates.
	days map[civilDate]listedDay
}

// listedDay is a date listed in a calendar file: a day off (holiday) or a make-up
// working day (调休).
type listedDay struct {
	Date civilDate
	// Name is the holiday the entry belongs to, e.g. "国庆节".
	Name string
	// OffDay is true for a day off, false for a make-up working day.
	OffDay bool
}

type yearFile struct {
	source    string
	published bool // the file lists at least one day
}

// Source is one calendar file and the name (object key or path) used in
// error messages.
type Source struct {
	Name string
	Data []byte
}

// parseSources builds a calendar from holiday-cn JSON files. Every file must
// have a "year" (1-9999) and a "days" list whose dates are real dates
// inside that year, each with a boolean isOffDay; no date may be listed
// twice, and no year may be given by two files. Unknown fields ($schema,
// papers) are ignored.
func parseSources(srcs ...Source) (*Calendar, error) {
	if len(srcs) == 0 {
		return nil, errors.New("parsing calendar: no files")
	}
	c := &Calendar{years: map[int]yearFile{}, days: map[civilDate]listedDay{}}
	for _, s := range srcs {
		if err := c.add(s); err != nil {
			return nil, err
		}
	}
	return c, nil
}

type fileJSON struct {
	Year *int       `json:"year"`
	Days *[]dayJSON `json:"days"`
}

type dayJSON struct {
	Name     string `json:"name"`
	Date     string `json:"date"`
	IsOffDay *bool  `json:"isOffDay"`
}

func (c *Calendar) add(s Source) error {
	var f fileJSON
	if err := json.Unmarshal(s.Data, &f); err != nil {
		return fmt.Errorf("parsing %s: %w", s.Name, err)
	}
	if f.Year == nil {
		return fmt.Errorf("parsing %s: missing \"year\"", s.Name)
	}
	year := *f.Year
	if year < 1 || year > 9999 {
		return fmt.Errorf("parsing %s: year %d out of range 1-9999", s.Name, year)
	}
	if f.Days == nil {
		return fmt.Errorf("parsing %s: missing \"days\"", s.Name)
	}
	if prev, ok := c.years[year]; ok {
		return fmt.Errorf("parsing %s: year %d is also given by %s", s.Name, year, prev.source)
	}
	for i, d := range *f.Days {
		date, err := parseDate(d.Date)
		if err != nil {
			return fmt.Errorf("parsing %s: days[%d]: %w", s.Name, i, err)
		}
		if date.Year != year {
			return fmt.Errorf("parsing %s: days[%d]: date %s is not in year %d", s.Name, i, date, year)
		}
		if d.IsOffDay == nil {
			return fmt.Errorf("parsing %s: days[%d] (%s): missing \"isOffDay\"", s.Name, i, date)
		}
		if _, dup := c.days[date]; dup {
			return fmt.Errorf("parsing %s: days[%d]: date %s listed twice", s.Name, i, date)
		}
		c.days[date] = listedDay{Date: date, Name: d.Name, OffDay: *d.IsOffDay}
	}
	c.years[year] = yearFile{source: s.Name, published: len(*f.Days) > 0}
	return nil
}

// Override returns a new calendar in which each year given by srcs replaces
// that year of c (for example an operator's config/calendar/2027.json once
// the schedule is published); the other years of c are kept. c is not
// changed.
func (c *Calendar) Override(srcs ...Source) (*Calendar, error) {
	o, err := parseSources(srcs...)
	if err != nil {
		return nil, err
	}
	kept := map[int]bool{}
	for y, f := range c.years {
		if _, replaced := o.years[y]; !replaced {
			o.years[y] = f
			kept[y] = true
		}
	}
	for d, day := range c.days {
		if kept[d.Year] {
			o.days[d] = day
		}
	}
	return o, nil
}

// coveredYears returns the years the calendar covers, ascending. A year whose file
// lists no days (schedule not yet published) is not covered.
func (c *Calendar) coveredYears() []int {
	var ys []int
	for y, f := range c.years {
		if f.published {
			ys = append(ys, y)
		}
	}
	slices.Sort(ys)
	return ys
}

// covers reports whether the calendar has a published schedule for year.
func (c *Calendar) covers(year int) bool {
	return c.years[year].published
}

// listedDays returns the dates listed for year (holidays and make-up working
// days), in date order; nil for a year without a file.
func (c *Calendar) listedDays(year int) []listedDay {
	var ds []listedDay
	for d, day := range c.days {
		if d.Year == year {
			ds = append(ds, day)
		}
	}
	slices.SortFunc(ds, func(a, b listedDay) int { return a.Date.compare(b.Date) })
	return ds
}

// isWorkingDay reports whether d is a working day. A date in a year the
// calendar does not cover is an error wrapping ErrNotCovered.
func (c *Calendar) isWorkingDay(d civilDate) (bool, error) {
	if !d.Valid() {
		return false, fmt.Errorf("checking working day %s: not a valid date", d)
	}
	f, ok := c.years[d.Year]
	switch {
	case !ok:
		return false, fmt.Errorf("checking working day %s: %w (the calendar covers %s)", d, ErrNotCovered, c.coverage())
	case !f.published:
		return false, fmt.Errorf("checking working day %s: %w (%s lists no days: the %d schedule is not published yet)", d, ErrNotCovered, f.source, d.Year)
	}
	if day, listed := c.days[d]; listed {
		return !day.OffDay, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// coverage describes the covered years for error messages.
func (c *Calendar) coverage() string {
	ys := c.coveredYears()
	if len(ys) == 0 {
		return "no year"
	}
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ", ")
}

// addWorkingDays returns the n-th working day strictly after d: d itself
// never counts, whether or not it is a working day. n must be at least 1.
// Walking into a year the calendar does not cover is an error wrapping
// ErrNotCovered.
func (c *Calendar) addWorkingDays(d civilDate, n int) (civilDate, error) {
	if n < 1 {
		return civilDate{}, fmt.Errorf("adding %d working days to %s: n must be at least 1", n, d)
	}
	if !d.Valid() {
		return civilDate{}, fmt.Errorf("adding %d working days to %s: not a valid date", n, d)
	}
	for n > 0 {
		d = d.AddDays(1)
		ok, err := c.isWorkingDay(d)
		if err != nil {
			return civilDate{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// EndOfNthWorkingDay returns the end (23:59:59.999 local time in loc) of
// the n-th working day after the date of created in loc; the creation date
// never counts. This is the SLA deadline of a complex ticket (n = 3 by
// default).
func (c *Calendar) EndOfNthWorkingDay(created time.Time, n int, loc *time.Location) (time.Time, error) {
	if loc == nil {
		return time.Time{}, errors.New("computing working-day deadline: nil time zone")
	}
	d, err := c.addWorkingDays(dateOf(created, loc), n)
	if err != nil {
		return time.Time{}, fmt.Errorf("computing deadline %d working days after %s: %w", n, created.In(loc).Format(time.RFC3339), err)
	}
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, int(999*time.Millisecond), loc), nil
}

//go:embed holidaycn/*.json holidaycn/LICENSE
var holidayCN embed.FS

// embeddedSources returns the embedded holiday-cn files in name order.
func embeddedSources() ([]Source, error) {
	names, err := fs.Glob(holidayCN, "holidaycn/*.json")
	if err != nil {
		return nil, err
	}
	srcs := make([]Source, 0, len(names))
	for _, n := range names {
		b, err := holidayCN.ReadFile(n)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, Source{Name: "embedded " + path.Base(n), Data: b})
	}
	return srcs, nil
}

var mainlandChina = sync.OnceValue(func() *Calendar {
	srcs, err := embeddedSources()
	if err == nil {
		var c *Calendar
		if c, err = parseSources(srcs...); err == nil {
			return c
		}
	}
	// The embedded files are checked by the package tests; reaching this
	// is a build defect, not a run-time condition.
	panic(fmt.Sprintf("calendar: embedded holiday-cn data: %v", err))
})

// MainlandChina returns the embedded mainland-China calendar (holiday-cn
// 2024-2027; 2027 is not covered while its file lists no days). It is
// parsed once and shared.
func MainlandChina() *Calendar {
	return mainlandChina()
}

// CoveredThrough returns the last day of the calendar's continuous
// coverage that contains from's year: December 31 of the last published
// year in an unbroken run from that year on. ok is false when from's year
// itself is not covered. The readiness check reports the days left until
// then (CalendarDaysLeft), so that a missing config/calendar/YYYY.json is
// found weeks before a close needs it.
func (c *Calendar) CoveredThrough(from time.Time, loc *time.Location) (last time.Time, ok bool) {
	y := from.In(loc).Year()
	if !c.covers(y) {
		return time.Time{}, false
	}
	for c.covers(y + 1) {
		y++
	}
	return time.Date(y, time.December, 31, 0, 0, 0, 0, loc), true
}
