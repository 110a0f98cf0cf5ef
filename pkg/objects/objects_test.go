package objects_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/store"
)

func newStore(t *testing.T) *store.Dir {
	t.Helper()
	d, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPutOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	const key = "payroll/x/manifest.json"
	if err := objects.PutOnce(ctx, s, key, []byte("one")); err != nil {
		t.Fatalf("first write: %v", err)
	}
	// The same bytes again (a resumed or racing run with equal inputs): fine.
	if err := objects.PutOnce(ctx, s, key, []byte("one")); err != nil {
		t.Fatalf("same bytes again: %v", err)
	}
	// Other bytes: refused, and the object keeps its first content.
	for _, other := range []string{"two", "one ", "", "on"} {
		err := objects.PutOnce(ctx, s, key, []byte(other))
		if !errors.Is(err, objects.ErrConflict) {
			t.Errorf("PutOnce(%q) over %q = %v, want ErrConflict", other, "one", err)
		}
	}
	got, err := objects.ReadOptional(ctx, s, key)
	if err != nil || string(got) != "one" {
		t.Fatalf("after the refused writes: %q, %v", got, err)
	}
	obj, err := s.Head(ctx, key)
	if err != nil || obj.Size != 3 {
		t.Fatalf("Head: %+v, %v", obj, err)
	}
}

func TestReadOptional(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	got, err := objects.ReadOptional(ctx, s, "config/policy.yaml")
	if got != nil || err != nil {
		t.Fatalf("missing key: %q, %v", got, err)
	}
	if err := objects.Put(ctx, s, "config/policy.yaml", []byte("timezone: UTC\n")); err != nil {
		t.Fatal(err)
	}
	got, err = objects.ReadOptional(ctx, s, "config/policy.yaml")
	if string(got) != "timezone: UTC\n" || err != nil {
		t.Fatalf("ReadOptional = %q, %v", got, err)
	}
}

func TestPutFile(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	path := filepath.Join(t.TempDir(), "f.parquet")
	if err := os.WriteFile(path, []byte("PAR1...PAR1"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := objects.PutFile(ctx, s, "normalized/t/month=2026-09/a.parquet", path); err != nil {
		t.Fatal(err)
	}
	err := objects.PutFile(ctx, s, "normalized/t/month=2026-09/b.parquet", path+".gone")
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing local file: %v", err)
	}
}

func TestContentType(t *testing.T) {
	for key, want := range map[string]string{
		"a.csv": "text/csv; charset=utf-8", "a.json": "application/json", "a.jsonl": "application/x-ndjson",
		"a.md": "text/markdown; charset=utf-8", "a.html": "text/html; charset=utf-8", "a.parquet": "application/vnd.apache.parquet",
	} {
		if got := objects.ContentType(key); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", key, got, want)
		}
	}
}
