package calendar

import "time"

// IsWorkingDate reports whether the calendar date year-month-day is a
// working day (Monday-Friday minus public holidays, plus make-up working
// days). A date in a year the calendar does not cover is an error wrapping
// ErrNotCovered. The close counts working days with it to prorate the
// payout of someone who joins or leaves during the month (spec §11).
func (c *Calendar) IsWorkingDate(year int, month time.Month, day int) (bool, error) {
	return c.isWorkingDay(civilDate{Year: year, Month: month, Day: day})
}
