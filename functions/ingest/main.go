// Command ingest is the Lambda that normalizes each export uploaded under
// raw/: S3 ObjectCreated events in, Parquet, quarantine and a report out.
package main

import (
	"context"
	"log"
	_ "time/tzdata" // Asia/Shanghai must load where the OS has no zoneinfo (Lambda)

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/ingestjob"
)

func main() {
	st, env := wire.Lambda(context.Background(), "ingest")
	job := &ingestjob.Job{Store: st, CustomerKey: env.CustomerKey, TempDir: env.TempDir, Log: env.Log, Now: env.Now, Metrics: env.Metrics}
	dead, err := env.DeadLetter()
	if err != nil {
		log.Fatalf("ingest: %v", err)
	}
	if dead != nil {
		job.DeadLetter = dead
	}
	lambda.Start(job.HandleEvent)
}
