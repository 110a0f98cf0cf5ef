package closejob_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/closejob"
)

type stepRecorder struct {
	last map[string][2]int64
	n    int
}

func (r *stepRecorder) Progress(step string, done, total int64) {
	if prev, ok := r.last[step]; ok && done < prev[0] {
		panic("progress went back in " + step)
	}
	r.last[step] = [2]int64{done, total}
	r.n++
}

// TestCloseReportsProgress: every step of reading the inputs is reported,
// each ending with all of its bytes read, and the tickets step had bytes.
func TestCloseReportsProgress(t *testing.T) {
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	rec := &stepRecorder{last: map[string][2]int64{}}
	job := &closejob.Job{Store: st, Now: sampletest.CloseTime, Progress: rec}
	_, err := job.Run(context.Background(), closejob.Request{Month: scorecard.SampleMonth})
	require.NoError(t, err)
	require.Contains(t, rec.last, "tickets "+scorecard.SampleMonth)
	require.Positive(t, rec.last["tickets "+scorecard.SampleMonth][1])
	for step, dt := range rec.last {
		require.Equal(t, dt[1], dt[0], "step %s ended at %d of %d", step, dt[0], dt[1])
		require.True(t, strings.HasPrefix(step, "tickets ") || strings.HasPrefix(step, "surveys ") || strings.HasPrefix(step, "evaluations ") || strings.HasPrefix(step, "adjustments "), step)
	}
}
