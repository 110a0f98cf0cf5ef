package closejob_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/store"
)

// preempted is a store where, just before this close's first write-once
// write, another close's files land (the winner of a race).
type preempted struct {
	closejob.Store
	once   sync.Once
	winner map[string][]byte
}

func (p *preempted) Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error) {
	if opt.IfNoneMatch {
		p.once.Do(func() {
			for k, v := range p.winner {
				if _, err := p.Store.Put(ctx, k, bytes.NewReader(v), int64(len(v)), store.PutOptions{IfNoneMatch: true}); err != nil {
					panic(err)
				}
			}
		})
	}
	return p.Store.Put(ctx, key, body, size, opt)
}

// TestRaceLostOnlyWhenTheWinnerPublishedTheSame: the loser of two racing
// closes stands down (RaceLost, exit 0) only when the winner's inputs digest
// and payroll rows equal its own; otherwise it fails saying so.
func TestRaceLostOnlyWhenTheWinnerPublishedTheSame(t *testing.T) {
	// The winner's files: a real close of the same inputs on another store,
	// scheduled (so its manifest differs from the loser's manual close).
	_, other := sampletest.Store(t)
	sampletest.IngestAll(t, other)
	closeMonth(t, other, closejob.Request{ScheduledTime: "2026-10-03T02:00:00+08:00"})
	winnerFiles := map[string][]byte{}
	for k := range sampletest.Snapshot(t, other) {
		if strings.Contains(k, "month=2026-09/v1") && (strings.HasPrefix(k, "payroll/") || strings.HasPrefix(k, "scorecards/")) {
			winnerFiles[k] = sampletest.Read(t, other, k)
		}
	}
	require.Contains(t, winnerFiles, "payroll/month=2026-09/v1/manifest.json")
	const manifestKey, csvKey = "payroll/month=2026-09/v1/manifest.json", "payroll/month=2026-09/v1/salary_multipliers.csv"

	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, files map[string][]byte)
		same   bool
	}{
		{"same inputs and rows", func(*testing.T, map[string][]byte) {}, true},
		{"different inputs digest", func(t *testing.T, files map[string][]byte) {
			m, err := payroll.ParseManifest(files[manifestKey])
			require.NoError(t, err)
			m.Inputs[0].ETag = `"another-etag"` // another close read another version of an input
			m.InputsDigest = payroll.InputsDigest(m.Policy.SHA256, m.Inputs)
			files[manifestKey], err = m.Marshal()
			require.NoError(t, err)
		}, false},
		{"different payroll rows", func(t *testing.T, files map[string][]byte) {
			rows, err := payroll.ReadCSV(bytes.NewReader(files[csvKey]))
			require.NoError(t, err)
			rows = rows[1:]
			var b bytes.Buffer
			require.NoError(t, payroll.WriteCSV(&b, rows))
			files[csvKey] = b.Bytes()
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for k, v := range winnerFiles {
				files[k] = v
			}
			tc.tamper(t, files)
			_, st := sampletest.Store(t)
			sampletest.IngestAll(t, st)
			res, err := closer(&preempted{Store: st, winner: files}).Run(context.Background(), closejob.Request{Month: "2026-09"})
			if tc.same {
				require.NoError(t, err)
				require.Equal(t, closejob.RaceLost, res.Status)
				require.EqualValues(t, 1, res.Version)
				return
			}
			require.ErrorIs(t, err, closejob.ErrRaceLostDifferent)
			require.ErrorContains(t, err, "payroll/month=2026-09/v1")
			require.Nil(t, res)
		})
	}
}
