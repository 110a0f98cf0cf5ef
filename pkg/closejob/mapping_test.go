package closejob_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/readiness"
	"github.com/scorecard/scorecard/pkg/store"
)

// TestMappingChangedSinceTheIngest: after the survey section of
// config/mapping.yaml changes, September's survey exports were read with
// the old settings: the close refuses, naming exactly those exports and
// saying to run scorecard ingest; after the re-ingest it publishes.
func TestMappingChangedSinceTheIngest(t *testing.T) {
	ctx := context.Background()
	_, st := sampletest.Store(t)
	reps := sampletest.IngestAll(t, st)
	var surveys []string
	for key, rep := range reps {
		if rep.Source == "survey" {
			require.NotEmpty(t, rep.MappingSHA256, "the sample mapping has a survey section")
			surveys = append(surveys, key)
		}
	}
	sort.Strings(surveys)
	require.Len(t, surveys, 2)

	// Reformatting the file (comments, indentation, quoting) changes no
	// section's digest: still ready.
	mapping := "# re-indented\nsurvey:\n    comment:\n        - 您的意见和建议   # 问卷星\n"
	putConfig(t, st, bucket.MappingKey, mapping)
	m, err := calendar.ParseMonth("2026-09")
	require.NoError(t, err)
	job := &closejob.Job{Store: st, Now: sampletest.CloseTime}
	r, err := job.Check(ctx, m)
	require.NoError(t, err)
	require.True(t, r.Ready, r.Summary())

	// A section the month's inputs were read with changes.
	putConfig(t, st, bucket.MappingKey, "survey:\n  comment: [您的意见和建议, 其他意见]\n")
	nr := notReady(t, st, "2026-09", sampletest.CloseTime(), []string{"ingest"}, "run scorecard ingest (mapping.yaml changed since these were read)")
	ing := nr.Readiness.Failed()[0]
	require.Equal(t, readiness.CheckIngest, ing.Name)
	require.Equal(t, surveys, ing.Keys, "the survey exports, no other: the crm, evaluations and roster sections did not change")
	for _, k := range surveys {
		require.Contains(t, ing.Found, k)
	}

	// The operator runs scorecard ingest: it re-reads those exports only.
	again := sampletest.IngestAll(t, st)
	got := make([]string, 0, len(again))
	for k := range again {
		got = append(got, k)
	}
	sort.Strings(got)
	require.Equal(t, surveys, got)
	res, err := job.Run(ctx, closejob.Request{Month: "2026-09"})
	require.NoError(t, err)
	require.Equal(t, closejob.Published, res.Status)
}

// TestMappingUnreadableAtTheClose: a config/mapping.yaml that is not YAML
// stops every ingest, so the close is not ready either, saying why.
func TestMappingUnreadableAtTheClose(t *testing.T) {
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	putConfig(t, st, bucket.MappingKey, "survey:\n  comment: [unclosed\n")
	notReady(t, st, "2026-09", sampletest.CloseTime(), []string{"ingest"}, "parsing config/mapping.yaml")
}

func putConfig(t *testing.T, st store.Store, key, body string) {
	t.Helper()
	_, err := st.Put(context.Background(), key, strings.NewReader(body), int64(len(body)), store.PutOptions{})
	require.NoError(t, err)
}
