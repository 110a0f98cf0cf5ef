package calendar

import (
	"cmp"
	"fmt"
	"time"
)

// Date is a civil date, without a time of day or a time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t seen in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses "YYYY-MM-DD" strictly (zero-padded, a real date).
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("parsing date %q: want YYYY-MM-DD", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("parsing date %q: want YYYY-MM-DD", s)
	}
	v := Date{Year: y, Month: time.Month(m), Day: d}
	if !v.Valid() {
		return Date{}, fmt.Errorf("parsing date %q: no such date", s)
	}
	return v, nil
}

// Valid reports whether d is a real date in years 0001-9999.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= Month{Year: d.Year, Month: d.Month}.LastDay().Day
}

// utc is midnight UTC of d, used for date arithmetic (UTC has no DST).
func (d Date) utc() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days later (n < 0: earlier).
func (d Date) AddDays(n int) Date {
	return DateOf(d.utc().AddDate(0, 0, n), time.UTC)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return d.utc().Weekday()
}

// String formats d as "YYYY-MM-DD".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Start returns local midnight of d in loc.
func (d Date) Start(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	if c := cmp.Compare(d.Year, o.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, o.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, o.Day)
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// MarshalText formats d as "YYYY-MM-DD".
func (d Date) MarshalText() ([]byte, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("formatting date %s: not a valid date", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses "YYYY-MM-DD" as ParseDate does.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
