package scorecard

import (
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPureCoreImportsOfThisModule keeps the pure core layered: what each
// package may import of this module (its package doc says the same).
func TestPureCoreImportsOfThisModule(t *testing.T) {
	const mod = "github.com/scorecard/scorecard/"
	allowed := map[string][]string{
		"schema":   nil,
		"calendar": nil,
		"policy":   nil,
		"score":    {"pkg/schema", "pkg/policy", "pkg/calendar"},
		"payroll":  {"pkg/schema", "pkg/calendar", "pkg/score", "pkg/policy"}, // policy through score
	}
	for pkg, ok := range allowed {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "./pkg/"+pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list -deps ./pkg/%s: %v\n%s", pkg, err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				rel, inModule := strings.CutPrefix(dep, mod)
				if !inModule || rel == "pkg/"+pkg || slices.Contains(ok, rel) {
					continue
				}
				t.Errorf("pkg/%s depends on %s", pkg, dep)
			}
		})
	}
}

// TestSampleUploadTimesMatchExpected keeps the demo's upload times in step
// with the ones testdata/expected was computed with.
func TestSampleUploadTimesMatchExpected(t *testing.T) {
	raw, err := os.ReadFile("testdata/expected/ingest.json")
	if err != nil {
		t.Fatal(err)
	}
	var want []struct {
		Key          string    `json:"key"`
		LastModified time.Time `json:"last_modified"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(SampleUploadTimes) {
		t.Fatalf("%d sample upload times, expected/ingest.json has %d", len(SampleUploadTimes), len(want))
	}
	for _, w := range want {
		if got := SampleUploadTimes[w.Key]; !got.Equal(w.LastModified) {
			t.Errorf("%s: upload time %v, expected %v", w.Key, got, w.LastModified)
		}
		if _, err := SampleExports.Open("testdata/" + w.Key); err != nil {
			t.Errorf("%s is not embedded: %v", w.Key, err)
		}
	}
}
