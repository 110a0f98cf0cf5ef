package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/infra/iamcheck"
	"github.com/scorecard/scorecard/internal/miniotest"
	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/approval"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/s3store"
)

// eventRecorder is the webhook MinIO posts to: it keeps every event body and
// passes it to the `scorecard serve` handler once the bucket exists.
type eventRecorder struct {
	mu      sync.Mutex
	bodies  [][]byte
	handler atomic.Pointer[http.Handler]
}

func (e *eventRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := e.handler.Load()
	if h == nil {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	if r.Method == http.MethodPost && r.URL.Path == "/events" {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		e.mu.Lock()
		e.bodies = append(e.bodies, body)
		e.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	(*h).ServeHTTP(w, r)
}

func (e *eventRecorder) recorded() [][]byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([][]byte(nil), e.bodies...)
}

// TestEndToEndOnMinIO drives the local twin only through the S3 API, as users
// and payroll would: upload the sample exports, let MinIO's notifications run
// the ingest handler, close the month, download the payroll CSV.
//
// Each party signs as its own MinIO user whose policy is generated from
// template.yaml's roles (infra/iamcheck): the ingest runs as the ingest
// role, the close as the close role, payroll fetches as the payroll
// principal. People uploading exports, and the test looking on, use the
// root credentials.
func TestEndToEndOnMinIO(t *testing.T) {
	ctx := context.Background()
	rec := &eventRecorder{}
	hook := httptest.NewServer(rec)
	defer hook.Close()

	// MinIO posts with serve's token, as infra/local-stack.sh configures it.
	srv := miniotest.Start(t, miniotest.WithWebhook("SCORECARD", hook.URL+"/events"), miniotest.WithWebhookToken("SCORECARD", testToken))
	client := srv.Client()
	bkt := srv.NewBucket(t)
	// storeAs is the bucket's store signing with the given credentials.
	storeAs := func(accessKey, secretKey string) *s3store.Store {
		st, err := s3store.NewWith(s3store.Config{Endpoint: srv.Endpoint, Region: srv.Region, AccessKey: accessKey, SecretKey: secretKey, Now: time.Now}, bkt)
		require.NoError(t, err)
		return st
	}
	st := storeAs(srv.AccessKey, srv.SecretKey)
	policies, err := iamcheck.StackPolicies("../../template.yaml", bkt)
	require.NoError(t, err)
	as := func(user string) *s3store.Store {
		srv.AddUser(t, user, user+"-e2e-secret", policies[user].JSON())
		return storeAs(user, user+"-e2e-secret")
	}
	ingestSt := as("ingest")
	closeSt := as("close")
	payrollSt := as("payroll")
	payrollClient := srv.ClientAs("payroll", "payroll-e2e-secret") // payroll's own SDK calls
	approverSt := as("approver")
	approvedAt := time.Date(2026, 10, 4, 9, 0, 0, 0, time.UTC)
	serveLog := &syncBuffer{} // what serve logs, scanned for customer data at the end
	env := wire.Env{CustomerKey: []byte("e2e-key"), Log: slog.New(slog.NewTextHandler(serveLog, &slog.HandlerOptions{Level: slog.LevelDebug})), Now: func() time.Time { return approvedAt }}
	h := NewServer(ingestJob(ingestSt, env), closeJob(closeSt, env), env.Log, testToken)
	rec.handler.Store(&h)

	srv.NotifyWebhook(t, bkt, "SCORECARD", "raw/")

	// Upload the sample exports and the operators' mapping with the SDK.
	samples := t.TempDir()
	require.NoError(t, scorecard.CopySamples(samples))
	var rawKeys []string
	require.NoError(t, filepath.WalkDir(samples, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(samples, p)
		key := filepath.ToSlash(rel)
		if strings.HasPrefix(key, "raw/") {
			rawKeys = append(rawKeys, key)
		}
		return nil
	}))
	sort.Strings(rawKeys)
	// config/ first, so the ingest sees the mapping; its key is outside raw/, so no event.
	upload(t, client, bkt, "config/mapping.yaml", filepath.Join(samples, "config", "mapping.yaml"))
	for _, k := range rawKeys {
		upload(t, client, bkt, k, filepath.Join(samples, filepath.FromSlash(k)))
	}

	// Wait for every export's ingest report: the events went through MinIO.
	deadline := time.Now().Add(90 * time.Second)
	for _, k := range rawKeys {
		for {
			_, err := st.Head(ctx, bucket.IngestReport(k))
			if err == nil {
				break
			}
			require.True(t, errors.Is(err, store.ErrNotExist), "%v", err)
			if time.Now().After(deadline) {
				t.Fatalf("no ingest report for %s after 90s; %d events received", k, len(rec.recorded()))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	events := rec.recorded()
	require.GreaterOrEqual(t, len(events), len(rawKeys))
	t.Logf("%d exports ingested through %d MinIO event deliveries", len(rawKeys), len(events))
	var keysInEvents []string
	for _, b := range events {
		var ev struct {
			Records []struct {
				S3 struct {
					Object struct {
						Key string `json:"key"`
					} `json:"object"`
				} `json:"s3"`
			}
		}
		require.NoError(t, json.Unmarshal(b, &ev))
		for _, r := range ev.Records {
			keysInEvents = append(keysInEvents, r.S3.Object.Key)
		}
	}
	require.NotContains(t, strings.Join(keysInEvents, "\n"), "工单", "event keys are URL-encoded")

	// Run the close as the scheduler would: through the handler, on the
	// schedule's own time.
	resp := post(t, hook.URL+"/close", `{"scheduled_time":"2026-10-03T02:00:00+08:00"}`)
	var out closejob.Output
	require.NoError(t, json.Unmarshal(resp, &out))
	require.Equal(t, closejob.Published, out.Status)
	require.Equal(t, "2026-09", out.Month)
	require.EqualValues(t, 1, out.Version)

	// Payroll fetches the CSV and trusts it once the manifest checks out.
	got := getObject(t, payrollClient, bkt, "payroll/month=2026-09/v1/salary_multipliers.csv")
	want, err := os.ReadFile("../../testdata/golden/salary_multipliers-2026-09.csv")
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
	m, err := payroll.ParseManifest(getObject(t, payrollClient, bkt, "payroll/month=2026-09/v1/manifest.json"))
	require.NoError(t, err)
	// Payroll checks every file the manifest lists, with its own user.
	require.NoError(t, payroll.Verify(ctx, m, func(ctx context.Context, key string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(getObject(t, payrollClient, bkt, key))), nil
	}))
	// ... and payroll cannot replace what it fetched.
	_, err = payrollClient.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bkt),
		Key: aws.String("payroll/month=2026-09/v1/salary_multipliers.csv"), Body: strings.NewReader("forged")})
	require.ErrorContains(t, err, "AccessDenied")

	// At-least-once delivery: the same event again, then two at once, and
	// another close: nothing changes, nothing is duplicated.
	before := listETags(t, st)
	first := events[0]
	post(t, hook.URL+"/events", string(first))
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); post(t, hook.URL+"/events", string(first)) }()
	}
	wg.Wait()
	resp = post(t, hook.URL+"/close", `{"month":"2026-09"}`)
	require.NoError(t, json.Unmarshal(resp, &out))
	require.Equal(t, closejob.Unchanged, out.Status)
	require.Equal(t, before, listETags(t, st))

	// Three closes of another month racing on S3's conditional writes:
	// exactly one version is published.
	var results [3]*closejob.Result
	var errs [3]error
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = closeJob(closeSt, env).Run(ctx, closejob.Request{Month: "2026-08", AllowIncomplete: "race test: August has no surveys"})
		}()
	}
	wg.Wait()
	for i := range results {
		require.NoError(t, errs[i])
		require.EqualValues(t, 1, results[i].Version)
	}
	var manifests []string
	for k := range listETags(t, st) {
		if strings.HasPrefix(k, "payroll/month=2026-08/") && strings.HasSuffix(k, "/manifest.json") {
			manifests = append(manifests, k)
		}
	}
	require.Equal(t, []string{"payroll/month=2026-08/v1/manifest.json"}, manifests)

	// The close role cannot approve: the close handler running as the close
	// user is refused by the policy engine, and writes nothing.
	_, err = closeJob(closeSt, env).Handle(ctx, closejob.Request{Approve: &closejob.ApproveRequest{Month: "2026-09", Version: 1, By: "close"}})
	require.Error(t, err, "the close role wrote an approval")
	// Approval through the handler running as the approver, then two
	// approvers racing on S3's If-None-Match: one approval.json, the first
	// stands.
	approver := closeJob(approverSt, env)
	aout, err := approver.Handle(ctx, closejob.Request{Approve: &closejob.ApproveRequest{Month: "2026-09", Version: 1, By: "li.na"}})
	require.NoError(t, err)
	require.Equal(t, approval.Approved, aout.Status)
	require.Equal(t, "li.na", aout.Approval.ApprovedBy)
	aout, err = approver.Handle(ctx, closejob.Request{Approve: &closejob.ApproveRequest{Month: "2026-09", Version: 1, By: "wang.wei"}})
	require.NoError(t, err)
	require.Equal(t, approval.AlreadyApproved, aout.Status)
	require.Equal(t, "li.na", aout.Approval.ApprovedBy)
	aug, err := calendar.ParseMonth("2026-08")
	require.NoError(t, err)
	var statuses [2]string
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, statuses[i], errs[i] = approval.Approve(ctx, approverSt, aug, 1, fmt.Sprint("approver-", i), "", approvedAt)
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.ElementsMatch(t, []string{approval.Approved, approval.AlreadyApproved}, statuses[:])

	// What payroll runs.
	var vout bytes.Buffer
	sep, err := calendar.ParseMonth("2026-09")
	require.NoError(t, err)
	require.NoError(t, verifyAndPrint(ctx, payrollSt, sep, 0, &vout))
	require.Contains(t, vout.String(), "csv       payroll/month=2026-09/v1/salary_multipliers.csv")
	require.Contains(t, vout.String(), "approved  by li.na at 2026-10-04T09:00:00Z")

	// No customer name, phone or id of the exports is anywhere outside raw/:
	// not in the Parquet values, reports, manifests, CSVs, nor serve's log.
	require.NotEmpty(t, serveLog.String())
	requireNoCustomerData(t, st, filepath.Join(samples, "raw"), map[string]string{"serve log": serveLog.String(), "verify output": vout.String()})
}

func upload(t *testing.T, client *s3.Client, bucket, key, path string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	_, err = client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: f})
	require.NoError(t, err, key)
}

func getObject(t *testing.T, client *s3.Client, bucket, key string) []byte {
	t.Helper()
	out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err, key)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return b
}

// post posts body as JSON with serve's token.
func post(t *testing.T, url, body string) []byte {
	t.Helper()
	resp, err := authPost(url, testToken, "application/json", body)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Less(t, resp.StatusCode, 300, "%s: %s", url, b)
	return b
}

func listETags(t *testing.T, st *s3store.Store) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, st.List(context.Background(), "", func(o store.Object) error {
		m[o.Key] = o.ETag
		return nil
	}))
	return m
}
