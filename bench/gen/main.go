// Command gen writes large, realistic, seeded exports for scale tests and
// benchmarks: CRM tickets, 问卷星-style surveys, evaluation records and
// rosters, with Chinese headers, mixed timestamp forms, money written the
// way people type it, fake customer names and phone numbers, and a chosen
// fraction of rows that ingest must reject.
//
//	go run ./bench/gen -kind crm -rows 1000000 -seed 1 -encoding gb18030 -out /tmp/crm.csv
//	go run ./bench/gen -kind survey -rows 200000 -tickets 1000000 -seed 1 -out /tmp/survey.csv
//
// A survey file refers to the CRM file made with the same -seed, -month and
// -employees, -tickets set to its -rows and -ticket-dup to its -dup.
//
// The output is a pure function of the flags: every row is drawn from a
// PCG generator seeded with (seed, row number), so the same seed gives the
// same bytes, and a survey can name the tickets (and their assignees) of a
// CRM file without reading it. Rows are streamed through a buffered writer: memory does not grow
// with -rows.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	var c Config
	flag.StringVar(&c.Kind, "kind", "crm", "what to generate: crm, survey, evaluations or roster")
	flag.Int64Var(&c.Rows, "rows", -1, "data rows (default 1000; roster: one per employee)")
	flag.Uint64Var(&c.Seed, "seed", 1, "random seed")
	flag.StringVar(&c.Encoding, "encoding", "utf-8", "utf-8 or gb18030")
	flag.BoolVar(&c.BOM, "bom", false, "start a UTF-8 file with a byte-order mark")
	flag.StringVar(&c.Month, "month", "2026-09", "the month the rows fall in (YYYY-MM, Asia/Shanghai)")
	flag.IntVar(&c.Employees, "employees", 5000, "number of employees (E10001...)")
	flag.Float64Var(&c.Bad, "bad", 0.002, "fraction of rows ingest must reject")
	flag.Float64Var(&c.Dup, "dup", 0, "fraction of rows repeating an earlier ticket id (crm) or response (survey)")
	flag.Int64Var(&c.Tickets, "tickets", 0, "survey: -rows of the CRM file whose tickets are referenced (0: same as -rows)")
	flag.Float64Var(&c.TicketDup, "ticket-dup", 0, "survey: the -dup of that CRM file")
	out := flag.String("out", "-", "output file, - for standard output")
	quiet := flag.Bool("q", false, "do not print the summary on standard error")
	flag.Parse()
	if c.Rows == -1 {
		c.Rows = 1000
		if c.Kind == "roster" {
			c.Rows = 0
		}
	}
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gen: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}
	if err := c.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	if err := run(c, *out, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(c Config, out string, quiet bool) error {
	var w io.Writer = os.Stdout
	var f *os.File
	if out != "-" {
		var err error
		if f, err = os.Create(out); err != nil {
			return fmt.Errorf("creating %s: %w", out, err)
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	start := time.Now()
	st, err := Generate(bw, c)
	if err == nil {
		err = bw.Flush()
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if !quiet {
		el := time.Since(start)
		fmt.Fprintf(os.Stderr, "%s: %d rows (%d bad, %d duplicate), %d bytes (%.1f per row) in %v (%.0f rows/s)\n",
			c.Kind, st.Rows, st.Bad, st.Dup, st.Bytes, float64(st.Bytes)/float64(max(st.Rows, 1)), el.Round(time.Millisecond),
			float64(st.Rows)/el.Seconds())
	}
	return nil
}
