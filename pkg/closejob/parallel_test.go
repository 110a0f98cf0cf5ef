package closejob

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestForEach: every index once, results by index whatever the workers;
// the error is the lowest failing index's; no index starts after one fails
// (with one worker, exactly the ones before it ran).
func TestForEach(t *testing.T) {
	for _, tc := range []struct {
		n, workers int
		fail       []int
		wantErr    string
	}{
		{n: 0, workers: 4},
		{n: 1, workers: 16},
		{n: 1000, workers: 1},
		{n: 1000, workers: 7},
		{n: 100, workers: 4, fail: []int{70, 30}, wantErr: "piece 30"},
		{n: 100, workers: 1, fail: []int{10}, wantErr: "piece 10"},
	} {
		t.Run(fmt.Sprintf("n=%d,workers=%d,fail=%v", tc.n, tc.workers, tc.fail), func(t *testing.T) {
			out := make([]int, tc.n)
			var calls atomic.Int64
			err := forEach(tc.n, tc.workers, func(i int) error {
				calls.Add(1)
				for _, f := range tc.fail {
					if i == f {
						return errors.New(fmt.Sprint("piece ", i))
					}
				}
				out[i] = i * i
				return nil
			})
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				if tc.workers == 1 {
					require.EqualValues(t, tc.fail[0]+1, calls.Load(), "one worker stops at the first error")
				}
				return
			}
			require.NoError(t, err)
			require.EqualValues(t, tc.n, calls.Load())
			for i := range out {
				require.Equal(t, i*i, out[i])
			}
		})
	}
}
