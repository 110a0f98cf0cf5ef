package ingestjob_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
)

// recorder is a Progress that keeps every call.
type recorder struct{ calls []call }

type call struct {
	key         string
	done, total int64
}

func (r *recorder) Progress(key string, done, total int64) {
	r.calls = append(r.calls, call{key, done, total})
}

// TestIngestReportsProgress: the ingest tells its Progress how many bytes
// of the export it has read, never going back, ending at the object's size.
func TestIngestReportsProgress(t *testing.T) {
	_, st := sampletest.Store(t)
	const key = "raw/crm/工单导出 2026-09.csv"
	obj, err := st.Head(context.Background(), key)
	require.NoError(t, err)
	in := sampletest.Ingester(st)
	var rec recorder
	in.Progress = &rec
	_, err = in.Run(context.Background(), key)
	require.NoError(t, err)
	require.NotEmpty(t, rec.calls)
	var prev int64
	for _, c := range rec.calls {
		require.Equal(t, key, c.key)
		require.Equal(t, obj.Size, c.total)
		require.GreaterOrEqual(t, c.done, prev, "progress went back")
		prev = c.done
	}
	require.Equal(t, obj.Size, rec.calls[len(rec.calls)-1].done, "the last call is the whole file")
}
