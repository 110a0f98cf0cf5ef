// Command gen writes the sample month (September 2026) that the demo, the
// end-to-end tests and the README under testdata/ describe:
//
//   - testdata/raw/...: the exports exactly as users upload them (GBK CSV from
//     Chinese Excel, an XLSX supplement, a 问卷星 UTF-8-with-BOM CSV, an Excel
//     "Unicode text" UTF-16LE file, HR's evaluation records and roster);
//   - testdata/events/...: S3, MinIO, EventBridge Scheduler and manual-close
//     event fixtures whose sizes and ETags match the exports above;
//   - testdata/expected/...: what ingest must accept and reject per file, and
//     the scorecards the default policy must produce for 2026-09, computed by
//     an independent oracle in this program (exact rational arithmetic).
//
// Run it from the module root:
//
//	go run ./testdata/gen
//
// It uses no randomness and no clock, so a re-run rewrites identical bytes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", "testdata", "the testdata directory to write into")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// run builds the month and writes every file under dir.
func run(dir string) error {
	out, err := outputs()
	if err != nil {
		return err
	}
	for rel, data := range out {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(rel)), data); err != nil {
			return err
		}
	}
	return nil
}

// outputs renders every file, keyed by its slash path under testdata/.
func outputs() (map[string][]byte, error) {
	m := buildMonth()
	files, err := renderRaw(m)
	if err != nil {
		return nil, err
	}
	if err := verify(files); err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, f := range files {
		out[f.key] = f.data
	}
	events, err := renderEvents(files)
	if err != nil {
		return nil, err
	}
	for name, data := range events {
		out["events/"+name] = data
	}
	expected, err := renderExpected(m, files)
	if err != nil {
		return nil, err
	}
	for name, data := range expected {
		out["expected/"+name] = data
	}
	return out, nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating directory for %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
