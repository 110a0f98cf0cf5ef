// Command close is the Lambda that runs the monthly close: from EventBridge
// Scheduler ({"scheduled_time": …}) or by hand ({"month":"YYYY-MM","reopen":true});
// and the approval of a published version ({"approve": {"month","version","by","note"}}).
package main

import (
	"context"
	_ "time/tzdata" // Asia/Shanghai must load where the OS has no zoneinfo (Lambda)

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/closejob"
)

func main() {
	st, env := wire.Lambda(context.Background(), "close")
	job := &closejob.Job{Store: st, TempDir: env.TempDir, CodeVersion: wire.Version, Log: env.Log, Now: env.Now}
	lambda.Start(job.Handle)
}
