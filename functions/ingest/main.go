// Command ingest is the Lambda that normalizes each export uploaded under
// raw/: S3 ObjectCreated events in, Parquet, quarantine and a report out.
package main

import (
	"context"
	_ "time/tzdata" // Asia/Shanghai must load where the OS has no zoneinfo (Lambda)

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/ingestjob"
)

func main() {
	st, env := wire.Lambda(context.Background(), "ingest")
	job := &ingestjob.Job{Store: st, CustomerKey: env.CustomerKey, TempDir: env.TempDir, Log: env.Log, Now: env.Now, Metrics: env.Metrics}
	lambda.Start(job.HandleEvent)
}
