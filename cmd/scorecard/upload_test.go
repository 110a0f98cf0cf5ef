package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/store"
)

// TestUploadKeepsTheOrderGiven: files whose modification times say the
// opposite are uploaded in the order given, each with a later upload time,
// and ingested; a re-upload of the first then makes it the latest.
func TestUploadKeepsTheOrderGiven(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "raw", "crm")
	in := t.TempDir()
	names := []string{"工单导出 2026-09.csv", "工单导出 2026-09 补充.xlsx"}
	old := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	var files []string
	for i, n := range names {
		b, err := os.ReadFile(filepath.Join(src, n))
		require.NoError(t, err)
		f := filepath.Join(in, n)
		require.NoError(t, os.WriteFile(f, b, 0o644))
		// The first file given is the newest on disk: cp -r would keep that.
		require.NoError(t, os.Chtimes(f, old.Add(-time.Duration(i)*time.Hour), old.Add(-time.Duration(i)*time.Hour)))
		files = append(files, f)
	}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"upload", "--store", dir}, append(files, "--as", "raw/crm/")...), &stdout, &stderr)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	require.Contains(t, stdout.String(), "ok      raw/crm/工单导出 2026-09.csv: 128 rows read")
	require.Contains(t, stdout.String(), "ok      raw/crm/工单导出 2026-09 补充.xlsx: 9 rows read")
	st, err := store.NewDir(dir)
	require.NoError(t, err)
	a, err := st.Head(context.Background(), "raw/crm/"+names[0])
	require.NoError(t, err)
	b, err := st.Head(context.Background(), "raw/crm/"+names[1])
	require.NoError(t, err)
	require.True(t, b.LastModified.After(a.LastModified), "second upload %s not after first %s", b.LastModified, a.LastModified)
	require.True(t, a.LastModified.After(old), "the upload time is the file's own time %s", a.LastModified)
}

// secondsStore keeps whole-second upload times, as S3 does.
type secondsStore struct{ store.Store }

func (s secondsStore) Head(ctx context.Context, key string) (store.Object, error) {
	o, err := s.Store.Head(ctx, key)
	o.LastModified = o.LastModified.Truncate(time.Second)
	return o, err
}

// TestUploadAfterWaitsForTheNextSecond: on a store with whole-second
// times, two uploads in a row still get different, ordered times.
func TestUploadAfterWaitsForTheNextSecond(t *testing.T) {
	d, err := store.NewDir(t.TempDir())
	require.NoError(t, err)
	st := secondsStore{d}
	f := filepath.Join(t.TempDir(), "x.csv")
	require.NoError(t, os.WriteFile(f, []byte("a\n"), 0o644))
	first, err := uploadAfter(context.Background(), st, f, "raw/crm/a.csv", time.Time{})
	require.NoError(t, err)
	second, err := uploadAfter(context.Background(), st, f, "raw/crm/b.csv", first.LastModified)
	require.NoError(t, err)
	require.True(t, second.LastModified.After(first.LastModified), "%s then %s", first.LastModified, second.LastModified)
}
