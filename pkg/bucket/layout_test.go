package bucket

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// keyShape matches string constants that build a partition or version key
// by hand: "month=", "year=" (a "month=*" glob in prose is fine), "/v" or
// "v%d" before a version number.
var keyShape = regexp.MustCompile(`(month|year)=([^*]|$)|/v$|(^|/)v%d`)

// TestOnlyBucketFormatsKeys fails if any non-test Go file of the module
// outside this package holds a string that formats a month=/year= partition
// or a v<N> version by hand: the bucket layout has one home.
func TestOnlyBucketFormatsKeys(t *testing.T) {
	root := filepath.Join("..", "..")
	self, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	var checked int
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			abs, _ := filepath.Abs(path)
			name := d.Name()
			if path != root && (abs == self || name == "storetest" || name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module (infra/athenacheck, bench/duckbench)
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && keyShape.MatchString(s) {
				t.Errorf("%s: %s builds a bucket key by hand; use package bucket", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d files checked: is the walk rooted at the module?", checked)
	}
}

// TestKeyShapeCatches keeps the pattern honest.
func TestKeyShapeCatches(t *testing.T) {
	for _, s := range []string{"payroll/month=", "/month=", "year=", "/v", "%s/v%d/", "v%d.parquet", "month=%s"} {
		if !keyShape.MatchString(s) {
			t.Errorf("keyShape misses %q", s)
		}
	}
	for _, s := range []string{"v", "version", "-v", "verbose", "value", "%v", "view", "month=*/*.parquet"} {
		if keyShape.MatchString(s) {
			t.Errorf("keyShape flags %q", s)
		}
	}
}
