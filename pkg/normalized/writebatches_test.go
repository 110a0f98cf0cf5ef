package normalized

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/scorecard/scorecard/pkg/schema"
)

// TestWriteBatches: the batches come back as one table, in order, with
// either codec, for empty and non-empty batches and more rows than a write.
func TestWriteBatches(t *testing.T) {
	batches := [][]schema.PublishedVersion{nil, {{Version: 1, ManifestSHA256: "a"}}, {}, nil}
	var big []schema.PublishedVersion
	for i := range 10000 {
		big = append(big, schema.PublishedVersion{Version: int32(i), ManifestSHA256: fmt.Sprint(i)})
	}
	batches = append(batches, big, []schema.PublishedVersion{{Version: -1, ManifestSHA256: "z"}})
	var want []schema.PublishedVersion
	for _, b := range batches {
		want = append(want, b...)
	}
	for _, opt := range []Options{{}, {Compression: FastZstd}} {
		var buf bytes.Buffer
		if err := WriteBatches(&buf, opt, len(batches), func(i int) []schema.PublishedVersion { return batches[i] }); err != nil {
			t.Fatal(err)
		}
		var got []schema.PublishedVersion
		if err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()), func(b []schema.PublishedVersion) error {
			got = append(got, b...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d rows, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("row %d: %+v, want %+v", i, got[i], want[i])
			}
		}
	}
}
