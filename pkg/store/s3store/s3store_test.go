package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/scorecard/scorecard/internal/miniotest"
	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/faulty"
	"github.com/scorecard/scorecard/pkg/store/s3store"
	"github.com/scorecard/scorecard/pkg/store/storetest"
)

// setEnv points the standard AWS environment at srv and away from any
// configuration files of the machine running the tests.
func setEnv(t *testing.T, srv *miniotest.Server) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_DEFAULT_REGION", s3store.PathStyleEnv} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// TestConformance runs the store suite against a real MinIO through New,
// the way the Lambdas and the CLI open a bucket.
func TestConformance(t *testing.T) {
	srv := miniotest.Start(t)
	setEnv(t, srv)
	newStore := func(t *testing.T) store.Store {
		s, err := s3store.New(context.Background(), srv.NewBucket(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	storetest.Run(t, newStore)
	// A faulty.Store without rules is the S3 store, as far as the suite can
	// tell; with rules, the suite's guarantees survive the faults.
	t.Run("Faulty", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store { return faulty.New(newStore(t)) })
	})
	t.Run("Faults", func(t *testing.T) { storetest.RunFaults(t, newStore) })
}

// TestNewFromClient: a caller-built client works the same, and errors name
// the bucket and the key.
func TestNewFromClient(t *testing.T) {
	srv := miniotest.Start(t)
	bucket := srv.NewBucket(t)
	s := s3store.NewFromClient(srv.Client(), bucket)
	ctx := context.Background()
	if _, err := s.Put(ctx, "a/b.csv", strings.NewReader("x"), 1, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Head(ctx, "a/b.csv"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Head(ctx, "a/missing.csv")
	if !errors.Is(err, store.ErrNotExist) || !strings.Contains(err.Error(), "s3://"+bucket+"/a/missing.csv") {
		t.Errorf("Head of a missing key: error = %v, want ErrNotExist naming s3://%s/a/missing.csv", err, bucket)
	}
	// A missing bucket is a configuration error, not a missing object.
	other := s3store.NewFromClient(srv.Client(), "no-such-bucket")
	if _, _, err := other.Get(ctx, "k"); err == nil || errors.Is(err, store.ErrNotExist) {
		t.Errorf("Get from a missing bucket: error = %v, want one that is not ErrNotExist", err)
	}
}

func TestNewEmptyBucket(t *testing.T) {
	if _, err := s3store.New(context.Background(), ""); err == nil {
		t.Error("New with an empty bucket name succeeded")
	}
}

// fakeAPI answers PutObject, Get and Head from functions; the rest fail.
type fakeAPI struct {
	s3store.API
	put  func(in *s3.PutObjectInput, body []byte) (*s3.PutObjectOutput, error)
	get  func(in *s3.GetObjectInput) (*s3.GetObjectOutput, error)
	head func(in *s3.HeadObjectInput) (*s3.HeadObjectOutput, error)
	del  func(in *s3.DeleteObjectInput) (*s3.DeleteObjectOutput, error)
	// bodies records the type and content of every PutObject body.
	bodyTypes []string
}

func (f *fakeAPI) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	if aws.ToInt64(in.ContentLength) != int64(len(b)) {
		return nil, errors.New("ContentLength does not match the body")
	}
	switch in.Body.(type) {
	case *os.File:
		f.bodyTypes = append(f.bodyTypes, "file")
	default:
		f.bodyTypes = append(f.bodyTypes, "caller's")
	}
	return f.put(in, b)
}

func (f *fakeAPI) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	return f.get(in)
}

func (f *fakeAPI) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	return f.head(in)
}

func (f *fakeAPI) DeleteObject(_ context.Context, in *s3.DeleteObjectInput, _ ...func(*s3.Options)) (*s3.DeleteObjectOutput, error) {
	return f.del(in)
}

func apiError(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: "from the fake"}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		code       string
		notExist   bool
		otherError bool
	}{
		{code: "NoSuchKey", notExist: true},
		{code: "NotFound", notExist: true},
		{code: "NoSuchBucket", otherError: true},
		{code: "AccessDenied", otherError: true},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			f := &fakeAPI{
				get:  func(*s3.GetObjectInput) (*s3.GetObjectOutput, error) { return nil, apiError(tt.code) },
				head: func(*s3.HeadObjectInput) (*s3.HeadObjectOutput, error) { return nil, apiError(tt.code) },
				del:  func(*s3.DeleteObjectInput) (*s3.DeleteObjectOutput, error) { return nil, apiError(tt.code) },
			}
			s := s3store.NewFromClient(f, "bkt")
			_, _, getErr := s.Get(ctx, "raw/k 1.csv")
			_, headErr := s.Head(ctx, "raw/k 1.csv")
			for op, err := range map[string]error{"Get": getErr, "Head": headErr} {
				if got := errors.Is(err, store.ErrNotExist); got != tt.notExist {
					t.Errorf("%s: errors.Is(%v, ErrNotExist) = %v, want %v", op, err, got, tt.notExist)
				}
				if !strings.Contains(err.Error(), "s3://bkt/raw/k 1.csv") || !strings.Contains(err.Error(), tt.code) {
					t.Errorf("%s: error %q does not name the object and the S3 error", op, err)
				}
			}
			delErr := s.Delete(ctx, "raw/k 1.csv")
			if (delErr != nil) != tt.otherError {
				t.Errorf("Delete: error = %v, want an error: %v", delErr, tt.otherError)
			}
		})
	}
}

func TestPutConditional(t *testing.T) {
	tests := []struct {
		name      string
		answers   []string // error code per attempt, "" for success
		wantErr   error
		wantCalls int
	}{
		{"success", []string{""}, nil, 1},
		{"precondition failed", []string{"PreconditionFailed"}, store.ErrExists, 1},
		{"conflict then success", []string{"ConditionalRequestConflict", ""}, nil, 2},
		{"conflict then exists", []string{"ConditionalRequestConflict", "PreconditionFailed"}, store.ErrExists, 2},
		{"conflict persists", []string{"ConditionalRequestConflict", "ConditionalRequestConflict", "ConditionalRequestConflict"}, store.ErrExists, 3},
		{"other error", []string{"InternalError"}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			f := &fakeAPI{put: func(in *s3.PutObjectInput, body []byte) (*s3.PutObjectOutput, error) {
				calls++
				if aws.ToString(in.IfNoneMatch) != "*" {
					t.Errorf("IfNoneMatch = %q, want *", aws.ToString(in.IfNoneMatch))
				}
				if string(body) != "body" {
					t.Errorf("attempt %d sent %q, want the whole body", calls, body)
				}
				if code := tt.answers[calls-1]; code != "" {
					return nil, apiError(code)
				}
				return &s3.PutObjectOutput{ETag: aws.String(`"etag"`), VersionId: aws.String("v1")}, nil
			}}
			s := s3store.NewFromClient(f, "bkt")
			body := onlyReader{strings.NewReader("body")}
			obj, err := s.Put(context.Background(), "k", body, 4, store.PutOptions{IfNoneMatch: true})
			if calls != tt.wantCalls {
				t.Errorf("PutObject called %d times, want %d", calls, tt.wantCalls)
			}
			switch {
			case tt.answers[len(tt.answers)-1] == "" && err != nil:
				t.Fatalf("Put: %v", err)
			case tt.answers[len(tt.answers)-1] == "":
				if want := (store.Object{Key: "k", Size: 4, ETag: "etag", VersionID: "v1"}); obj != want {
					t.Errorf("Put = %+v, want %+v", obj, want)
				}
			case err == nil:
				t.Fatal("Put succeeded")
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("Put error = %v, want %v", err, tt.wantErr)
			case tt.wantErr == nil && (errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrNotExist)):
				t.Errorf("Put error = %v, want neither ErrExists nor ErrNotExist", err)
			}
			if err != nil && !strings.Contains(err.Error(), "s3://bkt/k") {
				t.Errorf("error %q does not name the object", err)
			}
		})
	}
}

type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestPutBodies: a seekable body goes to S3 as is; any other is spooled to
// a temporary file that is removed afterwards.
func TestPutBodies(t *testing.T) {
	spool := t.TempDir()
	f := &fakeAPI{put: func(in *s3.PutObjectInput, body []byte) (*s3.PutObjectOutput, error) {
		return &s3.PutObjectOutput{ETag: aws.String(`"e"`)}, nil
	}}
	s := s3store.NewFromClient(f, "bkt")
	s.TempDir = spool
	ctx := context.Background()
	for _, body := range []io.Reader{bytes.NewReader([]byte("abc")), onlyReader{strings.NewReader("abc")}} {
		if _, err := s.Put(ctx, "k", body, -1, store.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"caller's", "file"}; strings.Join(f.bodyTypes, ",") != strings.Join(want, ",") {
		t.Errorf("bodies sent = %q, want %q", f.bodyTypes, want)
	}
	if left, _ := os.ReadDir(spool); len(left) != 0 {
		t.Errorf("%d spool files left behind", len(left))
	}
}
