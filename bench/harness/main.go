// Command harness runs the side-by-side benchmark of docs/benchmarks.md:
// the scorecard CLI against a DuckDB baseline (bench/duckbench) on the same
// generated exports (bench/gen), each run a separate process under
// /usr/bin/time -v, the two sides alternating, then the Lambda bootstrap
// sizes and start-up times. bench/run.sh builds the binaries and calls it:
//
//	harness run [-quick] -dir SCRATCH -bin BINDIR -out results.json -doc benchmarks.md
//	harness render -in results.json -doc benchmarks.md
//
// render rewrites the document from a results file; both keep the text
// between the profile-notes markers of an existing document.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: harness run [flags] | harness render -in results.json -doc FILE | harness binsize [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCmd(os.Args[2:])
	case "render":
		err = renderCmd(os.Args[2:])
	case "binsize":
		err = binsizeCmd(os.Args[2:])
	default:
		err = usageError{fmt.Sprintf("unknown command %q", os.Args[1])}
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// config is what one `harness run` does.
type config struct {
	quick                      bool
	dir, bin, repo             string
	out, doc                   string
	runs, starts               int
	sizes                      []int64
	closeTickets, closeSurveys int64
	employees                  int
	month                      string
	kpiSQL                     string
	waitKPI                    time.Duration
	benchtime                  string
	duckThreads                int
	only                       map[string]bool
	// allowDirty lets a full run go ahead on a work tree with uncommitted
	// changes (the result says so); quick runs always may.
	allowDirty bool
}

func (c *config) want(section string) bool { return len(c.only) == 0 || c.only[section] }

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c config
	var sizes, only string
	fs.BoolVar(&c.quick, "quick", false, "smoke test: 200k rows, 2 runs, a small close")
	fs.StringVar(&c.dir, "dir", "", "scratch directory for data and runs")
	fs.StringVar(&c.bin, "bin", "", "directory holding scorecard, gen and duckbench")
	fs.StringVar(&c.repo, "repo", ".", "repository root")
	fs.StringVar(&c.out, "out", "bench/out/results.json", "results file")
	fs.StringVar(&c.doc, "doc", "docs/benchmarks.md", "document to render (empty: none)")
	fs.IntVar(&c.runs, "runs", 0, "timed runs per side (default 5, quick 2)")
	fs.IntVar(&c.starts, "starts", 0, "start-to-ready runs per bootstrap (default 10, quick 3)")
	fs.StringVar(&sizes, "sizes", "", "ingest sizes in rows, comma-separated (default 1000000,5000000; quick 200000)")
	fs.Int64Var(&c.closeTickets, "close-tickets", 0, "tickets for the close (default 1000000, quick 200000)")
	fs.Int64Var(&c.closeSurveys, "close-surveys", 0, "survey responses for the close (default 500000, quick 100000)")
	fs.IntVar(&c.employees, "employees", 0, "employees (default 5000, quick 1000)")
	fs.StringVar(&c.month, "month", "2026-09", "month of the generated data and of the close")
	fs.StringVar(&c.kpiSQL, "kpi-sql", "infra/athena/kpi_reference.sql", "the DuckDB side of the close, relative to -repo")
	fs.DurationVar(&c.waitKPI, "wait-kpi", 0, "how long to wait for -kpi-sql to appear")
	fs.StringVar(&c.benchtime, "benchtime", "", "go test -benchtime for the init benchmarks (default 200x, quick 20x)")
	fs.IntVar(&c.duckThreads, "duck-threads", 1, "DuckDB threads of the close (the ingest runs the full script with 1 and 2, the lean one with all cores)")
	fs.StringVar(&only, "only", "", "run only these sections: comma-separated lambda, ingest, close")
	fs.BoolVar(&c.allowDirty, "allow-dirty", os.Getenv("BENCH_ALLOW_DIRTY") == "1", "run in full on a work tree with uncommitted changes (default: $BENCH_ALLOW_DIRTY=1)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if c.dir == "" || c.bin == "" || fs.NArg() > 0 {
		return usageError{"run needs -dir and -bin and no other arguments"}
	}
	def := func(v *int, full, quick int) {
		if *v == 0 {
			*v = full
			if c.quick {
				*v = quick
			}
		}
	}
	def64 := func(v *int64, full, quick int64) {
		if *v == 0 {
			*v = full
			if c.quick {
				*v = quick
			}
		}
	}
	def(&c.runs, 5, 2)
	def(&c.starts, 10, 3)
	def(&c.employees, 5000, 1000)
	def64(&c.closeTickets, 1000000, 200000)
	def64(&c.closeSurveys, 500000, 100000)
	if c.benchtime == "" {
		c.benchtime = "200x"
		if c.quick {
			c.benchtime = "20x"
		}
	}
	if sizes == "" {
		sizes = "1000000,5000000"
		if c.quick {
			sizes = "200000"
		}
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n <= 0 {
			return usageError{fmt.Sprintf("-sizes: bad size %q", s)}
		}
		c.sizes = append(c.sizes, n)
	}
	if only != "" {
		c.only = map[string]bool{}
		for _, s := range strings.Split(only, ",") {
			switch s {
			case "lambda", "ingest", "close":
				c.only[s] = true
			default:
				return usageError{fmt.Sprintf("-only: unknown section %q", s)}
			}
		}
	}
	if _, err := time.Parse("2006-01", c.month); err != nil {
		return usageError{fmt.Sprintf("-month %q: want YYYY-MM", c.month)}
	}
	var err error
	for _, p := range []*string{&c.dir, &c.bin, &c.repo} {
		if *p, err = filepath.Abs(*p); err != nil {
			return err
		}
	}
	h := &harness{c: c}
	return h.run()
}

func renderCmd(args []string) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	in := fs.String("in", "bench/out/results.json", "results file")
	doc := fs.String("doc", "docs/benchmarks.md", "document to write")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("reading results: %w", err)
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("reading %s: %w", *in, err)
	}
	return writeDoc(*doc, &r)
}

// harness holds the state of one run.
type harness struct {
	c        config
	r        Results
	failures []string
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// command records argv as one of the exact commands run (once), with the
// scratch directory written as $BENCH_DIR and the repository as ".".
func (h *harness) command(argv ...string) {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = shellQuote(a)
	}
	s := h.display(strings.Join(quoted, " "))
	if !slices.Contains(h.r.Commands, s) {
		h.r.Commands = append(h.r.Commands, s)
	}
}

// shellQuote quotes a for a POSIX shell when it holds anything but plain
// characters; the redirection ">" passes as is.
func shellQuote(a string) string {
	if a == ">" || a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/.:,=+-@%") == "" {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

func (h *harness) display(s string) string {
	s = strings.ReplaceAll(s, h.c.dir, "$BENCH_DIR")
	if h.c.repo != "/" {
		s = strings.ReplaceAll(s, h.c.repo+"/", "")
	}
	return s
}

func (h *harness) binPath(name string) string { return filepath.Join(h.c.bin, name) }

func (h *harness) run() error {
	started := time.Now().UTC()
	h.r = Results{Started: started.Format(time.RFC3339), Quick: h.c.quick, Runs: h.c.runs}
	h.machine()
	if h.r.Dirty && !h.c.quick && !h.c.allowDirty {
		return fmt.Errorf("the work tree has uncommitted changes (git status --porcelain):\n%s\ncommit or stash them, or set BENCH_ALLOW_DIRTY=1 to run anyway (the result is then marked as taken on a dirty tree)",
			strings.Join(h.r.DirtyFiles, "\n"))
	}
	for _, d := range []string{"data", "runs", "tmp", "close"} {
		if err := os.MkdirAll(filepath.Join(h.c.dir, d), 0o755); err != nil {
			return fmt.Errorf("creating the scratch directory: %w", err)
		}
	}
	h.r.Machine.LoadBefore = loadAvg()
	h.logf("load before: %v", h.r.Machine.LoadBefore)
	sections := []struct {
		name string
		fn   func() error
	}{
		{"lambda", h.lambda},
		{"ingest", h.ingest},
		{"close", h.close},
	}
	for _, s := range sections {
		if !h.c.want(s.name) {
			continue
		}
		if err := s.fn(); err != nil {
			h.logf("%s failed: %v", s.name, err)
			h.failures = append(h.failures, fmt.Sprintf("%s: %v", s.name, err))
			h.r.Notes = append(h.r.Notes, fmt.Sprintf("The %s section failed: %s", s.name, firstLine(h.display(err.Error()))))
		}
	}
	h.r.Machine.LoadAfter = loadAvg()
	h.r.Finished = time.Now().UTC().Format(time.RFC3339)
	if err := os.MkdirAll(filepath.Dir(h.c.out), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(h.c.out), err)
	}
	b, err := json.MarshalIndent(&h.r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding results: %w", err)
	}
	if err := os.WriteFile(h.c.out, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	h.logf("wrote %s", h.c.out)
	if h.c.doc != "" {
		if err := writeDoc(h.c.doc, &h.r); err != nil {
			return err
		}
		h.logf("wrote %s", h.c.doc)
	}
	if len(h.failures) > 0 {
		return fmt.Errorf("%d section(s) failed:\n%s", len(h.failures), strings.Join(h.failures, "\n"))
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// machine fills in Machine, the commit and whether the tree is dirty.
func (h *harness) machine() {
	m := &h.r.Machine
	m.NProc = runtime.NumCPU()
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPUModel = procField(b, "model name")
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		kb := strings.TrimSuffix(procField(b, "MemTotal"), " kB")
		m.MemTotalKB, _ = strconv.ParseInt(strings.TrimSpace(kb), 10, 64)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.GoVersion = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command(h.binPath("duckbench"), "version").Output(); err == nil {
		m.DuckDB = strings.TrimSpace(string(out))
	}
	if out, err := h.git("rev-parse", "HEAD"); err == nil {
		h.r.Commit = strings.TrimSpace(out)
	}
	if out, err := h.git("status", "--porcelain"); err == nil {
		h.r.Dirty = strings.TrimSpace(out) != ""
		for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
			if strings.TrimSpace(l) != "" {
				h.r.DirtyFiles = append(h.r.DirtyFiles, l)
			}
		}
	} else {
		h.r.Notes = append(h.r.Notes, fmt.Sprintf("`git status` failed (%v): whether the tree was clean is unknown.", err))
	}
	if out, err := h.git("log", "-1", "--format=%cI %s"); err == nil {
		h.r.CommitInfo = strings.TrimSpace(out)
	}
}

func (h *harness) git(args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", h.c.repo}, args...)...)
	out, err := cmd.Output()
	return string(out), err
}

// procField returns the value of the first "name : value" line.
func procField(b []byte, name string) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func loadAvg() [3]float64 {
	var l [3]float64
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return l
	}
	f := strings.Fields(string(b))
	for i := 0; i < 3 && i < len(f); i++ {
		l[i], _ = strconv.ParseFloat(f[i], 64)
	}
	return l
}

// baseEnv is the process environment without SCORECARD_* and AWS_*.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SCORECARD_") || strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

const customerKey = "benchkey"

func (h *harness) ourEnv() []string {
	return append(baseEnv(), "SCORECARD_CUSTOMER_KEY="+customerKey, "SCORECARD_TMPDIR="+filepath.Join(h.c.dir, "tmp"))
}

// exec runs argv (untimed), recording it, and returns its standard output.
func (h *harness) exec(dir string, env []string, argv ...string) ([]byte, error) {
	h.command(argv...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("running %s: %w\n%s", strings.Join(argv, " "), err, tail(stderr.Bytes(), 2000))
	}
	return out, nil
}

// generate writes a bench/gen file (every run: the generator is fast, and
// its output is a pure function of its flags).
func (h *harness) generate(name string, args ...string) (string, error) {
	path := filepath.Join(h.c.dir, "data", name)
	argv := append([]string{h.binPath("gen")}, args...)
	argv = append(argv, "-q", "-out", path)
	h.logf("generating %s", path)
	if _, err := h.exec(h.c.repo, baseEnv(), argv...); err != nil {
		return "", err
	}
	return path, nil
}

// toUTF8 converts a GB18030 file to UTF-8 with iconv, timed (DuckDB
// cannot read GB18030 here; the conversion is a cost its side would add).
func (h *harness) toUTF8(src, name string) (string, Sample, error) {
	dst := filepath.Join(h.c.dir, "data", name)
	h.logf("converting %s to UTF-8", src)
	t := Timed{Argv: []string{"iconv", "-f", "GB18030", "-t", "UTF-8", "-o", dst, src}, Env: baseEnv()}
	h.command(t.Argv...)
	s, _, err := t.Run(filepath.Join(h.c.dir, "tmp"))
	if err != nil {
		return "", Sample{}, fmt.Errorf("converting %s to UTF-8: %w", src, err)
	}
	return dst, s, nil
}

// warm reads a file so that every run starts with it in the page cache.
func warm(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	if _, err := io.Copy(io.Discard, f); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}

func fileSize(path string) int64 {
	if fi, err := os.Stat(path); err == nil {
		return fi.Size()
	}
	return 0
}

func (h *harness) crmFile(rows int64, employees int, encoding string) (string, error) {
	name := fmt.Sprintf("crm-%d-e%d-%s.%s.csv", rows, employees, h.c.month, strings.ReplaceAll(encoding, "-", ""))
	return h.generate(name, "-kind", "crm", "-rows", strconv.FormatInt(rows, 10), "-seed", "1",
		"-encoding", encoding, "-month", h.c.month, "-employees", strconv.Itoa(employees))
}

var acceptedRE = regexp.MustCompile(`(\d+) accepted`)

// ParseAccepted returns the accepted count `scorecard ingest` printed for
// one file.
func ParseAccepted(out []byte) (int64, error) {
	m := acceptedRE.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no accepted count in %q", tail(out, 300))
	}
	return strconv.ParseInt(string(m[1]), 10, 64)
}

// ParseDuckResult reads the JSON line duckbench prints.
func ParseDuckResult(out []byte) (int64, error) {
	var r struct {
		Rows *int64 `json:"rows"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil || r.Rows == nil {
		return 0, fmt.Errorf("no rows in duckbench output %q", tail(out, 300))
	}
	return *r.Rows, nil
}

// runner is one side of a case: prepare, the timed command, the row count
// it reports, and clean-up.
type runner struct {
	name, side, input string
	store             bool // input is a store directory
	// script and threads describe a DuckDB side (Series.Script, .Threads).
	script  string
	threads int
	// baseline makes this runner the case's baseline (default: the first
	// DuckDB side).
	baseline bool
	prepare  func() error
	timed    Timed
	rows     func([]byte) (int64, error)
	after    func(run int) error
}

// alternate runs each runner once per round, for h.c.runs rounds.
func (h *harness) alternate(c *Case, runners []runner) error {
	c.Series = make([]Series, len(runners))
	c.Baseline = -1
	for i, r := range runners {
		c.Series[i] = Series{Name: r.name, Side: r.side, Input: h.display(r.input), InputBytes: fileSize(r.input), InputIsStore: r.store,
			Script: r.script, Threads: r.threads}
		if r.baseline || r.side == "duckdb" && c.Baseline < 0 {
			c.Baseline = i
		}
	}
	for run := 0; run < h.c.runs; run++ {
		for i, r := range runners {
			if r.prepare != nil {
				if err := r.prepare(); err != nil {
					return err
				}
			}
			h.command(r.timed.Argv...)
			s, out, err := r.timed.Run(filepath.Join(h.c.dir, "tmp"))
			if err != nil {
				return fmt.Errorf("%s, %s: %w", c.Name, r.name, err)
			}
			if r.rows != nil {
				if s.Rows, err = r.rows(out); err != nil {
					return fmt.Errorf("%s, %s: %w", c.Name, r.name, err)
				}
			}
			ser := &c.Series[i]
			if run > 0 && s.Rows != ser.RowsOut {
				return fmt.Errorf("%s, %s: run %d wrote %d rows, run 1 wrote %d", c.Name, r.name, run+1, s.Rows, ser.RowsOut)
			}
			ser.RowsOut = s.Rows
			ser.Samples = append(ser.Samples, s)
			h.logf("%s, %s, run %d: wall %.2fs cpu %.2fs rss %d MiB (other load %.0f%%)", c.Name, r.name, run+1, s.WallS, s.CPUS, s.RSSKB/1024, s.OtherCPUPct)
			if r.after != nil {
				if err := r.after(run); err != nil {
					return err
				}
			}
		}
	}
	for i := range c.Series {
		c.Series[i].Median = Median(c.Series[i].Samples)
	}
	return nil
}

func (h *harness) ingest() error {
	for _, n := range h.c.sizes {
		gb, err := h.crmFile(n, 5000, "gb18030")
		if err != nil {
			return err
		}
		utf8, conv, err := h.toUTF8(gb, strings.TrimSuffix(filepath.Base(gb), ".gb18030.csv")+".utf8.csv")
		if err != nil {
			return err
		}
		for _, f := range []string{gb, utf8} {
			if err := warm(f); err != nil {
				return err
			}
		}
		c := Case{Name: fmt.Sprintf("ingest %s rows", thousands(n)), Rows: n, Conversion: &conv}
		base := h.withSchema(h.duckIngest("DuckDB full script, 1 thread, UTF-8 file", utf8, "full", 1), &c.FullSchema)
		base.baseline = true
		lean := h.withSchema(h.duckIngest(fmt.Sprintf("DuckDB lean script, %s, UTF-8 file", threadsLabel(h.leanThreads())), utf8, "lean", h.leanThreads()), &c.LeanSchema)
		if err := h.alternate(&c, []runner{
			h.ourIngest("scorecard ingest, GB18030 file", gb),
			base,
			h.duckIngest("DuckDB full script, 2 threads, UTF-8 file", utf8, "full", 2),
			lean,
			h.ourIngest("scorecard ingest, UTF-8 file", utf8),
		}); err != nil {
			return err
		}
		h.r.Ingest = append(h.r.Ingest, c)
		if d := c.Baseline; d >= 0 {
			for _, s := range c.Series {
				// The lean script rejects nothing: it writes every row.
				if s.Script != "lean" && s.RowsOut != c.Series[d].RowsOut {
					h.r.Notes = append(h.r.Notes, fmt.Sprintf("%s: %s wrote %d rows, DuckDB %d.", c.Name, s.Name, s.RowsOut, c.Series[d].RowsOut))
				}
			}
		}
	}
	return nil
}

func (h *harness) ourIngest(name, file string) runner {
	store := filepath.Join(h.c.dir, "runs", "store")
	key := "raw/crm/" + filepath.Base(file)
	return runner{
		name: name, side: "scorecard", input: file,
		prepare: func() error {
			if err := os.RemoveAll(store); err != nil {
				return err
			}
			return linkOrCopy(file, filepath.Join(store, filepath.FromSlash(key)))
		},
		timed: Timed{Argv: []string{h.binPath("scorecard"), "ingest", "--store", store, key}, Env: h.ourEnv()},
		rows:  ParseAccepted,
		after: func(int) error { return os.RemoveAll(store) },
	}
}

func threadsLabel(n int) string {
	if n == 1 {
		return "1 thread"
	}
	return fmt.Sprintf("%d threads", n)
}

// leanThreads is the DuckDB threads of the lean script: the machine's
// cores, DuckDB's default, since an engineer would not limit them.
func (h *harness) leanThreads() int { return runtime.NumCPU() }

// duckSchema reads the columns and types of what a DuckDB ingest wrote
// (untimed: `duckbench schema`).
func (h *harness) duckSchema(dir string) ([]Column, error) {
	out, err := h.exec(h.c.repo, baseEnv(), h.binPath("duckbench"), "schema", "-dir", dir)
	if err != nil {
		return nil, err
	}
	return ParseDuckSchema(out)
}

// withSchema makes r read the schema of what it wrote into dst after its
// first run (r writes to runs/duck-out, as duckIngest does).
func (h *harness) withSchema(r runner, dst *[]Column) runner {
	out := filepath.Join(h.c.dir, "runs", "duck-out")
	cleanup := r.after
	r.after = func(run int) error {
		if run == 0 {
			cols, err := h.duckSchema(out)
			if err != nil {
				return err
			}
			*dst = cols
		}
		if cleanup != nil {
			return cleanup(run)
		}
		return nil
	}
	return r
}

// ParseDuckSchema reads the columns of the JSON line `duckbench schema`
// prints.
func ParseDuckSchema(out []byte) ([]Column, error) {
	var r struct {
		Columns []Column `json:"columns"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil || len(r.Columns) == 0 {
		return nil, fmt.Errorf("no columns in duckbench schema output %q", tail(out, 300))
	}
	return r.Columns, nil
}

// duckIngest runs ingest_tickets.sql (script full) or
// ingest_tickets_lean.sql (lean) with the given DuckDB threads.
func (h *harness) duckIngest(name, file, script string, threads int) runner {
	out := filepath.Join(h.c.dir, "runs", "duck-out")
	return runner{
		name: name, side: "duckdb", input: file, script: script, threads: threads,
		prepare: func() error { return os.RemoveAll(out) },
		timed: Timed{Argv: []string{h.binPath("duckbench"), "ingest", "-csv", file, "-out", out,
			"-key", customerKey, "-source-key", "raw/crm/" + filepath.Base(file), "-script", script, "-threads", strconv.Itoa(threads)}, Env: baseEnv()},
		rows:  ParseDuckResult,
		after: func(int) error { return os.RemoveAll(out) },
	}
}

// monthTime returns a time in the policy time zone (UTC+8) relative to the
// first day of the benchmark month.
func (h *harness) monthTime(addMonths, day, hour int) time.Time {
	m, _ := time.Parse("2006-01", h.c.month)
	cst := time.FixedZone("CST", 8*3600)
	return time.Date(m.Year(), m.Month()+time.Month(addMonths), day, hour, 0, 0, 0, cst)
}

func (h *harness) close() error {
	crm, err := h.crmFile(h.c.closeTickets, h.c.employees, "gb18030")
	if err != nil {
		return err
	}
	emp := strconv.Itoa(h.c.employees)
	survey, err := h.generate(fmt.Sprintf("survey-%d-t%d-e%d-%s.csv", h.c.closeSurveys, h.c.closeTickets, h.c.employees, h.c.month),
		"-kind", "survey", "-rows", strconv.FormatInt(h.c.closeSurveys, 10), "-tickets", strconv.FormatInt(h.c.closeTickets, 10),
		"-seed", "1", "-month", h.c.month, "-employees", emp)
	if err != nil {
		return err
	}
	roster, err := h.generate(fmt.Sprintf("roster-e%d-%s.csv", h.c.employees, h.c.month),
		"-kind", "roster", "-employees", emp, "-seed", "1", "-month", h.c.month)
	if err != nil {
		return err
	}
	store := filepath.Join(h.c.dir, "close", "store")
	if err := os.RemoveAll(store); err != nil {
		return err
	}
	// Upload times: the roster during the month (its partition is its
	// upload month, and the close reads rosters up to the month's end), the
	// exports just after it.
	inputs := []struct {
		src, key string
		at       time.Time
	}{
		{crm, "raw/crm/tickets.csv", h.monthTime(1, 2, 10)},
		{survey, "raw/survey/survey.csv", h.monthTime(1, 2, 11)},
		{roster, "raw/roster/roster.csv", h.monthTime(0, 15, 12)},
	}
	for _, in := range inputs {
		dst := filepath.Join(store, filepath.FromSlash(in.key))
		h.command("ln", in.src, dst)
		if err := linkOrCopy(in.src, dst); err != nil {
			return err
		}
		h.command("touch", "-d", in.at.Format(time.RFC3339), dst)
		if err := os.Chtimes(dst, in.at, in.at); err != nil {
			return fmt.Errorf("setting the upload time of %s: %w", dst, err)
		}
	}
	h.logf("ingesting the close's inputs (untimed)")
	out, err := h.exec(h.c.repo, h.ourEnv(), h.binPath("scorecard"), "ingest", "--store", store)
	if err != nil {
		return err
	}
	h.r.CloseSetup = strings.Split(strings.TrimSpace(h.display(string(out))), "\n")
	reset := func(int) error {
		for _, p := range []string{"payroll", "scorecards", "rankings", filepath.Join("reports", "close"), filepath.Join("reports", "statements")} {
			if err := os.RemoveAll(filepath.Join(store, p)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := reset(0); err != nil {
		return err
	}
	ours := runner{
		name: "scorecard close", side: "scorecard", input: store, store: true,
		timed: Timed{Argv: []string{h.binPath("scorecard"), "close", "--store", store, "--month", h.c.month}, Env: h.ourEnv()},
		rows: func([]byte) (int64, error) {
			n, err := countParquetRows(store, []string{"scorecards/employees", "scorecards/kpis", "scorecards/evidence", "payroll"})
			if err != nil {
				return 0, err
			}
			if n["statements"], n["statement_max_bytes"], err = countFiles(filepath.Join(store, "reports", "statements")); err != nil {
				return 0, err
			}
			h.r.CloseOutputs = n
			return int64(n["scorecards/employees"]), nil
		},
		after: reset,
	}
	runners := []runner{ours}
	sqlPath := filepath.Join(h.c.repo, filepath.FromSlash(h.c.kpiSQL))
	if h.waitFor(sqlPath) {
		dout := filepath.Join(h.c.dir, "close", "duck-kpis.parquet")
		runners = append(runners, runner{
			name: fmt.Sprintf("DuckDB, %s, %s", h.c.kpiSQL, threadsLabel(h.c.duckThreads)), side: "duckdb", input: store, store: true,
			script: h.c.kpiSQL, threads: h.c.duckThreads,
			prepare: func() error { return os.RemoveAll(dout) },
			timed: Timed{Argv: []string{h.binPath("duckbench"), "close", "-bucket", store, "-month", h.c.month,
				"-sql", sqlPath, "-out", dout, "-threads", strconv.Itoa(h.c.duckThreads)}, Env: baseEnv()},
			rows: ParseDuckResult,
		})
	} else {
		h.r.CloseNote = fmt.Sprintf("%s did not exist when this run reached the close, so only the Go side was timed; rerun `bash bench/run.sh` once it exists.", h.c.kpiSQL)
		h.logf("%s", h.r.CloseNote)
	}
	c := Case{Name: fmt.Sprintf("close %s: %s tickets, %s surveys, %s employees", h.c.month, thousands(h.c.closeTickets), thousands(h.c.closeSurveys), thousands(int64(h.c.employees))),
		Rows:     h.c.closeTickets,
		RowsNote: "Rows written: scorecards (one per employee) for the Go close, result rows (one per employee) for the SQL.",
	}
	if err := h.alternate(&c, runners); err != nil {
		return err
	}
	h.r.Close = &c
	return nil
}

// waitFor reports whether path exists, polling up to -wait-kpi.
func (h *harness) waitFor(path string) bool {
	deadline := time.Now().Add(h.c.waitKPI)
	for {
		if _, err := os.Stat(path); err == nil {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		h.logf("waiting for %s", path)
		time.Sleep(min(30*time.Second, time.Until(deadline)+time.Millisecond))
	}
}

// countFiles counts the files under dir (the statements) and returns the
// size of the largest.
func countFiles(dir string) (n, largest int, err error) {
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		n, largest = n+1, max(largest, int(fi.Size()))
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("counting the statements: %w", err)
	}
	return n, largest, nil
}

// countParquetRows counts the rows of the Parquet files under each prefix.
func countParquetRows(root string, prefixes []string) (map[string]int, error) {
	out := map[string]int{}
	for _, p := range prefixes {
		err := filepath.WalkDir(filepath.Join(root, filepath.FromSlash(p)), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".parquet") {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				return err
			}
			pf, err := parquet.OpenFile(f, fi.Size())
			if err != nil {
				return fmt.Errorf("reading %s: %w", path, err)
			}
			out[p] += int(pf.NumRows())
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("counting the close's output rows: %w", err)
		}
	}
	return out, nil
}

func (h *harness) lambda() error {
	h.logf("make build")
	start := time.Now()
	if _, err := h.exec(h.c.repo, os.Environ(), "make", "build"); err != nil {
		return err
	}
	h.r.MakeBuildS = time.Since(start).Seconds()
	fns := []string{"ingest", "close"}
	for _, fn := range fns {
		p := filepath.Join(h.c.repo, "bin", fn, "bootstrap")
		h.r.Binaries = append(h.r.Binaries, Binary{Function: fn, Arch: "linux/arm64", Path: h.display(p), Bytes: fileSize(p)})
	}
	h.logf("binary size breakdown (bench/binsize.sh)")
	h.command("bash", "bench/binsize.sh")
	bsDir := filepath.Join(h.c.dir, "binsize")
	if err := os.MkdirAll(bsDir, 0o755); err != nil {
		return err
	}
	for _, fn := range fns {
		b, err := measureBinSize(h.c.repo, bsDir, fn, "arm64")
		if err != nil {
			return err
		}
		b.Packages, b.Modules = top(b.Packages, 25), top(b.Modules, 25)
		h.r.BinSizes = append(h.r.BinSizes, b)
	}
	amd := map[string]string{}
	for _, fn := range fns {
		p := filepath.Join(h.c.dir, "bin-amd64", fn, "bootstrap")
		env := append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		h.command("CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", p, "./functions/"+fn)
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", p, "./functions/"+fn)
		cmd.Dir, cmd.Env = h.c.repo, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building the amd64 bootstrap of %s: %w\n%s", fn, err, out)
		}
		amd[fn] = p
		h.r.Binaries = append(h.r.Binaries, Binary{Function: fn, Arch: "linux/amd64", Path: h.display(p), Bytes: fileSize(p)})
	}
	stub, err := newRuntimeStub()
	if err != nil {
		return err
	}
	defer stub.Close()
	env := lambdaEnv(filepath.Join(h.c.dir, "tmp"))
	var shown []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "HOME=") {
			shown = append(shown, kv)
		}
	}
	h.command(append(append([]string{"env", "-i"}, shown...), "AWS_LAMBDA_RUNTIME_API=127.0.0.1:PORT", filepath.Join(h.c.dir, "bin-amd64", "FUNCTION", "bootstrap"))...)
	samples := map[string][]float64{}
	for i := 0; i < h.c.starts; i++ {
		for _, fn := range fns {
			d, err := stub.measureStart([]string{amd[fn]}, env, 10*time.Second)
			if err != nil {
				return err
			}
			samples[fn] = append(samples[fn], float64(d.Microseconds())/1000)
		}
	}
	for _, fn := range fns {
		_, stderr, err := stub.start([]string{amd[fn]}, append(slices.Clone(env), "GODEBUG=inittrace=1"), 10*time.Second)
		if err != nil {
			return err
		}
		tr := InitTrace{Function: fn}
		tr.TotalMS, tr.Packages, tr.Slowest = ParseInitTrace(stderr, 6)
		h.r.InitTrace = append(h.r.InitTrace, tr)
	}
	for _, fn := range fns {
		h.r.StartToReady = append(h.r.StartToReady, StartToReady{Function: fn, Arch: "linux/amd64", SamplesM: samples[fn], MedianMS: medianOf(samples[fn])})
		h.logf("start to ready, %s: median %.1f ms", fn, medianOf(samples[fn]))
	}
	out, err := h.exec(h.c.repo, os.Environ(), "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime", h.c.benchtime, "-count", "1", "./bench/initbench")
	if err != nil {
		return err
	}
	if h.r.InitBench, err = ParseGoBench(bytes.NewReader(out)); err != nil {
		return err
	}
	if len(h.r.InitBench) == 0 {
		return fmt.Errorf("no benchmark results in %q", tail(out, 500))
	}
	return nil
}

// thousands writes n with comma separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
