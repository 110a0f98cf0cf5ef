package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/store"
)

// Bucket is what the pipeline needs of a store.
type Bucket interface {
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
	Head(ctx context.Context, key string) (store.Object, error)
	Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error)
	List(ctx context.Context, prefix string, fn func(store.Object) error) error
	Delete(ctx context.Context, key string) error
}

// Keys of the operator configuration (spec §2).
const (
	PolicyKey         = "config/policy.yaml"
	MappingKey        = "config/mapping.yaml"
	CalendarPrefix    = "config/calendar/"
	rawPrefix         = "raw/"
	normalizedPrefix  = "normalized/"
	quarantinePrefix  = "quarantine/"
	ingestReportDir   = "reports/ingest/"
	closeReportDir    = "reports/close/"
	payrollPrefix     = "payroll/"
	scorecardsPrefix  = "scorecards/employees/"
	kpisPrefix        = "scorecards/kpis/"
	manifestName      = "manifest.json"
	payrollCSVName    = "salary_multipliers.csv"
	payrollParquetNam = "salary_multipliers.parquet"
)

// Config holds what both handlers need besides the store.
type Config struct {
	// CustomerKey is the HMAC key for customer ids; nil leaves customer_key null.
	CustomerKey []byte
	// TempDir holds working files ("" = os.TempDir()).
	TempDir string
	// CodeVersion is recorded in manifests.
	CodeVersion string
	// Log receives structured logs; nil discards them.
	Log *slog.Logger
	// Now stamps log lines and metrics only; nil means no timestamps.
	Now func() time.Time
	// Metrics receives CloudWatch Embedded Metric Format lines (in Lambda,
	// stdout); nil emits none.
	Metrics io.Writer
}

func (c *Config) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c.Log
}

func (c *Config) tempDir() string {
	if c.TempDir == "" {
		return os.TempDir()
	}
	return c.TempDir
}

// readOptional reads a small object, returning nil, nil when it does not exist.
func readOptional(ctx context.Context, b Bucket, key string) ([]byte, error) {
	rc, _, err := b.Get(ctx, key)
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

// loadPolicy returns config/policy.yaml, or the embedded default when the
// operators have not put one.
func loadPolicy(ctx context.Context, b Bucket) (*policy.Policy, error) {
	data, err := readOptional(ctx, b, PolicyKey)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return policy.Default(), nil
	}
	p, err := policy.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", PolicyKey, err)
	}
	return p, nil
}

// loadAliases returns the extra header aliases of config/mapping.yaml, if any.
func loadAliases(ctx context.Context, b Bucket) (ingest.Aliases, error) {
	data, err := readOptional(ctx, b, MappingKey)
	if err != nil || data == nil {
		return nil, err
	}
	a, err := ingest.ParseAliases(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", MappingKey, err)
	}
	return a, nil
}

// loadCalendar returns the embedded mainland calendar, with any year given
// under config/calendar/ replacing the embedded file for that year.
func loadCalendar(ctx context.Context, b Bucket) (*calendar.Calendar, error) {
	var keys []string
	err := b.List(ctx, CalendarPrefix, func(o store.Object) error {
		if strings.HasSuffix(o.Key, ".json") {
			keys = append(keys, o.Key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", CalendarPrefix, err)
	}
	if len(keys) == 0 {
		return calendar.MainlandChina(), nil
	}
	var srcs []calendar.Source
	for _, k := range keys {
		data, err := readOptional(ctx, b, k)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, calendar.Source{Name: k, Data: data})
	}
	c, err := calendar.MainlandChina().Override(srcs...)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", CalendarPrefix, err)
	}
	return c, nil
}
