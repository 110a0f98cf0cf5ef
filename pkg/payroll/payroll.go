// Package payroll turns a month's scorecards into what payroll fetches from
// payroll/month=M/v<N>/: the salary-multiplier table as CSV
// (salary_multipliers.csv, for people and Excel) and as Parquet
// (salary_multipliers.parquet, for programs), and the manifest.json that
// lists every input the close read and every output it wrote with its
// checksum. It also compares two published versions employee by employee.
//
// Pay is not computed here. A score becomes pay in one place, score.Payout
// (pkg/score/payout.go), which score.Compute uses to fill each
// Scorecard.PayoutFen; Rows copies that value into the table after checking
// it against score.Payout, so the CSV, the Parquet file and the scorecards
// cannot disagree.
//
// Everything here is pure: values and io.Reader/io.Writer in, no clock. Of
// this module it imports only pkg/schema, pkg/calendar and pkg/score (for
// the pay rule): no AWS package, no store, no pipeline. Money is int64 fen
// and scores and multipliers are int64 hundredths, formatted exactly;
// nothing passes through a float.
package payroll

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

// Rows builds the payroll table for month and version: one row per
// scorecard that is on the roster (NotOnRoster false), sorted by
// employee_id in byte order (ties keep their input order). A no_activity
// scorecard (spec §8) is a row with no score and no band, paid at its
// multiplier (the policy's no_activity.multiplier); with excludeNoActivity
// (the policy's no_activity.exclude) it is left out instead.
//
// The payout is the scorecard's PayoutFen, as score.Compute filled it with
// score.Payout — the one pay rule; nothing here multiplies or rounds money.
// Rows checks each card against that rule before publishing it and returns
// an error naming the employee if one disagrees (a payout without
// performance pay or the other way round, or a different amount): such a
// card was not made by score.Compute, and publishing it would pay someone
// the wrong amount. The version and month are the arguments, not the
// scorecards' own.
func Rows(month string, version int32, cards []schema.Scorecard, excludeNoActivity bool) ([]schema.PayrollRow, error) {
	rows := make([]schema.PayrollRow, 0, len(cards))
	for _, c := range cards {
		if c.NotOnRoster || (c.NoActivity && excludeNoActivity) {
			continue
		}
		r := schema.PayrollRow{
			Month:             month,
			EmployeeID:        c.EmployeeID,
			EmployeeName:      clone(c.EmployeeName),
			Team:              clone(c.Team),
			ScoreCenti:        clone(c.ScoreCenti),
			Band:              clone(c.Band),
			MultiplierCenti:   c.MultiplierCenti,
			PerformancePayFen: clone(c.PerformancePayFen),
			PayoutFen:         clone(c.PayoutFen),
			Version:           version,
			EmployedDays:      clone(c.EmployedDays),
			WorkingDays:       clone(c.WorkingDays),
		}
		if err := checkPayout(c); err != nil {
			return nil, fmt.Errorf("payroll row of %s: %w", c.EmployeeID, err)
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b schema.PayrollRow) int { return cmp.Compare(a.EmployeeID, b.EmployeeID) })
	return rows, nil
}

// checkPayout reports whether c's PayoutFen is what the pay rule
// (score.ProratedPayout, score.Payout for a whole month) makes of its
// performance pay, multiplier and proration days: nil exactly when the pay
// is nil.
func checkPayout(c schema.Scorecard) error {
	switch {
	case c.PerformancePayFen == nil && c.PayoutFen == nil:
		return nil
	case c.PerformancePayFen == nil:
		return fmt.Errorf("scorecard %s has payout %s without performance pay", c.EmployeeID, FormatFen(*c.PayoutFen))
	}
	employed, working := int64(1), int64(1)
	if c.EmployedDays != nil && c.WorkingDays != nil && *c.WorkingDays > 0 {
		employed, working = int64(*c.EmployedDays), int64(*c.WorkingDays)
	}
	want, err := score.ProratedPayout(*c.PerformancePayFen, c.MultiplierCenti, employed, working)
	switch {
	case err != nil:
		return fmt.Errorf("scorecard %s: %w", c.EmployeeID, err)
	case c.PayoutFen == nil:
		return fmt.Errorf("scorecard %s has performance pay %s but no payout (want %s)", c.EmployeeID, FormatFen(*c.PerformancePayFen), FormatFen(want))
	case *c.PayoutFen != want:
		days := ""
		if employed != working {
			days = fmt.Sprintf(" × %d/%d working days", employed, working)
		}
		return fmt.Errorf("scorecard %s has payout %s, the pay rule gives %s × %s%s = %s", c.EmployeeID,
			FormatFen(*c.PayoutFen), FormatFen(*c.PerformancePayFen), FormatCenti(c.MultiplierCenti), days, FormatFen(want))
	}
	return nil
}

func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// FormatCenti formats a value held in hundredths with exactly two decimals:
// 9250 → "92.50", 120 → "1.20", 5 → "0.05", -5 → "-0.05".
func FormatCenti(v int64) string {
	u := uint64(v)
	sign := ""
	if v < 0 {
		u = -u // two's complement: correct for math.MinInt64 too
		sign = "-"
	}
	frac := u % 100
	return sign + strconv.FormatUint(u/100, 10) + "." + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
}

// FormatFen formats an amount of money in fen as yuan with exactly two
// decimals: 600000 → "6000.00", -1 → "-0.01". No thousands separators, no
// currency sign.
func FormatFen(fen int64) string { return FormatCenti(fen) }

// errDecimal is wrapped by parseCenti's errors.
var errDecimal = errors.New("want a number with exactly two decimals")

// parseCenti parses what FormatCenti writes: an optional "-", digits, ".",
// exactly two digits.
func parseCenti(s string) (int64, error) {
	t := s
	neg := false
	if len(t) > 0 && t[0] == '-' {
		neg, t = true, t[1:]
	}
	n := len(t)
	if n < 4 || t[n-3] != '.' {
		return 0, fmt.Errorf("%q: %w", s, errDecimal)
	}
	intPart, frac := t[:n-3], t[n-2:]
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, fmt.Errorf("%q: %w", s, errDecimal)
			}
		}
	}
	u, err := strconv.ParseUint(intPart+frac, 10, 64)
	if err != nil || (!neg && u > 1<<63-1) || (neg && u > 1<<63) {
		return 0, fmt.Errorf("%q: out of range", s)
	}
	if neg {
		return int64(-u), nil
	}
	return int64(u), nil
}
