// Package s3store is the store.Store on an S3 bucket (AWS S3, or any
// S3-compatible server such as MinIO).
//
// It talks S3 through its own small REST client (client.go), not the AWS
// SDK's generated S3 client, which is about 4 MB of a binary: five
// operations (GetObject, HeadObject, PutObject, ListObjectsV2 with
// continuation tokens, DeleteObject), signed with SigV4 by the SDK's
// aws/signer/v4 with an unsigned payload (UNSIGNED-PAYLOAD; S3 and MinIO
// accept it over HTTP and HTTPS), keys escaped per S3 rules (every byte but
// A-Z a-z 0-9 - . _ ~ and '/' as %XX). Requests that S3 throttles (503
// SlowDown and the like), that fail with a 5xx or RequestTimeout, or whose
// connection breaks are retried up to Config.MaxAttempts tries (3) with a
// jittered exponential backoff, when they can be sent again: a body that
// cannot seek is never sent twice (Put spools such bodies to a file first).
// A custom endpoint is addressed in path style (http://host/bucket/key);
// AWS in virtual-hosted style (https://bucket.s3.<region>.amazonaws.com,
// amazonaws.com.cn in the China regions), or in path style with
// SCORECARD_S3_PATH_STYLE=true and for bucket names with dots.
//
// New takes configuration from the standard AWS environment (credentials,
// AWS_REGION, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 for a local server,
// AWS_MAX_ATTEMPTS): through the SDK's full default chain (shared config
// files, profiles, SSO, IMDS, ...; config_default.go) in ordinary builds,
// and from the environment variables alone in builds with the lambda.norpc
// tag, the Lambda bootstraps, which do not link the SDK's config package
// and its STS, SSO and IMDS clients (envconfig.go). Either way it yields a
// Config: endpoint, region, credentials provider, HTTP client, attempts.
// NewWith opens a store with a Config the caller built, such as static
// credentials of a MinIO user in tests.
//
// Errors name what was being done and the object (s3://bucket/key), and
// wrap an *Error naming the S3 operation and S3's error code; NoSuchKey
// (and a 404 to HEAD) is store.ErrNotExist, a failed If-None-Match (412
// PreconditionFailed, or a 409 ConditionalRequestConflict that persists
// through three tries) store.ErrExists.
//
// It is the only package below internal/wire that imports the AWS SDK (its
// aws and signer packages; config in ordinary builds); it imports nothing
// of this module but pkg/store.
package s3store

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/store"
)

// Store is a store.Store on one S3 bucket. It is safe for concurrent use.
type Store struct {
	c *client
	// TempDir is where Put spools bodies that cannot seek (a request that
	// may be retried must be replayable, and S3 needs the length up
	// front); "" means os.TempDir().
	TempDir string
}

var _ store.Store = (*Store)(nil)

// PathStyleEnv, set to "true", makes New address the bucket in the URL
// path (https://s3.<region>.amazonaws.com/bucket/key) instead of the host
// name on AWS. A custom endpoint (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3)
// is always addressed in path style, as local servers such as MinIO need.
const PathStyleEnv = "SCORECARD_S3_PATH_STYLE"

// New returns a Store on bucket with the AWS configuration from the
// environment (see the package documentation), signing requests with the
// clock now.
func New(ctx context.Context, bucket string, now func() time.Time) (*Store, error) {
	if bucket == "" {
		return nil, errors.New("opening s3 store: empty bucket name")
	}
	cfg, err := loadConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening s3 store s3://%s: loading AWS configuration: %w", bucket, err)
	}
	cfg.PathStyle = cfg.PathStyle || strings.EqualFold(os.Getenv(PathStyleEnv), "true")
	cfg.Now = now
	return NewWith(cfg, bucket)
}

// NewWith returns a Store on bucket that talks to S3 as cfg says.
func NewWith(cfg Config, bucket string) (*Store, error) {
	c, err := newClient(cfg, bucket)
	if err != nil {
		return nil, fmt.Errorf("opening s3 store s3://%s: %w", bucket, err)
	}
	return &Store{c: c}, nil
}

// Bucket returns the bucket name.
func (s *Store) Bucket() string { return s.c.bucket }

// url names an object in errors.
func (s *Store) url(key string) string { return "s3://" + s.c.bucket + "/" + key }

// ErrorCode returns the S3 error code of err (see Error.Code), or "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// wrap adds what was being done and the object to err, and store.ErrNotExist
// when S3 says there is no such key.
func (s *Store) wrap(doing, key string, err error) error {
	switch ErrorCode(err) {
	case "NoSuchKey", "NotFound":
		return fmt.Errorf("%s %s: %w: %w", doing, s.url(key), store.ErrNotExist, err)
	}
	return fmt.Errorf("%s %s: %w", doing, s.url(key), err)
}

func etag(s string) string { return strings.Trim(s, `"`) }

// object describes key from the headers of a GET, HEAD or PUT answer.
func object(key string, resp *http.Response) store.Object {
	obj := store.Object{
		Key:       key,
		ETag:      etag(resp.Header.Get("ETag")),
		VersionID: resp.Header.Get("X-Amz-Version-Id"),
	}
	if n, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); err == nil {
		obj.Size = n
	} else if resp.ContentLength > 0 {
		obj.Size = resp.ContentLength
	}
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		obj.LastModified = t.UTC()
	}
	return obj
}

// Get opens the object for streaming. The caller closes the reader.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	return s.GetWith(ctx, key, store.GetOptions{})
}

// GetWith opens one version of the object: If-Match opt.IfMatch and
// versionId opt.VersionID when given. A failed If-Match (412
// PreconditionFailed) is store.ErrChanged.
func (s *Store) GetWith(ctx context.Context, key string, opt store.GetOptions) (io.ReadCloser, store.Object, error) {
	req := &request{op: "GetObject", method: http.MethodGet, key: key}
	if opt.IfMatch != "" {
		req.header = http.Header{}
		req.header.Set("If-Match", `"`+opt.IfMatch+`"`)
	}
	if opt.VersionID != "" {
		req.query = map[string]string{"versionId": opt.VersionID}
	}
	resp, err := s.c.do(ctx, req)
	if err != nil {
		if ErrorCode(err) == "PreconditionFailed" {
			return nil, store.Object{}, fmt.Errorf("getting %s: %w: %w", s.url(key), store.ErrChanged, err)
		}
		return nil, store.Object{}, s.wrap("getting", key, err)
	}
	return resp.Body, object(key, resp), nil
}

// Head describes the object without reading it.
func (s *Store) Head(ctx context.Context, key string) (store.Object, error) {
	resp, err := s.c.do(ctx, &request{op: "HeadObject", method: http.MethodHead, key: key})
	if err != nil {
		return store.Object{}, s.wrap("describing", key, err)
	}
	resp.Body.Close()
	return object(key, resp), nil
}

// conflictAttempts bounds the retries of a conditional Put that S3 answers
// with 409 ConditionalRequestConflict (a concurrent delete or conditional
// write of the key was in flight; AWS asks the client to retry).
const conflictAttempts = 3

// Put writes the object with one PutObject request, so readers see all of
// it or none. A body that is an io.ReadSeeker is sent from its current
// offset; any other body is first copied to a temporary file, because S3
// needs the length up front and a request that fails with a 5xx or a
// broken connection is sent again. If size is not -1 and the body holds a
// different number of bytes, nothing is written and Put returns an error.
//
// With IfNoneMatch, an existing key is ErrExists (412 PreconditionFailed),
// and so is a 409 ConditionalRequestConflict that persists through
// conflictAttempts tries (a racing writer is winning).
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
	req := &request{op: "PutObject", method: http.MethodPut, key: key, header: http.Header{}, body: rs, size: n}
	if opt.ContentType != "" {
		req.header.Set("Content-Type", opt.ContentType)
	}
	if opt.IfNoneMatch {
		req.header.Set("If-None-Match", "*")
	}
	var resp *http.Response
	for attempt := 1; ; attempt++ {
		resp, err = s.c.do(ctx, req)
		if err == nil || ErrorCode(err) != "ConditionalRequestConflict" || attempt == conflictAttempts {
			break
		}
		if _, serr := rs.Seek(start, io.SeekStart); serr != nil {
			return store.Object{}, fmt.Errorf("putting %s: rewinding the body to retry: %w", s.url(key), serr)
		}
	}
	if err != nil {
		switch ErrorCode(err) {
		case "PreconditionFailed", "ConditionalRequestConflict":
			return store.Object{}, fmt.Errorf("putting %s: %w: %w", s.url(key), store.ErrExists, err)
		}
		return store.Object{}, fmt.Errorf("putting %s: %w", s.url(key), err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	obj := object(key, resp)
	obj.Size, obj.LastModified = n, time.Time{}
	return obj, nil
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

// listResult is the part of a ListObjectsV2 answer the store reads.
type listResult struct {
	IsTruncated           bool
	NextContinuationToken string
	EncodingType          string
	Contents              []struct {
		Key          string
		LastModified string
		ETag         string
		Size         int64
	}
}

// List calls fn for every object whose key starts with prefix, in lexical
// key order (the order S3 lists in), a ListObjectsV2 page (1000 keys) at a
// time. VersionID is not listed and is "".
//
// Keys come URL-encoded (encoding-type=url), so that keys with characters
// XML 1.0 cannot carry list too.
func (s *Store) List(ctx context.Context, prefix string, fn func(store.Object) error) error {
	query := map[string]string{"list-type": "2", "encoding-type": "url"}
	if prefix != "" {
		query["prefix"] = prefix
	}
	if s.c.maxKeys > 0 {
		query["max-keys"] = strconv.Itoa(s.c.maxKeys)
	}
	for {
		page, err := s.listPage(ctx, query)
		if err != nil {
			return fmt.Errorf("listing %s: %w", s.url(prefix), err)
		}
		for _, o := range page.Contents {
			key := o.Key
			if strings.EqualFold(page.EncodingType, "url") {
				if key, err = url.QueryUnescape(o.Key); err != nil {
					return fmt.Errorf("listing %s: decoding key %q: %w", s.url(prefix), o.Key, err)
				}
			}
			obj := store.Object{Key: key, Size: o.Size, ETag: etag(o.ETag)}
			if o.LastModified != "" {
				t, err := time.Parse(time.RFC3339Nano, o.LastModified)
				if err != nil {
					return fmt.Errorf("listing %s: key %s: LastModified: %w", s.url(prefix), key, err)
				}
				obj.LastModified = t.UTC()
			}
			if err := fn(obj); err != nil {
				return err
			}
		}
		if !page.IsTruncated {
			return nil
		}
		if page.NextContinuationToken == "" || page.NextContinuationToken == query["continuation-token"] {
			return fmt.Errorf("listing %s: S3 ListObjectsV2: truncated page without a new continuation token", s.url(prefix))
		}
		query["continuation-token"] = page.NextContinuationToken
	}
}

// listPage sends one ListObjectsV2 request and decodes the answer.
func (s *Store) listPage(ctx context.Context, query map[string]string) (*listResult, error) {
	resp, err := s.c.do(ctx, &request{op: "ListObjectsV2", method: http.MethodGet, query: query})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var page listResult
	if err := xml.NewDecoder(resp.Body).Decode(&page); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = fmt.Errorf("%w: %w", ctxErr, err)
		}
		return nil, fmt.Errorf("S3 ListObjectsV2: reading the answer: %w", err)
	}
	return &page, nil
}

// Delete removes the object; deleting a missing key is not an error (S3
// answers it with success).
func (s *Store) Delete(ctx context.Context, key string) error {
	resp, err := s.c.do(ctx, &request{op: "DeleteObject", method: http.MethodDelete, key: key})
	if err != nil {
		switch ErrorCode(err) {
		case "NoSuchKey", "NotFound": // S3 does not answer these; some servers might
			return nil
		}
		return fmt.Errorf("deleting %s: %w", s.url(key), err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return nil
}
