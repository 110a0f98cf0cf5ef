package initbench

import (
	"context"
	"testing"

	"github.com/scorecard/scorecard/internal/setup"
	"github.com/scorecard/scorecard/pkg/pipeline"
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

// construct does what a Lambda main does before lambda.Start, with the
// store spec given, and returns the handler value.
func construct(b *testing.B, spec string, closer bool) any {
	ctx := context.Background()
	st, err := setup.OpenStore(ctx, spec)
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := setup.LambdaConfig(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if closer {
		return &pipeline.Closer{Store: st, Config: cfg}
	}
	return &pipeline.Ingester{Store: st, Config: cfg}
}

func benchmarkConstruct(b *testing.B, s3, closer bool) {
	lambdaEnv(b)
	spec := b.TempDir()
	if s3 {
		bucket, err := setup.Bucket()
		if err != nil {
			b.Fatal(err)
		}
		spec = "s3://" + bucket
	}
	var sink any
	b.ReportAllocs()
	for b.Loop() {
		sink = construct(b, spec, closer)
	}
	if sink == nil {
		b.Fatal("no handler built")
	}
}

func BenchmarkIngesterS3(b *testing.B)  { benchmarkConstruct(b, true, false) }
func BenchmarkCloserS3(b *testing.B)    { benchmarkConstruct(b, true, true) }
func BenchmarkIngesterDir(b *testing.B) { benchmarkConstruct(b, false, false) }
func BenchmarkCloserDir(b *testing.B)   { benchmarkConstruct(b, false, true) }
