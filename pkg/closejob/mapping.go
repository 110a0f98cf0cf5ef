package closejob

import (
	"context"
	"sort"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/mappingdigest"
	"github.com/scorecard/scorecard/pkg/objects"
)

// mappingDigests reads config/mapping.yaml and returns the digest of each
// source's section (none without a file), for the readiness check that
// every input was read with the current settings. A file that cannot be
// parsed is the second result (it fails the ingest check); the error is a
// store error only.
func (j *Job) mappingDigests(ctx context.Context) (digests map[string]string, parseErr, err error) {
	data, err := objects.ReadOptional(ctx, j.Store, bucket.MappingKey)
	if err != nil {
		return nil, nil, err
	}
	digests, parseErr = mappingdigest.Sections(data)
	return digests, parseErr, nil
}

// readKeys are the raw keys whose rows the close read, sorted.
func (in *inputs) readKeys() []string {
	keys := make([]string, 0, len(in.sourceKeys))
	for k := range in.sourceKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
