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

// SampleUploadTimes are when the sample exports count as uploaded (their
// LastModified): the times testdata/expected/ingest.json was worked out with.
// The roster's upload month is its partition, and upload order breaks ties
// when de-duplicating across exports.
var SampleUploadTimes = map[string]time.Time{
	"raw/crm/工单导出 2026-09.csv":         mustTime("2026-10-01T01:12:33.418Z"),
	"raw/crm/工单导出 2026-09 补充.xlsx":     mustTime("2026-10-02T02:31:07.905Z"),
	"raw/survey/满意度回访 2026年9月.csv":     mustTime("2026-10-01T03:05:41.226Z"),
	"raw/survey/回访 电话 2026-09.txt":     mustTime("2026-10-01T03:05:42.871Z"),
	"raw/evaluations/考核记录 2026-09.csv": mustTime("2026-09-30T09:40:12.004Z"),
	"raw/roster/花名册 2026-09.csv":       mustTime("2026-09-30T09:41:55.312Z"),
}

// sampleConfigTime is the upload time of the sample config/ files.
var sampleConfigTime = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// CopySamples writes the sample exports into dir, laid out like the bucket
// (raw/..., config/...), with the fixed modification (upload) times of
// SampleUploadTimes.
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
	for _, p := range keys {
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
		t, ok := SampleUploadTimes[key]
		if !ok {
			t = sampleConfigTime
		}
		if err := os.Chtimes(dst, t, t); err != nil {
			return fmt.Errorf("setting the time of %s: %w", dst, err)
		}
	}
	return nil
}
