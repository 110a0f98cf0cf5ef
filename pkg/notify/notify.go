// Package notify is the message the close sends for each outcome payroll
// and operators act on (spec §8): published, approved, not_ready,
// reopen_required and failed, one JSON object each. Payroll subscribes
// instead of polling.
//
// A Notifier delivers them: in AWS an SNS topic (internal/wire builds
// that), in the local twin and the CLI the store's reports/events.jsonl
// (Log, here). notify imports no AWS package; Log needs only a store.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/store"
)

// Statuses of an Event.
const (
	Published      = "published"
	Approved       = "approved"
	NotReady       = "not_ready"
	ReopenRequired = "reopen_required"
	Failed         = "failed"
)

// Event is one notification.
type Event struct {
	Status  string `json:"status"`
	Month   string `json:"month"`
	Version int32  `json:"version,omitempty"`
	// ManifestKey and ManifestSHA256 name the version's manifest (published,
	// approved, reopen_required: the latest version standing).
	ManifestKey    string `json:"manifest_key,omitempty"`
	ManifestSHA256 string `json:"manifest_sha256,omitempty"`
	// ReportKey is the close report (published), or the readiness record.
	ReportKey string `json:"report_key,omitempty"`
	// Counts are what the close found: employees, payroll rows, changes.
	Counts map[string]int64 `json:"counts,omitempty"`
	// TotalPayout is the payroll table's total, in yuan.
	TotalPayout string `json:"total_payout,omitempty"`
	// ApprovedBy is the approver (approved).
	ApprovedBy string `json:"approved_by,omitempty"`
	// Failed lists the failed readiness checks (not_ready), or the error
	// (failed), for people.
	Failed []string `json:"failed,omitempty"`
	// At is when the event happened.
	At time.Time `json:"at"`
}

// Notifier delivers events.
type Notifier interface {
	Notify(ctx context.Context, ev Event) error
}

// Marshal is the message body: one line of JSON.
func (ev Event) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		return nil, fmt.Errorf("encoding %s event of %s: %w", ev.Status, ev.Month, err)
	}
	return b.Bytes(), nil
}

// LogStore is what Log needs of a store.
type LogStore interface {
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
	Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error)
}

// Log appends each event as a line of reports/events.jsonl. An object
// cannot be appended to, so the file is read and written back whole: Log
// serializes its own calls, and two processes appending at the same moment
// may lose a line (the local twin runs one serve process). Out, if not nil,
// also receives each line (serve logs them).
type Log struct {
	Store LogStore
	Out   io.Writer

	mu sync.Mutex
}

// Notify appends ev.
func (l *Log) Notify(ctx context.Context, ev Event) error {
	line, err := ev.Marshal()
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	old, err := objects.ReadOptional(ctx, l.Store, bucket.EventsKey)
	if err != nil {
		return err
	}
	if err := objects.Put(ctx, l.Store, bucket.EventsKey, append(old, line...)); err != nil {
		return err
	}
	if l.Out != nil {
		l.Out.Write(line)
	}
	return nil
}

// ReadLog returns the events of reports/events.jsonl, oldest first.
func ReadLog(ctx context.Context, s LogStore) ([]Event, error) {
	data, err := objects.ReadOptional(ctx, s, bucket.EventsKey)
	if err != nil {
		return nil, err
	}
	var evs []Event
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var ev Event
		if err := dec.Decode(&ev); err != nil {
			return nil, fmt.Errorf("reading %s: %w", bucket.EventsKey, err)
		}
		evs = append(evs, ev)
	}
	return evs, nil
}
