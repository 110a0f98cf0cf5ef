// Command close is the Lambda that runs the monthly close: from EventBridge
// Scheduler ({"scheduled_time": …}) or by hand ({"month":"YYYY-MM","reopen":true}).
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
		log.Fatalf("close: %v", err)
	}
	st, err := setup.OpenStore(ctx, "s3://"+bucket)
	if err != nil {
		log.Fatalf("close: %v", err)
	}
	cfg, err := setup.LambdaConfig(ctx)
	if err != nil {
		log.Fatalf("close: %v", err)
	}
	c := &pipeline.Closer{Store: st, Config: cfg}
	lambda.Start(c.Handle)
}
