package initbench

import (
	"context"
	"testing"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/ingestjob"
	"github.com/scorecard/scorecard/pkg/store"
)

// lambdaEnv sets the environment of a Lambda with a dummy S3 endpoint.
func lambdaEnv(b *testing.B) {
	b.Helper()
	for k, v := range map[string]string{
		"SCORECARD_BUCKET":             "bench-bucket",
		"SCORECARD_CUSTOMER_KEY":       "benchkey",
		"SCORECARD_CUSTOMER_KEY_PARAM": "",
		"AWS_REGION":                   "cn-north-1",
		"AWS_ACCESS_KEY_ID":            "bench",
		"AWS_SECRET_ACCESS_KEY":        "bench",
		"AWS_SESSION_TOKEN":            "",
		"AWS_PROFILE":                  "",
		"AWS_ENDPOINT_URL":             "http://127.0.0.1:9",
		"AWS_CONFIG_FILE":              "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE":  "/dev/null",
		"AWS_EC2_METADATA_DISABLED":    "true",
	} {
		b.Setenv(k, v)
	}
}

// construct does what a Lambda main does before lambda.Start (the S3
// store of SCORECARD_BUCKET, or the directory dir when it is not ""), and
// returns the handler value.
func construct(b *testing.B, dir string, closer bool) any {
	ctx := context.Background()
	st, env, err := wire.LambdaEnv(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if dir != "" {
		var d store.Store
		if d, err = wire.OpenStore(ctx, dir); err != nil {
			b.Fatal(err)
		}
		st = d
	}
	if closer {
		return &closejob.Job{Store: st, TempDir: env.TempDir, CodeVersion: wire.Version, Log: env.Log, Now: env.Now}
	}
	return &ingestjob.Job{Store: st, CustomerKey: env.CustomerKey, TempDir: env.TempDir, Log: env.Log, Now: env.Now, Metrics: env.Metrics}
}

func benchmarkConstruct(b *testing.B, s3, closer bool) {
	lambdaEnv(b)
	dir := b.TempDir()
	if s3 {
		dir = ""
	}
	var sink any
	b.ReportAllocs()
	for b.Loop() {
		sink = construct(b, dir, closer)
	}
	if sink == nil {
		b.Fatal("no handler built")
	}
}

func BenchmarkIngesterS3(b *testing.B)  { benchmarkConstruct(b, true, false) }
func BenchmarkCloserS3(b *testing.B)    { benchmarkConstruct(b, true, true) }
func BenchmarkIngesterDir(b *testing.B) { benchmarkConstruct(b, false, false) }
func BenchmarkCloserDir(b *testing.B)   { benchmarkConstruct(b, false, true) }
