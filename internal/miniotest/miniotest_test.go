package miniotest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/scorecard/scorecard/internal/miniotest"
)

func TestServer(t *testing.T) {
	srv := miniotest.Start(t)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(srv.Endpoint) {
		t.Errorf("Endpoint = %q", srv.Endpoint)
	}
	env := strings.Join(srv.Env(), "\n")
	for _, want := range []string{
		"AWS_ENDPOINT_URL=" + srv.Endpoint,
		"AWS_ACCESS_KEY_ID=" + srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + srv.SecretKey,
		"AWS_REGION=" + srv.Region,
	} {
		if !strings.Contains(env, want) {
			t.Errorf("Env() lacks %s", want)
		}
	}

	ctx := context.Background()
	client := srv.Client()
	seen := map[string]bool{}
	for i := range 3 {
		name := srv.NewBucket(t)
		if seen[name] {
			t.Errorf("NewBucket returned %s twice", name)
		}
		seen[name] = true
		if !regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`).MatchString(name) {
			t.Errorf("bucket name %q is not a valid S3 bucket name", name)
		}
		key := fmt.Sprintf("k%d", i)
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &name, Key: &key, Body: strings.NewReader("x")}); err != nil {
			t.Fatalf("putting into %s: %v", name, err)
		}
		out, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &name})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Contents) != 1 {
			t.Errorf("bucket %s holds %d objects, want a fresh bucket with 1", name, len(out.Contents))
		}
	}
}

// TestLongTestNameBucket: bucket names stay valid for any test name.
func TestLongTestNameBucket(t *testing.T) {
	srv := miniotest.Start(t)
	t.Run(strings.Repeat("Very_Long Sub-test Name ", 5)+"中文", func(t *testing.T) {
		name := srv.NewBucket(t)
		if len(name) > 63 || !regexp.MustCompile(`^[a-z0-9][a-z0-9-]*[a-z0-9]$`).MatchString(name) {
			t.Errorf("bucket name %q is not a valid S3 bucket name", name)
		}
	})
}

// TestWebhook: a server started WithWebhook posts bucket notifications to
// the endpoint.
func TestWebhook(t *testing.T) {
	events := make(chan string, 100)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if len(b) > 0 {
			events <- string(b)
		}
	}))
	defer hook.Close()
	srv := miniotest.Start(t, miniotest.WithWebhook("SCORECARD", hook.URL))
	bucket := srv.NewBucket(t)
	ctx := context.Background()
	client := srv.Client()
	srv.NotifyWebhook(t, bucket, "SCORECARD", "")
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("raw/crm/x.csv"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(30 * time.Second)
	for {
		select {
		case e := <-events:
			if strings.Contains(e, "raw/crm/x.csv") || strings.Contains(e, "raw%2Fcrm%2Fx.csv") {
				return
			}
		case <-deadline:
			t.Fatal("no notification for raw/crm/x.csv reached the webhook")
		}
	}
}

// TestWebhookToken: a server started WithWebhookToken sends the token with
// each post, and what header it sends: `scorecard serve` accepts both forms.
func TestWebhookToken(t *testing.T) {
	type post struct{ auth, contentType, body string }
	posts := make(chan post, 100)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		posts <- post{r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)}
	}))
	defer hook.Close()
	srv := miniotest.Start(t, miniotest.WithWebhook("SCORECARD", hook.URL), miniotest.WithWebhookToken("SCORECARD", "s3cr3t"))
	bucket := srv.NewBucket(t)
	srv.NotifyWebhook(t, bucket, "SCORECARD", "")
	if _, err := srv.Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("raw/crm/x.csv"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(30 * time.Second)
	for {
		select {
		case p := <-posts:
			t.Logf("MinIO posted Authorization %q, Content-Type %q", p.auth, p.contentType)
			if p.auth != "Bearer s3cr3t" {
				t.Fatalf("Authorization = %q, want %q", p.auth, "Bearer s3cr3t")
			}
			if !strings.HasPrefix(p.contentType, "application/json") {
				t.Fatalf("Content-Type = %q, want application/json", p.contentType)
			}
			if strings.Contains(p.body, "x.csv") {
				return
			}
		case <-deadline:
			t.Fatal("no notification for raw/crm/x.csv reached the webhook")
		}
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed []string
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}

func (r *recorder) Skipf(format string, args ...any) { r.Fatalf("skipped: "+format, args...) }
func (r *recorder) Skip(args ...any)                 { r.Fatalf("skipped: %s", fmt.Sprint(args...)) }
func (r *recorder) SkipNow()                         { r.Fatalf("skipped") }

func TestMissingBinaryFails(t *testing.T) {
	t.Setenv("MINIO_BIN", filepath.Join(t.TempDir(), "no-minio"))
	r := &recorder{TB: t}
	if srv := miniotest.Start(r); srv != nil {
		t.Error("Start returned a server without a binary")
	}
	if len(r.failed) != 1 || !strings.Contains(r.failed[0], "bash infra/install-tools.sh") || !strings.Contains(r.failed[0], "no-minio") {
		t.Errorf("failures = %q, want one naming the binary and infra/install-tools.sh", r.failed)
	}
}

// TestExitingServerFails: a server that dies at start fails the test with
// its output.
func TestExitingServerFails(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "minio")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'cannot start: disk on fire' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MINIO_BIN", fake)
	r := &recorder{TB: t}
	miniotest.Start(r)
	if len(r.failed) != 1 || !strings.Contains(r.failed[0], "disk on fire") || !strings.Contains(r.failed[0], "exit status 3") {
		t.Errorf("failures = %q, want one with the server's output and exit status", r.failed)
	}
}
