package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/approval"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
)

// errReported is a failure the command has already printed (exit status 1,
// nothing more on stderr).
var errReported = errors.New("failed (reported above)")

// cmdApprove: scorecard approve --store S --month M --version N --by NAME [--note TEXT].
func cmdApprove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("approve", stderr)
	storeSpec := fs.String("store", "", "directory, s3://bucket or s3://bucket/prefix")
	monthFlag := fs.String("month", "", "month of the version, YYYY-MM")
	version := fs.Int("version", 0, "version to approve (1, 2, …: as the close published it)")
	by := fs.String("by", "", "who approves (recorded in approval.json)")
	note := fs.String("note", "", "a note recorded with the approval")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || *monthFlag == "" || *version < 1 || strings.TrimSpace(*by) == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: --store, --month, --version (1 or more) and --by are required, and nothing else", errUsage)
	}
	month, err := parseMonthFlag(*monthFlag)
	if err != nil {
		return err
	}
	v, err := versionFlag(*version)
	if err != nil {
		return err
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	return approveAndPrint(ctx, closeJob(st, cliEnv(fs, stderr, false)), month, v, *by, *note, stdout)
}

// approveAndPrint approves and says what happened; a refusal is printed and
// returned as errReported.
func approveAndPrint(ctx context.Context, job *closejob.Job, month calendar.Month, version int32, by, note string, w io.Writer) error {
	a, status, err := job.Approve(ctx, closejob.ApproveRequest{Month: month.String(), Version: version, By: by, Note: note})
	var ae *approval.Error
	switch {
	case errors.As(err, &ae):
		fmt.Fprintf(w, "Refused: %s does not verify:\n", bucket.PayrollVersion(month, version))
		printProblems(w, ae)
		return errReported
	case errors.Is(err, approval.ErrNoApprover):
		fmt.Fprintf(w, "Refused: %v\n", err)
		return errReported
	case err != nil:
		return err
	case status == approval.AlreadyApproved:
		fmt.Fprintf(w, "Already approved: %s by %s at %s; that approval stands (nothing written).\n",
			bucket.PayrollVersion(month, version), a.ApprovedBy, a.ApprovedAt.Format(time.RFC3339))
	default:
		fmt.Fprintf(w, "Approved %s by %s at %s (manifest sha256 %s): wrote %s\n",
			bucket.PayrollVersion(month, version), a.ApprovedBy, a.ApprovedAt.Format(time.RFC3339), a.ManifestSHA256, bucket.Approval(month, version))
	}
	if a.Note != "" {
		fmt.Fprintf(w, "note: %s\n", a.Note)
	}
	return nil
}

// cmdVerify: scorecard verify --store S --month M [--version N].
func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", stderr)
	storeSpec := fs.String("store", "", "directory, s3://bucket or s3://bucket/prefix")
	monthFlag := fs.String("month", "", "month to verify, YYYY-MM")
	version := fs.Int("version", 0, "version to verify (default: the newest approved one)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || *monthFlag == "" || *version < 0 || fs.NArg() > 0 {
		return fmt.Errorf("%w: --store and --month are required, --version is optional, and nothing else", errUsage)
	}
	month, err := parseMonthFlag(*monthFlag)
	if err != nil {
		return err
	}
	v, err := versionFlag(*version)
	if err != nil {
		return err
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	return verifyAndPrint(ctx, st, month, v, stdout)
}

// verifyAndPrint verifies under the store's policy and prints the result:
// the version and the CSV key, or every problem naming its file (returned
// as errReported).
func verifyAndPrint(ctx context.Context, st approval.Store, month calendar.Month, version int32, w io.Writer) error {
	setting, err := approval.PolicySetting(ctx, st)
	if err != nil {
		return err
	}
	res, err := approval.Verify(ctx, st, month, version, setting)
	var ae *approval.Error
	if errors.As(err, &ae) {
		where := bucket.PayrollMonth(month)
		if ae.Version > 0 {
			where = bucket.PayrollVersion(month, ae.Version)
		}
		fmt.Fprintf(w, "NOT VERIFIED: %s cannot be trusted:\n", where)
		printProblems(w, ae)
		return errReported
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "verified  %s %s\n", res.Month, bucket.VersionLabel(res.Version))
	fmt.Fprintf(w, "version   %d\n", res.Version)
	fmt.Fprintf(w, "csv       %s\n", res.CSVKey)
	if a := res.Approval; a != nil {
		fmt.Fprintf(w, "approved  by %s at %s", a.ApprovedBy, a.ApprovedAt.Format(time.RFC3339))
		if a.Note != "" {
			fmt.Fprintf(w, " (%s)", a.Note)
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "approved  not required (policy approval: %s)\n", setting)
	}
	fmt.Fprintf(w, "manifest  %s sha256 %s\n", res.ManifestKey, res.ManifestSHA256)
	for _, k := range res.Checked[1:] {
		fmt.Fprintf(w, "checked   %s\n", k)
	}
	for _, v := range res.Awaiting {
		fmt.Fprintf(w, "awaiting  %s is published but not approved\n", bucket.PayrollVersion(month, v))
	}
	return nil
}

func printProblems(w io.Writer, e *approval.Error) {
	for _, p := range e.Problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
}

func parseMonthFlag(s string) (calendar.Month, error) {
	m, err := calendar.ParseMonth(s)
	if err != nil {
		return m, fmt.Errorf("%w: --month: %v", errUsage, err)
	}
	return m, nil
}

func versionFlag(n int) (int32, error) {
	if n < 0 || n > 1<<31-1 {
		return 0, fmt.Errorf("%w: --version %d out of range", errUsage, n)
	}
	return int32(n), nil
}
