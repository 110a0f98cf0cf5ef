package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/statement"
)

// cmdStatement prints one employee's 绩效考核单 of a published version as
// aligned text (the HTML page is reports/statements/month=M/vN/E.html).
func cmdStatement(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("statement", stderr)
	storeSpec := fs.String("store", "", "directory, s3://bucket or s3://bucket/prefix")
	month := fs.String("month", "", "month, YYYY-MM")
	employee := fs.String("employee", "", "employee id")
	version := fs.Int("version", 0, "version (default: the latest published)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || *month == "" || *employee == "" || fs.NArg() > 0 || *version < 0 {
		return fmt.Errorf("%w: --store, --month and --employee are required, --version is 1 or more, and nothing else", errUsage)
	}
	m, err := calendar.ParseMonth(*month)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	s, err := closeJob(st, cliEnv(fs, stderr, false)).Statement(ctx, m, int32(*version), *employee)
	if err != nil {
		return err
	}
	if err := s.WriteText(stdout); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\n(the page: %s)\n", bucket.Statement(m, s.Version, *employee))
	return err
}

// printPages says where a version's pages for people are.
func printPages(w io.Writer, root string, res *closejob.Result) {
	fmt.Fprintf(w, "\nPages for people (open in a browser, print to A4):\n")
	fmt.Fprintf(w, "  report      %s\n", join(root, bucket.CloseReport(res.Month, res.Version, "html")))
	// the key of employee "ID", with a placeholder for the id
	statements := strings.Replace(bucket.Statement(res.Month, res.Version, "ID"), "/ID.html", "/<employee_id>.html", 1)
	fmt.Fprintf(w, "  statements  %s\n", join(root, statements))
	fmt.Fprintf(w, "  in text:    scorecard statement --store %s --month %s --employee <employee_id> --version %s\n", root, res.Month, strconv.Itoa(int(res.Version)))
}

func join(root, key string) string { return root + "/" + key }

// printAligned writes rows as columns aligned by display width, so
// Chinese names (two columns each) line up.
func printAligned(w io.Writer, rows [][]string, right ...int) {
	_ = statement.Table(w, rows, right...)
}
