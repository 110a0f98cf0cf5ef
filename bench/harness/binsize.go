package main

// binsize: what each Lambda bootstrap links, by module and by package.
//
//	harness binsize [-repo .] [-arch arm64] [-fn ingest,close] [-top 15] [-json]
//
// Each function is built twice with the flags of `make build`: once as
// shipped (-ldflags="-s -w", whose size is the one that counts) and once
// without -s -w, whose ELF symbol table is read with debug/elf. The size of
// every symbol that occupies the file (not .bss/.noptrbss) is added to its
// package (from the symbol name) and module (from the embedded build info).
// The symbols do not cover the whole file: the pclntab (function tables,
// roughly proportional to code) is shared out in proportion to each
// package's code, giving an estimate of what dropping it would save; the
// symbol table and DWARF that -s -w strip are in neither.

import (
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// BinSize is the size breakdown of one function's bootstrap.
type BinSize struct {
	Function string `json:"function"`
	Arch     string `json:"arch"`
	// Bytes is the shipped (stripped) binary; Unstripped the one analysed.
	Bytes      int64 `json:"bytes"`
	Unstripped int64 `json:"unstripped_bytes"`
	// Symbols is the sum of all in-file symbol sizes; Pclntab the
	// .gopclntab section (not split by package).
	Symbols  int64     `json:"symbols_bytes"`
	Pclntab  int64     `json:"pclntab_bytes"`
	Modules  []PkgSize `json:"modules"`  // sorted by size, descending
	Packages []PkgSize `json:"packages"` // sorted by size, descending
}

// PkgSize is the symbol bytes of one package or module.
type PkgSize struct {
	Path  string `json:"path"`
	Bytes int64  `json:"bytes"`
	// Text is the part of Bytes that is code (.text).
	Text int64 `json:"text_bytes"`
	// Est is Bytes plus the share of the pclntab in proportion to Text:
	// roughly what leaving the package out would save.
	Est int64 `json:"est_bytes"`
}

// Top returns the first n entries (all when n <= 0).
func top(s []PkgSize, n int) []PkgSize {
	if n <= 0 || n >= len(s) {
		return s
	}
	return s[:n]
}

func binsizeCmd(args []string) error {
	fs := flag.NewFlagSet("binsize", flag.ContinueOnError)
	repo := fs.String("repo", ".", "repository root")
	arch := fs.String("arch", "arm64", "GOARCH (GOOS is linux)")
	fns := fs.String("fn", "ingest,close", "functions under ./functions, comma-separated")
	n := fs.Int("top", 15, "entries per list")
	asJSON := fs.Bool("json", false, "print JSON instead of tables")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"binsize takes no arguments"}
	}
	tmp, err := os.MkdirTemp("", "binsize")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var all []BinSize
	for _, fn := range strings.Split(*fns, ",") {
		b, err := measureBinSize(*repo, tmp, fn, *arch)
		if err != nil {
			return err
		}
		all = append(all, b)
	}
	if *asJSON {
		for i := range all {
			all[i].Packages = top(all[i].Packages, *n)
			all[i].Modules = top(all[i].Modules, *n)
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	}
	for _, b := range all {
		printBinSize(os.Stdout, b, *n)
	}
	return nil
}

// lambdaBuild is the go build command line of `make build` for fn.
func lambdaBuild(out, fn string, strip bool) []string {
	argv := []string{"go", "build", "-tags", "lambda.norpc", "-trimpath"}
	if strip {
		argv = append(argv, "-ldflags=-s -w")
	}
	return append(argv, "-o", out, "./functions/"+fn)
}

// measureBinSize builds fn for linux/arch, stripped and not, into dir and
// analyses the unstripped binary.
func measureBinSize(repo, dir, fn, arch string) (BinSize, error) {
	b := BinSize{Function: fn, Arch: "linux/" + arch}
	env := append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	stripped := filepath.Join(dir, fn+"-"+arch)
	full := stripped + ".full"
	for _, c := range []struct {
		out   string
		strip bool
	}{{stripped, true}, {full, false}} {
		argv := lambdaBuild(c.out, fn, c.strip)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir, cmd.Env = repo, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return b, fmt.Errorf("building %s: %w\n%s", fn, err, out)
		}
	}
	b.Bytes, b.Unstripped = fileSize(stripped), fileSize(full)
	if err := analyseELF(full, &b); err != nil {
		return b, fmt.Errorf("analysing %s: %w", fn, err)
	}
	return b, nil
}

// analyseELF fills in the symbol breakdown of b from the binary at path.
func analyseELF(path string, b *BinSize) error {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return err
	}
	modules := []string{bi.Main.Path}
	for _, d := range bi.Deps {
		modules = append(modules, d.Path)
	}
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if s := f.Section(".gopclntab"); s != nil {
		b.Pclntab = int64(s.Size)
	}
	syms, err := f.Symbols()
	if err != nil {
		return err
	}
	pkgs := map[string]*PkgSize{}
	var text int64
	for _, s := range syms {
		if s.Size == 0 || s.Section == elf.SHN_UNDEF || int(s.Section) >= len(f.Sections) {
			continue
		}
		sec := f.Sections[s.Section]
		if sec.Type == elf.SHT_NOBITS || sec.Name == ".gopclntab" {
			continue
		}
		p := SymbolPackage(s.Name, modules)
		if pkgs[p] == nil {
			pkgs[p] = &PkgSize{Path: p}
		}
		pkgs[p].Bytes += int64(s.Size)
		if sec.Name == ".text" {
			pkgs[p].Text += int64(s.Size)
			text += int64(s.Size)
		}
		b.Symbols += int64(s.Size)
	}
	mods := map[string]*PkgSize{}
	for p, n := range pkgs {
		m := ModuleOf(p, modules, bi.Main.Path)
		if mods[m] == nil {
			mods[m] = &PkgSize{Path: m}
		}
		mods[m].Bytes += n.Bytes
		mods[m].Text += n.Text
	}
	b.Packages, b.Modules = sortedSizes(pkgs, b.Pclntab, text), sortedSizes(mods, b.Pclntab, text)
	return nil
}

// sortedSizes fills in Est and sorts by it, descending.
func sortedSizes(m map[string]*PkgSize, pclntab, text int64) []PkgSize {
	out := make([]PkgSize, 0, len(m))
	for _, p := range m {
		p.Est = p.Bytes
		if text > 0 {
			p.Est += int64(float64(pclntab) * float64(p.Text) / float64(text))
		}
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Est != out[j].Est {
			return out[i].Est > out[j].Est
		}
		return out[i].Path < out[j].Path
	})
	return out
}

// Groups for symbols that belong to no package.
const (
	groupRuntimeTables = "(go: tables: func metadata, strings)"
	groupTypes         = "(unnamed types)"
)

var majorVersionRE = regexp.MustCompile(`^v[0-9]+$`)

// SymbolPackage returns the import path of the package a Go symbol
// belongs to: "github.com/x/y.(*T).M" → "github.com/x/y",
// "type:*github.com/x/y.T" → "github.com/x/y", "gopkg.in/yaml.v3.Marshal" →
// "gopkg.in/yaml.v3" (modules resolves the dot in the last element).
func SymbolPackage(name string, modules []string) string {
	s := name
	for _, p := range []string{"go:itab.", "type:.eq.", "type:.hash.", "type:.namedata.", "type:.importpath.", "type:"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = rest
			break
		}
	}
	if strings.HasPrefix(s, "go:") || s == "" {
		return groupRuntimeTables
	}
	s = strings.TrimLeft(s, "*")
	// Instantiations and anonymous types: the path ends before any [ or (.
	if i := strings.IndexAny(s, "[("); i >= 0 {
		s = s[:i]
	}
	if strings.HasPrefix(s, "map") || strings.HasPrefix(s, "struct") || strings.HasPrefix(s, "func") ||
		strings.HasPrefix(s, "chan") || strings.HasPrefix(s, "interface") || s == "" {
		if !strings.Contains(s, ".") || strings.ContainsAny(s, " {") {
			return groupTypes
		}
	}
	slash := strings.LastIndexByte(s, '/')
	dot := strings.IndexByte(s[slash+1:], '.')
	if dot < 0 {
		return s
	}
	pkg := s[:slash+1+dot]
	// The linker writes a dot in the last path element as %2e
	// (gopkg.in/yaml%2ev3.Marshal); unescaped, it could also appear as
	// gopkg.in/yaml.v3.Marshal.
	if strings.Contains(pkg, "%2e") {
		return strings.ReplaceAll(pkg, "%2e", ".")
	}
	if rest := s[len(pkg)+1:]; slash >= 0 {
		if v, _, _ := strings.Cut(rest, "."); majorVersionRE.MatchString(v) && slices.Contains(modules, pkg+"."+v) {
			pkg += "." + v
		}
	}
	return pkg
}

// ModuleOf returns the module of package pkg: the longest of modules that
// is pkg or a prefix of it, "std" for the standard library, pkg itself for
// the groups of SymbolPackage.
func ModuleOf(pkg string, modules []string, main string) string {
	best := ""
	for _, m := range modules {
		if (pkg == m || strings.HasPrefix(pkg, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	switch {
	case best == main && best != "":
		return main + " (this module)"
	case best != "":
		return best
	case strings.HasPrefix(pkg, "("):
		return pkg
	case pkg == "main":
		return main + " (this module)"
	}
	first, _, _ := strings.Cut(pkg, "/")
	if !strings.Contains(first, ".") {
		return "std"
	}
	return pkg
}

func printBinSize(w io.Writer, b BinSize, n int) {
	fmt.Fprintf(w, "== %s (%s): %s stripped (%s unstripped); symbols %s, pclntab %s\n", b.Function, b.Arch,
		fmtBytes(b.Bytes), fmtBytes(b.Unstripped), fmtBytes(b.Symbols), fmtBytes(b.Pclntab))
	for _, l := range []struct {
		title string
		s     []PkgSize
	}{{"modules", b.Modules}, {"packages", b.Packages}} {
		fmt.Fprintf(w, "\n  top %s   est. bytes (symbols + pclntab share)  %% of stripped  symbol bytes\n", l.title)
		for _, p := range top(l.s, n) {
			fmt.Fprintf(w, "  %12s  %5.1f%%  %12s  %s\n", thousands(p.Est), 100*float64(p.Est)/float64(max(b.Bytes, 1)), thousands(p.Bytes), p.Path)
		}
	}
	fmt.Fprintln(w)
}
