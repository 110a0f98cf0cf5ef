package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/store"
)

// byoCase is one system's fixture under testdata/byo/<dir>: its export, a
// roster and the mapping docs/mapping.md documents for it.
type byoCase struct {
	dir     string
	require string // readiness.require: the sources this customer has
	// accepted, rejected and skipped rows of the export (not the roster).
	accepted, rejected, skipped int64
	reasons                     map[string]int64
	// agents is how many roster employees must get a card with a score.
	agents int
	// secrets are customer data in the export that must appear in no output.
	secrets []string
}

var byoCases = []byoCase{
	{dir: "zendesk", require: "[tickets, roster]", accepted: 82, rejected: 1, reasons: map[string]int64{"required_empty": 1}, agents: 4,
		secrets: []string{"cust1201@example.com", "Customer 1201"}},
	{dir: "freshdesk", require: "[tickets, roster]", accepted: 62, rejected: 1, reasons: map[string]int64{"required_empty": 1}, agents: 3,
		secrets: []string{"contact5001@example.com", "Contact 5001", "13800138000"}},
	{dir: "servicenow", require: "[tickets, roster]", accepted: 83, rejected: 1, reasons: map[string]int64{"bad_timestamp": 1}, agents: 4,
		secrets: []string{"Caller 10001"}},
	{dir: "qualtrics", require: "[surveys, roster]", accepted: 60, skipped: 2 + 3, agents: 3,
		secrets: []string{"resp1@example.com", "Last1", "First1", "13912345678"}},
	{dir: "wjx", require: "[surveys, roster]", accepted: 60, skipped: 1, agents: 3,
		secrets: []string{"13512345678"}},
}

// TestBringYourOwnExports ingests each system's export with its documented
// mapping and closes the month: every export reaches the close, agents get
// different scores, and no customer data reaches any output.
func TestBringYourOwnExports(t *testing.T) {
	for _, tc := range byoCases {
		t.Run(tc.dir, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			src := filepath.Join(sampletest.Testdata(), "byo", tc.dir)
			uploaded := time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC)
			copyTo := func(from, key string) {
				data, err := os.ReadFile(from)
				require.NoError(t, err)
				dst := filepath.Join(dir, filepath.FromSlash(key))
				require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
				require.NoError(t, os.WriteFile(dst, data, 0o644))
				require.NoError(t, os.Chtimes(dst, uploaded, uploaded))
			}
			require.NoError(t, filepath.WalkDir(filepath.Join(src, "raw"), func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(src, p)
				copyTo(p, filepath.ToSlash(rel))
				return nil
			}))
			copyTo(filepath.Join(src, "mapping.yaml"), bucket.MappingKey)
			pol := filepath.Join(t.TempDir(), "policy.yaml")
			require.NoError(t, os.WriteFile(pol, append(policy.DefaultYAML(), []byte("\nreadiness:\n  require: "+tc.require+"\n")...), 0o644))
			copyTo(pol, bucket.PolicyKey)
			st, err := store.NewDir(dir)
			require.NoError(t, err)

			reps := sampletest.IngestAll(t, st)
			var export *ingestreport.Report
			for k, rep := range reps {
				require.Equal(t, ingestreport.StatusOK, rep.Status, k)
				if !strings.HasPrefix(k, "raw/roster/") {
					export = rep
					require.NotEmpty(t, rep.MappingSHA256, "%s: the mapping digest is recorded", k)
				}
			}
			require.NotNil(t, export)
			require.Equal(t, tc.accepted, export.Accepted, "accepted (rejected: %v)", export.RejectedByReason)
			require.Equal(t, tc.rejected, export.Rejected, "rejected: %v", export.RejectedByReason)
			if tc.reasons == nil {
				tc.reasons = map[string]int64{}
			}
			require.Equal(t, tc.reasons, export.RejectedByReason)
			require.Equal(t, tc.skipped, export.SkippedRows, "skipped rows")
			require.Empty(t, export.Warnings, "the documented mapping leaves nothing to warn of")

			res, err := (&closejob.Job{Store: st, Now: sampletest.CloseTime}).Run(ctx, closejob.Request{Month: "2026-09"})
			require.NoError(t, err)
			require.Equal(t, closejob.Published, res.Status, "readiness: %+v", res.Report)
			for _, w := range res.Report.Warnings {
				t.Logf("close warning: %s", w)
				require.NotContains(t, w, "barely overlap", "the roster's agent ids link the export's agents")
				require.NotContains(t, w, "same score")
			}
			scores := map[int64]bool{}
			scored := 0
			for _, row := range res.Payroll {
				require.False(t, strings.Contains(row.EmployeeID, " ") || strings.Contains(row.EmployeeID, "@"),
					"an agent name or e-mail was not linked to an employee id: %q", row.EmployeeID)
				if row.ScoreCenti != nil {
					t.Logf("%s score %d.%02d", row.EmployeeID, *row.ScoreCenti/100, *row.ScoreCenti%100)
					scored++
					scores[*row.ScoreCenti] = true
				}
			}
			require.Equal(t, tc.agents, scored, "employees with a score: %+v", res.Payroll)
			require.Len(t, scores, tc.agents, "agents with the same score: the fixture is built so that each differs")

			// No customer data in clear in any output.
			var keys []string
			require.NoError(t, st.List(ctx, "", func(o store.Object) error {
				if !strings.HasPrefix(o.Key, "raw/") && !strings.HasPrefix(o.Key, "config/") {
					keys = append(keys, o.Key)
				}
				return nil
			}))
			sort.Strings(keys)
			for _, k := range keys {
				data := sampletest.Read(t, st, k)
				for _, s := range tc.secrets {
					require.False(t, bytes.Contains(data, []byte(s)), "%s holds customer data %q", k, s)
				}
			}
		})
	}
}

// TestIngestMappingChangeAndForce: as a new customer would do it, with the
// CLI only: a DMY export fails every date; adding date_order to
// config/mapping.yaml and running `scorecard ingest` again re-reads it
// (never "nothing to do" with the old report); --force re-reads all.
func TestIngestMappingChangeAndForce(t *testing.T) {
	dir := t.TempDir()
	write := func(key, body string) {
		p := filepath.Join(dir, filepath.FromSlash(key))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	write("raw/crm/servicenow.csv", "number,opened_at,assigned_to\nINC1,29-02-2016 01:16,E1\nINC2,08-01-2025 15:00,E2\n")
	var out bytes.Buffer
	ingest := func(args ...string) string {
		t.Helper()
		out.Reset()
		run(context.Background(), append([]string{"ingest", "--store", dir}, args...), &out, &out)
		return out.String()
	}
	got := ingest()
	require.Contains(t, got, "missing required column")
	write(bucket.MappingKey, "crm:\n  ticket_id: [number]\n  created_at: [opened_at]\n  assignee_id: [assigned_to]\n")
	got = ingest()
	require.Contains(t, got, "EMPTY   raw/crm/servicenow.csv: 2 rows read, 0 accepted, 2 rejected (bad_timestamp 2)")
	require.Contains(t, got, "warning: no row accepted")
	require.Contains(t, got, "warning: no category column")
	write(bucket.MappingKey, "crm:\n  ticket_id: [number]\n  created_at: [opened_at]\n  assignee_id: [assigned_to]\n  date_order: DMY\n  defaults: {category: simple}\n")
	got = ingest()
	require.Contains(t, got, "ok      raw/crm/servicenow.csv: 2 rows read, 2 accepted, 0 rejected")
	require.NotContains(t, got, "warning")
	require.Empty(t, ingest(), "nothing changed: nothing to do")
	require.Contains(t, ingest("--force"), "ok      raw/crm/servicenow.csv: 2 rows read, 2 accepted")
	write(bucket.MappingKey, "crm:\n  date_ordr: DMY\n")
	require.Contains(t, ingest(), `crm: unknown field or setting "date_ordr"`)
}
