package normalized_test

import (
	"fmt"
	"os"
	"time"

	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
)

// Surveys are partitioned by the month of submitted_at in the policy time
// zone; each month's file is verified, then read back with a projection.
func Example() {
	dir, err := os.MkdirTemp("", "normalized-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	shanghai := time.FixedZone("Asia/Shanghai", 8*3600)
	monthOf := func(s *schema.Survey) string { return s.SubmittedAt.In(shanghai).Format("2006-01") }
	w := normalized.NewWriter[schema.Survey](normalized.Options{Dir: dir}, monthOf)

	uploaded := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	submitted := []time.Time{
		time.Date(2024, 1, 31, 23, 0, 0, 0, shanghai),
		time.Date(2024, 2, 1, 0, 30, 0, 0, shanghai), // still January in UTC
		time.Date(2024, 2, 14, 10, 0, 0, 0, shanghai),
	}
	var row schema.Survey // reused for every row
	for i, at := range submitted {
		row = schema.Survey{
			ResponseID:  fmt.Sprintf("R%d", i+1),
			SubmittedAt: at,
			Rating:      int32(5 - i),
			Lineage:     schema.Lineage{SourceKey: "raw/survey/回访.csv", SourceRow: int64(i + 1), SourceUploadedAt: uploaded},
		}
		if err := w.Write(&row); err != nil {
			panic(err)
		}
	}
	files, err := w.Close()
	if err != nil {
		panic(err)
	}

	type rating struct {
		ResponseID string `parquet:"response_id"`
		Rating     int32  `parquet:"rating"`
	}
	for _, f := range files {
		if err := normalized.Verify[schema.Survey](f); err != nil {
			panic(err)
		}
		fh, err := os.Open(f.Path)
		if err != nil {
			panic(err)
		}
		err = normalized.Read(fh, f.Bytes, func(rows []rating) error {
			for _, r := range rows {
				fmt.Printf("month=%s %s rating %d\n", f.Month, r.ResponseID, r.Rating)
			}
			return nil
		})
		fh.Close()
		if err != nil {
			panic(err)
		}
	}
	// Output:
	// month=2024-01 R1 rating 5
	// month=2024-02 R2 rating 4
	// month=2024-02 R3 rating 3
}
