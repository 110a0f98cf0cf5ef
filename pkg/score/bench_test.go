package score

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
)

// BenchmarkCompute scores April 2026 from 1M ticket rows (created January
// to April: the month and its 3-month look-back, about 5% repeated across
// exports), 500k survey rows and 5,000 employees with a roster. Besides
// ns/op and allocs it reports the heap the input takes (input-MB) and the
// live heap after Compute and a GC (live-MB: input + result). Peak memory
// is the process's: run the test binary under /usr/bin/time -v.
func BenchmarkCompute(b *testing.B) {
	const (
		nTickets   = 1_000_000
		nSurveys   = 500_000
		nEmployees = 5_000
	)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	g := newGen(1, nEmployees)
	g.base = at("2026-01-01 00:00")
	g.span = at("2026-05-01 00:00") - g.base
	in := Input{
		Month:       calendar.Month{Year: 2026, Month: time.April},
		Policy:      policy.Default(),
		Calendar:    newFakeCal(),
		Tickets:     g.tickets(nTickets, nTickets*95/100),
		Surveys:     g.surveys(nSurveys, nTickets*95/100),
		Evaluations: g.evaluations(4 * nEmployees),
		Roster:      g.roster(nEmployees),
		HaveRoster:  true,
	}
	runtime.GC()
	var loaded runtime.MemStats
	runtime.ReadMemStats(&loaded)

	b.ReportAllocs()
	b.ResetTimer()
	var r *Result
	cpu0 := cpuTime()
	for b.Loop() {
		var err error
		if r, err = Compute(in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if r.Employees == 0 {
		b.Fatal("no cards")
	}
	b.ReportMetric(float64(loaded.HeapAlloc-before.HeapAlloc)/(1<<20), "input-MB")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "live-MB")
	runtime.KeepAlive(in)
}

// cpuTime is the process's user and system CPU time in ns: on a shared
// machine it measures the work better than the wall clock.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
