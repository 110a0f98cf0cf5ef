package scorecard

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPureCoreImportsNoAWS keeps the core packages free of AWS: they take
// readers, writers and values, so they run the same on a laptop and in Lambda.
func TestPureCoreImportsNoAWS(t *testing.T) {
	for _, pkg := range []string{"schema", "ingest", "calendar", "policy", "score", "payroll", "normalized"} {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "./pkg/"+pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list -deps ./pkg/%s: %v\n%s", pkg, err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				if strings.Contains(dep, "github.com/aws/") {
					t.Errorf("pkg/%s depends on %s", pkg, dep)
				}
			}
		})
	}
}

// TestLambdasAreCGOFree checks the Lambda mains build with CGO disabled (the
// DuckDB code lives in the separate infra/athenacheck module).
func TestLambdasAreCGOFree(t *testing.T) {
	for _, fn := range []string{"./functions/ingest", "./functions/close"} {
		cmd := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", fn)
		cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s does not resolve with CGO_ENABLED=0: %v\n%s", fn, err, out)
		}
		if strings.Contains(string(out), "duckdb") {
			t.Errorf("%s depends on duckdb", fn)
		}
	}
}
