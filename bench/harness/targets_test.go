package main

import (
	"strings"
	"testing"
)

// targetsFixture is two ingest sizes and a close with its DuckDB side.
func targetsFixture() *Results {
	ingest := func(rows int64, ourWall float64, ourRSS int64) Case {
		return Case{Name: "ingest " + thousands(rows) + " rows", Rows: rows, Baseline: 1, Series: []Series{
			series("scorecard ingest, GB18030 file", "scorecard", "gb.csv", rows, sample(ourWall, ourWall, ourRSS, rows)),
			duck(series("DuckDB full script, 1 thread", "duckdb", "u.csv", rows, sample(ourWall*3, ourWall*3, 400, rows)), "full", 1),
			duck(series("DuckDB full script, 2 threads", "duckdb", "u.csv", rows, sample(ourWall*2, ourWall*3, 400, rows)), "full", 2),
			duck(series("DuckDB lean script, 2 threads", "duckdb", "u.csv", rows, sample(ourWall, ourWall*2, 300, rows)), "lean", 2),
			series("scorecard ingest, UTF-8 file", "scorecard", "u.csv", rows, sample(ourWall*0.9, ourWall, ourRSS+10, rows)),
		}}
	}
	return &Results{
		Ingest: []Case{ingest(1000000, 4, 90), ingest(5000000, 22, 95)},
		Close: &Case{Name: "close 2026-09", Rows: 1000000, Baseline: 1, Series: []Series{
			series("scorecard close", "scorecard", "store", 5000, sample(2, 3, 500, 5000)),
			duck(series("DuckDB, kpi", "duckdb", "store", 5000, sample(3.4, 3.4, 420, 5000)), "infra/athena/kpi_reference.sql", 1),
		}},
		Binaries: []Binary{{Function: "ingest", Arch: "linux/arm64", Bytes: 19_500_000}, {Function: "ingest", Arch: "linux/amd64", Bytes: 25_000_000}},
	}
}

func targetByPrefix(t *testing.T, rows []TargetRow, prefix string) TargetRow {
	t.Helper()
	for _, r := range rows {
		if strings.HasPrefix(r.What, prefix) {
			return r
		}
	}
	t.Fatalf("no target row %q in %+v", prefix, rows)
	return TargetRow{}
}

func TestTargets(t *testing.T) {
	rows := Targets(targetsFixture())
	tests := []struct {
		prefix, measured, verdict string
	}{
		// The slower scorecard side (GB18030, 4 s) against DuckDB with 2 threads (8 s).
		{"ingest 1,000,000 rows: throughput vs DuckDB `ingest_tickets.sql`, 2 threads", "2.00× (scorecard ingest, GB18030 file: 250,000 rows/s; DuckDB: 125,000 rows/s)", "met"},
		// The larger RSS (UTF-8, 100 MiB) against 400 MiB.
		{"ingest 1,000,000 rows: peak RSS", "0.25× (scorecard ingest, UTF-8 file: 100 MiB; DuckDB: 400 MiB)", "met"},
		{"ingest 1,000,000 rows: throughput vs the lean DuckDB script (`ingest_tickets_lean.sql`, 2 threads)", "1.00× (scorecard ingest, GB18030 file: 250,000 rows/s; DuckDB: 250,000 rows/s)", "**missed** by 0.50× (33%)"},
		{"ingest 5,000,000 rows: peak RSS", "0.26× (scorecard ingest, UTF-8 file: 105 MiB; DuckDB: 400 MiB)", "**missed** by 0.01× (5%)"},
		{"ingest: throughput flat from 1,000,000 → 5,000,000 rows", "91% (250,000 rows/s, then 227,273 rows/s; slowest scorecard side)", "met"},
		{"ingest: peak RSS flat from 1,000,000 → 5,000,000 rows", "105% (100 MiB, then 105 MiB; largest scorecard side)", "met"},
		{"close 2026-09: throughput vs DuckDB `infra/athena/kpi_reference.sql`, 1 thread", "1.70× (scorecard close: 500,000 tickets/s; DuckDB: 294,118 tickets/s)", "met"},
		{"close 2026-09: peak RSS", "1.19× (scorecard close: 500 MiB; DuckDB: 420 MiB)", "**missed** by 0.19× (19%)"},
		{"`ingest` bootstrap size (linux/arm64", "19.50 MB", "met"},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			r := targetByPrefix(t, rows, tt.prefix)
			if r.Measured != tt.measured || r.Verdict != tt.verdict {
				t.Errorf("got %q, %q; want %q, %q", r.Measured, r.Verdict, tt.measured, tt.verdict)
			}
		})
	}
	for _, r := range rows {
		if strings.Contains(r.What, "amd64") {
			t.Errorf("amd64 binary in the targets: %+v", r)
		}
	}
	// 3 per ingest size, 2 flat, 2 close, 1 binary.
	if len(rows) != 3*2+2+2+1 {
		t.Errorf("%d target rows, want 11", len(rows))
	}
}

func TestTargetsFlatMissed(t *testing.T) {
	r := targetsFixture()
	r.Ingest[1].Series[0].Median.WallS = 30 // 166,667 rows/s at 5M: 67% of 250,000
	r.Ingest[1].Series[4].Median.RSSKB = 200 * 1024
	rows := Targets(r)
	if got := targetByPrefix(t, rows, "ingest: throughput flat").Verdict; got != "**missed** by 23 points" {
		t.Errorf("flat throughput verdict %q", got)
	}
	if got := targetByPrefix(t, rows, "ingest: peak RSS flat").Verdict; got != "**missed** by 90 points" {
		t.Errorf("flat RSS verdict %q", got)
	}
}

// TestTargetsOldResults reads results from before the DuckDB sides were
// labelled: the one DuckDB side was the full script with one thread.
func TestTargetsOldResults(t *testing.T) {
	r := targetsFixture()
	r.Ingest = r.Ingest[:1]
	c := &r.Ingest[0]
	c.Series = []Series{c.Series[0], c.Series[1], c.Series[4]}
	c.Series[1].Script, c.Series[1].Threads = "", 0
	r.Close.Series[1].Script, r.Close.Series[1].Threads = "", 0
	rows := Targets(r)
	for _, prefix := range []string{"ingest 1,000,000 rows: throughput vs DuckDB", "ingest 1,000,000 rows: throughput vs the lean", "ingest: throughput flat"} {
		if got := targetByPrefix(t, rows, prefix); got.Verdict != "–" || !strings.HasPrefix(got.Measured, "not measured") {
			t.Errorf("%s: %+v, want not measured", prefix, got)
		}
	}
	if got := targetByPrefix(t, rows, "close 2026-09: throughput"); got.Verdict != "met" {
		t.Errorf("the close of old results: %+v", got)
	}
}

func TestTargetsNothingRan(t *testing.T) {
	rows := Targets(&Results{})
	for _, r := range rows {
		if r.Verdict != "–" {
			t.Errorf("%+v: want not measured", r)
		}
	}
	if len(rows) != 5 { // flat ×2, close ×2, bootstraps
		t.Errorf("%d rows: %+v", len(rows), rows)
	}
}
