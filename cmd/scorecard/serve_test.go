package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	srv := httptest.NewServer(NewServer(ingestJob(st, env), c, nil, testToken))
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
		{"annual, bad year", `{"year":26}`, 400, "four digits"},
		{"annual, nothing approved", `{"year":2026}`, 409, `"status":"not_ready"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := authPost(srv.URL+"/close", testToken, "application/json", tc.body)
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

const testToken = "test-token-0123456789"

// authPost posts body with the token as a bearer token ("" = none).
func authPost(url, token, contentType, body string, headers ...string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return http.DefaultClient.Do(req)
}

// TestServeGuards: spec §12. Writes need the per-start token and a JSON
// body; a foreign Origin is refused (a web page's cross-origin text/plain
// POST cannot trigger a close); nothing is written by a refused request.
func TestServeGuards(t *testing.T) {
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	env := wire.Env{Now: func() time.Time { return time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC) }}
	srv := httptest.NewServer(NewServer(ingestJob(st, env), closeJob(st, env), nil, testToken))
	defer srv.Close()
	before := sampletest.Snapshot(t, st)
	const body = `{"month":"2026-09"}`
	for _, tc := range []struct {
		name, path, token, contentType string
		headers                        []string
		status                         int
	}{
		{"no token", "/close", "", "application/json", nil, 401},
		{"wrong token", "/close", "not-the-token", "application/json", nil, 401},
		{"events without token", "/events", "", "application/json", nil, 401},
		{"text/plain", "/close", testToken, "text/plain", nil, 415},
		{"form", "/close", testToken, "application/x-www-form-urlencoded", nil, 415},
		{"no content type", "/close", testToken, "", nil, 415},
		{"events as text/plain", "/events", testToken, "text/plain", nil, 415},
		{"cross-origin text/plain from a web page", "/close", "", "text/plain", []string{"Origin", "https://evil.example"}, 403},
		{"cross-origin with the token", "/close", testToken, "application/json", []string{"Origin", "http://evil.example"}, 403},
		{"origin null", "/close", testToken, "application/json", []string{"Origin", "null"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := authPost(srv.URL+tc.path, tc.token, tc.contentType, body, tc.headers...)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode, string(b))
			require.True(t, json.Valid(b), string(b))
			require.Contains(t, string(b), `"error"`)
		})
	}
	require.Equal(t, before, sampletest.Snapshot(t, st), "a refused request wrote something")

	// The bare token (a webhook's raw header value) and serve's own origin are accepted.
	resp, err := authPost(srv.URL+"/close", "", "application/json; charset=utf-8", body, "Authorization", testToken, "Origin", srv.URL)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, string(b))
	require.Contains(t, string(b), `"status":"published"`)
	// GET /healthz needs no token.
	hr, err := http.Get(srv.URL + "/healthz")
	require.NoError(t, err)
	hr.Body.Close()
	require.Equal(t, 200, hr.StatusCode)
}

func TestServeListensOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:8787", "[::1]:0", "localhost:8787", "127.0.0.2:0"} {
		require.NoError(t, checkLoopback(addr, false), addr)
	}
	for _, addr := range []string{":8787", "0.0.0.0:8787", "[::]:8787", "192.168.1.10:8787", "example.com:80"} {
		err := checkLoopback(addr, false)
		require.ErrorIs(t, err, errUsage, addr)
		require.ErrorContains(t, err, "--public")
		require.NoError(t, checkLoopback(addr, true), addr)
	}
	// The command refuses before opening the store or listening.
	var out, errOut strings.Builder
	require.Equal(t, 2, run(context.Background(), []string{"serve", "--store", t.TempDir(), "--addr", "0.0.0.0:0"}, &out, &errOut))
	require.Contains(t, errOut.String(), "not a loopback address")
}

// TestServeTokenPerStart: serve prints a fresh token at each start and
// writes it to --token-file; requests need it.
func TestServeTokenPerStart(t *testing.T) {
	dir := t.TempDir()
	start := func() (url, token string) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		tokenFile := filepath.Join(dir, "token")
		os.Remove(tokenFile)
		out := &syncBuffer{}
		done := make(chan error, 1)
		go func() {
			done <- cmdServe(ctx, []string{"--store", dir, "--addr", "127.0.0.1:0", "--token-file", tokenFile}, out, io.Discard)
		}()
		t.Cleanup(func() { cancel(); <-done })
		require.Eventually(t, func() bool { return strings.Contains(out.String(), "token") }, 10*time.Second, 20*time.Millisecond)
		printed := out.String()
		i := strings.Index(printed, "http://")
		url = strings.Fields(printed[i:])[0]
		b, err := os.ReadFile(tokenFile)
		require.NoError(t, err)
		token = strings.TrimSpace(string(b))
		require.Len(t, token, 64)
		require.Contains(t, printed, token, "the token is printed at start")
		fi, err := os.Stat(tokenFile)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
		return url, token
	}
	url1, tok1 := start()
	_, tok2 := start()
	require.NotEqual(t, tok1, tok2, "a new token at each start")
	resp, err := authPost(url1+"/close", "", "application/json", `{"month":"2026-13"}`)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 401, resp.StatusCode)
	resp, err = authPost(url1+"/close", tok1, "application/json", `{"month":"2026-13"}`)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 400, resp.StatusCode, "past the guard: the request itself is bad")
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
