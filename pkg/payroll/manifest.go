package payroll

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/scorecard/scorecard/pkg/calendar"
)

// Manifest is payroll/month=M/v<N>/manifest.json: what a published version
// was computed from and what it consists of. It is written last; payroll
// trusts a version only when its manifest exists and Verify passes.
type Manifest struct {
	Month   string    `json:"month"`
	Version int32     `json:"version"`
	Policy  PolicyRef `json:"policy"`
	// Inputs is every object the close read, sorted by key.
	Inputs []InputObject `json:"inputs"`
	// Sources are the raw exports whose rows fed the close (from their
	// ingest reports), sorted by key: the trace from a payroll number back to
	// the file someone uploaded. They are not part of InputsDigest (Inputs
	// already change whenever a source is re-ingested).
	Sources []SourceObject `json:"sources,omitempty"`
	// InputsDigest is InputsDigest(Policy.SHA256, Inputs): two closes with
	// equal digests read the same inputs.
	InputsDigest string `json:"inputs_digest"`
	// Outputs is every file of the version other than the manifest, sorted
	// by key.
	Outputs     []OutputObject `json:"outputs"`
	CodeVersion string         `json:"code_version"`
	// Adjustments are the adjustments applied (spec §10), sorted by id.
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	// Previous is the version this one supersedes (a reopened month).
	Previous *int32 `json:"previous_version,omitempty"`
	// AllowIncomplete is set when the month was closed although not ready
	// (spec §8): the operator's reason and the checks that failed.
	AllowIncomplete *Override `json:"allow_incomplete,omitempty"`
	// Trigger says what started the close: "schedule", "manual" or
	// "reopen" (free text; given by the caller).
	Trigger string `json:"trigger,omitempty"`
	// ScheduledFor is the schedule's own time (RFC 3339) when the close was
	// started by the scheduler; it is given, never read from a clock.
	ScheduledFor string `json:"scheduled_for,omitempty"`
}

// PolicyRef identifies the scoring policy a version was computed with.
type PolicyRef struct {
	ID     string `json:"id"`
	SHA256 string `json:"sha256"`
	// Variants are the per-role variants used, sorted.
	Variants []string `json:"variants,omitempty"`
}

// InputObject is one object the close read.
type InputObject struct {
	Key       string `json:"key"`
	ETag      string `json:"etag"`
	VersionID string `json:"version_id,omitempty"`
	// Rows is the number of rows read from it.
	Rows int64 `json:"rows"`
}

// SourceObject is a raw export behind a version's inputs.
type SourceObject struct {
	Key       string `json:"key"`
	ETag      string `json:"etag"`
	VersionID string `json:"version_id,omitempty"`
	// RowsRead and Rejected are the export's ingest counts.
	RowsRead int64 `json:"rows_read"`
	Rejected int64 `json:"rejected"`
}

// OutputObject is one file of a published version.
type OutputObject struct {
	Key    string `json:"key"`
	SHA256 string `json:"sha256"` // lower-case hex of the content
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
}

// Override records a close of a month that was not ready.
type Override struct {
	Reason string        `json:"reason"`
	Failed []FailedCheck `json:"failed_checks"`
}

// FailedCheck is one readiness check that failed, as it was found.
type FailedCheck struct {
	Name  string `json:"name"`
	Found string `json:"found"`
}

// OutputOf describes a file about to be published: its key, the SHA-256
// and size of body, and its row count.
func OutputOf(key string, body []byte, rows int64) OutputObject {
	sum := sha256.Sum256(body)
	return OutputObject{Key: key, SHA256: hex.EncodeToString(sum[:]), Rows: rows, Bytes: int64(len(body))}
}

// InputsDigest returns the lower-case hex SHA-256 of the policy's sha256
// and the (key, etag) pairs of inputs sorted by key then etag. Every string
// is length-prefixed, so no two different input sets hash the same text.
// Row counts and version ids are not part of it: they follow from the
// content, which the ETag already names. inputs is not modified.
func InputsDigest(policySHA256 string, inputs []InputObject) string {
	sorted := slices.Clone(inputs)
	slices.SortFunc(sorted, func(a, b InputObject) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.ETag, b.ETag))
	})
	h := sha256.New()
	field := func(s string) {
		_, _ = io.WriteString(h, strconv.Itoa(len(s))+":"+s+"\n")
	}
	field("scorecard payroll inputs v1")
	field(policySHA256)
	for _, in := range sorted {
		field(in.Key)
		field(in.ETag)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// validate checks the manifest is complete and consistent: a YYYY-MM month,
// a version >= 1 (and a previous version below it), a policy id and
// SHA-256, inputs and outputs with non-empty unique keys, outputs with a
// SHA-256 and non-negative sizes, and an inputs digest that matches the
// inputs.
func (m *Manifest) validate() error {
	if _, err := calendar.ParseMonth(m.Month); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if m.Version < 1 {
		return fmt.Errorf("manifest %s: version %d, want >= 1", m.Month, m.Version)
	}
	where := fmt.Sprintf("manifest %s v%d", m.Month, m.Version)
	if m.Previous != nil && (*m.Previous < 1 || *m.Previous >= m.Version) {
		return fmt.Errorf("%s: previous_version %d, want 1-%d", where, *m.Previous, m.Version-1)
	}
	if m.Policy.ID == "" {
		return fmt.Errorf("%s: policy.id is empty", where)
	}
	if !isSHA256(m.Policy.SHA256) {
		return fmt.Errorf("%s: policy.sha256 %q is not a lower-case hex SHA-256", where, m.Policy.SHA256)
	}
	seen := map[string]bool{}
	for i, in := range m.Inputs {
		if in.Key == "" {
			return fmt.Errorf("%s: inputs[%d]: empty key", where, i)
		}
		if seen[in.Key] {
			return fmt.Errorf("%s: input %s listed twice", where, in.Key)
		}
		seen[in.Key] = true
		if in.Rows < 0 {
			return fmt.Errorf("%s: input %s: rows %d", where, in.Key, in.Rows)
		}
	}
	if want := InputsDigest(m.Policy.SHA256, m.Inputs); m.InputsDigest != want {
		return fmt.Errorf("%s: inputs_digest %q does not match the inputs (want %s)", where, m.InputsDigest, want)
	}
	if len(m.Outputs) == 0 {
		return fmt.Errorf("%s: no outputs", where)
	}
	seen = map[string]bool{}
	for i, out := range m.Outputs {
		if out.Key == "" {
			return fmt.Errorf("%s: outputs[%d]: empty key", where, i)
		}
		if seen[out.Key] {
			return fmt.Errorf("%s: output %s listed twice", where, out.Key)
		}
		seen[out.Key] = true
		if !isSHA256(out.SHA256) {
			return fmt.Errorf("%s: output %s: sha256 %q is not a lower-case hex SHA-256", where, out.Key, out.SHA256)
		}
		if out.Rows < 0 || out.Bytes < 0 {
			return fmt.Errorf("%s: output %s: rows %d, bytes %d", where, out.Key, out.Rows, out.Bytes)
		}
	}
	return nil
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Marshal returns the manifest as indented JSON ending in a newline, with
// inputs, outputs and variants sorted, so equal manifests are equal bytes.
// It refuses an invalid manifest (see validate). m is not modified.
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	c.Inputs = slices.Clone(m.Inputs)
	slices.SortFunc(c.Inputs, func(a, b InputObject) int { return cmp.Compare(a.Key, b.Key) })
	c.Outputs = slices.Clone(m.Outputs)
	slices.SortFunc(c.Outputs, func(a, b OutputObject) int { return cmp.Compare(a.Key, b.Key) })
	c.Policy.Variants = slices.Clone(m.Policy.Variants)
	slices.Sort(c.Policy.Variants)
	if c.Inputs == nil {
		c.Inputs = []InputObject{} // "inputs": [] rather than null
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("writing %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&c); err != nil {
		return nil, fmt.Errorf("writing manifest %s v%d: %w", m.Month, m.Version, err)
	}
	return buf.Bytes(), nil
}

// ParseManifest parses and validates manifest.json. Unknown fields are
// ignored, so a manifest written by a newer release still reads.
func ParseManifest(b []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("parsing manifest: %w", err)
	}
	if dec.More() {
		return nil, errors.New("parsing manifest: data after the JSON object")
	}
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("parsing %w", err)
	}
	return &m, nil
}

// errMismatch is returned (wrapped) by Verify when an output's content does
// not match the manifest.
var errMismatch = errors.New("content does not match the manifest")

// Verify checks every output listed in the manifest: open(ctx, key) must
// succeed (a missing file fails, with open's error wrapped) and the content
// must have the listed size and SHA-256. It checks all outputs and returns
// every failure joined, or nil when the version can be trusted.
func Verify(ctx context.Context, m *Manifest, open func(ctx context.Context, key string) (io.ReadCloser, error)) error {
	if err := m.validate(); err != nil {
		return fmt.Errorf("verifying %w", err)
	}
	var errs []error
	for _, out := range m.Outputs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("verifying manifest %s v%d: %w", m.Month, m.Version, err)
		}
		if err := verifyOne(ctx, out, open); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func verifyOne(ctx context.Context, out OutputObject, open func(ctx context.Context, key string) (io.ReadCloser, error)) error {
	rc, err := open(ctx, out.Key)
	if err != nil {
		return fmt.Errorf("verifying %s: %w", out.Key, err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return fmt.Errorf("verifying %s: reading: %w", out.Key, err)
	}
	if n != out.Bytes {
		return fmt.Errorf("verifying %s: %w: %d bytes, manifest says %d", out.Key, errMismatch, n, out.Bytes)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != out.SHA256 {
		return fmt.Errorf("verifying %s: %w: sha256 %s, manifest says %s", out.Key, errMismatch, got, out.SHA256)
	}
	return nil
}
