package ingestjob_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/store"
)

// A changed config/mapping.yaml re-ingests the exports of the sources
// whose settings changed, and only those; --force re-ingests everything.
func TestMappingChangeReingests(t *testing.T) {
	ctx := context.Background()
	_, st := sampletest.Store(t)
	put := func(key, body string) {
		t.Helper()
		_, err := st.Put(ctx, key, strings.NewReader(body), int64(len(body)), store.PutOptions{})
		require.NoError(t, err)
	}
	const crmKey = "raw/crm/tickets dmy.csv"
	put(crmKey, "Ticket ID,Created,Agent ID\nT1,29-02-2016 01:16,E1\nT2,08/01/2025 15:00,E2\n")
	reps := sampletest.IngestAll(t, st)
	first := reps[crmKey]
	require.Equal(t, int64(0), first.Accepted)
	require.Equal(t, map[string]int64{"bad_timestamp": 2}, first.RejectedByReason)
	require.Contains(t, strings.Join(first.Warnings, "\n"), "no row accepted")
	require.Empty(t, first.MappingSHA256)
	surveyKey := "raw/survey/满意度回访 2026年9月.csv"
	surveyDigest := reps[surveyKey].MappingSHA256
	require.NotEmpty(t, surveyDigest, "the sample mapping has a survey section")

	in := sampletest.Ingester(st)
	pending, err := in.Pending(ctx)
	require.NoError(t, err)
	require.Empty(t, pending, "nothing changed")

	mapping := string(sampletest.Read(t, st, bucket.MappingKey)) + "crm:\n  date_order: DMY\n  defaults: {category: simple}\n"
	put(bucket.MappingKey, mapping)
	pending, err = in.Pending(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"raw/crm/tickets dmy.csv", "raw/crm/工单导出 2026-09 补充.xlsx", "raw/crm/工单导出 2026-09.csv"}, pending,
		"only the crm exports: the survey section did not change")
	rep, err := in.Run(ctx, crmKey)
	require.NoError(t, err)
	require.Equal(t, int64(2), rep.Accepted, "re-ingested with date_order DMY")
	require.NotEmpty(t, rep.MappingSHA256)
	require.Empty(t, rep.Warnings)

	// An event for the same object now has nothing to do.
	again, err := in.Run(ctx, crmKey)
	require.NoError(t, err)
	require.Equal(t, rep, again)

	in.Force = true
	pending, err = in.Pending(ctx)
	require.NoError(t, err)
	require.Len(t, pending, 7)

	// A broken mapping stops the ingest with an error naming the setting.
	put(bucket.MappingKey, "crm:\n  date_ordr: DMY\n")
	_, err = in.Run(ctx, crmKey)
	require.ErrorContains(t, err, `crm: unknown field or setting "date_ordr"`)
	require.ErrorContains(t, err, "settings: date_order,")
}
