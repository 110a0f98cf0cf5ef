package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/aws/aws-lambda-go/events"

	"github.com/scorecard/scorecard/pkg/ingest"
)

// HandleS3Event ingests every object of an S3 (or MinIO) ObjectCreated
// notification. Keys in events are URL-encoded ("+" for a space, %E5… for
// Chinese); the decoded key is used.
//
// A file that cannot be read is a permanent failure: it is reported and
// logged, and not returned, so the platform does not retry it. Any other
// error (the store, the network) is returned so that the event is retried;
// ingest is idempotent, so a retry is safe.
func (in *Ingester) HandleS3Event(ctx context.Context, ev events.S3Event) error {
	var errs []error
	for _, r := range ev.Records {
		key, err := EventKey(r)
		if err != nil {
			in.Config.log().Error("bad key in event", "key", r.S3.Object.Key, "error", err)
			continue
		}
		if _, err := in.Ingest(ctx, key); err != nil {
			var fe *ingest.FileError
			if errors.As(err, &fe) {
				continue
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// EventKey returns the decoded object key of an event record.
func EventKey(r events.S3EventRecord) (string, error) {
	if r.S3.Object.URLDecodedKey != "" {
		return r.S3.Object.URLDecodedKey, nil
	}
	key, err := url.QueryUnescape(r.S3.Object.Key)
	if err != nil {
		return "", fmt.Errorf("decoding event key %q: %w", r.S3.Object.Key, err)
	}
	return key, nil
}
