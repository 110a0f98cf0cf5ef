package payroll

import (
	"cmp"
	"slices"

	"github.com/scorecard/scorecard/pkg/schema"
)

// Change kinds.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Change is what happened to one employee's payroll row between two
// versions.
type Change struct {
	EmployeeID string
	// Kind is Added, Removed or Changed.
	Kind string
	// Fields lists the compared fields that differ, in CSV column order.
	// For an added row Before is "" and for a removed row After is "";
	// fields empty on both sides are left out.
	Fields []FieldChange
}

// FieldChange is one field's value before and after, formatted as in the
// CSV ("92.50", "6000.00", "" for null).
type FieldChange struct {
	Field  string
	Before string
	After  string
}

// diffFields are the compared fields, in CSV column order. Month and version
// are not compared: they differ between any two versions by design.
var diffFields = []struct {
	name  string
	value func(r *schema.PayrollRow) string
}{
	{"employee_name", func(r *schema.PayrollRow) string { return deref(r.EmployeeName) }},
	{"team", func(r *schema.PayrollRow) string { return deref(r.Team) }},
	{"score", func(r *schema.PayrollRow) string { return formatOptionalCenti(r.ScoreCenti) }},
	{"band", func(r *schema.PayrollRow) string { return deref(r.Band) }},
	{"multiplier", func(r *schema.PayrollRow) string { return FormatCenti(r.MultiplierCenti) }},
	{"performance_pay", func(r *schema.PayrollRow) string { return formatOptionalFen(r.PerformancePayFen) }},
	{"payout", func(r *schema.PayrollRow) string { return formatOptionalFen(r.PayoutFen) }},
}

// Diff compares two versions of the payroll table employee by employee and
// returns the employees added, removed or changed, sorted by employee_id;
// unchanged employees are left out, so equal tables give nil. If a table
// repeats an employee_id, its last row counts.
func Diff(prev, cur []schema.PayrollRow) []Change {
	before := index(prev)
	after := index(cur)
	var changes []Change
	for id, b := range before {
		a, ok := after[id]
		if !ok {
			changes = append(changes, Change{EmployeeID: id, Kind: Removed, Fields: compare(b, nil)})
			continue
		}
		if fs := compare(b, a); len(fs) > 0 {
			changes = append(changes, Change{EmployeeID: id, Kind: Changed, Fields: fs})
		}
	}
	for id, a := range after {
		if _, ok := before[id]; !ok {
			changes = append(changes, Change{EmployeeID: id, Kind: Added, Fields: compare(nil, a)})
		}
	}
	slices.SortFunc(changes, func(x, y Change) int { return cmp.Compare(x.EmployeeID, y.EmployeeID) })
	return changes
}

func index(rows []schema.PayrollRow) map[string]*schema.PayrollRow {
	m := make(map[string]*schema.PayrollRow, len(rows))
	for i := range rows {
		m[rows[i].EmployeeID] = &rows[i]
	}
	return m
}

// compare returns the fields that differ; a nil side has every field "".
func compare(b, a *schema.PayrollRow) []FieldChange {
	var fs []FieldChange
	for _, f := range diffFields {
		var bv, av string
		if b != nil {
			bv = f.value(b)
		}
		if a != nil {
			av = f.value(a)
		}
		if bv != av {
			fs = append(fs, FieldChange{Field: f.name, Before: bv, After: av})
		}
	}
	return fs
}
