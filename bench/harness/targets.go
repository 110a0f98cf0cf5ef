package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// The targets of the issue, as rendered in the Targets table. Every row is
// computed from the results; nothing here is a measurement.
const (
	// Ingest: at least the rows/s of DuckDB running the full-equivalent
	// script (ingest_tickets.sql) with two threads, at no more than a
	// quarter of its peak RSS.
	targetIngestVsFull2 = 1.0
	fullThreadsTarget   = 2
	targetIngestRSS     = 0.25
	// Ingest: 1.5 times the rows/s of the lean script
	// (ingest_tickets_lean.sql) on all cores.
	targetIngestVsLean = 1.5
	// "Flat from 1M to 5M rows": at the largest size, at least this share
	// of the smallest size's rows/s, and at most this multiple of its peak
	// RSS.
	flatRateMin = 0.9
	flatRSSMax  = 1.1
	// Close: 1.5 times the tickets/s of the SQL reference with one thread,
	// at no more than its peak RSS.
	targetCloseVsSQL   = 1.5
	closeThreadsTarget = 1
	targetCloseRSS     = 1.0
)

// TargetRow is one row of the Targets table.
type TargetRow struct {
	What, Target, Measured, Verdict string
}

// Targets computes the Targets table from r.
func Targets(r *Results) []TargetRow {
	var rows []TargetRow
	for _, c := range r.Ingest {
		rows = append(rows, ingestTargets(c)...)
	}
	rows = append(rows, flatTargets(r.Ingest)...)
	rows = append(rows, closeTargets(r.Close)...)
	rows = append(rows, sizeTargets(r.Binaries)...)
	return rows
}

// duckSeries returns the DuckDB side of c that ran script with threads.
// Results from before the sides were labelled had one DuckDB side, the full
// script (or the close's query) with one thread.
func duckSeries(c Case, script string, threads int) *Series {
	for i := range c.Series {
		s := &c.Series[i]
		if s.Side != "duckdb" {
			continue
		}
		sc, th := s.Script, s.Threads
		if sc == "" && th == 0 {
			sc, th = "full", 1
			if strings.HasPrefix(c.Name, "close") {
				sc = "query"
			}
		}
		if (sc == script || script == "query" && sc != "full" && sc != "lean") && th == threads {
			return s
		}
	}
	return nil
}

// slowest returns the scorecard side of c with the longest median wall
// time, and the one with the highest median peak RSS: the verdicts take
// the worse of the GB18030 and UTF-8 runs.
func slowest(c Case) (slow, fat *Series) {
	for i := range c.Series {
		s := &c.Series[i]
		if s.Side != "scorecard" {
			continue
		}
		if slow == nil || s.Median.WallS > slow.Median.WallS {
			slow = s
		}
		if fat == nil || s.Median.RSSKB > fat.Median.RSSKB {
			fat = s
		}
	}
	return slow, fat
}

func rate(c Case, s *Series) float64 {
	if s == nil || s.Median.WallS <= 0 {
		return 0
	}
	return float64(c.Rows) / s.Median.WallS
}

func fmtRatio(x float64) string { return fmt.Sprintf("%.2f×", x) }

func fmtRate(x float64) string { return thousands(int64(math.Round(x))) }

// atLeast says whether v reaches target, or by how much it misses.
func atLeast(v, target float64) string {
	if v >= target {
		return "met"
	}
	return fmt.Sprintf("**missed** by %s (%.0f%%)", fmtRatio(target-v), (target-v)/target*100)
}

// atMost says whether v stays within target, or by how much it is over.
func atMost(v, target float64) string {
	if v <= target {
		return "met"
	}
	return fmt.Sprintf("**missed** by %s (%.0f%%)", fmtRatio(v-target), (v-target)/target*100)
}

func notMeasured(what, target, why string) TargetRow {
	return TargetRow{What: what, Target: target, Measured: "not measured: " + why, Verdict: "–"}
}

// throughputRow compares the rows/s of the slowest scorecard side of c
// with those of the DuckDB side d.
func throughputRow(c Case, d *Series, what, target string, want float64, unit string) TargetRow {
	ours, _ := slowest(c)
	if ours == nil || d == nil || rate(c, ours) == 0 || rate(c, d) == 0 {
		return notMeasured(what, target, "a side of this comparison did not run")
	}
	x := rate(c, ours) / rate(c, d)
	return TargetRow{What: what, Target: target,
		Measured: fmt.Sprintf("%s (%s: %s %s/s; DuckDB: %s %s/s)", fmtRatio(x), ours.Name, fmtRate(rate(c, ours)), unit, fmtRate(rate(c, d)), unit),
		Verdict:  atLeast(x, want)}
}

// rssRow compares the peak RSS of the scorecard side of c that used most
// with that of the DuckDB side d.
func rssRow(c Case, d *Series, what, target string, limit float64) TargetRow {
	_, ours := slowest(c)
	if ours == nil || d == nil || d.Median.RSSKB == 0 {
		return notMeasured(what, target, "a side of this comparison did not run")
	}
	x := float64(ours.Median.RSSKB) / float64(d.Median.RSSKB)
	return TargetRow{What: what, Target: target,
		Measured: fmt.Sprintf("%s (%s: %.0f MiB; DuckDB: %.0f MiB)", fmtRatio(x), ours.Name, mib(ours.Median.RSSKB), mib(d.Median.RSSKB)),
		Verdict:  atMost(x, limit)}
}

func ingestTargets(c Case) []TargetRow {
	full2 := duckSeries(c, "full", fullThreadsTarget)
	lean := leanSeries(c)
	leanWhat := "the lean DuckDB script (`ingest_tickets_lean.sql`)"
	if lean != nil {
		leanWhat = fmt.Sprintf("the lean DuckDB script (`ingest_tickets_lean.sql`, %s)", threadsLabel(lean.Threads))
	}
	return []TargetRow{
		throughputRow(c, full2, fmt.Sprintf("%s: throughput vs DuckDB `ingest_tickets.sql`, %s", c.Name, threadsLabel(fullThreadsTarget)),
			fmt.Sprintf("≥ %s DuckDB's rows/s", fmtRatio(targetIngestVsFull2)), targetIngestVsFull2, "rows"),
		rssRow(c, full2, fmt.Sprintf("%s: peak RSS vs DuckDB `ingest_tickets.sql`, %s", c.Name, threadsLabel(fullThreadsTarget)),
			fmt.Sprintf("≤ %s DuckDB's (%.0f%%)", fmtRatio(targetIngestRSS), targetIngestRSS*100), targetIngestRSS),
		throughputRow(c, lean, fmt.Sprintf("%s: throughput vs %s", c.Name, leanWhat),
			fmt.Sprintf("≥ %s DuckDB's rows/s", fmtRatio(targetIngestVsLean)), targetIngestVsLean, "rows"),
	}
}

// leanSeries returns the DuckDB side of c that ran the lean script.
func leanSeries(c Case) *Series {
	for i := range c.Series {
		if s := &c.Series[i]; s.Side == "duckdb" && s.Script == "lean" {
			return s
		}
	}
	return nil
}

// flatTargets compares the smallest and the largest ingest.
func flatTargets(cases []Case) []TargetRow {
	rateWhat, rssWhat := "ingest: throughput flat from the smallest to the largest export", "ingest: peak RSS flat from the smallest to the largest export"
	rateTarget := fmt.Sprintf("largest ≥ %.0f%% of the smallest's rows/s", flatRateMin*100)
	rssTarget := fmt.Sprintf("largest ≤ %.0f%% of the smallest's", flatRSSMax*100)
	if len(cases) < 2 {
		why := "one ingest size in this run"
		return []TargetRow{notMeasured(rateWhat, rateTarget, why), notMeasured(rssWhat, rssTarget, why)}
	}
	sorted := slices.Clone(cases)
	slices.SortFunc(sorted, func(a, b Case) int { return int(a.Rows - b.Rows) })
	small, large := sorted[0], sorted[len(sorted)-1]
	span := fmt.Sprintf("%s → %s rows", thousands(small.Rows), thousands(large.Rows))
	rateWhat = fmt.Sprintf("ingest: throughput flat from %s", span)
	rssWhat = fmt.Sprintf("ingest: peak RSS flat from %s", span)
	rateTarget = fmt.Sprintf("≥ %.0f%% of the %s-row rows/s", flatRateMin*100, thousands(small.Rows))
	rssTarget = fmt.Sprintf("≤ %.0f%% of the %s-row peak RSS", flatRSSMax*100, thousands(small.Rows))
	ss, sf := slowest(small)
	ls, lf := slowest(large)
	var rows []TargetRow
	if ss == nil || ls == nil || rate(small, ss) == 0 {
		rows = append(rows, notMeasured(rateWhat, rateTarget, "the scorecard side did not run"))
	} else {
		x := rate(large, ls) / rate(small, ss)
		rows = append(rows, TargetRow{What: rateWhat, Target: rateTarget,
			Measured: fmt.Sprintf("%.0f%% (%s rows/s, then %s rows/s; slowest scorecard side)", x*100, fmtRate(rate(small, ss)), fmtRate(rate(large, ls))),
			Verdict:  atLeastPct(x, flatRateMin)})
	}
	if sf == nil || lf == nil || sf.Median.RSSKB == 0 {
		rows = append(rows, notMeasured(rssWhat, rssTarget, "the scorecard side did not run"))
	} else {
		x := float64(lf.Median.RSSKB) / float64(sf.Median.RSSKB)
		rows = append(rows, TargetRow{What: rssWhat, Target: rssTarget,
			Measured: fmt.Sprintf("%.0f%% (%.0f MiB, then %.0f MiB; largest scorecard side)", x*100, mib(sf.Median.RSSKB), mib(lf.Median.RSSKB)),
			Verdict:  atMostPct(x, flatRSSMax)})
	}
	return rows
}

func atLeastPct(v, target float64) string {
	if v >= target {
		return "met"
	}
	return fmt.Sprintf("**missed** by %.0f points", (target-v)*100)
}

func atMostPct(v, target float64) string {
	if v <= target {
		return "met"
	}
	return fmt.Sprintf("**missed** by %.0f points", (v-target)*100)
}

func closeTargets(c *Case) []TargetRow {
	what := fmt.Sprintf("close: throughput vs the DuckDB SQL reference, %s", threadsLabel(closeThreadsTarget))
	rssWhat := fmt.Sprintf("close: peak RSS vs the DuckDB SQL reference, %s", threadsLabel(closeThreadsTarget))
	target := fmt.Sprintf("≥ %s DuckDB's tickets/s", fmtRatio(targetCloseVsSQL))
	rssTarget := fmt.Sprintf("≤ %s DuckDB's", fmtRatio(targetCloseRSS))
	if c == nil {
		return []TargetRow{notMeasured(what, target, "the close did not run"), notMeasured(rssWhat, rssTarget, "the close did not run")}
	}
	d := duckSeries(*c, "query", closeThreadsTarget)
	what = fmt.Sprintf("%s: throughput vs DuckDB `%s`, %s", c.Name, queryName(d), threadsLabel(closeThreadsTarget))
	rssWhat = fmt.Sprintf("%s: peak RSS vs DuckDB `%s`, %s", c.Name, queryName(d), threadsLabel(closeThreadsTarget))
	return []TargetRow{
		throughputRow(*c, d, what, target, targetCloseVsSQL, "tickets"),
		rssRow(*c, d, rssWhat, rssTarget, targetCloseRSS),
	}
}

func queryName(d *Series) string {
	if d == nil || d.Script == "" {
		return "infra/athena/kpi_reference.sql"
	}
	return d.Script
}

func sizeTargets(bins []Binary) []TargetRow {
	var rows []TargetRow
	for _, bin := range bins {
		if bin.Arch != "linux/arm64" {
			continue
		}
		rows = append(rows, TargetRow{What: fmt.Sprintf("`%s` bootstrap size (%s, `make build`)", bin.Function, bin.Arch), Target: "< 20 MB",
			Measured: fmtBytes(bin.Bytes),
			Verdict:  verdict(float64(bin.Bytes), targetBinaryBytes, func(over float64) string { return fmtBytes(int64(over)) })})
	}
	if len(rows) == 0 {
		rows = append(rows, notMeasured("Lambda bootstrap sizes (linux/arm64, `make build`)", "< 20 MB each", "the Lambda section did not run"))
	}
	return rows
}
