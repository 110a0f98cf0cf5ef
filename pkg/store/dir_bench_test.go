package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/scorecard/scorecard/pkg/store"
)

// BenchmarkDirList lists 200 objects of 256 KiB: the first List of a Dir
// hashes every file, later ones use the ETag cache.
func BenchmarkDirList(b *testing.B) {
	ctx := context.Background()
	root := b.TempDir()
	seed, err := store.NewDir(root)
	if err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte("x"), 256<<10)
	for i := range 200 {
		if _, err := seed.Put(ctx, fmt.Sprintf("raw/crm/%03d.csv", i), bytes.NewReader(body), int64(len(body)), store.PutOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	count := func(d *store.Dir) {
		n := 0
		if err := d.List(ctx, "raw/", func(store.Object) error { n++; return nil }); err != nil || n != 200 {
			b.Fatalf("List: %d objects, %v", n, err)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			d, err := store.NewDir(root) // empty cache
			if err != nil {
				b.Fatal(err)
			}
			count(d)
		}
	})
	b.Run("cached", func(b *testing.B) {
		d, err := store.NewDir(root)
		if err != nil {
			b.Fatal(err)
		}
		count(d)
		for b.Loop() {
			count(d)
		}
	})
}
