package approval_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/approval"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/store"
)

var (
	ctx   = context.Background()
	month = mustMonth("2026-09")
	at    = time.Date(2026, 10, 3, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))
)

func mustMonth(s string) calendar.Month {
	m, err := calendar.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// published is a directory store with the sample month closed as v1 by the
// real close.
func published(t *testing.T) (string, *store.Dir) {
	t.Helper()
	dir, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	res, err := (&closejob.Job{Store: st, Now: sampletest.CloseTime}).Run(ctx, closejob.Request{Month: month.String()})
	require.NoError(t, err)
	require.Equal(t, closejob.Published, res.Status)
	require.EqualValues(t, 1, res.Version)
	return dir, st
}

// lateSurvey is an export uploaded after the close: E1006 gets two more
// "very satisfied" responses for September (as in the closejob tests).
const lateSurvey = "\ufeff序号,提交答卷时间,1、工单号,2、您对本次售后服务的满意度,3、处理人工号\r\n" +
	"L1,2026-09-29 10:00:00,,非常满意,E1006\r\n" +
	"L2,2026-09-29 11:00:00,,非常满意,E1006\r\n"

// reopen adds the late survey export and publishes v2.
func reopen(t *testing.T, dir string, st *store.Dir) {
	t.Helper()
	late := filepath.Join(dir, "raw", "survey", "补录 回访 2026-09.csv")
	require.NoError(t, os.WriteFile(late, []byte(lateSurvey), 0o644))
	lt := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(late, lt, lt))
	sampletest.IngestAll(t, st)
	res, err := (&closejob.Job{Store: st, Now: sampletest.CloseTime}).Run(ctx, closejob.Request{Month: month.String(), Reopen: true})
	require.NoError(t, err)
	require.Equal(t, closejob.Published, res.Status)
	require.EqualValues(t, 2, res.Version)
}

func approve(t *testing.T, st approval.Store, v int32, by string) approval.Approval {
	t.Helper()
	a, status, err := approval.Approve(ctx, st, month, v, by, "checked against the team sheets", at)
	require.NoError(t, err)
	require.Equal(t, approval.Approved, status)
	return a
}

// alter flips one byte of an object in the directory store.
func alter(t *testing.T, dir, key string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(key))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b[len(b)/2] ^= 1
	require.NoError(t, os.WriteFile(p, b, 0o644))
}

func remove(t *testing.T, dir, key string) {
	t.Helper()
	require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(key))))
}

// requireProblem checks err is an *approval.Error naming key.
func requireProblem(t *testing.T, err error, key string) *approval.Error {
	t.Helper()
	var ae *approval.Error
	require.ErrorAs(t, err, &ae)
	require.Contains(t, ae.Keys(), key, "error: %v", err)
	require.Contains(t, err.Error(), key)
	return ae
}

func TestVerify(t *testing.T) {
	csv := bucket.PayrollCSV(month, 1)
	manifest := bucket.Manifest(month, 1)
	akey := bucket.Approval(month, 1)
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, dir string, st *store.Dir)
		version int32
		policy  string
		wantErr string // key the error must name; "" = verifies
		wantV   int32
	}{
		{name: "approved verifies", setup: func(t *testing.T, dir string, st *store.Dir) { approve(t, st, 1, "li.na") }, wantV: 1},
		{name: "approved verifies by version", version: 1, setup: func(t *testing.T, dir string, st *store.Dir) { approve(t, st, 1, "li.na") }, wantV: 1},
		{name: "CSV altered", wantErr: csv, setup: func(t *testing.T, dir string, st *store.Dir) {
			approve(t, st, 1, "li.na")
			alter(t, dir, csv)
		}},
		{name: "scorecards deleted", wantErr: bucket.ScorecardFile(bucket.ScorecardEmployees, month, 1), setup: func(t *testing.T, dir string, st *store.Dir) {
			approve(t, st, 1, "li.na")
			remove(t, dir, bucket.ScorecardFile(bucket.ScorecardEmployees, month, 1))
		}},
		{name: "manifest deleted", wantErr: manifest, setup: func(t *testing.T, dir string, st *store.Dir) {
			approve(t, st, 1, "li.na")
			remove(t, dir, manifest)
		}},
		{name: "manifest altered", wantErr: manifest, setup: func(t *testing.T, dir string, st *store.Dir) {
			approve(t, st, 1, "li.na")
			// Still valid JSON and checksums: only the approval's
			// manifest_sha256 can tell.
			b := sampletest.Read(t, st, manifest)
			require.NoError(t, objects.Put(ctx, st, manifest, append(bytes.TrimRight(b, "\n"), ' ', '\n')))
		}},
		{name: "approval for other manifest bytes", wantErr: manifest, setup: func(t *testing.T, dir string, st *store.Dir) {
			a := approval.Approval{Month: month.String(), Version: 1, ManifestSHA256: strings.Repeat("ab", 32), ApprovedBy: "mallory", ApprovedAt: at}
			b, err := a.Marshal()
			require.NoError(t, err)
			require.NoError(t, objects.Put(ctx, st, akey, b))
		}},
		{name: "not approved", wantErr: bucket.PayrollMonth(month)},
		{name: "not approved by version", version: 1, wantErr: akey},
		{name: "nothing published", wantErr: bucket.PayrollMonth(month), setup: func(t *testing.T, dir string, st *store.Dir) {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, filepath.FromSlash(bucket.PayrollMonth(month)))))
		}},
		{name: "policy none trusts a published version", policy: approval.PolicyNone, wantV: 1},
		{name: "policy none still checks checksums", policy: approval.PolicyNone, wantErr: csv, setup: func(t *testing.T, dir string, st *store.Dir) {
			alter(t, dir, csv)
		}},
		{name: "policy none checks an approval that is there", policy: approval.PolicyNone, wantErr: manifest, setup: func(t *testing.T, dir string, st *store.Dir) {
			approve(t, st, 1, "li.na")
			b := sampletest.Read(t, st, manifest)
			require.NoError(t, objects.Put(ctx, st, manifest, append(b, '\n')))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, st := published(t)
			if tc.setup != nil {
				tc.setup(t, dir, st)
			}
			got, err := approval.Verify(ctx, st, month, tc.version, tc.policy)
			if tc.wantErr != "" {
				requireProblem(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.wantV, got.Version)
			require.Equal(t, bucket.PayrollCSV(month, tc.wantV), got.CSVKey)
			require.Contains(t, got.Checked, csv)
			require.Contains(t, got.Checked, manifest)
			require.Equal(t, manifest, got.Checked[0])
			if tc.policy != approval.PolicyNone {
				require.NotNil(t, got.Approval)
				require.Equal(t, "li.na", got.Approval.ApprovedBy)
				require.Contains(t, got.Checked, akey)
			}
		})
	}
}

func TestVerifyRejectsUnknownPolicy(t *testing.T) {
	_, st := sampletest.Store(t)
	_, err := approval.Verify(ctx, st, month, 0, "sometimes")
	require.ErrorContains(t, err, `approval policy "sometimes"`)
}

func TestApprove(t *testing.T) {
	t.Run("writes approval.json", func(t *testing.T) {
		_, st := published(t)
		a := approve(t, st, 1, " li.na ")
		require.Equal(t, "li.na", a.ApprovedBy)
		require.Equal(t, at.UTC(), a.ApprovedAt)
		got, err := approval.Parse(sampletest.Read(t, st, bucket.Approval(month, 1)))
		require.NoError(t, err)
		require.Equal(t, a, *got)
		m := sampletest.Read(t, st, bucket.Manifest(month, 1))
		require.Equal(t, sha(m), got.ManifestSHA256)
		require.Equal(t, "2026-09", got.Month)
		require.EqualValues(t, 1, got.Version)
		require.Equal(t, "checked against the team sheets", got.Note)
		require.Contains(t, string(sampletest.Read(t, st, bucket.Approval(month, 1))), `"approved_at": "2026-10-03T02:30:00Z"`)
	})

	t.Run("twice is a no-op that says so", func(t *testing.T) {
		_, st := published(t)
		first := approve(t, st, 1, "li.na")
		before := sampletest.Snapshot(t, st)
		again, status, err := approval.Approve(ctx, st, month, 1, "wang.wei", "second look", at.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, approval.AlreadyApproved, status)
		require.Equal(t, first, again, "the first approval stands")
		require.Equal(t, before, sampletest.Snapshot(t, st))
	})

	t.Run("two approvers racing write one approval", func(t *testing.T) {
		_, st := published(t)
		const n = 8
		var wg sync.WaitGroup
		got := make([]approval.Approval, n)
		statuses := make([]string, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], statuses[i], errs[i] = approval.Approve(ctx, st, month, 1, "approver-"+string(rune('a'+i)), "", at)
			}()
		}
		wg.Wait()
		approved := 0
		for i := range n {
			require.NoError(t, errs[i])
			if statuses[i] == approval.Approved {
				approved++
			} else {
				require.Equal(t, approval.AlreadyApproved, statuses[i])
			}
		}
		require.Equal(t, 1, approved)
		standing, err := approval.Parse(sampletest.Read(t, st, bucket.Approval(month, 1)))
		require.NoError(t, err)
		for i := range n {
			require.Equal(t, *standing, got[i], "caller %d is told which approval stands", i)
		}
		var files int
		for k := range sampletest.Snapshot(t, st) {
			if strings.HasSuffix(k, bucket.ApprovalName) {
				files++
			}
		}
		require.Equal(t, 1, files)
	})

	refusals := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		version int32
		by      string
		wantKey string
		wantErr error
	}{
		{name: "CSV altered", version: 1, by: "li.na", wantKey: bucket.PayrollCSV(month, 1),
			setup: func(t *testing.T, dir string) { alter(t, dir, bucket.PayrollCSV(month, 1)) }},
		{name: "Parquet missing", version: 1, by: "li.na", wantKey: bucket.PayrollParquet(month, 1),
			setup: func(t *testing.T, dir string) { remove(t, dir, bucket.PayrollParquet(month, 1)) }},
		{name: "manifest missing", version: 1, by: "li.na", wantKey: bucket.Manifest(month, 1),
			setup: func(t *testing.T, dir string) { remove(t, dir, bucket.Manifest(month, 1)) }},
		{name: "version never published", version: 7, by: "li.na", wantKey: bucket.Manifest(month, 7)},
		{name: "no approver", version: 1, by: "  ", wantErr: approval.ErrNoApprover},
	}
	for _, tc := range refusals {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			t.Parallel()
			dir, st := published(t)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			_, status, err := approval.Approve(ctx, st, month, tc.version, tc.by, "", at)
			require.Empty(t, status)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				requireProblem(t, err, tc.wantKey)
			}
			data, rerr := objects.ReadOptional(ctx, st, bucket.Approval(month, tc.version))
			require.NoError(t, rerr)
			require.Nil(t, data, "no approval.json is written")
		})
	}
}

// TestVerifyPicksNewestApproved: v2 published by a reopen but not approved,
// v1 approved: payroll takes v1 and is told v2 awaits approval; once v2 is
// approved, v2.
func TestVerifyPicksNewestApproved(t *testing.T) {
	dir, st := published(t)
	approve(t, st, 1, "li.na")
	reopen(t, dir, st)

	got, err := approval.Verify(ctx, st, month, 0, "")
	require.NoError(t, err)
	require.EqualValues(t, 1, got.Version)
	require.Equal(t, bucket.PayrollCSV(month, 1), got.CSVKey)
	require.Equal(t, []int32{2}, got.Awaiting)

	_, err = approval.Verify(ctx, st, month, 2, "")
	requireProblem(t, err, bucket.Approval(month, 2))

	none, err := approval.Verify(ctx, st, month, 0, approval.PolicyNone)
	require.NoError(t, err)
	require.EqualValues(t, 2, none.Version, "with approval none the newest complete version")
	require.Nil(t, none.Approval)

	approve(t, st, 2, "wang.wei")
	got, err = approval.Verify(ctx, st, month, 0, "")
	require.NoError(t, err)
	require.EqualValues(t, 2, got.Version)
	require.Empty(t, got.Awaiting)
	require.Equal(t, "wang.wei", got.Approval.ApprovedBy)
}

func TestErrorUnwrapsNotExist(t *testing.T) {
	dir, st := published(t)
	approve(t, st, 1, "li.na")
	remove(t, dir, bucket.PayrollCSV(month, 1))
	_, err := approval.Verify(ctx, st, month, 0, "")
	requireProblem(t, err, bucket.PayrollCSV(month, 1))
	require.True(t, errors.Is(err, store.ErrNotExist), "%v", err)
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestPolicySetting(t *testing.T) {
	_, st := sampletest.Store(t)
	got, err := approval.PolicySetting(ctx, st)
	require.NoError(t, err)
	require.Equal(t, approval.PolicyRequired, got, "the embedded default")
	require.NoError(t, objects.Put(ctx, st, bucket.PolicyKey, []byte("approval: sometimes\n")))
	_, err = approval.PolicySetting(ctx, st)
	require.ErrorContains(t, err, bucket.PolicyKey)
}
