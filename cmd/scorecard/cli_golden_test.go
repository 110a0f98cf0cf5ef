package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// updating is -update, which internal/sampletest (linked into these tests)
// may have defined already.
func updating() bool {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/cli/")
	}
	return flag.Lookup("update").Value.String() == "true"
}

var _ = updating() // define -update before flag.Parse

// TestCLIGolden runs the CLI on the mistakes a new user makes and on
// --help, and compares exit status, stdout and stderr with
// testdata/cli/NAME.golden (go test -run TestCLIGolden -update rewrites
// them). $STORE stands for the store directory the case runs on, and log
// timestamps are replaced by TIME.
func TestCLIGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		// absent are paths (relative to the working directory or under
		// $STORE) that must not exist after the run: nothing was created.
		absent []string
	}{
		{name: "no-command", args: nil},
		{name: "unknown-command", args: []string{"frobnicate"}},
		{name: "help", args: []string{"help"}},
		{name: "close-help", args: []string{"close", "--help"}},
		{name: "ingest-h", args: []string{"ingest", "-h"}},
		{name: "unknown-flag", args: []string{"ingest", "--nope"}},
		{name: "close-no-month", args: []string{"close", "--store", "$STORE"}},
		{name: "close-bad-month", args: []string{"close", "--store", "$STORE", "--month", "2026-13"}},
		{name: "close-short-month", args: []string{"close", "--store", "$STORE", "--month", "2026-9"}},
		{name: "demo-bad-month", args: []string{"demo", "--month", "9/2026"}},
		{name: "check-bad-month", args: []string{"check", "--store", "$STORE", "--month", "Sept"}},
		{name: "verify-bad-month", args: []string{"verify", "--store", "$STORE", "--month", "2026/09"}},
		{name: "store-missing-dir", args: []string{"check", "--store", "$STORE/nope", "--month", "2026-09"}, absent: []string{"$STORE/nope"}},
		{name: "store-s3-one-slash", args: []string{"ingest", "--store", "s3:/data/x"}, absent: []string{"s3:"}},
		{name: "store-s3-no-slash", args: []string{"verify", "--store", "s3:data", "--month", "2026-09"}, absent: []string{"s3:data"}},
		{name: "store-s3-uppercase", args: []string{"ingest", "--store", "S3://data"}, absent: []string{"S3:"}},
		{name: "store-s3-prefix-dotdot", args: []string{"ingest", "--store", "s3://data/team-a/../team-b"}},
		{name: "serve-store-prefix", args: []string{"serve", "--store", "s3://data/team-a"}},
		{name: "store-s3-prefix-empty-segment", args: []string{"ingest", "--store", "s3://data//team-a"}},
		{name: "store-s3-bad-bucket", args: []string{"ingest", "--store", "s3://My_Bucket"}},
		{name: "store-file-url", args: []string{"ingest", "--store", "file:///tmp/x"}},
		{name: "demo-store-url", args: []string{"demo", "--store", "s3:/tmp/demo"}, absent: []string{"s3:"}},
		{name: "ingest-missing-key", args: []string{"ingest", "--store", "$STORE", "raw/crm/工单导出 2026-10.csv"}},
		{name: "ingest-missing-key-json-log", args: []string{"ingest", "--store", "$STORE", "--log-format", "json", "raw/crm/工单导出 2026-10.csv"}},
		{name: "ingest-not-an-export", args: []string{"ingest", "--store", "$STORE", "notes/readme.txt"}},
		{name: "ingest-unknown-folder", args: []string{"ingest", "--store", "$STORE", "raw/tickets/x.csv"}},
		{name: "upload-no-as", args: []string{"upload", "--store", "$STORE", "a.csv"}},
		{name: "upload-bad-as", args: []string{"upload", "--store", "$STORE", "a.csv", "--as", "raw/tickets/"}},
		{name: "upload-missing-file", args: []string{"upload", "--store", "$STORE", "$STORE/no such.csv", "--as", "raw/crm/"}},
		{name: "upload-help", args: []string{"upload", "--help"}},
		{name: "bad-log-format", args: []string{"ingest", "--store", "$STORE", "--log-format", "xml"}},
		{name: "statement-help", args: []string{"statement", "--help"}},
		{name: "statement-no-employee", args: []string{"statement", "--store", "$STORE", "--month", "2026-09"}},
		{name: "statement-bad-month", args: []string{"statement", "--store", "$STORE", "--month", "2026-13", "--employee", "E1001"}},
		{name: "annual-bad-year", args: []string{"annual", "--store", "$STORE", "--year", "26"}},
		{name: "annual-help", args: []string{"annual", "-h"}},
		{name: "whatif-no-policy", args: []string{"whatif", "--store", "$STORE", "--month", "2026-09"}},
		{name: "whatif-bad-format", args: []string{"whatif", "--store", "$STORE", "--month", "2026-09", "--policy", "p.yaml", "--format", "xlsx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			expand := func(s string) string { return strings.ReplaceAll(s, "$STORE", dir) }
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = expand(a)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			got := transcript(tc.args, code, stdout.String(), stderr.String(), dir)
			path := filepath.Join("testdata", "cli", tc.name+".golden")
			if updating() {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run with -update to create it")
			require.Equal(t, string(want), got)
			for _, p := range tc.absent {
				_, err := os.Stat(expand(p))
				require.True(t, os.IsNotExist(err), "%s was created (stat: %v)", p, err)
			}
		})
	}
}

var logTime = regexp.MustCompile(`("time":"|time=)[0-9T:.+Z-]+"?`)

func transcript(args []string, code int, stdout, stderr, dir string) string {
	clean := func(s string) string {
		s = strings.ReplaceAll(s, dir, "$STORE")
		return logTime.ReplaceAllStringFunc(s, func(m string) string {
			if strings.HasPrefix(m, `"time"`) {
				return `"time":"TIME"`
			}
			return "time=TIME"
		})
	}
	var b strings.Builder
	b.WriteString("$ scorecard")
	for _, a := range args {
		if strings.ContainsAny(a, " \t") {
			a = "'" + a + "'"
		}
		b.WriteString(" " + a)
	}
	b.WriteString("\n")
	b.WriteString("exit " + string(rune('0'+code)) + "\n")
	b.WriteString("--- stdout\n" + clean(stdout))
	b.WriteString("--- stderr\n" + clean(stderr))
	return b.String()
}
