package score

import (
	"fmt"
	"time"

	"github.com/scorecard/scorecard/pkg/schema"
)

// WorkingDayCounter is what proration needs of a working-day calendar
// (*calendar.Calendar implements it). Compute uses it when the Calendar
// given also implements it.
type WorkingDayCounter interface {
	// IsWorkingDate reports whether the date is a working day; an error
	// for a date outside the years the calendar covers.
	IsWorkingDate(year int, month time.Month, day int) (bool, error)
}

// Proration (spec §11): with the policy's proration working_days (the
// default), someone on the roster is paid payout × working days employed
// in M / working days in M, where employed runs from hired_at (or the 1st)
// to left_at (or the last day), both days included, and is 0 for someone
// not employed at all in M (hired after it or left before it, though
// credited with work: listed in InactiveCredited for review). Payout and
// the fraction are applied in one exact step, ProratedPayout, rounded once.
// The days are set on every roster employee's card (the payroll table's
// employed_days and working_days), also when the month is whole.

// prorate fills the card's EmployedDays and WorkingDays and returns them
// (1, 1 when there is nothing to prorate).
func (c *scoring) prorate(sc *schema.Scorecard, emp *schema.Employee) (employed, working int64, err error) {
	if emp == nil || !c.p.Prorates() {
		return 1, 1, nil
	}
	first := schema.DayNumber(c.in.Month.Start(time.UTC))
	last := schema.DayNumber(c.in.Month.End(time.UTC)) - 1
	from, to := first, last
	if emp.HiredAt != nil && *emp.HiredAt > from {
		from = *emp.HiredAt
	}
	if emp.LeftAt != nil && *emp.LeftAt < to {
		to = *emp.LeftAt
	}
	partial := from != first || to != last
	counter, ok := c.in.Calendar.(WorkingDayCounter)
	if !ok {
		if partial {
			return 0, 0, fmt.Errorf("prorating the payout (%s to %s): the calendar cannot count working days", schema.DateOf(from).Format(time.DateOnly), schema.DateOf(to).Format(time.DateOnly))
		}
		return 1, 1, nil
	}
	c.ext.workOnce.Do(func() {
		n, err := countWorking(counter, first, last)
		c.ext.workingDays, c.ext.workingErr = int32(n), err
	})
	if c.ext.workingErr != nil {
		return 0, 0, fmt.Errorf("counting the working days of %s: %w", c.in.Month, c.ext.workingErr)
	}
	working = int64(c.ext.workingDays)
	employed = working
	if partial {
		if employed, err = countWorking(counter, from, to); err != nil {
			return 0, 0, fmt.Errorf("counting the working days employed in %s: %w", c.in.Month, err)
		}
	}
	sc.EmployedDays, sc.WorkingDays = ptr(int32(employed)), ptr(int32(working))
	if working == 0 {
		return 1, 1, nil // a month without working days: nothing to prorate by
	}
	return employed, working, nil
}

// countWorking counts the working days from day from to day to (DATE
// numbers), both included; none when to < from.
func countWorking(cal WorkingDayCounter, from, to int32) (int64, error) {
	var n int64
	for d := from; d <= to; d++ {
		t := schema.DateOf(d)
		ok, err := cal.IsWorkingDate(t.Year(), t.Month(), t.Day())
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
