// Package scorecard holds the sample exports of testdata/raw, embedded so
// that `scorecard demo` runs with no set-up. The code is under pkg/, the
// Lambda mains under functions/ and the CLI under cmd/scorecard.
package scorecard

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// SampleExports is testdata/raw and testdata/config: one month (2026-09) of
// CRM, survey, evaluation and roster exports as users upload them, and the
// operators' config/mapping.yaml that names one extra header alias.
//
//go:embed testdata/raw testdata/config
var SampleExports embed.FS

// SampleMonth is the month the sample exports describe.
const SampleMonth = "2026-09"

// sampleUploadTime is when the sample exports count as uploaded: one minute
// apart, in key order, so de-duplication across exports is deterministic.
var sampleUploadTime = time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)

// CopySamples writes the sample exports into dir, laid out like the bucket
// (raw/..., config/...), with fixed modification (upload) times.
func CopySamples(dir string) error {
	var keys []string
	err := fs.WalkDir(SampleExports, "testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		keys = append(keys, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading sample exports: %w", err)
	}
	sort.Strings(keys)
	for i, p := range keys {
		key := strings.TrimPrefix(p, "testdata/")
		data, err := SampleExports.ReadFile(p)
		if err != nil {
			return fmt.Errorf("reading sample %s: %w", p, err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", dst, err)
		}
		t := sampleUploadTime.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(dst, t, t); err != nil {
			return fmt.Errorf("setting the time of %s: %w", dst, err)
		}
	}
	return nil
}
