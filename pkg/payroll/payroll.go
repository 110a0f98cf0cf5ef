// Package payroll turns a month's scorecards into what payroll fetches from
// payroll/month=M/v<N>/: the salary-multiplier table as CSV
// (salary_multipliers.csv, for people and Excel) and as Parquet
// (salary_multipliers.parquet, for programs), and the manifest.json that
// lists every input the close read and every output it wrote with its
// checksum. It also compares two published versions employee by employee.
//
// Everything here is pure: values and io.Reader/io.Writer in, no storage
// client, no clock. Money is int64 fen and scores and multipliers are int64
// hundredths, formatted exactly; nothing passes through a float.
package payroll

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/scorecard/scorecard/pkg/schema"
)

// Rows builds the payroll table for month and version: one row per
// scorecard that is on the roster (NotOnRoster false), sorted by
// employee_id in byte order (ties keep their input order).
//
// The payout is computed here, from the scorecard's performance pay and
// multiplier with Payout, so the table never depends on how the scorecard
// filled PayoutFen; it is null when the performance pay is unknown. The
// version and month are the arguments, not the scorecards' own.
func Rows(month string, version int32, cards []schema.Scorecard) []schema.PayrollRow {
	rows := make([]schema.PayrollRow, 0, len(cards))
	for _, c := range cards {
		if c.NotOnRoster {
			continue
		}
		r := schema.PayrollRow{
			Month:             month,
			EmployeeID:        c.EmployeeID,
			EmployeeName:      clone(c.EmployeeName),
			Team:              clone(c.Team),
			ScoreCenti:        c.ScoreCenti,
			Band:              c.Band,
			MultiplierCenti:   c.MultiplierCenti,
			PerformancePayFen: clone(c.PerformancePayFen),
			Version:           version,
		}
		if c.PerformancePayFen != nil {
			p := Payout(*c.PerformancePayFen, c.MultiplierCenti)
			r.PayoutFen = &p
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b schema.PayrollRow) int { return cmp.Compare(a.EmployeeID, b.EmployeeID) })
	return rows
}

func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Payout returns the performance pay (fen) × the multiplier (hundredths),
// rounded half-up to the fen: 123457 × 1.20 = 148148.4 → 148148, and
// 12345 × 0.50 = 6172.5 → 6173. The arithmetic is exact integer arithmetic;
// a negative product rounds half away from zero (-6172.5 → -6173), so
// Payout(-p, m) = -Payout(p, m). It panics if the result does not fit in
// int64, which no real pay and multiplier come near (DECIMAL(18,2) ends at
// 10^16 fen).
func Payout(payFen int64, multiplierCenti int64) int64 {
	// Fast path: |pay| < 2^53 fen and |multiplier| < 2^9 hundredths, so
	// the product stays below 2^62.
	const payLim, multLim = 1 << 53, 1 << 9
	if -payLim < payFen && payFen < payLim && -multLim < multiplierCenti && multiplierCenti < multLim {
		return roundDiv100(payFen * multiplierCenti)
	}
	var p big.Int
	p.Mul(big.NewInt(payFen), big.NewInt(multiplierCenti))
	neg := p.Sign() < 0
	p.Abs(&p)
	p.Add(&p, big.NewInt(50))
	p.Quo(&p, big.NewInt(100))
	if neg {
		p.Neg(&p)
	}
	if !p.IsInt64() {
		panic(fmt.Sprintf("payroll: payout %d fen × %s overflows int64", payFen, FormatCenti(multiplierCenti)))
	}
	return p.Int64()
}

// roundDiv100 returns p/100 rounded half away from zero.
func roundDiv100(p int64) int64 {
	q, r := p/100, p%100
	switch {
	case r >= 50:
		q++
	case r <= -50:
		q--
	}
	return q
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
