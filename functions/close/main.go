// Command close is the Lambda that runs the monthly close: from EventBridge
// Scheduler ({"scheduled_time": …}) or by hand ({"month":"YYYY-MM","reopen":true});
// the approval of a published version ({"approve": {"month","version","by","note"}});
// and the scheduled readiness check ({"readiness": {"scheduled_time": …}}).
// The stack's readiness and approve functions run this same binary.
package main

import (
	"context"
	"log"
	_ "time/tzdata" // Asia/Shanghai must load where the OS has no zoneinfo (Lambda)

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/closejob"
)

func main() {
	st, env := wire.Lambda(context.Background(), "close")
	events, err := env.Notifier(st, nil)
	if err != nil {
		log.Fatalf("close: %v", err)
	}
	job := &closejob.Job{Store: st, TempDir: env.TempDir, CodeVersion: wire.Version, Log: env.Log, Now: env.Now, Metrics: env.Metrics, Notify: events}
	lambda.Start(job.Handle)
}
