package gluecheck_test

import (
	"fmt"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/scorecard/scorecard/infra/gluecheck"
)

func ExampleHiveColumns() {
	type row struct {
		ID      string     `parquet:"id"`
		CostFen *int64     `parquet:"cost,decimal(2:18),optional"`
		At      time.Time  `parquet:"at,timestamp(millisecond)"`
		Day     *int32     `parquet:"day,date,optional"`
		Done    bool       `parquet:"done"`
		N       int32      `parquet:"n"`
		Seen    *time.Time `parquet:"seen,timestamp(millisecond),optional"`
	}
	cols, err := gluecheck.HiveColumns(parquet.SchemaOf(row{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cols {
		fmt.Println(c.Name, c.Type)
	}
	// Output:
	// id string
	// cost decimal(18,2)
	// at timestamp
	// day date
	// done boolean
	// n int
	// seen timestamp
}

func ExampleRenderSub() {
	s, err := gluecheck.RenderSub("s3://${DataBucket}/normalized/tickets/month=${!month}/", map[string]string{"DataBucket": "my-bucket"})
	fmt.Println(s, err)
	// Output:
	// s3://my-bucket/normalized/tickets/month=${month}/ <nil>
}
