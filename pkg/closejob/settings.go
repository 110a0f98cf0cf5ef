package closejob

import (
	"context"
	"fmt"
	"strings"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/store"
)

// loadPolicy returns config/policy.yaml, or the embedded default when the
// operators have not put one. An invalid policy stops the close.
func loadPolicy(ctx context.Context, s Store) (*policy.Policy, error) {
	data, err := objects.ReadOptional(ctx, s, bucket.PolicyKey)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return policy.Default(), nil
	}
	p, err := policy.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", bucket.PolicyKey, err)
	}
	return p, nil
}

// loadCalendar returns the embedded mainland calendar, with any year given
// under config/calendar/ replacing the embedded file for that year.
func loadCalendar(ctx context.Context, s Store) (*calendar.Calendar, error) {
	var keys []string
	err := s.List(ctx, bucket.CalendarPrefix, func(o store.Object) error {
		if strings.HasSuffix(o.Key, ".json") {
			keys = append(keys, o.Key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", bucket.CalendarPrefix, err)
	}
	if len(keys) == 0 {
		return calendar.MainlandChina(), nil
	}
	var srcs []calendar.Source
	for _, k := range keys {
		data, err := objects.ReadOptional(ctx, s, k)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, calendar.Source{Name: k, Data: data})
	}
	c, err := calendar.MainlandChina().Override(srcs...)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", bucket.CalendarPrefix, err)
	}
	return c, nil
}
