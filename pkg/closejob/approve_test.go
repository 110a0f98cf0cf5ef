package closejob_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/approval"
	"github.com/scorecard/scorecard/pkg/closejob"
)

// TestHandleApprove: {"approve": {...}} approves instead of closing; the
// time comes from Job.Now, and without a clock the request is refused.
func TestHandleApprove(t *testing.T) {
	ctx := context.Background()
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	closeMonth(t, st, closejob.Request{Month: "2026-09"})

	var req closejob.Request
	require.NoError(t, json.Unmarshal([]byte(`{"approve": {"month": "2026-09", "version": 1, "by": "li.na", "note": "ok"}}`), &req))

	_, err := (&closejob.Job{Store: st}).Handle(ctx, req)
	require.ErrorContains(t, err, "no clock")

	now := time.Date(2026, 10, 3, 2, 30, 0, 0, time.UTC)
	job := &closejob.Job{Store: st, Now: func() time.Time { return now }}
	out, err := job.Handle(ctx, req)
	require.NoError(t, err)
	require.Equal(t, approval.Approved, out.Status)
	require.Equal(t, "2026-09", out.Month)
	require.EqualValues(t, 1, out.Version)
	require.Equal(t, "li.na", out.Approval.ApprovedBy)
	require.Equal(t, now, out.Approval.ApprovedAt)

	req.Approve.By = "wang.wei"
	out, err = job.Handle(ctx, req)
	require.NoError(t, err)
	require.Equal(t, approval.AlreadyApproved, out.Status)
	require.Equal(t, "li.na", out.Approval.ApprovedBy, "the first approval stands")

	req.Approve.Version = 2
	_, err = job.Handle(ctx, req)
	require.ErrorContains(t, err, "payroll/month=2026-09/v2/manifest.json")
}
