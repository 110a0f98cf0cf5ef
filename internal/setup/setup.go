// Package setup builds the pipeline's store and configuration from the
// process environment, for the Lambda mains and the CLI. It is the only place
// that reads SCORECARD_* variables.
//
//	SCORECARD_BUCKET        the data bucket (Lambda)
//	SCORECARD_CUSTOMER_KEY        HMAC key for customer ids (unset: customer_key is null)
//	SCORECARD_CUSTOMER_KEY_PARAM  or: the SSM parameter (SecureString) holding that key (Lambda)
//	SCORECARD_TMPDIR        working directory for temporary files (default: os.TempDir)
//	AWS_*                   the standard AWS SDK variables (AWS_ENDPOINT_URL for MinIO)
package setup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/scorecard/scorecard/pkg/pipeline"
	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/s3store"
)

// Version is the code version recorded in manifests; set with
// -ldflags "-X github.com/scorecard/scorecard/internal/setup.Version=…".
var Version = "dev"

// OpenStore opens STORE: "s3://bucket" or a directory path.
func OpenStore(ctx context.Context, spec string) (pipeline.Bucket, error) {
	if spec == "" {
		return nil, errors.New("no store given")
	}
	if bucket, ok := strings.CutPrefix(spec, "s3://"); ok {
		bucket = strings.TrimSuffix(bucket, "/")
		if bucket == "" || strings.Contains(bucket, "/") {
			return nil, fmt.Errorf("store %q: want s3://bucket", spec)
		}
		s, err := s3store.New(ctx, bucket)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", spec, err)
		}
		return s, nil
	}
	d, err := store.NewDir(spec)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", spec, err)
	}
	return d, nil
}

// Config returns the pipeline configuration from the environment, logging
// JSON to w (Lambda ships stdout/stderr to CloudWatch Logs).
func Config(w io.Writer, level slog.Level) pipeline.Config {
	var key []byte
	if k := os.Getenv("SCORECARD_CUSTOMER_KEY"); k != "" {
		key = []byte(k)
	}
	return pipeline.Config{
		CustomerKey: key,
		TempDir:     os.Getenv("SCORECARD_TMPDIR"),
		CodeVersion: Version,
		Log:         slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})),
		Now:         time.Now,
	}
}

// LambdaConfig is Config for a Lambda: JSON logs and CloudWatch Embedded
// Metric Format lines on stdout, and the customer key read from the SSM
// parameter named by SCORECARD_CUSTOMER_KEY_PARAM when that is set.
func LambdaConfig(ctx context.Context) (pipeline.Config, error) {
	cfg := Config(os.Stdout, slog.LevelInfo)
	cfg.Metrics = os.Stdout
	name := os.Getenv("SCORECARD_CUSTOMER_KEY_PARAM")
	if name == "" || cfg.CustomerKey != nil {
		return cfg, nil
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return cfg, fmt.Errorf("loading AWS config: %w", err)
	}
	out, err := ssm.NewFromConfig(awsCfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		return cfg, fmt.Errorf("reading the customer key from SSM parameter %s: %w", name, err)
	}
	if out.Parameter == nil || aws.ToString(out.Parameter.Value) == "" {
		return cfg, fmt.Errorf("SSM parameter %s is empty", name)
	}
	cfg.CustomerKey = []byte(aws.ToString(out.Parameter.Value))
	return cfg, nil
}

// Bucket returns SCORECARD_BUCKET or an error saying it is missing.
func Bucket() (string, error) {
	b := os.Getenv("SCORECARD_BUCKET")
	if b == "" {
		return "", errors.New("SCORECARD_BUCKET is not set")
	}
	return b, nil
}
