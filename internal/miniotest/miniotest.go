// Package miniotest runs a real MinIO server for tests, so that code which
// talks S3 is tested against an S3 server rather than a fake.
//
// Each Start launches one server on free loopback ports with its data in a
// test temporary directory, and stops it when the test (or benchmark)
// finishes. Starting takes about a second; a package that needs a server in
// many tests starts one in its top-level test and gives every subtest its
// own bucket with NewBucket. There is deliberately no shared server across
// tests: a server stopped by one test's cleanup cannot break another.
//
// The minio binary is found through $MINIO_BIN, then PATH, then
// $(go env GOPATH)/bin/minio. Without it the test fails (it is never
// skipped): run `bash infra/install-tools.sh`.
package miniotest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	// readyTimeout bounds the wait for a started server to answer.
	readyTimeout = 30 * time.Second
	// stopTimeout is how long a server gets to exit after SIGTERM before
	// it is killed.
	stopTimeout = 10 * time.Second
	// startAttempts: a free port found by listening and closing can be
	// taken by someone else before MinIO binds it; then we start again.
	startAttempts = 3
	// logTail is how much of MinIO's output a failing test prints.
	logTail = 4 << 10
)

// Server is a running MinIO server.
type Server struct {
	// Endpoint is the S3 API URL, http://127.0.0.1:PORT.
	Endpoint string
	// AccessKey and SecretKey are the root credentials.
	AccessKey, SecretKey string
	// Region is the server's region (MinIO's default).
	Region string

	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has exited
	waitErr error         // valid once exited is closed
	logPath string
	buckets atomic.Int64
	stopped sync.Once
}

// Option configures Start.
type Option func(*options)

type options struct {
	env []string
}

// WithWebhook configures a bucket-notification webhook target with the
// given id that posts to endpointURL (MINIO_NOTIFY_WEBHOOK_ENABLE_<ID>=on,
// MINIO_NOTIFY_WEBHOOK_ENDPOINT_<ID>=endpointURL). Its ARN, for a bucket's
// notification configuration, is arn:minio:sqs::<id>:webhook. Start the
// endpoint's listener before the server, which probes it at start.
func WithWebhook(id, endpointURL string) Option {
	return func(o *options) {
		o.env = append(o.env,
			"MINIO_NOTIFY_WEBHOOK_ENABLE_"+id+"=on",
			"MINIO_NOTIFY_WEBHOOK_ENDPOINT_"+id+"="+endpointURL,
		)
	}
}

// WithWebhookToken gives the webhook target id the auth token MinIO sends
// with every post (MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_<ID>=token). MinIO sends
// a one-word token as "Authorization: Bearer <token>" and a two-word one
// ("Scheme value") as it is (TestWebhookToken checks this).
func WithWebhookToken(id, token string) Option {
	return func(o *options) {
		o.env = append(o.env, "MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_"+id+"="+token)
	}
}

// Start starts a MinIO server and registers its shutdown with tb.Cleanup.
// It fails the test if the binary is missing or the server does not become
// ready within 30 seconds; the failure shows the tail of MinIO's output.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	bin, err := findBinary()
	if err != nil {
		tb.Fatalf("miniotest: %v; run `bash infra/install-tools.sh` to install it", err)
		return nil
	}
	var lastErr error
	for range startAttempts {
		s, err := start(tb, bin, o)
		if err == nil {
			return s
		}
		lastErr = err
		if !errors.Is(err, errExitedEarly) {
			break
		}
	}
	tb.Fatalf("miniotest: %v", lastErr)
	return nil
}

var errExitedEarly = errors.New("minio exited before it was ready")

// findBinary locates the minio executable.
func findBinary() (string, error) {
	if p := os.Getenv("MINIO_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("MINIO_BIN=%s: %w", p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	gopath := os.Getenv("GOPATH")
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		gopath = strings.TrimSpace(string(out))
	}
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	// GOPATH may be a list; the first entry is where go install puts binaries.
	if first, _, _ := strings.Cut(gopath, string(filepath.ListSeparator)); first != "" {
		p := filepath.Join(first, "bin", "minio")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		return "", fmt.Errorf("minio not found in $MINIO_BIN, PATH or %s", p)
	}
	return "", errors.New("minio not found in $MINIO_BIN or PATH")
}

// freePorts returns n distinct loopback ports nobody listened on a moment
// ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		defer l.Close() // held until all are chosen, so they differ
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// start makes one attempt at starting a server.
func start(tb testing.TB, bin string, o options) (*Server, error) {
	tb.Helper()
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	apiPort, consolePort := ports[0], ports[1]
	dir := tb.TempDir()
	dataDir := filepath.Join(dir, "data")
	logPath := filepath.Join(dir, "minio.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor

	s := &Server{
		Endpoint:  fmt.Sprintf("http://127.0.0.1:%d", apiPort),
		AccessKey: "miniotest",
		SecretKey: "miniotest-secret",
		Region:    "us-east-1",
		exited:    make(chan struct{}),
		logPath:   logPath,
	}
	cmd := exec.Command(bin, "server",
		"--address", fmt.Sprintf("127.0.0.1:%d", apiPort),
		"--console-address", fmt.Sprintf("127.0.0.1:%d", consolePort),
		dataDir)
	cmd.Env = append(environWithout("MINIO_"),
		"MINIO_ROOT_USER="+s.AccessKey,
		"MINIO_ROOT_PASSWORD="+s.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
	cmd.Env = append(cmd.Env, o.env...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	s.cmd = cmd
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	tb.Cleanup(func() { s.stop(tb) })

	if err := s.waitReady(); err != nil {
		s.stop(tb)
		return nil, fmt.Errorf("%w\n--- tail of %s ---\n%s", err, logPath, s.logTail())
	}
	return s, nil
}

// environWithout returns the environment minus variables with prefix.
func environWithout(prefix string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			env = append(env, kv)
		}
	}
	return env
}

// waitReady waits until the server is live and serves authenticated S3
// requests (liveness comes before the object layer is initialized).
func (s *Server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	client := s.Client()
	httpClient := &http.Client{Timeout: 2 * time.Second}
	live := false
	var lastErr error
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("%w: %v", errExitedEarly, s.waitErr)
		default:
		}
		if !live {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/minio/health/live", nil)
			resp, err := httpClient.Do(req)
			if err == nil {
				resp.Body.Close()
				live = resp.StatusCode == http.StatusOK
				lastErr = fmt.Errorf("health check: %s", resp.Status)
			} else {
				lastErr = err
			}
		}
		if live {
			_, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
			if err == nil {
				return nil
			}
			lastErr = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("minio at %s not ready after %v: %v", s.Endpoint, readyTimeout, lastErr)
		case <-s.exited:
			return fmt.Errorf("%w: %v", errExitedEarly, s.waitErr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop terminates the server (SIGTERM, then SIGKILL) and waits for it. On a
// failed test it logs the tail of the server's output.
func (s *Server) stop(tb testing.TB) {
	s.stopped.Do(func() { s.stopOnce(tb) })
}

func (s *Server) stopOnce(tb testing.TB) {
	select {
	case <-s.exited:
	default:
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			s.cmd.Process.Kill()
			<-s.exited
		}
	}
	if tb.Failed() {
		tb.Logf("miniotest: tail of %s:\n%s", s.logPath, s.logTail())
	}
}

// logTail returns the end of the server's output.
func (s *Server) logTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return err.Error()
	}
	if len(b) > logTail {
		b = b[len(b)-logTail:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}

// Client returns an S3 client for the server (path-style addressing, root
// credentials).
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
	})
}

// Env returns the standard AWS environment variables that point an SDK
// (or the aws CLI) at the server, as KEY=value strings.
func (s *Server) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + s.Endpoint,
		"AWS_ACCESS_KEY_ID=" + s.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretKey,
		"AWS_REGION=" + s.Region,
	}
}

var unsafeBucketChars = regexp.MustCompile(`[^a-z0-9]+`)

// NewBucket creates an empty bucket with a name unique on this server,
// derived from the test's name, and returns the name.
func (s *Server) NewBucket(tb testing.TB) string {
	tb.Helper()
	n := s.buckets.Add(1)
	base := strings.Trim(unsafeBucketChars.ReplaceAllString(strings.ToLower(tb.Name()), "-"), "-")
	suffix := fmt.Sprintf("-%d", n)
	if maxBase := 63 - len(suffix); len(base) > maxBase {
		base = strings.TrimRight(base[len(base)-maxBase:], "-")
		base = strings.TrimLeft(base, "-")
	}
	if len(base) < 3 {
		base = "bucket"
	}
	name := base + suffix
	_, err := s.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		tb.Fatalf("miniotest: creating bucket %s: %v", name, err)
	}
	return name
}

// NotifyWebhook sends the bucket's ObjectCreated events under prefix to the
// webhook target id configured with WithWebhook. MinIO registers webhook
// targets in the background after it starts, so until the target exists it
// rejects the ARN; this retries for up to 20 seconds.
func (s *Server) NotifyWebhook(tb testing.TB, bucket, id, prefix string) {
	tb.Helper()
	cfg := &types.NotificationConfiguration{
		QueueConfigurations: []types.QueueConfiguration{{
			QueueArn: aws.String("arn:minio:sqs::" + id + ":webhook"),
			Events:   []types.Event{"s3:ObjectCreated:*"},
		}},
	}
	if prefix != "" {
		cfg.QueueConfigurations[0].Filter = &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{
			FilterRules: []types.FilterRule{{Name: types.FilterRuleNamePrefix, Value: aws.String(prefix)}},
		}}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := s.Client().PutBucketNotificationConfiguration(context.Background(), &s3.PutBucketNotificationConfigurationInput{
			Bucket: aws.String(bucket), NotificationConfiguration: cfg,
		})
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("miniotest: configuring webhook notifications for %s: %v\n%s", bucket, err, s.logTail())
		}
		time.Sleep(250 * time.Millisecond)
	}
}
