// Package objects reads and writes whole small objects of a store the way
// every job needs them: read a config or report that may be absent, upload a
// finished local file, and write a published file exactly once.
//
// It declares the store methods it calls (Getter, Putter) and imports only
// pkg/store for its errors: no AWS, no Parquet, no job.
package objects

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/scorecard/scorecard/pkg/store"
)

// Getter is what reading needs of a store.
type Getter interface {
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
}

// Putter is what writing needs of a store.
type Putter interface {
	Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error)
}

// ErrConflict reports that a write-once key exists with other content.
var ErrConflict = errors.New("exists with different content")

// ReadOptional reads a small object whole, returning nil, nil when it does
// not exist.
func ReadOptional(ctx context.Context, s Getter, key string) ([]byte, error) {
	rc, _, err := s.Get(ctx, key)
	if errors.Is(err, store.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	return data, nil
}

// Put writes data to key, replacing what is there.
func Put(ctx context.Context, s Putter, key string, data []byte) error {
	_, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), store.PutOptions{ContentType: ContentType(key)})
	if err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	return nil
}

// PutFile uploads a local file to key, replacing what is there.
func PutFile(ctx context.Context, s Putter, key, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	if _, err := s.Put(ctx, key, f, st.Size(), store.PutOptions{ContentType: ContentType(key)}); err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	return nil
}

// PutOnce writes data with If-None-Match: *. If the key already holds the
// same bytes (a resumed or concurrent run with the same inputs) that is
// success; other bytes are ErrConflict and the object is left as it was.
func PutOnce(ctx context.Context, s interface {
	Getter
	Putter
}, key string, data []byte) error {
	_, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), store.PutOptions{IfNoneMatch: true, ContentType: ContentType(key)})
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	existing, rerr := ReadOptional(ctx, s, key)
	if rerr != nil {
		return rerr
	}
	if existing != nil && bytes.Equal(existing, data) {
		return nil
	}
	return fmt.Errorf("writing %s: %w", key, ErrConflict)
}

// ContentType is the media type stored with a key, from its extension.
func ContentType(key string) string {
	switch {
	case strings.HasSuffix(key, ".csv"):
		return "text/csv; charset=utf-8"
	case strings.HasSuffix(key, ".json"):
		return "application/json"
	case strings.HasSuffix(key, ".jsonl"):
		return "application/x-ndjson"
	case strings.HasSuffix(key, ".md"):
		return "text/markdown; charset=utf-8"
	case strings.HasSuffix(key, ".html"):
		return "text/html; charset=utf-8"
	default:
		return "application/vnd.apache.parquet"
	}
}
