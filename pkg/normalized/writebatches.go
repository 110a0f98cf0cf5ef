package normalized

import (
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

// FastZstd is zstd at its fastest level (same window as the default): for
// a large table the close writes once, such as the month's evidence, where
// the default level's time outweighs its few percent of size.
var FastZstd compress.Codec = &zstdCodec{level: zstd.SpeedFastest}

// WriteBatches writes batch(0), ..., batch(n-1) in order to w as one
// Parquet file, like WriteAll (opt's Compression and PageBufferSize apply;
// row groups are bounded as WriteAll's), without first gathering the rows
// in one slice.
func WriteBatches[T any](w io.Writer, opt Options, n int, batch func(i int) []T) error {
	opt = opt.withDefaults()
	pw := parquet.NewGenericWriter[T](w, opt.writerOptions()...)
	for i := range n {
		rows := batch(i)
		for len(rows) > 0 {
			k := min(len(rows), 4096)
			if _, err := pw.Write(rows[:k]); err != nil {
				return fmt.Errorf("writing parquet rows: %w", err)
			}
			rows = rows[k:]
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("closing parquet writer: %w", err)
	}
	return nil
}
