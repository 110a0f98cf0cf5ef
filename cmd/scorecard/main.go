// Command scorecard runs the pipeline's handlers on a laptop, against a local
// directory laid out like the bucket or against any S3 endpoint:
//
//	scorecard demo [--store DIR] [--month YYYY-MM]
//	scorecard ingest --store STORE [KEY...]
//	scorecard close  --store STORE --month YYYY-MM [--reopen]
//	scorecard approve --store STORE --month YYYY-MM --version N --by NAME [--note TEXT]
//	scorecard verify --store STORE --month YYYY-MM [--version N]
//	scorecard statement --store STORE --month YYYY-MM --employee ID [--version N]
//	scorecard upload --store STORE FILE... --as raw/SOURCE/
//	scorecard serve  --store s3://bucket [--addr 127.0.0.1:8787] [--public] [--token-file FILE]
//
// STORE is a directory, s3://bucket or s3://bucket/prefix (endpoint and
// credentials from the standard AWS environment variables). Exit status: 0 success (rejected rows
// are reported, not a failure; approving an approved version is a success
// that says so), 1 failure (an approval refused, a version that does not
// verify), 2 bad usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai must load where the OS has no zoneinfo (Lambda)
)

const usage = `usage:
  scorecard demo   [--store DIR] [--month YYYY-MM]   ingest the sample exports and close their month
  scorecard ingest --store STORE [KEY...]            ingest KEYs, or every raw/ object without an ingest report
  scorecard close  --store STORE --month YYYY-MM [--reopen] [--allow-incomplete REASON]
  scorecard check  --store STORE --month YYYY-MM     is the month ready to close? (exit 0 ready, 1 not)
  scorecard approve --store STORE --month YYYY-MM --version N --by NAME [--note TEXT]
                                                     check a published version and record its approval (once)
  scorecard verify --store STORE --month YYYY-MM [--version N]
                                                     what payroll runs: the newest approved version, checked; prints its CSV key
  scorecard annual --store STORE --year YYYY        the annual close over the year's approved months
  scorecard whatif --store STORE --month YYYY-MM --policy FILE [--format text|csv]
                                                     score the month with another policy; writes nothing
  scorecard statement --store STORE --month YYYY-MM --employee ID [--version N]
                                                     print an employee's 绩效考核单 (statement) as text
  scorecard upload --store STORE FILE... --as raw/SOURCE/
                                                     copy exports in the order given, each a later upload, then ingest them
  scorecard serve  --store STORE [--addr HOST:PORT] [--public] [--token-file FILE]
                   run ingest for S3/MinIO webhook events; POST /close runs the close.
                   Loopback only unless --public; every POST needs Content-Type: application/json
                   and "Authorization: Bearer <token>" (a new token each start, printed and
                   written to --token-file); a foreign Origin is refused

STORE is a directory (the bucket layout inside it), s3://bucket, or
s3://bucket/prefix (the layout under that prefix of a shared bucket).
Every command takes --log-format text|json (logs go to stderr; default text)
and --help.
`

// errUsage marks bad command-line usage (exit status 2).
var errUsage = errors.New("bad usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(profiled(func() int { return run(ctx, os.Args[1:], os.Stdout, os.Stderr) }))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "demo":
		err = cmdDemo(ctx, args[1:], stdout, stderr)
	case "ingest":
		err = cmdIngest(ctx, args[1:], stdout, stderr)
	case "close":
		err = cmdClose(ctx, args[1:], stdout, stderr)
	case "check":
		err = cmdCheck(ctx, args[1:], stdout, stderr)
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "approve":
		err = cmdApprove(ctx, args[1:], stdout, stderr)
	case "upload":
		err = cmdUpload(ctx, args[1:], stdout, stderr)
	case "verify":
		err = cmdVerify(ctx, args[1:], stdout, stderr)
	case "annual":
		err = cmdAnnual(ctx, args[1:], stdout, stderr)
	case "whatif":
		err = cmdWhatif(ctx, args[1:], stdout, stderr)
	case "statement":
		err = cmdStatement(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "scorecard: unknown command %q\n%s", args[0], usage)
		return 2
	}
	return exitStatus(args[0], err, stdout, stderr)
}

func logLevel(verbose bool) slog.Level {
	if verbose {
		return slog.LevelInfo
	}
	return slog.LevelWarn
}

// profiled runs f with a CPU profile written to $SCORECARD_CPUPROFILE, if set
// (for measuring ingest and close on real data: go tool pprof FILE).
func profiled(f func() int) int {
	path := os.Getenv("SCORECARD_CPUPROFILE")
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "scorecard: SCORECARD_CPUPROFILE: %v\n", err)
		return 1
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintf(os.Stderr, "scorecard: SCORECARD_CPUPROFILE: %v\n", err)
		return 1
	}
	defer pprof.StopCPUProfile()
	return f()
}
