package closejob

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/scorecard/scorecard/pkg/adjust"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

// readAdjustments appends the adjustment rows of one object (spec §10).
// The partition is an input like any other: a late adjustment changes the
// inputs digest, so a published month reports reopen_required.
func (in *inputs) readAdjustments(r io.ReaderAt, size int64) (int64, error) {
	var n int64
	err := normalized.Read(r, size, func(batch []schema.Adjustment) error {
		for _, a := range batch {
			in.addSourceKey(a.SourceKey)
		}
		in.adjustments = append(in.adjustments, batch...)
		n += int64(len(batch))
		return nil
	})
	return n, err
}

// finishAdjustments completes the adjustments after scoring: points that
// pkg/score did not apply (the KPI was not assessed) become not applied,
// and the applied exclusions and reassignments are put on the cards of
// the employees they concern as evidence (points adjustments have theirs,
// with the KPI, from pkg/score): rows with KPI "" after every KPI row,
// sorted by adjustment id (the order schema.Evidence documents and
// score.CheckEvidence checks).
func finishAdjustments(ar *adjust.Result, res *score.Result) {
	applied := map[string]bool{}
	byID := map[string]int{}
	for i, c := range res.Cards {
		byID[c.Scorecard.EmployeeID] = i
		for _, e := range c.Evidence {
			if e.Item == schema.EvidenceAdjustment {
				applied[e.ItemID] = true
			}
		}
	}
	ar.NotAssessed(func(id string) bool { return applied[id] })
	// ar.Applied is sorted by adjustment id, so each card's rows are too.
	for _, l := range ar.Applied {
		if l.Action == schema.ActionPoints {
			continue
		}
		for _, emp := range l.Cards {
			if i, ok := byID[emp]; ok {
				res.Cards[i].Evidence = append(res.Cards[i].Evidence, l.Evidence(emp))
			}
		}
	}
}

// adjustmentRefs are the applied adjustments as the manifest lists them.
func adjustmentRefs(lines []adjust.Line) []payroll.Adjustment {
	var out []payroll.Adjustment
	for _, l := range lines {
		out = append(out, l.Adjustment)
	}
	return out
}

// AdjustmentChange is an adjustment applied in one version and not the
// other, or applied differently: what a reopen's diff names, with its
// reason.
type AdjustmentChange struct {
	// Kind is Added, Removed or Changed (payroll.Added, ...).
	Kind string `json:"kind"`
	payroll.Adjustment
}

// adjustmentChanges compares the adjustments of the previous version with
// this close's, by id.
func adjustmentChanges(prev, cur []payroll.Adjustment) []AdjustmentChange {
	same := func(a, b payroll.Adjustment) bool {
		a.SourceKey, a.SourceRow, b.SourceKey, b.SourceRow = "", 0, "", 0
		return a == b
	}
	var out []AdjustmentChange
	for _, c := range cur {
		i := slices.IndexFunc(prev, func(p payroll.Adjustment) bool { return p.ID == c.ID })
		switch {
		case i < 0:
			out = append(out, AdjustmentChange{Kind: payroll.Added, Adjustment: c})
		case !same(prev[i], c):
			out = append(out, AdjustmentChange{Kind: payroll.Changed, Adjustment: c})
		}
	}
	for _, p := range prev {
		if !slices.ContainsFunc(cur, func(c payroll.Adjustment) bool { return c.ID == p.ID }) {
			out = append(out, AdjustmentChange{Kind: payroll.Removed, Adjustment: p})
		}
	}
	slices.SortFunc(out, func(a, b AdjustmentChange) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out
}

func (r *Report) addAdjustments(ar adjust.Result) {
	r.Adjustments, r.AdjustmentsNotApplied = ar.Applied, ar.NotApplied
}

// adjustmentsMarkdown writes the adjustments sections of the report.
func (r *Report) adjustmentsMarkdown(b *strings.Builder) {
	if len(r.Adjustments)+len(r.AdjustmentsNotApplied)+len(r.AdjustmentChanges) == 0 {
		return
	}
	row := func(l adjust.Line, extra string) {
		what := l.TicketID + l.ResponseID
		if l.Action == schema.ActionPoints {
			what = l.KPI + " " + l.Points
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |%s\n", l.ID, l.Action, l.EmployeeID, what, l.Reason, l.ApprovedBy, extra)
	}
	b.WriteString("\n## Adjustments applied\n\n")
	if len(r.Adjustments) == 0 {
		b.WriteString("none\n")
	} else {
		b.WriteString("| adjustment | action | employee | item | reason | approved by |\n|---|---|---|---|---|---|\n")
		for _, l := range r.Adjustments {
			row(l, "")
		}
	}
	if len(r.AdjustmentsNotApplied) > 0 {
		b.WriteString("\n## Adjustments not applied\n\n| adjustment | action | employee | item | reason | approved by | why not |\n|---|---|---|---|---|---|---|\n")
		for _, l := range r.AdjustmentsNotApplied {
			row(l, " "+l.NotApplied+" |")
		}
	}
	if len(r.AdjustmentChanges) > 0 {
		b.WriteString("\n## Adjustments changed since the previous version\n\n| adjustment | change | action | employee | reason |\n|---|---|---|---|---|\n")
		for _, c := range r.AdjustmentChanges {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", c.ID, c.Kind, c.Action, c.EmployeeID, c.Reason)
		}
	}
}
