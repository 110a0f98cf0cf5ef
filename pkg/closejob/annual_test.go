package closejob_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/annual"
	"github.com/scorecard/scorecard/pkg/closejob"
)

// TestHandleAnnual: {"year": 2026} runs the annual close; before September
// is approved the year is not ready (an error, so the alarm fires), after
// it publishes v1 from September alone; the schedule's
// {"annual_scheduled_time"} of 10 January 2027 closes 2026 too.
func TestHandleAnnual(t *testing.T) {
	ctx := context.Background()
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	closeMonth(t, st, closejob.Request{Month: "2026-09"})
	job := &closejob.Job{Store: st, Now: func() time.Time { return time.Date(2027, 1, 10, 2, 0, 0, 0, time.UTC) }}

	var req closejob.Request
	require.NoError(t, json.Unmarshal([]byte(`{"year": 2026}`), &req))
	require.NoError(t, req.Validate())
	_, err := job.Handle(ctx, req)
	var nr *annual.NotReadyError
	require.True(t, errors.As(err, &nr), "%v", err)

	_, err = job.Handle(ctx, closejob.Request{Approve: &closejob.ApproveRequest{Month: "2026-09", Version: 1, By: "hr"}})
	require.NoError(t, err)
	out, err := job.Handle(ctx, req)
	require.NoError(t, err)
	require.Equal(t, annual.Published, out.Status)
	require.Equal(t, 2026, out.Year)
	require.EqualValues(t, 1, out.Version)
	require.Positive(t, out.Employees)
	require.Len(t, out.MonthsNotUsed, 11)

	var sched closejob.Request
	require.NoError(t, json.Unmarshal([]byte(`{"annual_scheduled_time": "2027-01-10T02:00:00Z"}`), &sched))
	require.NoError(t, sched.Validate())
	out, err = job.Handle(ctx, sched)
	require.NoError(t, err)
	require.Equal(t, annual.Unchanged, out.Status)
	require.Equal(t, 2026, out.Year)

	require.Error(t, closejob.Request{Year: 26}.Validate())
	require.Error(t, closejob.Request{AnnualScheduledTime: "10 Jan"}.Validate())
}
