package payroll

import (
	"cmp"
	"slices"

	"github.com/scorecard/scorecard/pkg/schema"
)

// Comparison is two payroll tables of one month side by side: the "old"
// (the published one, or the store's policy) and the "new" (another
// policy's), for a what-if (spec §10). Every amount is integer fen.
type Comparison struct {
	// Lines, one per employee on either table, sorted by employee id.
	Lines []ComparisonLine
	// OldBands and NewBands count rows per band ("" = no band: no_activity).
	OldBands, NewBands map[string]int
	// OldTotalFen, NewTotalFen and DiffFen sum the known payouts.
	OldTotalFen, NewTotalFen, DiffFen int64
	// Teams are the per-team totals, sorted by team ("" = no team).
	Teams []TeamCost
}

// ComparisonLine is one employee; Old or New is nil when the employee is
// on one table only.
type ComparisonLine struct {
	EmployeeID string
	Team       string
	Old, New   *schema.PayrollRow
	// DiffFen is the new payout minus the old (a missing payout counts 0).
	DiffFen int64
}

// TeamCost is one team's payroll cost under both tables.
type TeamCost struct {
	Team                              string
	OldTotalFen, NewTotalFen, DiffFen int64
}

// Compare sets the two tables side by side. The team of a line is the new
// row's, else the old row's.
func Compare(old, cur []schema.PayrollRow) Comparison {
	c := Comparison{OldBands: map[string]int{}, NewBands: map[string]int{}}
	before, after := index(old), index(cur)
	ids := make([]string, 0, len(after))
	for id := range before {
		ids = append(ids, id)
	}
	for id := range after {
		if before[id] == nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	teams := map[string]*TeamCost{}
	pay := func(r *schema.PayrollRow) int64 {
		if r == nil || r.PayoutFen == nil {
			return 0
		}
		return *r.PayoutFen
	}
	for _, id := range ids {
		o, n := before[id], after[id]
		l := ComparisonLine{EmployeeID: id, Old: o, New: n, DiffFen: pay(n) - pay(o)}
		switch {
		case n != nil && n.Team != nil:
			l.Team = *n.Team
		case o != nil && o.Team != nil:
			l.Team = *o.Team
		}
		if o != nil {
			c.OldBands[deref(o.Band)]++
		}
		if n != nil {
			c.NewBands[deref(n.Band)]++
		}
		c.OldTotalFen += pay(o)
		c.NewTotalFen += pay(n)
		t := teams[l.Team]
		if t == nil {
			t = &TeamCost{Team: l.Team}
			teams[l.Team] = t
		}
		t.OldTotalFen += pay(o)
		t.NewTotalFen += pay(n)
		t.DiffFen += l.DiffFen
		c.Lines = append(c.Lines, l)
	}
	c.DiffFen = c.NewTotalFen - c.OldTotalFen
	for _, t := range teams {
		c.Teams = append(c.Teams, *t)
	}
	slices.SortFunc(c.Teams, func(a, b TeamCost) int { return cmp.Compare(a.Team, b.Team) })
	return c
}

// EscapeText guards a text cell of a CSV for spreadsheets against formula
// injection, as WriteCSV does (for other CSVs made from payroll rows, like
// the what-if's).
func EscapeText(s string) string { return escapeText(s) }

// ParseFen parses an amount as FormatFen writes it ("-120.50").
func ParseFen(s string) (int64, error) { return parseCenti(s) }
