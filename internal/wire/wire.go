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
	"io/fs"
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

// Version is the code version recorded in manifests: the VCS revision the
// binary was built from (see version.go), or what
// -ldflags "-X github.com/scorecard/scorecard/internal/wire.Version=…" sets.
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

// ErrStoreSpec marks a STORE argument that is not a store: not
// s3://bucket nor a path, or a directory that does not exist (a mistyped
// path is an error, not a new empty store). The CLI treats it as bad usage.
var ErrStoreSpec = errors.New("bad store")

// StoreSpecError is a STORE argument that is not a store, and why.
type StoreSpecError struct {
	Spec    string
	Problem string
}

func (e *StoreSpecError) Error() string { return fmt.Sprintf("store %q: %s", e.Spec, e.Problem) }

// Is makes a StoreSpecError an ErrStoreSpec.
func (e *StoreSpecError) Is(target error) bool { return target == ErrStoreSpec }

// StoreSpec is a parsed STORE argument: a bucket (and a key prefix in it)
// or a directory.
type StoreSpec struct {
	Bucket string // s3://Bucket
	Prefix string // s3://Bucket/Prefix: "" (the bucket's root) or ending with one "/"
	Dir    string // a local directory
}

// ParseStore parses STORE strictly: "s3://bucket" (a trailing slash is
// allowed; the bucket is named as S3 names buckets), "s3://bucket/prefix"
// (the whole layout, raw/, normalized/, payroll/, ..., under that key
// prefix of a shared bucket; normalized to end with one "/", and refused
// with an empty, "." or ".." segment) or a path. Anything else that looks
// like a URL ("s3:/data/x", "S3://b", "file:///x") is refused rather than
// taken as a relative directory named "s3:". The deployed stack still
// keeps its layout at the bucket's root (its notifications and policies
// expect it there): a prefix is for the CLI.
func ParseStore(spec string) (StoreSpec, error) {
	if spec == "" {
		return StoreSpec{}, &StoreSpecError{spec, "no store given (a directory, s3://bucket or s3://bucket/prefix)"}
	}
	if rest, ok := strings.CutPrefix(spec, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		if !validBucket(bucket) {
			return StoreSpec{}, &StoreSpecError{spec, fmt.Sprintf("%q is not an S3 bucket name (3-63 characters: a-z, 0-9, '.', '-')", bucket)}
		}
		if prefix == "" {
			return StoreSpec{Bucket: bucket}, nil
		}
		norm := prefix
		if !strings.HasSuffix(norm, "/") {
			norm += "/"
		}
		if store.CheckPrefix(norm) != nil {
			return StoreSpec{}, &StoreSpecError{spec, fmt.Sprintf("%q is not a key prefix (want s3://bucket/prefix: segments separated by one '/', none of them empty, '.' or '..')", prefix)}
		}
		return StoreSpec{Bucket: bucket, Prefix: norm}, nil
	}
	if scheme, rest, ok := urlScheme(spec); ok {
		hint := ""
		if strings.EqualFold(scheme, "s3") {
			hint = fmt.Sprintf(" (did you mean s3://%s?)", strings.TrimLeft(rest, "/"))
		}
		return StoreSpec{}, &StoreSpecError{spec, "want a directory, s3://bucket or s3://bucket/prefix" + hint}
	}
	return StoreSpec{Dir: spec}, nil
}

// urlScheme reports whether spec starts like a URL, "scheme:..." (RFC 3986:
// a letter, then letters, digits, '+', '-', '.'), and splits it there.
func urlScheme(spec string) (scheme, rest string, ok bool) {
	scheme, rest, ok = strings.Cut(spec, ":")
	if !ok || len(scheme) < 2 || strings.ContainsRune(scheme, '/') { // one letter: a drive, C:\x
		return "", "", false
	}
	for i, r := range scheme {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return "", "", false
		}
	}
	return scheme, rest, true
}

// validBucket: S3's bucket naming rules, the part a typo breaks.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (c != '.' && c != '-' || i == 0 || i == len(b)-1) {
			return false
		}
	}
	return true
}

// OpenStore opens STORE (see ParseStore): a bucket, a key prefix of a
// bucket (store.WithPrefix), or the path of an existing directory. A bad
// STORE wraps ErrStoreSpec.
func OpenStore(ctx context.Context, spec string) (store.Store, error) {
	s, err := ParseStore(spec)
	if err != nil {
		return nil, err
	}
	if s.Bucket != "" {
		st, err := s3store.New(ctx, s.Bucket, time.Now)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", spec, err)
		}
		if s.Prefix == "" {
			return st, nil
		}
		p, err := store.WithPrefix(st, s.Prefix)
		if err != nil {
			return nil, &StoreSpecError{spec, err.Error()}
		}
		return p, nil
	}
	if fi, err := os.Stat(s.Dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &StoreSpecError{spec, "no such directory (a command never creates its store: mkdir it, or check the path)"}
		}
		return nil, fmt.Errorf("opening store %s: %w", spec, err)
	} else if !fi.IsDir() {
		return nil, &StoreSpecError{spec, "not a directory"}
	}
	d, err := store.NewDir(s.Dir)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", spec, err)
	}
	return d, nil
}

// LogFormat is how log records are written: text (the CLI's default,
// for people) or JSON (the Lambdas', for CloudWatch Logs Insights).
type LogFormat string

const (
	LogText LogFormat = "text"
	LogJSON LogFormat = "json"
)

// Local is the environment of the CLI: text logs to w at level, the
// customer key from SCORECARD_CUSTOMER_KEY, no metrics.
func Local(w io.Writer, level slog.Level) Env {
	return LocalWith(w, level, LogText)
}

// LocalWith is Local with logs in format.
func LocalWith(w io.Writer, level slog.Level, format LogFormat) Env {
	var key []byte
	if k := os.Getenv("SCORECARD_CUSTOMER_KEY"); k != "" {
		key = []byte(k)
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if format == LogJSON {
		h = slog.NewJSONHandler(w, opts)
	}
	return Env{
		CustomerKey: key,
		TempDir:     os.Getenv("SCORECARD_TMPDIR"),
		Log:         slog.New(h),
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
	env.Log.Info("starting", "function", function, "code_version", Version)
	return st, env
}

// LambdaEnv is Lambda returning its error (for tests and benchmarks).
func LambdaEnv(ctx context.Context) (store.Store, Env, error) {
	env := LocalWith(os.Stdout, slog.LevelInfo, LogJSON)
	env.Metrics = os.Stdout
	env.EventsTopicARN = os.Getenv("SCORECARD_EVENTS_TOPIC_ARN")
	env.DeadLetterURL = os.Getenv("SCORECARD_INGEST_DEAD_LETTER_URL")
	b := os.Getenv("SCORECARD_BUCKET")
	if b == "" {
		return nil, env, errors.New("SCORECARD_BUCKET is not set")
	}
	if strings.Contains(b, "/") {
		// The stack's notifications and policies expect the layout at the
		// bucket's root; a prefix is for the CLI only.
		return nil, env, fmt.Errorf("SCORECARD_BUCKET %q: a bucket name, not bucket/prefix", b)
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
