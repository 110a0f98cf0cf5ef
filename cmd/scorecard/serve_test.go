package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/notify"
)

func TestServeCloseAnswers(t *testing.T) {
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	env := wire.Env{Now: func() time.Time { return time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC) }}
	c := closeJob(st, env)
	var logged strings.Builder
	c.Notify = &notify.Log{Store: st, Out: &logged}
	srv := httptest.NewServer(NewServer(ingestJob(st, env), c, nil))
	defer srv.Close()

	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"malformed month", `{"month":"2026-9"}`, 400, `"error"`},
		{"month 13", `{"month":"2026-13"}`, 400, "2026-13"},
		{"not JSON", `month=2026-09`, 400, "bad close request"},
		{"unknown field", `{"mnth":"2026-09"}`, 400, "mnth"},
		{"nothing to do", `{}`, 400, "neither"},
		{"bad scheduled time", `{"scheduled_time":"tomorrow"}`, 400, "tomorrow"},
		{"approve without approver", `{"approve":{"month":"2026-09","version":1}}`, 400, "by"},
		{"not ready", `{"month":"2026-11"}`, 409, `"status":"not_ready"`},
		{"ready", `{"month":"2026-09"}`, 200, `"status":"published"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL+"/close", "application/json", strings.NewReader(tc.body))
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode, string(b))
			require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			require.True(t, json.Valid(b), string(b))
			require.Contains(t, string(b), tc.want)
		})
	}
	require.Contains(t, logged.String(), `"status":"not_ready"`, "serve logs the events")
	require.Contains(t, logged.String(), `"status":"published"`)
}
