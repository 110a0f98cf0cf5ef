package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSymbolPackage(t *testing.T) {
	mods := []string{"github.com/scorecard/scorecard", "gopkg.in/yaml.v3", "github.com/xuri/excelize/v2"}
	tests := []struct{ sym, pkg, mod string }{
		{"github.com/aws/aws-sdk-go-v2/service/s3.(*Client).GetObject", "github.com/aws/aws-sdk-go-v2/service/s3", "github.com/aws/aws-sdk-go-v2/service/s3"},
		{"type:*github.com/xuri/excelize/v2.File", "github.com/xuri/excelize/v2", "github.com/xuri/excelize/v2"},
		{"go:itab.*os.File,io.Reader", "os", "std"},
		{"gopkg.in/yaml%2ev3.Marshal", "gopkg.in/yaml.v3", "gopkg.in/yaml.v3"},
		{"gopkg.in/yaml.v3.Marshal", "gopkg.in/yaml.v3", "gopkg.in/yaml.v3"},
		{"slices.SortFunc[go.shape.[]string]", "slices", "std"},
		{"github.com/scorecard/scorecard/pkg/ingest.readSource[go.shape.struct {}]", "github.com/scorecard/scorecard/pkg/ingest", "github.com/scorecard/scorecard (this module)"},
		{"main.main", "main", "github.com/scorecard/scorecard (this module)"},
		{"runtime.mheap_", "runtime", "std"},
		{"go:func.*", groupRuntimeTables, groupRuntimeTables},
		{"type:map[string]int", groupTypes, groupTypes},
		{"crypto/internal/fips140/drbg.memory", "crypto/internal/fips140/drbg", "std"},
	}
	for _, tt := range tests {
		pkg := SymbolPackage(tt.sym, mods)
		if pkg != tt.pkg {
			t.Errorf("SymbolPackage(%q) = %q, want %q", tt.sym, pkg, tt.pkg)
		}
		if mod := ModuleOf(pkg, mods, "github.com/scorecard/scorecard"); mod != tt.mod {
			t.Errorf("ModuleOf(%q) = %q, want %q", pkg, mod, tt.mod)
		}
	}
}

// TestAnalyseELF builds a tiny linux program and checks the breakdown adds
// up: the packages sum to the symbols, and std is there.
func TestAnalyseELF(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/tiny\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "tiny")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var b BinSize
	if err := analyseELF(bin, &b); err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, p := range b.Packages {
		sum += p.Bytes
	}
	if sum != b.Symbols || b.Symbols == 0 || b.Pclntab == 0 {
		t.Errorf("packages sum to %d, symbols %d, pclntab %d", sum, b.Symbols, b.Pclntab)
	}
	if len(b.Modules) == 0 || b.Modules[0].Path != "std" {
		t.Errorf("modules = %v, want std first", b.Modules)
	}
	for _, p := range b.Packages {
		if strings.Contains(p.Path, "%2e") {
			t.Errorf("escaped package path %q", p.Path)
		}
	}
}

// TestRunRefusesDirtyTree: a full run stops before doing anything when git
// status is not empty, unless allowed.
func TestRunRefusesDirtyTree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("the benchmark needs git: %v", err)
	}
	repo := t.TempDir()
	for _, argv := range [][]string{{"init", "-q"}, {"-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "x"}} {
		if out, err := exec.Command("git", append([]string{"-C", repo}, argv...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", argv, err, out)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "untracked.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BENCH_ALLOW_DIRTY", "")
	scratch := t.TempDir()
	err := runCmd([]string{"-dir", scratch, "-bin", scratch, "-repo", repo, "-out", filepath.Join(scratch, "r.json"), "-doc", ""})
	if err == nil || !strings.Contains(err.Error(), "uncommitted changes") || !strings.Contains(err.Error(), "untracked.txt") {
		t.Fatalf("err = %v, want a refusal naming untracked.txt", err)
	}
	if _, err := os.Stat(filepath.Join(scratch, "data")); err == nil {
		t.Error("the refused run created its scratch directories")
	}
}
