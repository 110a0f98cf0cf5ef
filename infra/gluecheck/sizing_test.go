package gluecheck

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The benchmark figures the functions are sized from (docs/benchmarks.md,
// docs/deploy.md "Memory and disk").
const (
	ingestPeakRSSMiB = 89  // 5,000,000-row export
	largestExportMB  = 740 // that export's size, the largest the README promises
	closePeakRSSMiB  = 334 // close of 1,000,000 tickets, 5,000 employees
)

// TestFunctionSizing: every function sets MemorySize, EphemeralStorage and
// GOMEMLIMIT; GOMEMLIMIT leaves room below MemorySize for what Go does not
// count (the Lambda runtime, the secrets extension) and at least 4× the
// benchmark's peak RSS for the ingest and the scoring functions; the
// ingest's disk holds twice the temp files of the largest export (about
// half its size); readiness scores as the close does and is sized alike.
func TestFunctionSizing(t *testing.T) {
	src, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources map[string]struct {
			Type       string `yaml:"Type"`
			Properties struct {
				MemorySize       int `yaml:"MemorySize"`
				EphemeralStorage struct {
					Size int `yaml:"Size"`
				} `yaml:"EphemeralStorage"`
				Environment struct {
					Variables map[string]yaml.Node `yaml:"Variables"`
				} `yaml:"Environment"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	minRSS := map[string]int{"IngestFunction": ingestPeakRSSMiB, "CloseFunction": closePeakRSSMiB, "ReadinessFunction": closePeakRSSMiB}
	seen := 0
	for id, r := range doc.Resources {
		if r.Type != "AWS::Serverless::Function" {
			continue
		}
		seen++
		p := r.Properties
		if p.MemorySize == 0 || p.EphemeralStorage.Size == 0 {
			t.Errorf("%s: MemorySize %d, EphemeralStorage %d: both must be set", id, p.MemorySize, p.EphemeralStorage.Size)
			continue
		}
		v, ok := p.Environment.Variables["GOMEMLIMIT"]
		mib, err := strconv.Atoi(strings.TrimSuffix(v.Value, "MiB"))
		if !ok || err != nil || !strings.HasSuffix(v.Value, "MiB") {
			t.Errorf("%s: GOMEMLIMIT %q, want <n>MiB", id, v.Value)
			continue
		}
		memMiB := p.MemorySize // Lambda's "MB" of memory are MiB
		if mib > memMiB*85/100 || mib < memMiB*60/100 {
			t.Errorf("%s: GOMEMLIMIT %d MiB is not 60-85%% of MemorySize %d MiB", id, mib, memMiB)
		}
		if rss, ok := minRSS[id]; ok && mib < 4*rss {
			t.Errorf("%s: GOMEMLIMIT %d MiB is less than 4× the benchmark's peak RSS %d MiB", id, mib, rss)
		}
	}
	if seen != 4 {
		t.Errorf("%d functions, want 4", seen)
	}
	if got := doc.Resources["IngestFunction"].Properties.EphemeralStorage.Size; got < 2*largestExportMB/2 {
		t.Errorf("IngestFunction EphemeralStorage %d MB, want at least %d (twice half of a %d MB export)", got, 2*largestExportMB/2, largestExportMB)
	}
	c, r := doc.Resources["CloseFunction"].Properties, doc.Resources["ReadinessFunction"].Properties
	if r.MemorySize < c.MemorySize {
		t.Errorf("ReadinessFunction MemorySize %d < CloseFunction's %d: it scores the month too", r.MemorySize, c.MemorySize)
	}
}
