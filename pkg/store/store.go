// Package store is the object storage the pipeline runs on: an S3 bucket in
// AWS, a local S3 server (MinIO) on a laptop, or a plain directory laid out
// like the bucket. Both implementations (Dir in this package, S3 in
// store/s3store) pass the same conformance suite in store/storetest, and so
// does either of them under a key prefix (WithPrefix: s3://bucket/prefix).
//
// Keys are S3 keys: slash-separated, UTF-8, never starting with "/", and
// may contain spaces and Chinese characters.
//
// store imports only the standard library: no AWS (that is store/s3store),
// no job, no key layout (that is pkg/bucket).
package store

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotExist is returned (wrapped) when a key does not exist.
var ErrNotExist = errors.New("object does not exist")

// ErrExists is returned (wrapped) by Put with IfNoneMatch when the key
// already exists: the write-once precondition failed.
var ErrExists = errors.New("object already exists")

// ErrChanged is returned (wrapped) by GetWith when the object is no longer
// the version the caller asked for: its ETag (or version id) differs, the
// S3 If-Match precondition failed (412 PreconditionFailed).
var ErrChanged = errors.New("object changed: precondition failed")

// Object describes a stored object.
type Object struct {
	Key  string
	Size int64
	// ETag is the object's entity tag without quotes. For S3 it is what S3
	// returns; for a directory it is the hex MD5 of the content, which is what
	// S3 returns for a single-part upload.
	ETag string
	// LastModified is the upload time (a directory's file modification time).
	LastModified time.Time
	// VersionID is the S3 version id when the bucket is versioned, else "".
	VersionID string
}

// PutOptions change how Put writes.
type PutOptions struct {
	// IfNoneMatch makes the write fail with ErrExists if the key exists
	// (S3 If-None-Match: *; an exclusive create in a directory). Two racing
	// writers of the same key: exactly one succeeds.
	IfNoneMatch bool
	// ContentType is stored where the backend supports it.
	ContentType string
}

// GetOptions pin the version Get reads.
type GetOptions struct {
	// IfMatch, if not "", is the ETag (without quotes) the object must
	// still have: S3 If-Match; a directory compares the file's ETag.
	// Otherwise the read fails with ErrChanged.
	IfMatch string
	// VersionID, if not "", reads that version of a versioned bucket (S3
	// versionId). A directory has no versions: it ignores VersionID.
	VersionID string
}

// Store is the full set of operations the backends provide. Packages that use
// a store declare the smaller interface of the methods they call.
type Store interface {
	// Get opens the object for streaming. The caller closes the reader.
	Get(ctx context.Context, key string) (io.ReadCloser, Object, error)
	// GetWith is Get of exactly one version (see GetOptions): a read of an
	// object replaced since the caller saw it fails with ErrChanged.
	GetWith(ctx context.Context, key string, opt GetOptions) (io.ReadCloser, Object, error)
	// Head describes the object without reading it.
	Head(ctx context.Context, key string) (Object, error)
	// Put writes the object in full or not at all: readers never see a
	// partial object. size is the body length, or -1 if unknown.
	Put(ctx context.Context, key string, body io.Reader, size int64, opt PutOptions) (Object, error)
	// List calls fn for every object whose key starts with prefix, in
	// lexical key order. An error from fn stops the listing and is returned.
	List(ctx context.Context, prefix string, fn func(Object) error) error
	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}
