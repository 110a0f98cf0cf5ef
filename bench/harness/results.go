package main

import "strings"

// Results is everything one benchmark run measured; it is written as
// bench/out/results.json and rendered as docs/benchmarks.md.
type Results struct {
	Started  string `json:"started"` // RFC 3339, UTC
	Finished string `json:"finished"`
	Quick    bool   `json:"quick"`
	Runs     int    `json:"runs"`
	Commit   string `json:"commit"`
	Dirty    bool   `json:"dirty"` // the work tree had uncommitted changes
	// DirtyFiles is `git status --porcelain` when Dirty.
	DirtyFiles []string `json:"dirty_files,omitempty"`
	// CommitInfo is the commit's date and subject.
	CommitInfo string  `json:"commit_info,omitempty"`
	Machine    Machine `json:"machine"`
	// Commands are the exact commands run, in order, with the scratch
	// directory written as $BENCH_DIR.
	Commands []string `json:"commands"`
	Ingest   []Case   `json:"ingest"`
	Close    *Case    `json:"close,omitempty"`
	// CloseNote says why the DuckDB side of the close did not run, if so.
	CloseNote string `json:"close_note,omitempty"`
	// CloseSetup is what the untimed ingest of the close's inputs printed.
	CloseSetup   []string       `json:"close_setup,omitempty"`
	CloseOutputs map[string]int `json:"close_outputs,omitempty"` // Parquet rows the Go close wrote, by table
	Binaries     []Binary       `json:"binaries"`
	MakeBuildS   float64        `json:"make_build_s"`
	// BinSizes is what each linux/arm64 bootstrap links (bench/binsize.sh).
	BinSizes     []BinSize      `json:"bin_sizes,omitempty"`
	InitBench    []GoBench      `json:"init_bench"`
	StartToReady []StartToReady `json:"start_to_ready"`
	// InitTrace is one extra start of each amd64 bootstrap with
	// GODEBUG=inittrace=1.
	InitTrace []InitTrace `json:"init_trace,omitempty"`
	Notes     []string    `json:"notes,omitempty"`
}

// Machine describes where the numbers were taken.
type Machine struct {
	NProc      int        `json:"nproc"`
	CPUModel   string     `json:"cpu_model"`
	MemTotalKB int64      `json:"mem_total_kb"`
	Kernel     string     `json:"kernel"`
	GoVersion  string     `json:"go_version"`
	DuckDB     string     `json:"duckdb_version"`
	LoadBefore [3]float64 `json:"load_before"`
	LoadAfter  [3]float64 `json:"load_after"`
}

// Case is one comparison: the same input through each side.
type Case struct {
	Name string `json:"name"`
	// Rows is the input size in rows (tickets for the close).
	Rows   int64    `json:"rows"`
	Series []Series `json:"series"`
	// Baseline is the index in Series of the DuckDB side, or -1.
	Baseline int `json:"baseline"`
	// RowsNote says what "rows written" counts, where that is not obvious.
	RowsNote string `json:"rows_note,omitempty"`
	// Conversion is the one iconv run that made DuckDB's UTF-8 input.
	Conversion *Sample `json:"conversion,omitempty"`
	// LeanSchema is the columns and types the lean DuckDB script wrote
	// (read_csv's auto-detected types), from its first run.
	LeanSchema []Column `json:"lean_schema,omitempty"`
	// FullSchema is the same for ingest_tickets.sql (threads = 1).
	FullSchema []Column `json:"full_schema,omitempty"`
}

// Column is one column of a Parquet schema, typed by DuckDB.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Series is the repeated runs of one side on one input.
type Series struct {
	Name       string `json:"name"`
	Side       string `json:"side"` // scorecard or duckdb
	Input      string `json:"input"`
	InputBytes int64  `json:"input_bytes"`
	// InputIsStore is true when Input is a store directory, not a file.
	InputIsStore bool `json:"input_is_store,omitempty"`
	// Script is what a DuckDB side ran: full (ingest_tickets.sql), lean
	// (ingest_tickets_lean.sql) or the close's query file.
	Script string `json:"script,omitempty"`
	// Threads is a DuckDB side's SET threads.
	Threads int      `json:"threads,omitempty"`
	Samples []Sample `json:"samples"`
	Median  Sample   `json:"median"`
	// RowsOut is the rows the side reported it wrote (accepted tickets,
	// result rows); the same in every run or the harness fails.
	RowsOut int64 `json:"rows_out"`
}

// rateUnit names what the rate column counts.
func (c Case) rateUnit() string {
	if strings.HasPrefix(c.Name, "close") {
		return "tickets"
	}
	return "rows"
}
