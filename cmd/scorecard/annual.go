package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/annual"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/payroll"
)

// cmdAnnual: scorecard annual --store S --year YYYY (spec §10).
func cmdAnnual(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("annual", stderr)
	storeSpec := fs.String("store", "", "directory, s3://bucket or s3://bucket/prefix")
	year := fs.Int("year", 0, "the year to close, YYYY")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || *year < 1000 || *year > 9999 || fs.NArg() > 0 {
		return fmt.Errorf("%w: --store and --year (YYYY) are required, and nothing else", errUsage)
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	res, err := (&annual.Job{Store: st, CodeVersion: wire.Version}).Run(ctx, *year)
	var nr *annual.NotReadyError
	if errors.As(err, &nr) {
		fmt.Fprintf(stdout, "Annual %d: not ready, nothing published: no month of the year is approved.\n", *year)
		printMonths(stdout, nr.Months)
		return errNotReady
	}
	if err != nil {
		return err
	}
	switch res.Status {
	case annual.Unchanged:
		fmt.Fprintf(stdout, "Annual %d: inputs unchanged since %s: nothing published.\n", *year, bucket.VersionLabel(res.Version))
	default:
		fmt.Fprintf(stdout, "Annual %d: published %s: %s and %s\n", *year, bucket.VersionLabel(res.Version),
			bucket.Annual(*year, res.Version), bucket.AnnualManifest(*year, res.Version))
	}
	printMonths(stdout, res.Months)
	rows := [][]string{{"employee", "months", "mean", "band", "action", "A months", "consecutive excellent"}}
	for _, r := range res.Rows {
		mean, band, action := "", "", ""
		if r.MeanScoreCenti != nil {
			mean, band, action = payroll.FormatCenti(*r.MeanScoreCenti), *r.BandLabel, *r.Action
		}
		ce := ""
		if r.ConsecutiveExcellent {
			ce = "yes"
		}
		rows = append(rows, []string{r.EmployeeID, fmt.Sprint(r.MonthsScored), mean, band, action, fmt.Sprint(r.AMonths), ce})
	}
	fmt.Fprintln(stdout)
	printColumns(stdout, rows, 1)
	return nil
}

func printMonths(w io.Writer, months []annual.MonthInput) {
	for _, m := range months {
		switch m.Status {
		case annual.MonthUsed:
			fmt.Fprintf(w, "  %s  %s\n", m.Month, bucket.VersionLabel(m.Version))
		case annual.MonthUnverified:
			fmt.Fprintf(w, "  %s  not used: %s\n", m.Month, m.Problem)
		default:
			fmt.Fprintf(w, "  %s  not used: %s\n", m.Month, m.Status)
		}
	}
}
