// Package wire is the one place the CLI and the Lambdas build what the jobs
// run on: the store, the clock, the logger, the metrics sink and the
// customer-id key, from the process environment. It is the only package that
// reads SCORECARD_* variables.
//
//	SCORECARD_BUCKET              the data bucket (Lambda)
//	SCORECARD_CUSTOMER_KEY        HMAC key for customer ids (unset: customer_key is null)
//	SCORECARD_CUSTOMER_KEY_PARAM  or: the SSM parameter (SecureString) holding that key, read
//	                              through the Parameters and Secrets extension (Lambda)
//	SCORECARD_TMPDIR              working directory for temporary files (default: os.TempDir)
//	SCORECARD_EVENTS_TOPIC_ARN    SNS topic of the close's events (Lambda; else reports/events.jsonl)
//	AWS_*                         the standard AWS SDK variables (AWS_ENDPOINT_URL for MinIO)
//
// It imports no job package, so that each binary links only the job it
// runs (the close must not carry the export readers); the mains build their
// job from an Env in a line. Nothing but functions/* and cmd/scorecard
// imports it.
package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/scorecard/scorecard/internal/lambdasecret"
	"github.com/scorecard/scorecard/internal/snsnotify"
	"github.com/scorecard/scorecard/pkg/notify"
	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/s3store"
)

// Version is the code version recorded in manifests; set with
// -ldflags "-X github.com/scorecard/scorecard/internal/wire.Version=…".
var Version = "dev"

// Env is what the jobs need besides the store.
type Env struct {
	// CustomerKey is the HMAC key for customer ids; nil leaves customer_key null.
	CustomerKey []byte
	// TempDir holds working files ("" = os.TempDir()).
	TempDir string
	// Log receives structured logs.
	Log *slog.Logger
	// Now is the clock: it stamps metric lines and the time of an approval
	// (approval.json), nothing else that is stored.
	Now func() time.Time
	// Metrics receives CloudWatch Embedded Metric Format lines; nil emits none.
	Metrics io.Writer
	// DeadLetterURL is the SQS queue an ingest event that can never succeed
	// goes to (SCORECARD_INGEST_DEAD_LETTER_URL); "" only logs it.
	DeadLetterURL string
	// EventsTopicARN is the SNS topic close events go to
	// (SCORECARD_EVENTS_TOPIC_ARN); "" writes them to reports/events.jsonl.
	EventsTopicARN string
}

// DeadLetter is the ingest's failure queue, or nil when none is set.
func (e Env) DeadLetter() (*snsnotify.Queue, error) {
	if e.DeadLetterURL == "" {
		return nil, nil
	}
	return snsnotify.QueueFromEnv(e.DeadLetterURL)
}

// Notifier is where the close's events go: the SNS topic, or the store's
// reports/events.jsonl (copied to log, if not nil). A topic that cannot be
// used is an error.
func (e Env) Notifier(st store.Store, log io.Writer) (notify.Notifier, error) {
	if e.EventsTopicARN == "" {
		return &notify.Log{Store: st, Out: log}, nil
	}
	t, err := snsnotify.FromEnv(e.EventsTopicARN)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// OpenStore opens STORE: "s3://bucket" or the path of an existing
// directory (a mistyped path is an error, not a new empty store).
func OpenStore(ctx context.Context, spec string) (store.Store, error) {
	if spec == "" {
		return nil, errors.New("no store given")
	}
	if bucket, ok := strings.CutPrefix(spec, "s3://"); ok {
		bucket = strings.TrimSuffix(bucket, "/")
		if bucket == "" || strings.Contains(bucket, "/") {
			return nil, fmt.Errorf("store %q: want s3://bucket", spec)
		}
		s, err := s3store.New(ctx, bucket, time.Now)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", spec, err)
		}
		return s, nil
	}
	if fi, err := os.Stat(spec); err != nil {
		return nil, fmt.Errorf("opening store %s: %w", spec, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("opening store %s: not a directory", spec)
	}
	d, err := store.NewDir(spec)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", spec, err)
	}
	return d, nil
}

// Local is the environment of the CLI: JSON logs to w at level, the
// customer key from SCORECARD_CUSTOMER_KEY, no metrics.
func Local(w io.Writer, level slog.Level) Env {
	var key []byte
	if k := os.Getenv("SCORECARD_CUSTOMER_KEY"); k != "" {
		key = []byte(k)
	}
	return Env{
		CustomerKey: key,
		TempDir:     os.Getenv("SCORECARD_TMPDIR"),
		Log:         slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})),
		Now:         time.Now,
	}
}

// Lambda is what every Lambda main starts with: the bucket store of
// SCORECARD_BUCKET and the environment (JSON logs and Embedded Metric Format
// lines on stdout, the customer key from the SSM parameter named by
// SCORECARD_CUSTOMER_KEY_PARAM when that is set). It exits the process on
// error, naming the function: a Lambda that cannot start must fail its init.
func Lambda(ctx context.Context, function string) (store.Store, Env) {
	st, env, err := LambdaEnv(ctx)
	if err != nil {
		log.Fatalf("%s: %v", function, err)
	}
	return st, env
}

// LambdaEnv is Lambda returning its error (for tests and benchmarks).
func LambdaEnv(ctx context.Context) (store.Store, Env, error) {
	env := Local(os.Stdout, slog.LevelInfo)
	env.Metrics = os.Stdout
	env.EventsTopicARN = os.Getenv("SCORECARD_EVENTS_TOPIC_ARN")
	env.DeadLetterURL = os.Getenv("SCORECARD_INGEST_DEAD_LETTER_URL")
	b := os.Getenv("SCORECARD_BUCKET")
	if b == "" {
		return nil, env, errors.New("SCORECARD_BUCKET is not set")
	}
	st, err := OpenStore(ctx, "s3://"+b)
	if err != nil {
		return nil, env, err
	}
	name := os.Getenv("SCORECARD_CUSTOMER_KEY_PARAM")
	if name == "" || env.CustomerKey != nil {
		return st, env, nil
	}
	// Through the Parameters and Secrets Lambda extension: no SSM client
	// in the binary.
	v, err := lambdasecret.GetParameter(ctx, name)
	if err != nil {
		return nil, env, fmt.Errorf("reading the customer key: %w", err)
	}
	env.CustomerKey = []byte(v)
	return st, env, nil
}
