package normalized

import (
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
)

// WriteAll writes rows as one Parquet file to w with the same settings as
// Writer (zstd, data page v1, PLAIN strings, bounded row groups). It is for
// small tables built in memory, such as a month's scorecards.
func WriteAll[T any](w io.Writer, rows []T) error {
	opt := Options{}.withDefaults()
	pw := parquet.NewGenericWriter[T](w, opt.writerOptions()...)
	for len(rows) > 0 {
		n := min(len(rows), 4096)
		if _, err := pw.Write(rows[:n]); err != nil {
			return fmt.Errorf("writing parquet rows: %w", err)
		}
		rows = rows[n:]
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("closing parquet writer: %w", err)
	}
	return nil
}
