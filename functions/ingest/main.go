// Command ingest is the Lambda that normalizes each export uploaded under
// raw/: S3 ObjectCreated events in, Parquet, quarantine and a report out.
package main

import (
	"context"
	"log"
	_ "time/tzdata" // Asia/Shanghai must load where the OS has no zoneinfo (Lambda)

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/scorecard/scorecard/internal/setup"
	"github.com/scorecard/scorecard/pkg/pipeline"
)

func main() {
	ctx := context.Background()
	bucket, err := setup.Bucket()
	if err != nil {
		log.Fatalf("ingest: %v", err)
	}
	st, err := setup.OpenStore(ctx, "s3://"+bucket)
	if err != nil {
		log.Fatalf("ingest: %v", err)
	}
	cfg, err := setup.LambdaConfig(ctx)
	if err != nil {
		log.Fatalf("ingest: %v", err)
	}
	in := &pipeline.Ingester{Store: st, Config: cfg}
	lambda.Start(in.HandleS3Event)
}
