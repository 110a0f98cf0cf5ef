package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCommittedFilesAreFresh fails when a file under testdata/ differs from
// what the generator writes (edited by hand, or the generator changed and
// was not re-run): run `go run ./testdata/gen` from the module root.
func TestCommittedFilesAreFresh(t *testing.T) {
	out, err := outputs()
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 18 {
		t.Fatalf("only %d outputs", len(out))
	}
	for rel, want := range out {
		t.Run(rel, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(rel)))
			if err != nil {
				t.Fatalf("%v (run go run ./testdata/gen)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("testdata/%s is stale: run go run ./testdata/gen", rel)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	a, err := outputs()
	if err != nil {
		t.Fatal(err)
	}
	b, err := outputs()
	if err != nil {
		t.Fatal(err)
	}
	for k := range a {
		if !bytes.Equal(a[k], b[k]) {
			t.Errorf("%s differs between two runs", k)
		}
	}
}

func TestDeadline(t *testing.T) {
	tests := []struct {
		name    string
		created time.Time
		cat     string
		want    time.Time
	}{
		{"simple is 24 h", at(9, 3, 14, 5), "简单", at(9, 4, 14, 5)},
		{"一般 is simple", at(9, 30, 16, 0), "一般", at(10, 1, 16, 0)},
		{"complex skips the weekend", at(8, 27, 15, 0), "复杂", at(9, 2, 0, 0).Add(-time.Millisecond)},
		{"make-up Sunday counts", at(9, 19, 10, 0), "复杂", at(9, 23, 0, 0).Add(-time.Millisecond)},
		{"created on the make-up Sunday", at(9, 20, 9, 30), "疑难", at(9, 24, 0, 0).Add(-time.Millisecond)},
		{"Mid-Autumn is off", at(9, 24, 11, 0), "复杂", at(10, 1, 0, 0).Add(-time.Millisecond)},
		{"National Day is off", at(9, 28, 10, 0), "复杂", at(10, 9, 0, 0).Add(-time.Millisecond)},
		{"make-up Saturday 10-10 counts", at(9, 30, 14, 0), "复杂", at(10, 11, 0, 0).Add(-time.Millisecond)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := deadline(&ticket{Created: tt.created, Category: tt.cat}); !got.Equal(tt.want) {
				t.Fatalf("deadline = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestS3KeyEscape(t *testing.T) {
	tests := []struct{ key, want string }{
		{"raw/crm/工单导出 2026-09.csv", "raw/crm/%E5%B7%A5%E5%8D%95%E5%AF%BC%E5%87%BA+2026-09.csv"},
		{"raw/survey/a+b (1).txt", "raw/survey/a%2Bb+%281%29.txt"},
		{"raw/x_y-z.*", "raw/x_y-z.*"},
	}
	for _, tt := range tests {
		if got := s3KeyEscape(tt.key); got != tt.want {
			t.Errorf("s3KeyEscape(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestRoundHalfUp(t *testing.T) {
	tests := []struct {
		num, den int64
		d        int
		want     string
	}{{1, 8, 2, "0.13"}, {1, 3, 4, "0.3333"}, {2, 3, 2, "0.67"}, {100, 1, 2, "100.00"}, {0, 1, 2, "0.00"}, {8975, 100, 1, "89.8"}}
	for _, tt := range tests {
		if got := roundHalfUp(rat(tt.num, tt.den), tt.d); got != tt.want {
			t.Errorf("roundHalfUp(%d/%d, %d) = %s, want %s", tt.num, tt.den, tt.d, got, tt.want)
		}
	}
}
