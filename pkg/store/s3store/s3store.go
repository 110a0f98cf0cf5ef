// Package s3store is the store.Store on an S3 bucket (AWS S3, or any
// S3-compatible server such as MinIO), built on aws-sdk-go-v2.
//
// New takes configuration from the standard AWS environment (credentials,
// AWS_REGION, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 for a local server):
// through the SDK's full default chain (shared config files, profiles, SSO,
// IMDS, ...) in ordinary builds, and from the environment variables alone in
// builds with the lambda.norpc tag, the Lambda bootstraps, which do not link
// the SDK's config package and its STS, SSO and IMDS clients (see envconfig.go).
// NewFromClient wraps a client the caller built, or a fake in tests.
//
// It is the only package below internal/wire that imports the AWS SDK; it
// imports nothing of this module but pkg/store.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/scorecard/scorecard/pkg/store"
)

// API is the part of *s3.Client the store calls.
type API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, optFns ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// Store is a store.Store on one S3 bucket. It is safe for concurrent use.
type Store struct {
	client API
	bucket string
	// TempDir is where Put spools bodies of unknown length (S3 needs the
	// length up front); "" means os.TempDir().
	TempDir string
}

var _ store.Store = (*Store)(nil)

// PathStyleEnv, set to "true", makes New address the bucket in the URL
// path (http://host/bucket/key) instead of the host name. New also uses
// path style whenever AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_S3 is set, as
// local servers such as MinIO need it.
const PathStyleEnv = "SCORECARD_S3_PATH_STYLE"

// New returns a Store on bucket with the AWS configuration from the
// environment (see the package documentation). optFns adjust the S3 client options after the defaults.
func New(ctx context.Context, bucket string, optFns ...func(*s3.Options)) (*Store, error) {
	if bucket == "" {
		return nil, errors.New("opening s3 store: empty bucket name")
	}
	cfg, err := loadConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening s3 store s3://%s: loading AWS configuration: %w", bucket, err)
	}
	pathStyle := os.Getenv("AWS_ENDPOINT_URL") != "" || os.Getenv("AWS_ENDPOINT_URL_S3") != "" ||
		strings.EqualFold(os.Getenv(PathStyleEnv), "true")
	opts := append([]func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = pathStyle }}, optFns...)
	return NewFromClient(s3.NewFromConfig(cfg, opts...), bucket), nil
}

// NewFromClient returns a Store on bucket that uses client.
func NewFromClient(client API, bucket string) *Store {
	return &Store{client: client, bucket: bucket}
}

// Bucket returns the bucket name.
func (s *Store) Bucket() string { return s.bucket }

// url names an object in errors.
func (s *Store) url(key string) string { return "s3://" + s.bucket + "/" + key }

// errorCode returns the S3 error code of err, or "".
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// wrap adds what was being done and the object to err, and store.ErrNotExist
// when S3 says there is no such key.
func (s *Store) wrap(doing, key string, err error) error {
	switch errorCode(err) {
	case "NoSuchKey", "NotFound":
		return fmt.Errorf("%s %s: %w: %w", doing, s.url(key), store.ErrNotExist, err)
	}
	return fmt.Errorf("%s %s: %w", doing, s.url(key), err)
}

func etag(p *string) string { return strings.Trim(aws.ToString(p), `"`) }

// Get opens the object for streaming. The caller closes the reader.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return nil, store.Object{}, s.wrap("getting", key, err)
	}
	return out.Body, store.Object{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		ETag:         etag(out.ETag),
		LastModified: aws.ToTime(out.LastModified),
		VersionID:    aws.ToString(out.VersionId),
	}, nil
}

// Head describes the object without reading it.
func (s *Store) Head(ctx context.Context, key string) (store.Object, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return store.Object{}, s.wrap("describing", key, err)
	}
	return store.Object{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		ETag:         etag(out.ETag),
		LastModified: aws.ToTime(out.LastModified),
		VersionID:    aws.ToString(out.VersionId),
	}, nil
}

// conflictAttempts bounds the retries of a conditional Put that S3 answers
// with 409 ConditionalRequestConflict (a concurrent delete or conditional
// write of the key was in flight; AWS asks the client to retry).
const conflictAttempts = 3

// Put writes the object with one PutObject request, so readers see all of
// it or none. A body that is an io.ReadSeeker is sent from its current
// offset; any other body is first copied to a temporary file, because S3
// needs the length up front. If size is not -1 and the body holds a
// different number of bytes, nothing is written and Put returns an error.
//
// The returned Object has Key, Size, ETag and VersionID; LastModified is
// zero because PutObject does not return it (Head has it).
func (s *Store) Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error) {
	if err := ctx.Err(); err != nil {
		return store.Object{}, fmt.Errorf("putting %s: %w", s.url(key), err)
	}
	rs, n, cleanup, err := s.seekable(ctx, body, size)
	if err != nil {
		return store.Object{}, fmt.Errorf("putting %s: %w", s.url(key), err)
	}
	defer cleanup()
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return store.Object{}, fmt.Errorf("putting %s: %w", s.url(key), err)
	}
	in := &s3.PutObjectInput{
		Bucket:        &s.bucket,
		Key:           &key,
		Body:          rs,
		ContentLength: aws.Int64(n),
	}
	if opt.ContentType != "" {
		in.ContentType = aws.String(opt.ContentType)
	}
	if opt.IfNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	var out *s3.PutObjectOutput
	for attempt := 1; ; attempt++ {
		out, err = s.client.PutObject(ctx, in)
		if err == nil || errorCode(err) != "ConditionalRequestConflict" || attempt == conflictAttempts {
			break
		}
		if _, serr := rs.Seek(start, io.SeekStart); serr != nil {
			return store.Object{}, fmt.Errorf("putting %s: rewinding the body to retry: %w", s.url(key), serr)
		}
	}
	if err != nil {
		switch errorCode(err) {
		case "PreconditionFailed", "ConditionalRequestConflict":
			return store.Object{}, fmt.Errorf("putting %s: %w: %w", s.url(key), store.ErrExists, err)
		}
		return store.Object{}, fmt.Errorf("putting %s: %w", s.url(key), err)
	}
	return store.Object{
		Key:       key,
		Size:      n,
		ETag:      etag(out.ETag),
		VersionID: aws.ToString(out.VersionId),
	}, nil
}

// seekable returns body as an io.ReadSeeker with the length of what
// remains in it, checked against size unless size is -1. A body that cannot
// seek is spooled to a temporary file, which cleanup removes.
func (s *Store) seekable(ctx context.Context, body io.Reader, size int64) (io.ReadSeeker, int64, func(), error) {
	noop := func() {}
	if rs, ok := body.(io.ReadSeeker); ok {
		// An *os.File on a pipe is an io.ReadSeeker whose Seek fails.
		if cur, err := rs.Seek(0, io.SeekCurrent); err == nil {
			end, err := rs.Seek(0, io.SeekEnd)
			if err != nil {
				return nil, 0, noop, fmt.Errorf("measuring the body: %w", err)
			}
			if _, err := rs.Seek(cur, io.SeekStart); err != nil {
				return nil, 0, noop, fmt.Errorf("measuring the body: %w", err)
			}
			n := end - cur
			if size >= 0 && n != size {
				return nil, 0, noop, fmt.Errorf("body has %d bytes, expected %d", n, size)
			}
			return rs, n, noop, nil
		}
	}
	f, err := os.CreateTemp(s.TempDir, "s3store-put-*")
	if err != nil {
		return nil, 0, noop, fmt.Errorf("spooling the body: %w", err)
	}
	cleanup := func() {
		f.Close()
		os.Remove(f.Name())
	}
	n, err := io.Copy(f, ctxReader{ctx, body})
	if err != nil {
		cleanup()
		return nil, 0, noop, fmt.Errorf("spooling the body to %s: %w", f.Name(), err)
	}
	if size >= 0 && n != size {
		cleanup()
		return nil, 0, noop, fmt.Errorf("body has %d bytes, expected %d", n, size)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, 0, noop, fmt.Errorf("spooling the body to %s: %w", f.Name(), err)
	}
	return f, n, cleanup, nil
}

// ctxReader stops reading when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// List calls fn for every object whose key starts with prefix, in lexical
// key order (the order S3 lists in). VersionID is not listed and is "".
func (s *Store) List(ctx context.Context, prefix string, fn func(store.Object) error) error {
	in := &s3.ListObjectsV2Input{Bucket: &s.bucket}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	p := s3.NewListObjectsV2Paginator(s.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing %s: %w", s.url(prefix), err)
		}
		for _, o := range page.Contents {
			obj := store.Object{
				Key:          aws.ToString(o.Key),
				Size:         aws.ToInt64(o.Size),
				ETag:         etag(o.ETag),
				LastModified: aws.ToTime(o.LastModified),
			}
			if err := fn(obj); err != nil {
				return err
			}
		}
	}
	return nil
}

// Delete removes the object; deleting a missing key is not an error (S3
// answers it with success).
func (s *Store) Delete(ctx context.Context, key string) error {
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &key}); err != nil {
		switch errorCode(err) {
		case "NoSuchKey", "NotFound": // S3 does not answer these; some servers might
			return nil
		}
		return fmt.Errorf("deleting %s: %w", s.url(key), err)
	}
	return nil
}
