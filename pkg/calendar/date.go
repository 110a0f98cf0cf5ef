package calendar

import (
	"cmp"
	"fmt"
	"time"
)

// civilDate is a civil date, without a time of day or a time zone.
type civilDate struct {
	Year  int
	Month time.Month
	Day   int
}

// dateOf returns the date of t seen in loc.
func dateOf(t time.Time, loc *time.Location) civilDate {
	y, m, d := t.In(loc).Date()
	return civilDate{Year: y, Month: m, Day: d}
}

// parseDate parses "YYYY-MM-DD" strictly (zero-padded, a real date).
func parseDate(s string) (civilDate, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return civilDate{}, fmt.Errorf("parsing date %q: want YYYY-MM-DD", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return civilDate{}, fmt.Errorf("parsing date %q: want YYYY-MM-DD", s)
	}
	v := civilDate{Year: y, Month: time.Month(m), Day: d}
	if !v.Valid() {
		return civilDate{}, fmt.Errorf("parsing date %q: no such date", s)
	}
	return v, nil
}

// Valid reports whether d is a real date in years 0001-9999.
func (d civilDate) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= Month{Year: d.Year, Month: d.Month}.lastDay().Day
}

// utc is midnight UTC of d, used for date arithmetic (UTC has no DST).
func (d civilDate) utc() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days later (n < 0: earlier).
func (d civilDate) AddDays(n int) civilDate {
	return dateOf(d.utc().AddDate(0, 0, n), time.UTC)
}

// Weekday returns the day of the week of d.
func (d civilDate) Weekday() time.Weekday {
	return d.utc().Weekday()
}

// String formats d as "YYYY-MM-DD".
func (d civilDate) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// start returns local midnight of d in loc.
func (d civilDate) start(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d civilDate) compare(o civilDate) int {
	if c := cmp.Compare(d.Year, o.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, o.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, o.Day)
}

// before reports whether d is earlier than o.
func (d civilDate) before(o civilDate) bool { return d.compare(o) < 0 }

// after reports whether d is later than o.
func (d civilDate) after(o civilDate) bool { return d.compare(o) > 0 }
