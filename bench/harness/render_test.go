package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/benchmarks.golden.md")

func sample(wall, cpu float64, rssMiB int64, rows int64) Sample {
	return Sample{WallS: wall, UserS: cpu - 0.5, SysS: 0.5, CPUS: cpu, RSSKB: rssMiB * 1024, Rows: rows, OtherCPUPct: 3}
}

func duck(s Series, script string, threads int) Series {
	s.Script, s.Threads = script, threads
	return s
}

func series(name, side, input string, rows int64, s ...Sample) Series {
	return Series{Name: name, Side: side, Input: input, InputBytes: 148295907, Samples: s, Median: Median(s), RowsOut: rows}
}

// fixtureResults is a small, fixed run: one ingest size, a close, the
// Lambda measurements, one binary over its target.
func fixtureResults() *Results {
	return &Results{
		Started: "2026-11-23T03:36:21Z", Finished: "2026-11-23T03:59:55Z", Runs: 3,
		Commit: "0123456789abcdef0123456789abcdef01234567",
		Machine: Machine{NProc: 2, CPUModel: "AMD EPYC", MemTotalKB: 24683620, Kernel: "6.18", GoVersion: "go version go1.26.8 linux/amd64",
			DuckDB: "v1.5.6", LoadBefore: [3]float64{0.2, 0.5, 1}, LoadAfter: [3]float64{1.1, 1, 0.9}},
		Commands: []string{"$BENCH_DIR/bin/scorecard ingest --store $BENCH_DIR/runs/store raw/crm/crm.csv"},
		Ingest: []Case{{
			Name: "ingest 1,000,000 rows", Rows: 1000000, Baseline: 1,
			Conversion: &Sample{WallS: 1.1, CPUS: 0.5},
			Series: []Series{
				series("scorecard ingest, GB18030 file", "scorecard", "$BENCH_DIR/data/crm.gb18030.csv", 997992,
					sample(7, 7.2, 90, 997992), sample(7.4, 7.5, 92, 997992), sample(6.9, 7.1, 91, 997992)),
				duck(series("DuckDB, UTF-8 file", "duckdb", "$BENCH_DIR/data/crm.utf8.csv", 997992,
					sample(14, 14, 470, 997992), sample(14.2, 14.1, 480, 997992), sample(13.9, 13.8, 460, 997992)), "full", 1),
				duck(series("DuckDB full script, 2 threads", "duckdb", "$BENCH_DIR/data/crm.utf8.csv", 997992,
					sample(8, 14, 500, 997992), sample(8.2, 14.1, 510, 997992), sample(7.9, 13.8, 490, 997992)), "full", 2),
				duck(series("DuckDB lean script, 2 threads", "duckdb", "$BENCH_DIR/data/crm.utf8.csv", 1000000,
					sample(4, 6, 300, 1000000), sample(4.1, 6.1, 310, 1000000), sample(3.9, 5.9, 290, 1000000)), "lean", 2),
			},
			FullSchema: []Column{{"ticket_id", "VARCHAR"}, {"created_at", "TIMESTAMP WITH TIME ZONE"}, {"reopened_count", "INTEGER"}},
			LeanSchema: []Column{{"ticket_id", "VARCHAR"}, {"created_at", "VARCHAR"}, {"reopened_count", "BIGINT"}},
		}},
		Close: &Case{
			Name: "close 2026-09: 1,000,000 tickets", Rows: 1000000, Baseline: -1, RowsNote: "Rows written: scorecards.",
			Series: []Series{{Name: "scorecard close", Side: "scorecard", Input: "$BENCH_DIR/close/store", InputIsStore: true,
				Samples: []Sample{sample(5, 6, 300, 5000)}, Median: sample(5, 6, 300, 5000), RowsOut: 5000}},
		},
		CloseNote:    "infra/athena/kpi_reference.sql did not exist.",
		CloseOutputs: map[string]int{"scorecards/employees": 5000, "scorecards/kpis": 75000, "scorecards/evidence": 1496000, "payroll": 5000, "statements": 5000, "statement_max_bytes": 11821},
		Binaries: []Binary{
			{Function: "ingest", Arch: "linux/arm64", Path: "bin/ingest/bootstrap", Bytes: 30474402},
			{Function: "close", Arch: "linux/arm64", Path: "bin/close/bootstrap", Bytes: 19000000},
		},
		MakeBuildS: 30,
		BinSizes: []BinSize{{Function: "ingest", Arch: "linux/arm64", Bytes: 30474402, Unstripped: 43000000, Symbols: 15000000, Pclntab: 10000000,
			Modules: []PkgSize{{Path: "std", Bytes: 3900000, Text: 2000000, Est: 6700000}, {Path: "github.com/aws/aws-sdk-go-v2/service/s3", Bytes: 2300000, Text: 1200000, Est: 4100000}}}},
		InitBench:    []GoBench{{Name: "BenchmarkIngesterS3", N: 200, NsPerOp: 3.8e6, BytesPerOp: 1725070, AllocsPerOp: 11962}},
		StartToReady: []StartToReady{{Function: "ingest", Arch: "linux/amd64", SamplesM: []float64{47, 51, 55.1}, MedianMS: 51}},
		InitTrace: []InitTrace{{Function: "ingest", TotalMS: 30.5, Packages: 200, Slowest: []InitEntry{
			{Package: "github.com/aws/aws-sdk-go-v2/service/ssm/schemas", ClockMS: 13, Bytes: 1427032}}}},
		Notes: []string{"A note."},
	}
}

func TestRenderGolden(t *testing.T) {
	got := Render(fixtureResults(), HandNotes{Profile: "Hand-written notes.", BinarySize: "Hand-written size notes."})
	golden := filepath.Join("testdata", "benchmarks.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Render differs from %s (rerun with -update and review the diff):\n%s", golden, got)
	}
}

func TestRenderVerdicts(t *testing.T) {
	doc := Render(fixtureResults(), HandNotes{})
	tests := []struct{ name, want string }{
		{"binary over target says by how much", "| `ingest` bootstrap size (linux/arm64, `make build`) | < 20 MB | 30.47 MB | **missed** by 10.47 MB (52%) |"},
		{"binary under target", "| `close` bootstrap size (linux/arm64, `make build`) | < 20 MB | 19.00 MB | met |"},
		{"ingest vs DuckDB with 2 threads", "| ingest 1,000,000 rows: throughput vs DuckDB `ingest_tickets.sql`, 2 threads | ≥ 1.00× DuckDB's rows/s | 1.14× (scorecard ingest, GB18030 file: 142,857 rows/s; DuckDB: 125,000 rows/s) | met |"},
		{"ingest RSS", "| ingest 1,000,000 rows: peak RSS vs DuckDB `ingest_tickets.sql`, 2 threads | ≤ 0.25× DuckDB's (25%) | 0.18× (scorecard ingest, GB18030 file: 91 MiB; DuckDB: 500 MiB) | met |"},
		{"ingest vs lean", "| ingest 1,000,000 rows: throughput vs the lean DuckDB script (`ingest_tickets_lean.sql`, 2 threads) | ≥ 1.50× DuckDB's rows/s | 0.57× (scorecard ingest, GB18030 file: 142,857 rows/s; DuckDB: 250,000 rows/s) | **missed** by 0.93× (62%) |"},
		{"one size: flat not measured", "| ingest: throughput flat from the smallest to the largest export | largest ≥ 90% of the smallest's rows/s | not measured: one ingest size in this run | – |"},
		{"close without DuckDB", "| close 2026-09: 1,000,000 tickets: throughput vs DuckDB `infra/athena/kpi_reference.sql`, 1 thread | ≥ 1.50× DuckDB's tickets/s | not measured: a side of this comparison did not run | – |"},
		{"lean types fell back", "Auto-detection fell back to VARCHAR for `created_at`"},
		{"lean type table", "| created_at | TIMESTAMP WITH TIME ZONE | VARCHAR |"},
		{"absent: init rows in the targets", "| handler construction"},
		{"ratio against DuckDB", "| scorecard ingest, GB18030 file | crm.gb18030.csv (148.3 MB) | 7.00 | 7.20 | 91 | 142,857 | 0.50 | 0.51 | 0.19 | 997,992 | 3% |"},
		{"baseline row", "| 1 (baseline) | 1 (baseline) | 1 (baseline) |"},
		{"no baseline for the close", "| scorecard close | store | 5.00 | 6.00 | 300 | 200,000 | – | – | – | 5,000 | 3% |"},
		{"close note", "**Note**: infra/athena/kpi_reference.sql did not exist."},
		{"idle machine", "The machine was otherwise idle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.name, "absent: ") {
				if strings.Contains(doc, tt.want) {
					t.Errorf("document has %q", tt.want)
				}
				return
			}
			if !strings.Contains(doc, tt.want) {
				t.Errorf("document lacks %q", tt.want)
			}
		})
	}
	t.Run("under load", func(t *testing.T) {
		r := fixtureResults()
		r.Ingest[0].Series[1].Median.OtherCPUPct = 80
		if doc := Render(r, HandNotes{}); !strings.Contains(doc, "**Taken under load**") || !strings.Contains(doc, "80% ⚠") {
			t.Error("a run under load is not marked")
		}
	})
	t.Run("quick", func(t *testing.T) {
		r := fixtureResults()
		r.Quick = true
		if doc := Render(r, HandNotes{}); !strings.Contains(doc, "not the reference numbers") {
			t.Error("a quick run is not marked")
		}
	})
}

func TestWriteDocKeepsNotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	if err := writeDoc(path, fixtureResults()); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(first), notesPlaceholder) {
		t.Fatal("a new document has no placeholder for the profile notes")
	}
	edited := strings.Replace(string(first), notesPlaceholder, "The profile showed GB18030 decoding at 30%.\n\nWe changed it.", 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	r := fixtureResults()
	r.Commit = "fedcba9876543210fedcba9876543210fedcba98"
	if err := writeDoc(path, r); err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"The profile showed GB18030 decoding at 30%.\n\nWe changed it.", "fedcba98"} {
		if !strings.Contains(string(second), want) {
			t.Errorf("rewritten document lacks %q", want)
		}
	}
}

func TestExtractNotes(t *testing.T) {
	tests := []struct {
		name, doc, want string
		ok              bool
	}{
		{"both markers", "x\n" + notesBegin + "\n notes \n" + notesEnd + "\ny", "notes", true},
		{"no end", "x\n" + notesBegin + "\nnotes", "", false},
		{"no markers", "x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := extractNotes(tt.doc)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRenderDirtyTree(t *testing.T) {
	r := fixtureResults()
	if doc := Render(r, HandNotes{}); !strings.Contains(doc, "clean work tree") {
		t.Error("a clean run does not say so")
	}
	r.Dirty, r.DirtyFiles = true, []string{" M pkg/ingest/read.go", "?? notes.txt"}
	doc := Render(r, HandNotes{})
	for _, want := range []string{"**the work tree had uncommitted changes** (2 path(s)", "` M pkg/ingest/read.go`", "not those of the commit"} {
		if !strings.Contains(doc, want) {
			t.Errorf("dirty run: no %q in the commit line", want)
		}
	}
}

func TestWriteDocKeepsBothNoteBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	if err := os.WriteFile(path, []byte(Render(fixtureResults(), HandNotes{Profile: "P notes", BinarySize: "S notes"})), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeDoc(path, fixtureResults()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if p, _ := extractBlock(string(b), notesBegin, notesEnd); p != "P notes" {
		t.Errorf("profile notes = %q", p)
	}
	if s, _ := extractBlock(string(b), sizeNotesBegin, sizeNotesEnd); s != "S notes" {
		t.Errorf("binary-size notes = %q", s)
	}
}
