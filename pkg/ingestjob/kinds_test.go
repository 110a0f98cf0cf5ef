package ingestjob_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/ingestreport"
)

// TestCustomKindsFromThePolicy: the evaluations reader accepts the kinds
// config/policy.yaml declares (spec §11), read leniently: a policy that is
// invalid elsewhere still gives its kinds, and a kind that is itself bad is
// skipped with a warning while the good ones are used.
func TestCustomKindsFromThePolicy(t *testing.T) {
	csv := "工号,考核月份,类型,数值\r\nE1001,2026-09,出勤率,96\r\nE1002,2026-09,培训完成率,80\r\nE1003,2026-09,加班,3\r\n"
	for _, tt := range []struct {
		name, policy string
		accepted     int64
		warnings     int
	}{
		// No kind declared: every record is rejected, and the report warns
		// that nothing of the file reaches a close.
		{"no policy kinds", "timezone: Asia/Shanghai\n", 0, 1},
		{"declared, rest of the policy invalid", "timezone: Asia/Shanghai\nkpis: nonsense\nkinds:\n  - {id: attendance, labels: [出勤率], unit: percent, range: [0, 100]}\n  - {id: training_completion, labels: [培训完成率], unit: percent}\n", 2, 0},
		{"one bad kind skipped", "timezone: Asia/Shanghai\nkinds:\n  - {id: attendance, labels: [出勤率], unit: percent, range: [0, 100]}\n  - {id: training_completion, labels: [培训完成率], unit: pct}\n", 1, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, st := sampletest.Store(t)
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "config"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config", "policy.yaml"), []byte(tt.policy), 0o644))
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "raw", "evaluations"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "raw", "evaluations", "kinds.csv"), []byte(csv), 0o644))
			rep, err := sampletest.Ingester(st).Run(context.Background(), "raw/evaluations/kinds.csv")
			require.NoError(t, err)
			require.Equal(t, ingestreport.StatusOK, rep.Status)
			require.EqualValues(t, 3, rep.RowsRead)
			require.Equal(t, tt.accepted, rep.Accepted)
			require.EqualValues(t, 3-tt.accepted, rep.RejectedByReason["unknown_value"])
			require.Len(t, rep.Warnings, tt.warnings)
		})
	}
}
