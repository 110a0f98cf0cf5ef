package closejob

import (
	"runtime"
	"sync"
)

// The close's slow steps are many independent pieces of the same kind:
// five thousand statements to render, as many files to write (each a
// synced file on a directory store, a round trip on S3). They run on a
// bounded pool of workers; each piece's result goes to its own index, so
// the output is in the same order whatever finishes first.

// publishWorkers is how many files the close writes at once: a store
// round trip (S3) or an fsync (a directory store) waits, it does not
// compute, so more writers than CPUs.
const publishWorkers = 16

// renderWorkers is how many pieces of rendering run at once: one per CPU.
func renderWorkers() int { return runtime.GOMAXPROCS(0) }

// forEach calls fn(i) for every i in [0, n) on at most workers goroutines
// and returns the error of the lowest i that failed, or nil. After a
// failure no new i is started (those running finish), as a loop that stops
// at its first error would not start them.
func forEach(n, workers int, fn func(i int) error) error {
	workers = max(1, min(workers, n))
	errs := make([]error, n)
	var (
		mu     sync.Mutex
		next   int
		failed bool
		wg     sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if failed || next == n {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for range workers {
		wg.Go(func() {
			for {
				i, ok := take()
				if !ok {
					return
				}
				if errs[i] = fn(i); errs[i] != nil {
					mu.Lock()
					failed = true
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
