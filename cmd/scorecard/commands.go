package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/ingestjob"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/notify"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/readiness"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/source"
	"github.com/scorecard/scorecard/pkg/store"
)

func cmdIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", stderr)
	storeSpec := fs.String("store", "", "directory, s3://bucket or s3://bucket/prefix")
	verbose := fs.Bool("v", false, "log each step")
	force := fs.Bool("force", false, "ingest again even the objects whose report is current")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" {
		return fmt.Errorf("%w: --store is required", errUsage)
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	job := withIngestProgress(ingestJob(st, cliEnv(fs, stderr, *verbose)), stderr)
	job.Force = *force
	return ingestKeys(ctx, job, fs.Args(), stdout)
}

// ingestJob and closeJob build the jobs the commands run.
func ingestJob(st store.Store, env wire.Env) *ingestjob.Job {
	return &ingestjob.Job{Store: st, CustomerKey: env.CustomerKey, TempDir: env.TempDir, Log: env.Log, Now: env.Now, Metrics: env.Metrics}
}

func closeJob(st store.Store, env wire.Env) *closejob.Job {
	job := &closejob.Job{Store: st, TempDir: env.TempDir, CodeVersion: wire.Version, Log: env.Log, Now: env.Now}
	// Locally, events go to the store's reports/events.jsonl.
	job.Notify = &notify.Log{Store: st}
	return job
}

// ingestKeys ingests keys, or every raw/ object without an ingest report
// and withdraws the outputs of every raw/ object deleted since its ingest.
func ingestKeys(ctx context.Context, in *ingestjob.Job, keys []string, stdout io.Writer) error {
	if len(keys) == 0 {
		var err error
		if keys, err = in.Pending(ctx); err != nil {
			return err
		}
		removed, err := in.Removed(ctx)
		if err != nil {
			return err
		}
		keys = append(keys, removed...)
	}
	var failed []string
	for _, k := range keys {
		rep, err := in.Run(ctx, k)
		var fe *ingest.FileError
		switch {
		case errors.As(err, &fe):
			fmt.Fprintf(stdout, "FAILED  %s: %s\n", k, fe.Error())
			failed = append(failed, k)
		case err != nil:
			return err
		case rep.Status == ingestreport.StatusRemoved:
			fmt.Fprintf(stdout, "removed %s: deleted from raw/, %d outputs withdrawn\n", k, len(rep.RemovedOutputs))
		case rep.Status == ingestreport.StatusSkipped && rep.Error != nil:
			fmt.Fprintf(stdout, "skipped %s: %s\n", k, rep.Error.Message)
		case rep.Status == ingestreport.StatusSkipped && isExportKey(k):
			// An export key that is not in the store and was never ingested.
			fmt.Fprintf(stdout, "FAILED  %s: no such object in the store (nothing ingested)\n", k)
			failed = append(failed, k)
		case rep.Status == ingestreport.StatusSkipped:
			fmt.Fprintf(stdout, "skipped %s: not an export (exports are under raw/%s/)\n", k, strings.Join(source.Names(), "/, raw/"))
		default:
			status := "ok     "
			if rep.Accepted == 0 {
				status = "EMPTY  " // never a silent ok: see the warning
			}
			fmt.Fprintf(stdout, "%s %s: %d rows read, %d accepted, %d rejected%s\n", status, k, rep.RowsRead, rep.Accepted, rep.Rejected, reasons(rep.RejectedByReason))
			for _, w := range rep.Warnings {
				fmt.Fprintf(stdout, "        warning: %s\n", w)
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d files could not be ingested (see above and reports/ingest/)", len(failed), len(keys))
	}
	return nil
}

// isExportKey: key is under the raw/ folder of a known source.
func isExportKey(key string) bool {
	_, ok := source.Of(key)
	return ok
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
	storeSpec := fs.String("store", "", "directory, s3://bucket or s3://bucket/prefix")
	month := fs.String("month", "", "month to close, YYYY-MM")
	reopen := fs.Bool("reopen", false, "publish a new version if inputs changed since the last one")
	incomplete := fs.String("allow-incomplete", "", "close a month that is not ready; the `reason` is recorded in the manifest and the close report")
	verbose := fs.Bool("v", false, "log each step")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || *month == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: --store and --month are required, and nothing else", errUsage)
	}
	if _, err := parseMonthFlag(*month); err != nil {
		return err
	}
	if flagSet(fs, "allow-incomplete") && strings.TrimSpace(*incomplete) == "" {
		return fmt.Errorf("%w: --allow-incomplete needs a reason, e.g. --allow-incomplete \"surveys arrive on the 5th\"", errUsage)
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	res, err := withCloseProgress(closeJob(st, cliEnv(fs, stderr, *verbose)), stderr).Run(ctx, closejob.Request{Month: *month, Reopen: *reopen, AllowIncomplete: *incomplete})
	var nr *closejob.NotReadyError
	if errors.As(err, &nr) {
		fmt.Fprintf(stdout, "Month %s is not ready: nothing published.\n\n", nr.Readiness.Month)
		printReadiness(stdout, nr.Readiness)
		fmt.Fprintf(stdout, "\nWhen the inputs are complete, close again; to close anyway, add --allow-incomplete \"<reason>\".\n")
		return err
	}
	if err != nil {
		return err
	}
	printClose(stdout, res)
	return nil
}

// flagSet reports whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	storeSpec := fs.String("store", "", "directory, s3://bucket or s3://bucket/prefix")
	month := fs.String("month", "", "month to check, YYYY-MM")
	verbose := fs.Bool("v", false, "log each step")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || *month == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: --store and --month are required, and nothing else", errUsage)
	}
	m, err := parseMonthFlag(*month)
	if err != nil {
		return err
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	r, err := closeJob(st, cliEnv(fs, stderr, *verbose)).Check(ctx, m)
	if err != nil {
		return err
	}
	if r.Ready {
		fmt.Fprintf(stdout, "Month %s is ready to close.\n\n", m)
	} else {
		fmt.Fprintf(stdout, "Month %s is not ready.\n\n", m)
	}
	printReadiness(stdout, r)
	if !r.Ready {
		return errNotReady
	}
	return nil
}

// errNotReady is the exit status 1 of a check that found the month not
// ready, with nothing more to print.
var errNotReady = errors.New("not ready")

func printReadiness(w io.Writer, r *readiness.Result) {
	table := [][]string{{"check", "result", "found"}}
	for _, c := range r.Checks {
		res := "ok"
		if !c.OK {
			res = "NOT READY"
		}
		table = append(table, []string{c.Name, res, c.Found})
	}
	printAligned(w, table)
	fmt.Fprintln(w)
	for _, name := range []string{readiness.CheckTickets, readiness.CheckSurveys, readiness.CheckEvaluations, readiness.CheckRoster} {
		c := r.Counts[name]
		fmt.Fprintf(w, "%-12s %d rows from %d export(s)\n", name, c.Rows, c.Exports)
	}
	fmt.Fprintf(w, "calendar     %d days left\n", r.CalendarDaysLeft)
}

func printClose(w io.Writer, res *closejob.Result) {
	r := res.Report
	switch res.Status {
	case closejob.Published:
		fmt.Fprintf(w, "Published %s\n", bucket.PayrollVersion(res.Month, res.Version))
	case closejob.Unchanged:
		fmt.Fprintf(w, "Month %s is closed as v%d and its inputs have not changed: nothing published.\n", res.Month, res.Version)
	case closejob.ReopenRequired:
		fmt.Fprintf(w, "Month %s is closed as v%d but its inputs changed since (%d employees affected).\nRerun with --reopen to publish v%d. The table below is v%d as published.\n",
			res.Month, res.Version, len(r.Changes), res.Version+1, res.Version)
	case closejob.RaceLost:
		fmt.Fprintf(w, "Another close published %s first from the same inputs, with the same payroll; it stands.\n", bucket.PayrollVersion(res.Month, res.Version))
	}
	fmt.Fprintln(w)
	printTable(w, res.Payroll)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "employees scored %d, on payroll %d, total payout %s, policy %s\n", r.EmployeesScored, len(res.Payroll), r.TotalPayout, r.Policy.ID)
	if len(r.NotOnRoster) > 0 {
		fmt.Fprintf(w, "not on the roster (left out of payroll): %s\n", strings.Join(r.NotOnRoster, ", "))
	}
	for _, l := range r.ToReview {
		fmt.Fprintf(w, "to review: %s %s (payroll: %s)\n", l.EmployeeID, l.Reason, l.Payroll)
	}
	if len(r.UnattributedSurveys) > 0 {
		fmt.Fprintf(w, "surveys not attributed to anyone: %d (response ids: %s)\n", len(r.UnattributedSurveys), strings.Join(r.UnattributedSurveys, ", "))
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
	table := [][]string{{"employee_id", "name", "team", "score", "band", "multiplier", "performance_pay", "payout"}}
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
	centi := func(p *int64) string {
		if p == nil {
			return ""
		}
		return payroll.FormatCenti(*p)
	}
	for _, r := range rows {
		table = append(table, []string{r.EmployeeID, str(r.EmployeeName), str(r.Team),
			centi(r.ScoreCenti), str(r.Band), payroll.FormatCenti(r.MultiplierCenti), fen(r.PerformancePayFen), fen(r.PayoutFen)})
	}
	printAligned(w, table)
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
	if _, err := parseMonthFlag(*month); err != nil {
		return err
	}
	root := *dir
	if root != "" {
		// demo creates its store, but only a directory: never "s3:" for s3:/x.
		if spec, err := wire.ParseStore(root); err != nil {
			return err
		} else if spec.Dir == "" {
			return fmt.Errorf("%w: demo runs on a local directory, not %s", errUsage, root)
		}
	}
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
	env := cliEnv(fs, stderr, *verbose)
	if env.CustomerKey == nil {
		// The demo hashes customer ids with a fixed, public key: fine for
		// sample data, never for real data (set SCORECARD_CUSTOMER_KEY).
		env.CustomerKey = []byte("scorecard-demo-key")
	}
	fmt.Fprintf(stdout, "Store: %s\n\nIngesting the sample exports:\n", root)
	if err := ingestKeys(ctx, withIngestProgress(ingestJob(st, env), stderr), nil, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nClosing %s:\n", *month)
	res, err := withCloseProgress(closeJob(st, env), stderr).Run(ctx, closejob.Request{Month: *month})
	if err != nil {
		return err
	}
	printClose(stdout, res)
	fmt.Fprintf(stdout, "\nApproving v%d as \"demo\":\n", res.Version)
	if err := approveAndPrint(ctx, closeJob(st, env), res.Month, res.Version, "demo", "scorecard demo", stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nVerifying %s as payroll would (scorecard verify):\n", res.Month)
	if err := verifyAndPrint(ctx, st, res.Month, 0, stdout); err != nil {
		return err
	}
	printPages(stdout, root, res)
	if *dir == "" {
		fmt.Fprintln(stdout, "\n(this temporary store, pages included, is removed on exit; use --store DIR, or make demo, to keep them)")
	}
	return nil
}
