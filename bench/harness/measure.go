package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sample is one measured run of one process.
type Sample struct {
	WallS float64 `json:"wall_s"`
	UserS float64 `json:"user_s"`
	SysS  float64 `json:"sys_s"`
	// CPUS is UserS + SysS.
	CPUS float64 `json:"cpu_s"`
	// RSSKB is the peak resident set size in KiB (GNU time's "Maximum
	// resident set size (kbytes)").
	RSSKB int64 `json:"max_rss_kb"`
	// OtherCPUPct is the CPU the rest of the machine used while the run
	// lasted, in percent of one core: busy time from /proc/stat minus the
	// run's own user+sys, over its wall time. High values mean the sample
	// was taken under load.
	OtherCPUPct float64 `json:"other_cpu_pct"`
	// Rows is the number of rows the run wrote, as it reported them.
	Rows int64 `json:"rows,omitempty"`
}

// TimeV is what GNU time -v reports of a process.
type TimeV struct {
	WallS, UserS, SysS float64
	MaxRSSKB           int64
	ExitStatus         int
}

// ParseTimeV reads the report `/usr/bin/time -v` writes. It needs the
// elapsed, user, system, maximum-resident-set and exit-status lines.
func ParseTimeV(r io.Reader) (TimeV, error) {
	var tv TimeV
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		name, val, ok := cutLast(line, ": ")
		if !ok {
			continue
		}
		var err error
		switch {
		case name == "User time (seconds)":
			tv.UserS, err = parseSeconds(val)
		case name == "System time (seconds)":
			tv.SysS, err = parseSeconds(val)
		case strings.HasPrefix(name, "Elapsed (wall clock) time"):
			tv.WallS, err = parseClock(val)
		case name == "Maximum resident set size (kbytes)":
			tv.MaxRSSKB, err = strconv.ParseInt(val, 10, 64)
			if err == nil && tv.MaxRSSKB < 0 {
				err = errors.New("negative")
			}
		case name == "Exit status":
			tv.ExitStatus, err = strconv.Atoi(val)
		default:
			continue
		}
		if err != nil {
			return TimeV{}, fmt.Errorf("reading time -v line %q: %w", line, err)
		}
		seen[name] = true
	}
	if err := sc.Err(); err != nil {
		return TimeV{}, fmt.Errorf("reading time -v output: %w", err)
	}
	for _, want := range []string{"User time (seconds)", "System time (seconds)", "Maximum resident set size (kbytes)", "Exit status"} {
		if !seen[want] {
			return TimeV{}, fmt.Errorf("time -v output has no %q line", want)
		}
	}
	if !seenPrefix(seen, "Elapsed (wall clock) time") {
		return TimeV{}, errors.New("time -v output has no elapsed (wall clock) line")
	}
	return tv, nil
}

func seenPrefix(seen map[string]bool, prefix string) bool {
	for k := range seen {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// cutLast splits s around the last sep; the wall-clock line's name holds
// colons ("(h:mm:ss or m:ss)") but its value holds none after ": ".
func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], strings.TrimSpace(s[i+len(sep):]), true
}

func parseSeconds(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if v < 0 || v != v {
		return 0, fmt.Errorf("bad seconds %q", s)
	}
	return v, nil
}

// parseClock reads GNU time's elapsed time: m:ss.cc or h:mm:ss.
func parseClock(s string) (float64, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("bad elapsed time %q", s)
	}
	var total float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || v != v {
			return 0, fmt.Errorf("bad elapsed time %q", s)
		}
		if i < len(parts)-1 && v != float64(int64(v)) {
			return 0, fmt.Errorf("bad elapsed time %q", s)
		}
		total = total*60 + v
	}
	return total, nil
}

// cpuBusy returns the machine's busy CPU time in seconds since boot, from
// the first line of /proc/stat (user, nice, system, irq, softirq, steal;
// idle and iowait excluded), assuming USER_HZ = 100.
func cpuBusy() (float64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, fmt.Errorf("reading /proc/stat: %w", err)
	}
	return parseProcStat(b)
}

func parseProcStat(b []byte) (float64, error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("unexpected /proc/stat first line %q", line)
	}
	var busy int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} { // user nice system irq softirq steal
		v, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc/stat field %q: %w", f[i], err)
		}
		busy += v
	}
	return float64(busy) / 100, nil
}

// timeBin is GNU time; tests replace it.
var timeBin = "/usr/bin/time"

// Timed is one command to measure.
type Timed struct {
	Argv []string
	Env  []string
	Dir  string
}

// Run runs t under /usr/bin/time -v and returns its sample and standard
// output. A non-zero exit is an error carrying the end of its standard error.
func (t Timed) Run(scratch string) (Sample, []byte, error) {
	tf, err := os.CreateTemp(scratch, "time-*.txt")
	if err != nil {
		return Sample{}, nil, fmt.Errorf("creating the time -v report file: %w", err)
	}
	tf.Close()
	defer os.Remove(tf.Name())
	cmd := exec.Command(timeBin, append([]string{"-v", "-o", tf.Name()}, t.Argv...)...)
	cmd.Env, cmd.Dir = t.Env, t.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	busy0, err := cpuBusy()
	if err != nil {
		return Sample{}, nil, err
	}
	start := time.Now()
	runErr := cmd.Run()
	elapsed := time.Since(start).Seconds()
	busy1, err := cpuBusy()
	if err != nil {
		return Sample{}, nil, err
	}
	if runErr != nil {
		return Sample{}, stdout.Bytes(), fmt.Errorf("running %s: %w\n%s", strings.Join(t.Argv, " "), runErr, tail(stderr.Bytes(), 2000))
	}
	f, err := os.Open(tf.Name())
	if err != nil {
		return Sample{}, nil, fmt.Errorf("reading the time -v report: %w", err)
	}
	defer f.Close()
	tv, err := ParseTimeV(f)
	if err != nil {
		return Sample{}, nil, fmt.Errorf("measuring %s: %w", strings.Join(t.Argv, " "), err)
	}
	s := Sample{WallS: tv.WallS, UserS: tv.UserS, SysS: tv.SysS, CPUS: tv.UserS + tv.SysS, RSSKB: tv.MaxRSSKB}
	if elapsed > 0 {
		s.OtherCPUPct = max(0, (busy1-busy0)-s.CPUS) / elapsed * 100
	}
	return s, stdout.Bytes(), nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Median returns the sample whose every field is the median of that field
// over samples (the mean of the two middle values for an even count).
func Median(samples []Sample) Sample {
	if len(samples) == 0 {
		return Sample{}
	}
	f := func(get func(Sample) float64) float64 {
		v := make([]float64, len(samples))
		for i, s := range samples {
			v[i] = get(s)
		}
		return medianOf(v)
	}
	return Sample{
		WallS:       f(func(s Sample) float64 { return s.WallS }),
		UserS:       f(func(s Sample) float64 { return s.UserS }),
		SysS:        f(func(s Sample) float64 { return s.SysS }),
		CPUS:        f(func(s Sample) float64 { return s.CPUS }),
		RSSKB:       int64(f(func(s Sample) float64 { return float64(s.RSSKB) }) + 0.5),
		OtherCPUPct: f(func(s Sample) float64 { return s.OtherCPUPct }),
		Rows:        int64(f(func(s Sample) float64 { return float64(s.Rows) }) + 0.5),
	}
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// linkOrCopy makes dst name the same bytes as src: a hard link when both
// are on one file system, else a copy.
func linkOrCopy(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(dst), err)
	}
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	return nil
}
