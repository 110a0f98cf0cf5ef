// Package s3event decodes S3 event notifications, as AWS sends them to a
// Lambda and MinIO posts them to a webhook: just the fields the ingest needs
// (event name, bucket, key, size, ETag, version id).
//
// It is the ingest's own copy of the event shape, so that neither the jobs
// nor the CLI link aws-lambda-go: only functions/* do, to start a Lambda.
// It imports only the standard library.
package s3event

import (
	"fmt"
	"net/url"
	"strings"
)

// Event is an S3 notification: one or more records.
type Event struct {
	Records []Record `json:"Records"`
}

// Record is one object event.
type Record struct {
	EventName string `json:"eventName"`
	S3        struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object Object `json:"object"`
	} `json:"s3"`
}

// Object is the object a record is about.
type Object struct {
	// Key is URL-encoded as S3 sends it: "+" for a space, %E5… for Chinese.
	Key       string `json:"key"`
	Size      int64  `json:"size"`
	ETag      string `json:"eTag"`
	VersionID string `json:"versionId"`
	Sequencer string `json:"sequencer"`
}

// Key returns the record's decoded object key.
func (r Record) Key() (string, error) {
	key, err := url.QueryUnescape(r.S3.Object.Key)
	if err != nil {
		return "", fmt.Errorf("decoding event key %q: %w", r.S3.Object.Key, err)
	}
	return key, nil
}

// Removed reports whether the record is an ObjectRemoved event (AWS
// "ObjectRemoved:Delete", MinIO "s3:ObjectRemoved:Delete").
func (r Record) Removed() bool {
	return strings.HasPrefix(strings.TrimPrefix(r.EventName, "s3:"), "ObjectRemoved:")
}
