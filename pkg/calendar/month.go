package calendar

import (
	"cmp"
	"fmt"
	"time"
)

// Month is a calendar month. The zero value is not a valid month; use
// ParseMonth, MonthOf or a literal with Month in 1-12.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth parses "YYYY-MM" (exactly four year digits, two month digits,
// year 0001-9999, month 01-12). Nothing else is accepted: no "2026-9", no
// surrounding spaces, no day.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return Month{}, fmt.Errorf("parsing month %q: want YYYY-MM", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	if !ok1 || !ok2 {
		return Month{}, fmt.Errorf("parsing month %q: want YYYY-MM", s)
	}
	if y < 1 {
		return Month{}, fmt.Errorf("parsing month %q: year out of range", s)
	}
	if m < 1 || m > 12 {
		return Month{}, fmt.Errorf("parsing month %q: month %02d out of range 01-12", s, m)
	}
	return Month{Year: y, Month: time.Month(m)}, nil
}

// digits parses a string of ASCII digits only (no sign, no spaces).
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// MonthOf returns the month that t falls in, seen in loc.
func MonthOf(t time.Time, loc *time.Location) Month {
	y, m, _ := t.In(loc).Date()
	return Month{Year: y, Month: m}
}

// String formats the month as "YYYY-MM".
func (m Month) String() string {
	return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
}

// Valid reports whether the month is in 0001-01 ... 9999-12.
func (m Month) Valid() bool {
	return m.Year >= 1 && m.Year <= 9999 && m.Month >= time.January && m.Month <= time.December
}

// Start returns the first instant of the month in loc (local midnight of the
// first day).
func (m Month) Start(loc *time.Location) time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc)
}

// End returns the first instant of the next month in loc: the month is the
// half-open interval [Start, End).
func (m Month) End(loc *time.Location) time.Time {
	return m.Add(1).Start(loc)
}

// contains reports whether t falls in the month, seen in loc.
func (m Month) contains(t time.Time, loc *time.Location) bool {
	return !t.Before(m.Start(loc)) && t.Before(m.End(loc))
}

// Add returns the month n months later (n < 0: earlier). Add(-1) is the
// previous month.
func (m Month) Add(n int) Month {
	i := m.index() + n
	y, r := i/12, i%12
	if r < 0 {
		y, r = y-1, r+12
	}
	return Month{Year: y, Month: time.Month(r + 1)}
}

// index counts months from January of year 0.
func (m Month) index() int {
	return m.Year*12 + int(m.Month) - 1
}

// compare returns -1, 0 or +1 as m is before, equal to or after o.
func (m Month) compare(o Month) int {
	return cmp.Compare(m.index(), o.index())
}

// before reports whether m is earlier than o.
func (m Month) before(o Month) bool { return m.compare(o) < 0 }

// after reports whether m is later than o.
func (m Month) after(o Month) bool { return m.compare(o) > 0 }

// firstDay returns the first day of the month.
func (m Month) firstDay() civilDate {
	return civilDate{Year: m.Year, Month: m.Month, Day: 1}
}

// lastDay returns the last day of the month.
func (m Month) lastDay() civilDate {
	return m.Add(1).firstDay().AddDays(-1)
}

// MarshalText formats the month as "YYYY-MM" (so it is a JSON string).
func (m Month) MarshalText() ([]byte, error) {
	if !m.Valid() {
		return nil, fmt.Errorf("formatting month %s: not a valid month", m)
	}
	return []byte(m.String()), nil
}

// UnmarshalText parses "YYYY-MM" as ParseMonth does.
func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
