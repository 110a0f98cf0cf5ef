package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// demoStore is a store with the sample month published as v1 and approved
// by the demo.
func demoStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var out bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"demo", "--store", dir}, &out, &out), out.String())
	require.Contains(t, out.String(), `Approved payroll/month=2026-09/v1/ by demo`)
	require.Contains(t, out.String(), "csv       payroll/month=2026-09/v1/salary_multipliers.csv")
	return dir
}

func TestApproveAndVerifyExitStatus(t *testing.T) {
	csvPath := filepath.Join("payroll", "month=2026-09", "v1", "salary_multipliers.csv")
	approvalPath := filepath.Join("payroll", "month=2026-09", "v1", "approval.json")
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string // after --store DIR
		want  int
		out   string
	}{
		{"verify approved", nil, []string{"verify", "--month", "2026-09"}, 0, "csv       payroll/month=2026-09/v1/salary_multipliers.csv"},
		{"verify by version", nil, []string{"verify", "--month", "2026-09", "--version", "1"}, 0, "version   1"},
		{"verify altered CSV", func(t *testing.T, dir string) {
			p := filepath.Join(dir, csvPath)
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			b[len(b)-2] ^= 1
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}, []string{"verify", "--month", "2026-09"}, 1, "payroll/month=2026-09/v1/salary_multipliers.csv: content does not match"},
		{"verify unapproved", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, approvalPath)))
		}, []string{"verify", "--month", "2026-09"}, 1, "no approved version"},
		{"verify unapproved under policy none", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, approvalPath)))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config", "policy.yaml"), policyNone(t), 0o644))
		}, []string{"verify", "--month", "2026-09"}, 0, "approved  not required (policy approval: none)"},
		{"verify missing version", nil, []string{"verify", "--month", "2026-09", "--version", "3"}, 1, "payroll/month=2026-09/v3/manifest.json: missing"},
		{"verify other month", nil, []string{"verify", "--month", "2026-08"}, 1, "payroll/month=2026-08/: no approved version"},
		{"verify without month", nil, []string{"verify"}, 2, ""},
		{"verify bad month", nil, []string{"verify", "--month", "2026-13"}, 2, ""},
		{"verify negative version", nil, []string{"verify", "--month", "2026-09", "--version", "-1"}, 2, ""},
		{"approve again", nil, []string{"approve", "--month", "2026-09", "--version", "1", "--by", "li.na"}, 0, "Already approved: payroll/month=2026-09/v1/ by demo at "},
		{"approve", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, approvalPath)))
		}, []string{"approve", "--month", "2026-09", "--version", "1", "--by", "li.na", "--note", "ok"}, 0, "Approved payroll/month=2026-09/v1/ by li.na at "},
		{"approve altered CSV", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, approvalPath)))
			require.NoError(t, os.WriteFile(filepath.Join(dir, csvPath), []byte("employee_id\n"), 0o644))
		}, []string{"approve", "--month", "2026-09", "--version", "1", "--by", "li.na"}, 1, "Refused: payroll/month=2026-09/v1/ does not verify:\n  payroll/month=2026-09/v1/salary_multipliers.csv"},
		{"approve unpublished version", nil, []string{"approve", "--month", "2026-09", "--version", "2", "--by", "li.na"}, 1, "payroll/month=2026-09/v2/manifest.json: missing"},
		{"approve without by", nil, []string{"approve", "--month", "2026-09", "--version", "1"}, 2, ""},
		{"approve blank by", nil, []string{"approve", "--month", "2026-09", "--version", "1", "--by", " "}, 2, ""},
		{"approve without version", nil, []string{"approve", "--month", "2026-09", "--by", "li.na"}, 2, ""},
		{"approve bad version", nil, []string{"approve", "--month", "2026-09", "--version", "one", "--by", "li.na"}, 2, ""},
		{"approve extra argument", nil, []string{"approve", "--month", "2026-09", "--version", "1", "--by", "li.na", "extra"}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := demoStore(t)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			args := append([]string{tc.args[0], "--store", dir}, tc.args[1:]...)
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), args, &stdout, &stderr)
			require.Equal(t, tc.want, got, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			require.True(t, strings.Contains(stdout.String(), tc.out), "stdout lacks %q:\n%s", tc.out, stdout.String())
			if tc.want == 1 {
				require.Empty(t, stderr.String(), "a refusal is printed once, on stdout")
			}
		})
	}
}

func policyNone(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "pkg", "policy", "default.yaml"))
	require.NoError(t, err)
	return bytes.Replace(b, []byte("calendar: holiday-cn\n"), []byte("calendar: holiday-cn\napproval: none\n"), 1)
}
