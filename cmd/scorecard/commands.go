package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/internal/setup"
	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/pipeline"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

func cmdIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", stderr)
	storeSpec := fs.String("store", "", "directory or s3://bucket")
	verbose := fs.Bool("v", false, "log each step")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" {
		return fmt.Errorf("%w: --store is required", errUsage)
	}
	st, err := setup.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	in := &pipeline.Ingester{Store: st, Config: setup.Config(stderr, logLevel(*verbose))}
	return ingestKeys(ctx, in, fs.Args(), stdout)
}

// ingestKeys ingests keys, or every raw/ object without an ingest report.
func ingestKeys(ctx context.Context, in *pipeline.Ingester, keys []string, stdout io.Writer) error {
	if len(keys) == 0 {
		var err error
		if keys, err = in.Pending(ctx); err != nil {
			return err
		}
	}
	var failed []string
	for _, k := range keys {
		rep, err := in.Ingest(ctx, k)
		var fe *ingest.FileError
		switch {
		case errors.As(err, &fe):
			fmt.Fprintf(stdout, "FAILED  %s: %s\n", k, fe.Error())
			failed = append(failed, k)
		case err != nil:
			return err
		case rep.Status == pipeline.StatusSkipped:
			fmt.Fprintf(stdout, "skipped %s: not under raw/crm/, raw/survey/, raw/evaluations/ or raw/roster/\n", k)
		default:
			fmt.Fprintf(stdout, "ok      %s: %d rows read, %d accepted, %d rejected%s\n", k, rep.RowsRead, rep.Accepted, rep.Rejected, reasons(rep.RejectedByReason))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d files could not be read (see reports/ingest/)", len(failed), len(keys))
	}
	return nil
}

func reasons(m map[string]int64) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func cmdClose(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("close", stderr)
	storeSpec := fs.String("store", "", "directory or s3://bucket")
	month := fs.String("month", "", "month to close, YYYY-MM")
	reopen := fs.Bool("reopen", false, "publish a new version if inputs changed since the last one")
	verbose := fs.Bool("v", false, "log each step")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || *month == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: --store and --month are required, and nothing else", errUsage)
	}
	st, err := setup.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	c := &pipeline.Closer{Store: st, Config: setup.Config(stderr, logLevel(*verbose))}
	res, err := c.Close(ctx, pipeline.CloseRequest{Month: *month, Reopen: *reopen})
	if err != nil {
		return err
	}
	printClose(stdout, res)
	return nil
}

func printClose(w io.Writer, res *pipeline.CloseResult) {
	r := res.Report
	switch res.Status {
	case pipeline.ClosePublished:
		fmt.Fprintf(w, "Published payroll/month=%s/v%d/\n", res.Month, res.Version)
	case pipeline.CloseUnchanged:
		fmt.Fprintf(w, "Month %s is closed as v%d and its inputs have not changed: nothing published.\n", res.Month, res.Version)
	case pipeline.CloseReopenRequired:
		fmt.Fprintf(w, "Month %s is closed as v%d but its inputs changed since (%d employees affected).\nRerun with --reopen to publish v%d. The table below is v%d as published.\n",
			res.Month, res.Version, len(r.Changes), res.Version+1, res.Version)
	case pipeline.CloseRaceLost:
		fmt.Fprintf(w, "Another close published payroll/month=%s/v%d/ first; it stands.\n", res.Month, res.Version)
	}
	fmt.Fprintln(w)
	printTable(w, res.Payroll)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "employees scored %d, on payroll %d, total payout %s, policy %s\n", r.EmployeesScored, len(res.Payroll), r.TotalPayout, r.Policy.ID)
	if len(r.NotOnRoster) > 0 {
		fmt.Fprintf(w, "not on the roster (left out of payroll): %s\n", strings.Join(r.NotOnRoster, ", "))
	}
	if len(r.UnattributedSurveys) > 0 {
		fmt.Fprintf(w, "surveys not attributed to anyone: %s\n", strings.Join(r.UnattributedSurveys, ", "))
	}
	for _, q := range r.Quarantined {
		fmt.Fprintf(w, "quarantined from %s: %d%s\n", q.SourceKey, q.Rejected, reasons(q.ByReason))
	}
	for _, ch := range r.Changes {
		var fs []string
		for _, f := range ch.Fields {
			fs = append(fs, fmt.Sprintf("%s %s -> %s", f.Field, f.Before, f.After))
		}
		fmt.Fprintf(w, "change %s %s: %s\n", ch.EmployeeID, ch.Kind, strings.Join(fs, "; "))
	}
}

func printTable(w io.Writer, rows []schema.PayrollRow) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "employee_id\tname\tteam\tscore\tband\tmultiplier\tperformance_pay\tpayout")
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	fen := func(p *int64) string {
		if p == nil {
			return ""
		}
		return payroll.FormatFen(*p)
	}
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.EmployeeID, str(r.EmployeeName), str(r.Team),
			payroll.FormatCenti(r.ScoreCenti), r.Band, payroll.FormatCenti(r.MultiplierCenti), fen(r.PerformancePayFen), fen(r.PayoutFen))
	}
	tw.Flush()
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	dir := fs.String("store", "", "directory to use as the store (default: a new temporary directory, removed afterwards)")
	month := fs.String("month", scorecard.SampleMonth, "month to close")
	verbose := fs.Bool("v", false, "log each step")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %v", errUsage, fs.Args())
	}
	root := *dir
	if root == "" {
		tmp, err := os.MkdirTemp("", "scorecard-demo-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		root = tmp
	}
	if err := scorecard.CopySamples(root); err != nil {
		return err
	}
	st, err := store.NewDir(root)
	if err != nil {
		return err
	}
	cfg := setup.Config(stderr, logLevel(*verbose))
	if cfg.CustomerKey == nil {
		// The demo hashes customer ids with a fixed, public key: fine for
		// sample data, never for real data (set SCORECARD_CUSTOMER_KEY).
		cfg.CustomerKey = []byte("scorecard-demo-key")
	}
	fmt.Fprintf(stdout, "Store: %s\n\nIngesting the sample exports:\n", root)
	in := &pipeline.Ingester{Store: st, Config: cfg}
	if err := ingestKeys(ctx, in, nil, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nClosing %s:\n", *month)
	c := &pipeline.Closer{Store: st, Config: cfg}
	res, err := c.Close(ctx, pipeline.CloseRequest{Month: *month})
	if err != nil {
		return err
	}
	printClose(stdout, res)
	if *dir == "" {
		fmt.Fprintln(stdout, "\n(the temporary store is removed; use --store DIR to keep it)")
	}
	return nil
}
