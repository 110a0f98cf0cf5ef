package s3event

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixtures decodes the real AWS and MinIO event JSON in testdata/events.
func TestFixtures(t *testing.T) {
	for _, tc := range []struct {
		file string
		keys []string
	}{
		{"s3-put-crm.json", nil},
		{"s3-put-multi.json", nil},
		{"minio-put.json", []string{"raw/crm/工单导出 2026-09 补充.xlsx"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "events", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var ev Event
			if err := json.Unmarshal(data, &ev); err != nil {
				t.Fatal(err)
			}
			if len(ev.Records) == 0 {
				t.Fatal("no records")
			}
			for i, r := range ev.Records {
				k, err := r.Key()
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(k, "raw/") || strings.Contains(k, "%") || strings.Contains(k, "+") {
					t.Errorf("record %d: key %q is not decoded", i, k)
				}
				if r.S3.Object.ETag == "" || r.S3.Object.Size <= 0 || r.S3.Bucket.Name == "" {
					t.Errorf("record %d: missing fields: %+v", i, r.S3)
				}
				if r.Removed() {
					t.Errorf("record %d: a put read as a removal", i)
				}
				if tc.keys != nil && k != tc.keys[i] {
					t.Errorf("record %d: key %q, want %q", i, k, tc.keys[i])
				}
			}
		})
	}
}

func TestKeyAndRemoved(t *testing.T) {
	var r Record
	r.S3.Object.Key = "raw/crm/a+b%2B%E5%B7%A5.csv"
	if k, err := r.Key(); err != nil || k != "raw/crm/a b+工.csv" {
		t.Errorf("Key() = %q, %v", k, err)
	}
	r.S3.Object.Key = "raw/crm/%zz.csv"
	if _, err := r.Key(); err == nil || !strings.Contains(err.Error(), "%zz") {
		t.Errorf("Key() of a bad escape: %v", err)
	}
	for name, want := range map[string]bool{
		"ObjectRemoved:Delete": true, "s3:ObjectRemoved:DeleteMarkerCreated": true,
		"ObjectCreated:Put": false, "s3:ObjectCreated:CompleteMultipartUpload": false, "": false,
	} {
		r.EventName = name
		if r.Removed() != want {
			t.Errorf("Removed(%q) = %v", name, !want)
		}
	}
}
