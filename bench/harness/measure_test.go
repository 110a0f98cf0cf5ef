package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// report is a real `/usr/bin/time -v` report (GNU time 1.9).
const report = `	Command being timed: "scorecard ingest --store s2 raw/crm/crm1m.csv"
	User time (seconds): 8.80
	System time (seconds): 0.55
	Percent of CPU this job got: 52%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 0:17.92
	Average shared text size (kbytes): 0
	Average unshared data size (kbytes): 0
	Average stack size (kbytes): 0
	Average total size (kbytes): 0
	Maximum resident set size (kbytes): 94028
	Average resident set size (kbytes): 0
	Major (requiring I/O) page faults: 0
	Minor (reclaiming a frame) page faults: 9607
	Voluntary context switches: 482
	Involuntary context switches: 275
	Swaps: 0
	File system inputs: 0
	File system outputs: 2408
	Socket messages sent: 0
	Socket messages received: 0
	Signals delivered: 0
	Page size (bytes): 4096
	Exit status: 0
`

func TestParseTimeV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    TimeV
		wantErr bool
	}{
		{"report", report, TimeV{WallS: 17.92, UserS: 8.80, SysS: 0.55, MaxRSSKB: 94028}, false},
		{"hours", strings.Replace(report, "0:17.92", "1:02:03", 1), TimeV{WallS: 3723, UserS: 8.80, SysS: 0.55, MaxRSSKB: 94028}, false},
		{"exit status", strings.Replace(report, "Exit status: 0", "Exit status: 3", 1), TimeV{WallS: 17.92, UserS: 8.80, SysS: 0.55, MaxRSSKB: 94028, ExitStatus: 3}, false},
		{"no rss", strings.Replace(report, "Maximum resident set size (kbytes): 94028\n", "", 1), TimeV{}, true},
		{"no wall", strings.Replace(report, "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:17.92\n", "", 1), TimeV{}, true},
		{"bad user", strings.Replace(report, "8.80", "8,80", 1), TimeV{}, true},
		{"bad wall", strings.Replace(report, "0:17.92", "17.92", 1), TimeV{}, true},
		{"fractional minutes", strings.Replace(report, "0:17.92", "0.5:17.92", 1), TimeV{}, true},
		{"negative rss", strings.Replace(report, "94028", "-1", 1), TimeV{}, true},
		{"empty", "", TimeV{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTimeV(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseTimeV(f *testing.F) {
	f.Add(report)
	f.Add("Elapsed (wall clock) time (h:mm:ss or m:ss): 1:2:3\nUser time (seconds): 1\n")
	f.Add("Exit status: x")
	f.Fuzz(func(t *testing.T, in string) {
		tv, err := ParseTimeV(strings.NewReader(in))
		if err != nil {
			return
		}
		if tv.WallS < 0 || tv.UserS < 0 || tv.SysS < 0 || tv.MaxRSSKB < 0 {
			t.Errorf("negative value accepted: %+v", tv)
		}
	})
}

func TestParseProcStat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    float64
		wantErr bool
	}{
		{"busy", "cpu  322968 0 105740 120208 573 0 975 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n", (322968 + 105740 + 975) / 100.0, false},
		{"nice and steal", "cpu  100 50 100 999 999 10 20 30 0 0\n", 3.1, false},
		{"short", "cpu 1 2 3\n", 0, true},
		{"not cpu", "intr 1 2 3 4 5 6 7 8 9\n", 0, true},
		{"not a number", "cpu  a 0 0 0 0 0 0 0 0 0\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcStat([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name    string
		samples []Sample
		want    Sample
	}{
		{"none", nil, Sample{}},
		{"odd: each field on its own", []Sample{
			{WallS: 3, CPUS: 1, RSSKB: 100, Rows: 7},
			{WallS: 1, CPUS: 5, RSSKB: 300, Rows: 7},
			{WallS: 2, CPUS: 3, RSSKB: 200, Rows: 7},
		}, Sample{WallS: 2, CPUS: 3, RSSKB: 200, Rows: 7}},
		{"even: mean of the middle two", []Sample{
			{WallS: 4, UserS: 1, SysS: 2, OtherCPUPct: 10, RSSKB: 101},
			{WallS: 1, UserS: 3, SysS: 2, OtherCPUPct: 30, RSSKB: 100},
		}, Sample{WallS: 2.5, UserS: 2, SysS: 2, OtherCPUPct: 20, RSSKB: 101}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Median(tt.samples); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseOutputs(t *testing.T) {
	t.Run("accepted", func(t *testing.T) {
		out := []byte("ok      raw/crm/crm1m.csv: 1000000 rows read, 997992 accepted, 2008 rejected (bad_timestamp 397)\n")
		n, err := ParseAccepted(out)
		if err != nil || n != 997992 {
			t.Errorf("got %d, %v; want 997992", n, err)
		}
		if _, err := ParseAccepted([]byte("failed raw/crm/x.csv: no header\n")); err == nil {
			t.Error("no error for output without a count")
		}
	})
	t.Run("duckbench", func(t *testing.T) {
		n, err := ParseDuckResult([]byte(`{"command":"ingest","rows":997992,"seconds":16.5}` + "\n"))
		if err != nil || n != 997992 {
			t.Errorf("got %d, %v; want 997992", n, err)
		}
		for _, bad := range []string{"", `{"command":"ingest"}`, "rows: 3"} {
			if _, err := ParseDuckResult([]byte(bad)); err == nil {
				t.Errorf("no error for %q", bad)
			}
		}
	})
}

func TestThousands(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", 100000: "100,000"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%d) = %q, want %q", in, got, want)
		}
	}
}

// fakeTime writes a stand-in for GNU time that writes a fixed report to
// its -o file and then runs the command.
func fakeTime(t *testing.T, rss string) {
	t.Helper()
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(rep, []byte(strings.Replace(report, "94028", rss, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "time")
	body := "#!/bin/sh\n[ \"$1\" = -v ] && [ \"$2\" = -o ] || exit 99\nout=$3\nshift 3\ncp " + rep + " \"$out\"\nexec \"$@\"\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	old := timeBin
	timeBin = script
	t.Cleanup(func() { timeBin = old })
}

func TestTimedRun(t *testing.T) {
	fakeTime(t, "4242")
	tests := []struct {
		name    string
		argv    []string
		wantOut string
		wantErr string
	}{
		{"output and report", []string{"sh", "-c", "echo rows 3; echo noise >&2"}, "rows 3\n", ""},
		{"failure carries stderr", []string{"sh", "-c", "echo broken >&2; exit 2"}, "", "broken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out, err := Timed{Argv: tt.argv, Env: os.Environ()}.Run(t.TempDir())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.wantOut {
				t.Errorf("stdout %q, want %q", out, tt.wantOut)
			}
			user, sys := 8.80, 0.55
			want := Sample{WallS: 17.92, UserS: user, SysS: sys, CPUS: user + sys, RSSKB: 4242}
			s.OtherCPUPct = 0
			if s != want {
				t.Errorf("sample %+v, want %+v", s, want)
			}
		})
	}
}

func TestLinkOrCopy(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.csv")
	if err := os.WriteFile(src, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "store", "raw", "crm", "x.csv")
	if err := linkOrCopy(src, dst); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "a,b\n1,2\n" {
		t.Errorf("got %q", got)
	}
	if err := linkOrCopy(filepath.Join(dir, "missing"), filepath.Join(dir, "y")); err == nil {
		t.Error("no error for a missing source")
	}
}

func TestProcField(t *testing.T) {
	in := []byte("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu\nMemTotal:       24683620 kB\n")
	got := map[string]string{}
	for _, k := range []string{"model name", "MemTotal", "missing"} {
		got[k] = procField(in, k)
	}
	want := map[string]string{"model name": "AMD EPYC", "MemTotal": "24683620 kB", "missing": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestShellQuote(t *testing.T) {
	tests := map[string]string{
		"./bench/initbench": "./bench/initbench",
		"^$":                `'^$'`,
		"-ldflags=-s -w":    `'-ldflags=-s -w'`,
		"it's":              `'it'\''s'`,
		"":                  "''",
		">":                 ">",
		"KEY=v@1,2%":        "KEY=v@1,2%",
	}
	for in, want := range tests {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
