package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// cmdWhatif: scorecard whatif --store S --month M --policy FILE [--format text|csv].
// It scores M's inputs with FILE's policy and prints, writing nothing, the
// old and new score, band and payout per employee, the band counts and the
// payroll cost difference in total and per team (spec §10).
func cmdWhatif(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("whatif", stderr)
	storeSpec := fs.String("store", "", "directory, s3://bucket or s3://bucket/prefix")
	monthFlag := fs.String("month", "", "the month, YYYY-MM")
	policyFile := fs.String("policy", "", "the other policy (a policy.yaml file)")
	format := fs.String("format", "text", "text (aligned) or csv (for spreadsheets)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || *monthFlag == "" || *policyFile == "" || fs.NArg() > 0 || (*format != "text" && *format != "csv") {
		return fmt.Errorf("%w: --store, --month and --policy are required, --format is text or csv, and nothing else", errUsage)
	}
	month, err := parseMonthFlag(*monthFlag)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(*policyFile)
	if err != nil {
		return fmt.Errorf("reading the policy: %w", err)
	}
	pol, err := policy.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *policyFile, err)
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	env := cliEnv(fs, stderr, false)
	job := &closejob.Job{Store: st, TempDir: env.TempDir, CodeVersion: wire.Version, Log: env.Log, Now: env.Now}
	w, err := job.WhatIf(ctx, month, pol)
	if err != nil {
		return err
	}
	if *format == "csv" {
		return whatifCSV(stdout, w)
	}
	return whatifText(stdout, w)
}

func optCenti(p *int64) string {
	if p == nil {
		return ""
	}
	return payroll.FormatCenti(*p)
}

func optStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// side is one table's score, band and payout of a line.
func side(r *schema.PayrollRow) (score, band, payout string) {
	if r == nil {
		return "", "", ""
	}
	return optCenti(r.ScoreCenti), optStr(r.Band), optCenti(r.PayoutFen)
}

func whatifText(out io.Writer, w *closejob.WhatIf) error {
	c := &w.Comparison
	fmt.Fprintf(out, "What-if %s: old = %s, new = policy %s (nothing written)\n", w.Month, w.OldSource, w.NewPolicy)
	for _, n := range w.NotReady {
		fmt.Fprintf(out, "note: the month is not ready: %s\n", n)
	}
	rows := [][]string{{"employee", "team", "old score", "old band", "old payout", "new score", "new band", "new payout", "difference"}}
	for _, l := range c.Lines {
		osc, ob, op := side(l.Old)
		ns, nb, np := side(l.New)
		rows = append(rows, []string{l.EmployeeID, l.Team, osc, ob, op, ns, nb, np, payroll.FormatFen(l.DiffFen)})
	}
	fmt.Fprintln(out)
	printColumns(out, rows, 2)
	rows = [][]string{{"band", "old", "new"}}
	for _, b := range bandNames(c) {
		name := b
		if name == "" {
			name = "(none)"
		}
		rows = append(rows, []string{name, fmt.Sprint(c.OldBands[b]), fmt.Sprint(c.NewBands[b])})
	}
	fmt.Fprintln(out)
	printColumns(out, rows, 1)
	rows = [][]string{{"team", "old cost", "new cost", "difference"}}
	for _, t := range c.Teams {
		rows = append(rows, []string{t.Team, payroll.FormatFen(t.OldTotalFen), payroll.FormatFen(t.NewTotalFen), payroll.FormatFen(t.DiffFen)})
	}
	rows = append(rows, []string{"total", payroll.FormatFen(c.OldTotalFen), payroll.FormatFen(c.NewTotalFen), payroll.FormatFen(c.DiffFen)})
	fmt.Fprintln(out)
	printColumns(out, rows, 1)
	return nil
}

func bandNames(c *payroll.Comparison) []string {
	var names []string
	for _, m := range []map[string]int{c.OldBands, c.NewBands} {
		for b := range m {
			if !slices.Contains(names, b) {
				names = append(names, b)
			}
		}
	}
	slices.Sort(names)
	return names
}

// whatifCSV writes one CSV: the employee lines, then the team lines and
// the total (kind employee, team, total), so one sheet holds all of it.
func whatifCSV(out io.Writer, w *closejob.WhatIf) error {
	c := &w.Comparison
	cw := csv.NewWriter(out)
	e := payroll.EscapeText
	rec := [][]string{{"kind", "employee_id", "team", "old_score", "old_band", "old_payout", "new_score", "new_band", "new_payout", "difference"}}
	for _, l := range c.Lines {
		osc, ob, op := side(l.Old)
		ns, nb, np := side(l.New)
		rec = append(rec, []string{"employee", e(l.EmployeeID), e(l.Team), osc, e(ob), op, ns, e(nb), np, payroll.FormatFen(l.DiffFen)})
	}
	for _, t := range c.Teams {
		rec = append(rec, []string{"team", "", e(t.Team), "", "", payroll.FormatFen(t.OldTotalFen), "", "", payroll.FormatFen(t.NewTotalFen), payroll.FormatFen(t.DiffFen)})
	}
	rec = append(rec, []string{"total", "", "", "", "", payroll.FormatFen(c.OldTotalFen), "", "", payroll.FormatFen(c.NewTotalFen), payroll.FormatFen(c.DiffFen)})
	if err := cw.WriteAll(rec); err != nil {
		return fmt.Errorf("writing the what-if CSV: %w", err)
	}
	return nil
}
