// Package sampletest holds what the job tests share: a directory store
// holding the sample month's exports, the sample ingested, snapshots of a
// store, and golden files. It is imported by tests only (never by a binary;
// the layering test checks that).
package sampletest

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/pkg/ingestjob"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// CustomerKey is the HMAC key the job tests hash customer ids with.
var CustomerKey = []byte("test-key")

// CloseTime is the clock of the sample close: the scheduled close of
// September 2026, 02:00 on 3 October in Shanghai.
func CloseTime() time.Time { return time.Date(2026, 10, 2, 18, 0, 0, 0, time.UTC) }

// Testdata is the repository's top-level testdata directory.
func Testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata")
}

// Store copies the sample exports into a new directory store and returns
// the directory and the store.
func Store(t testing.TB) (string, *store.Dir) {
	t.Helper()
	dir := t.TempDir()
	if err := scorecard.CopySamples(dir); err != nil {
		t.Fatal(err)
	}
	st, err := store.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

// Ingester is an ingest job over st with the test customer key.
func Ingester(st ingestjob.Store) *ingestjob.Job {
	return &ingestjob.Job{Store: st, CustomerKey: CustomerKey}
}

// IngestAll ingests every pending raw/ object and returns the reports by key.
func IngestAll(t testing.TB, st ingestjob.Store) map[string]*ingestreport.Report {
	t.Helper()
	ctx := context.Background()
	in := Ingester(st)
	keys, err := in.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("nothing to ingest")
	}
	reps := map[string]*ingestreport.Report{}
	for _, k := range keys {
		rep, err := in.Run(ctx, k)
		if err != nil {
			t.Fatalf("ingesting %s: %v", k, err)
		}
		reps[k] = rep
	}
	return reps
}

// Lister is what Snapshot needs of a store.
type Lister interface {
	List(ctx context.Context, prefix string, fn func(store.Object) error) error
}

// Snapshot lists every object with its ETag.
func Snapshot(t testing.TB, st Lister) map[string]string {
	t.Helper()
	m := map[string]string{}
	if err := st.List(context.Background(), "", func(o store.Object) error {
		m[o.Key] = o.ETag
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// Getter is what Read needs of a store.
type Getter interface {
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
}

// Read returns an object's bytes.
func Read(t testing.TB, st Getter, key string) []byte {
	t.Helper()
	rc, _, err := st.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("reading %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %s: %v", key, err)
	}
	return b
}

// ReadParquet returns the rows of a Parquet object.
func ReadParquet[T any](t testing.TB, st Getter, key string) []T {
	t.Helper()
	b := Read(t, st, key)
	var rows []T
	if err := normalized.Read[T](bytes.NewReader(b), int64(len(b)), func(batch []T) error {
		rows = append(rows, batch...)
		return nil
	}); err != nil {
		t.Fatalf("reading %s: %v", key, err)
	}
	return rows
}

// Golden compares got with testdata/golden/name; with -update it rewrites
// the file first.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join(Testdata(), "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file %s: run go test ./pkg/closejob -update", name)
	}
	if string(want) != string(got) {
		t.Errorf("golden %s differs (run go test ./pkg/closejob -update if the change is intended):\n--- want\n%s\n--- got\n%s", name, want, got)
	}
}
