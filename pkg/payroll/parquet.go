package payroll

import (
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/scorecard/scorecard/pkg/schema"
)

// maxRowsPerRowGroup bounds a row group; a payroll table is far smaller.
const maxRowsPerRowGroup = 64 * 1024

// WriteParquet writes salary_multipliers.parquet: the schema.PayrollRow
// columns (money and scores as DECIMAL backed by int64, version included),
// zstd-compressed, data page v1 (what Athena reads), the rows in the given
// order.
func WriteParquet(w io.Writer, rows []schema.PayrollRow) error {
	pw := parquet.NewGenericWriter[schema.PayrollRow](w,
		parquet.Compression(&parquet.Zstd),
		parquet.DataPageVersion(1),
		parquet.MaxRowsPerRowGroup(maxRowsPerRowGroup),
	)
	if _, err := pw.Write(rows); err != nil {
		return fmt.Errorf("writing payroll Parquet: %w", err)
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("writing payroll Parquet: %w", err)
	}
	return nil
}
