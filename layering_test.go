package scorecard

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/scorecard/scorecard"

// listed is the part of `go list -json` the layering tests read.
type listed struct {
	ImportPath string
	Standard   bool
	Imports    []string
	CgoFiles   []string
}

// goList returns the import closure of pkgs (`go list -deps -json`) in the
// environment env (KEY=VALUE pairs added to this process's).
func goList(t *testing.T, env []string, args ...string) map[string]listed {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-deps", "-json"}, args...)...)
	cmd.Env = append(cmd.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	pkgs := map[string]listed{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// binaries are the programs the project ships, each with the environment
// it is built in.
var binaries = []struct {
	pkg  string
	env  []string
	tags string
	// mustNot are packages (or prefixes) this binary must not link.
	mustNot []string
}{
	{"./functions/ingest", []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64"}, "lambda.norpc",
		[]string{module + "/pkg/closejob", module + "/pkg/score", module + "/pkg/payroll", "github.com/xuri/excelize", awsS3, awsConfig, progressBar}},
	{"./functions/close", []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64"}, "lambda.norpc",
		[]string{module + "/pkg/ingestjob", module + "/pkg/ingest", module + "/pkg/source", "github.com/xuri/excelize", awsS3, awsConfig, progressBar}},
	{"./cmd/scorecard", nil, "", []string{"github.com/aws/aws-lambda-go", awsS3}},
}

// awsS3 is the SDK's generated S3 client (about 4 MB of a binary): the store
// talks S3 through its own small client (pkg/store/s3store). awsConfig is
// the SDK's default configuration chain, which the Lambdas do without.
// progressBar is the CLI's terminal progress bar: the jobs take a Progress
// interface, and a Lambda (whose stdout is its log) never draws one.
const progressBar = "github.com/schollz/progressbar"

const (
	awsS3     = "github.com/aws/aws-sdk-go-v2/service/s3"
	awsConfig = "github.com/aws/aws-sdk-go-v2/config"
)

// testOnly are packages no binary may link.
var testOnly = []string{"testing", module + "/internal/sampletest", module + "/internal/miniotest", module + "/pkg/store/storetest", module + "/pkg/store/faulty"}

// TestBinaryLayering computes the import closure of each binary and fails
// on aws-lambda-go imported outside functions/, on a job or reader linked
// into a binary that does not run it, and on test helpers in a binary.
func TestBinaryLayering(t *testing.T) {
	for _, b := range binaries {
		t.Run(strings.TrimPrefix(b.pkg, "./"), func(t *testing.T) {
			args := []string{b.pkg}
			if b.tags != "" {
				args = []string{"-tags", b.tags, b.pkg}
			}
			pkgs := goList(t, b.env, args...)
			if len(pkgs) < 20 {
				t.Fatalf("only %d packages listed for %s", len(pkgs), b.pkg)
			}
			for path, p := range pkgs {
				for _, imp := range p.Imports {
					if strings.HasPrefix(imp, "github.com/aws/aws-lambda-go") &&
						!strings.HasPrefix(path, "github.com/aws/aws-lambda-go") &&
						!strings.HasPrefix(path, module+"/functions/") {
						t.Errorf("%s imports %s: only functions/* may know Lambda", path, imp)
					}
				}
				for _, bad := range append(slices.Clone(b.mustNot), testOnly...) {
					if path == bad || strings.HasPrefix(path, bad+"/") {
						t.Errorf("%s links %s", b.pkg, path)
					}
				}
			}
		})
	}
}

// TestLambdasAreCGOFree fails if any non-standard package in a Lambda
// binary's closure has cgo files (with cgo enabled, so that files a
// CGO_ENABLED=0 build would silently drop are seen too).
func TestLambdasAreCGOFree(t *testing.T) {
	for _, b := range binaries[:2] {
		t.Run(strings.TrimPrefix(b.pkg, "./"), func(t *testing.T) {
			pkgs := goList(t, []string{"CGO_ENABLED=1"}, "-tags", b.tags, b.pkg)
			for path, p := range pkgs {
				if !p.Standard && len(p.CgoFiles) > 0 {
					t.Errorf("%s links %s, which uses cgo (%v)", b.pkg, path, p.CgoFiles)
				}
				if strings.Contains(path, "duckdb") {
					t.Errorf("%s links %s", b.pkg, path)
				}
			}
			// And the real build environment has no runtime/cgo at all.
			for path := range goList(t, b.env, "-tags", b.tags, b.pkg) {
				if path == "runtime/cgo" {
					t.Errorf("%s links runtime/cgo with CGO_ENABLED=0", b.pkg)
				}
			}
		})
	}
}

// pure are the packages that take readers, writers and values: no AWS SDK,
// no Lambda, in their whole closure.
var pure = []string{
	"bucket", "calendar", "policy", "score", "schema", "payroll", "ingest", "source", "normalized",
	"ingestreport", "s3event", "objects", "store", "ingestjob", "closejob", "approval",
	"adjust", "ranking", "annual",
}

// TestPureCoreImportsNoAWS keeps the core packages free of AWS: they take
// readers, writers and values, so they run the same on a laptop and in Lambda.
func TestPureCoreImportsNoAWS(t *testing.T) {
	for _, pkg := range pure {
		t.Run(pkg, func(t *testing.T) {
			for path := range goList(t, nil, "./pkg/"+pkg) {
				if strings.HasPrefix(path, "github.com/aws/") {
					t.Errorf("pkg/%s depends on %s", pkg, path)
				}
			}
		})
	}
}
