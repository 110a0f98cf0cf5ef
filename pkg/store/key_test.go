package store

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheckKey: every key checkKey accepts maps to a path strictly inside
// the root, outside the temporary directory, and maps back to itself.
func FuzzCheckKey(f *testing.F) {
	for _, k := range []string{
		"raw/crm/a b.csv", "中文/三月.xlsx", "a+b%c=d", "..", "a/../b", "/a", "a//b", "a/", `a\b`,
		".tmp/x", "x/.tmp", "...", ".a", "a\x00b", "\xff",
	} {
		f.Add(k)
	}
	d := &Dir{root: filepath.FromSlash("/store/root")}
	f.Fuzz(func(t *testing.T, key string) {
		p, err := d.path(key)
		if err != nil {
			if !strings.Contains(err.Error(), "invalid key") {
				t.Errorf("path(%q) error %q does not say the key is invalid", key, err)
			}
			return
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			t.Fatalf("path(%q) = %q, not below the root: %v", key, p, err)
		}
		if rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			t.Errorf("path(%q) = %q escapes the root", key, p)
		}
		if back := filepath.ToSlash(rel); back != key {
			t.Errorf("path(%q) = %q maps back to key %q", key, p, back)
		}
		if first, _, _ := strings.Cut(key, "/"); first == tmpDirName {
			t.Errorf("key %q inside the temporary directory accepted", key)
		}
	})
}
