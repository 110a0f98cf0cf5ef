package iamcheck_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/infra/iamcheck"
	"github.com/scorecard/scorecard/internal/miniotest"
)

// op is one request a role makes and whether the template allows it.
type op struct {
	user, verb, key string
	allowed         bool
}

func (o op) String() string {
	verdict := "denied"
	if o.allowed {
		verdict = "allowed"
	}
	return fmt.Sprintf("%s %s %s: %s", o.user, o.verb, o.key, verdict)
}

// seeded are the objects the bucket holds before the roles act, one per
// prefix of the layout (spec section 2).
var seeded = []string{
	"raw/crm/tickets.csv",
	"config/mapping.yaml",
	"config/policy.yaml",
	"normalized/tickets/month=2026-09/raw-crm-tickets.csv.parquet",
	"quarantine/raw/crm/tickets.csv.rejected.jsonl",
	"reports/ingest/raw/crm/tickets.csv.json",
	"scorecards/employees/month=2026-09/v1.parquet",
	"payroll/month=2026-09/v1/salary_multipliers.csv",
	"payroll/month=2026-09/v1/manifest.json",
	"reports/close/month=2026-09/v1.json",
	"reports/close/month=2026-09/v1.html",
	"reports/statements/month=2026-09/v1/E001.html",
	"scorecards/kpis/month=2026-09/v1.parquet",
	"scorecards/evidence/month=2026-09/v1.parquet",
	"scorecards/published/month=2026-09/v1.parquet",
	"normalized/roster/month=2026-09/raw-roster-r.csv.parquet",
	"normalized/roster_pay/month=2026-09/raw-roster-r.csv.parquet",
	"rankings/month=2026-09/v1.parquet",
}

// ops: every role's grants (allowed) and what it must not do (denied).
var ops = []op{
	// The ingest reads exports and config, writes and deletes its outputs.
	{"ingest", "get", "raw/crm/tickets.csv", true},
	{"ingest", "get", "config/mapping.yaml", true},
	{"ingest", "get", "reports/ingest/raw/crm/tickets.csv.json", true},
	{"ingest", "put", "normalized/tickets/month=2026-09/new.parquet", true},
	{"ingest", "delete", "normalized/tickets/month=2026-09/new.parquet", true},
	{"ingest", "put", "quarantine/raw/crm/new.csv.rejected.jsonl", true},
	{"ingest", "delete", "quarantine/raw/crm/new.csv.rejected.jsonl", true},
	{"ingest", "delete", "quarantine/raw/crm/tickets.csv.rejected.jsonl", true},
	{"ingest", "put", "reports/ingest/raw/crm/new.csv.json", true},
	{"ingest", "delete", "reports/ingest/raw/crm/new.csv.json", true},
	{"ingest", "list", "raw/", true},
	// ... the roster's pay apart (spec section 12), which it writes, never reads.
	{"ingest", "put", "normalized/roster_pay/month=2026-09/new.parquet", true},
	{"ingest", "delete", "normalized/roster_pay/month=2026-09/new.parquet", true},
	{"ingest", "get", "normalized/roster_pay/month=2026-09/raw-roster-r.csv.parquet", false},
	{"ingest", "put", "payroll/month=2026-09/v2/salary_multipliers.csv", false},
	{"ingest", "put", "payroll/month=2026-09/v1/approval.json", false},
	{"ingest", "get", "payroll/month=2026-09/v1/salary_multipliers.csv", false},
	{"ingest", "delete", "raw/crm/tickets.csv", false},
	{"ingest", "put", "raw/crm/forged.csv", false},
	{"ingest", "put", "scorecards/employees/month=2026-09/v2.parquet", false},
	{"ingest", "put", "reports/close/month=2026-09/v2.json", false},
	{"ingest", "put", "config/policy.yaml", false},

	// The close reads inputs and its own publications, publishes.
	{"close", "get", "normalized/tickets/month=2026-09/raw-crm-tickets.csv.parquet", true},
	{"close", "get", "config/mapping.yaml", true},
	{"close", "get", "reports/ingest/raw/crm/tickets.csv.json", true},
	{"close", "get", "payroll/month=2026-09/v1/manifest.json", true},
	{"close", "put", "scorecards/employees/month=2026-09/v2.parquet", true},
	{"close", "put", "scorecards/evidence/month=2026-09/v2.parquet", true},
	{"close", "put", "payroll/month=2026-09/v2/salary_multipliers.csv", true},
	{"close", "put", "scorecards/published/month=2026-09/v2.parquet", true},
	{"close", "put", "rankings/month=2026-09/v2.parquet", true},
	{"ingest", "put", "rankings/month=2026-09/v2.parquet", false},
	{"payroll", "get", "rankings/month=2026-09/v1.parquet", true}, // a manifest output: verify reads it
	{"analyst", "get", "rankings/month=2026-09/v1.parquet", true},
	{"analyst", "put", "rankings/month=2026-09/v9.parquet", false},
	{"close", "put", "payroll/month=2026-09/v2/manifest.json", true},
	{"close", "put", "reports/close/month=2026-09/v2.json", true},
	{"close", "put", "reports/statements/month=2026-09/v2/E001.html", true},
	{"close", "put", "payroll/month=2026-09/v1/approval.json", false},
	{"close", "put", "payroll/month=2026-09/v2/approval.json", false},
	{"close", "delete", "payroll/month=2026-09/v1/manifest.json", false},
	{"close", "delete", "scorecards/employees/month=2026-09/v1.parquet", false},
	{"close", "put", "reports/ingest/raw/crm/tickets.csv.json", false},
	{"close", "put", "normalized/tickets/month=2026-09/forged.parquet", false},
	{"close", "put", "raw/crm/forged.csv", false},
	{"close", "put", "config/policy.yaml", false},
	{"close", "get", "raw/crm/tickets.csv", false},
	// The close alone reads the roster's pay; it never writes it.
	{"close", "get", "normalized/roster_pay/month=2026-09/raw-roster-r.csv.parquet", true},
	{"close", "put", "normalized/roster_pay/month=2026-09/forged.parquet", false},
	{"close", "delete", "normalized/roster_pay/month=2026-09/raw-roster-r.csv.parquet", false},

	// The readiness check reads the close's inputs, lists raw/, and writes
	// its own reports only.
	{"readiness", "get", "normalized/tickets/month=2026-09/raw-crm-tickets.csv.parquet", true},
	{"readiness", "get", "config/mapping.yaml", true},
	{"readiness", "get", "reports/ingest/raw/crm/tickets.csv.json", true},
	{"readiness", "list", "raw/", true},
	{"readiness", "get", "normalized/roster/month=2026-09/raw-roster-r.csv.parquet", true},
	{"readiness", "get", "normalized/roster_pay/month=2026-09/raw-roster-r.csv.parquet", false},
	{"readiness", "list", "reports/ingest/", true},
	{"readiness", "put", "reports/readiness/month=2026-09/2026-09-25T01:00:00Z.json", true},
	{"readiness", "get", "raw/crm/tickets.csv", false},
	{"readiness", "get", "payroll/month=2026-09/v1/manifest.json", false},
	{"readiness", "get", "scorecards/employees/month=2026-09/v1.parquet", false},
	{"readiness", "put", "reports/close/month=2026-09/v2.json", false},
	{"readiness", "put", "reports/statements/month=2026-09/v2/E001.html", false},
	{"readiness", "put", "reports/ingest/raw/crm/tickets.csv.json", false},
	{"readiness", "put", "payroll/month=2026-09/v2/salary_multipliers.csv", false},
	{"readiness", "put", "payroll/month=2026-09/v2/approval.json", false},
	{"readiness", "put", "scorecards/employees/month=2026-09/v2.parquet", false},
	{"readiness", "put", "config/calendar/2027.json", false},
	{"readiness", "delete", "reports/readiness/month=2026-09/2026-09-25T01:00:00Z.json", false},

	// Payroll reads payroll/ and writes nothing.
	{"payroll", "get", "payroll/month=2026-09/v1/salary_multipliers.csv", true},
	{"payroll", "get", "payroll/month=2026-09/v1/manifest.json", true},
	{"payroll", "list", "payroll/month=2026-09/", true},
	{"payroll", "put", "payroll/month=2026-09/v2/salary_multipliers.csv", false},
	{"payroll", "put", "payroll/month=2026-09/v1/approval.json", false},
	{"payroll", "delete", "payroll/month=2026-09/v1/manifest.json", false},
	{"payroll", "put", "raw/crm/forged.csv", false},
	{"payroll", "get", "normalized/tickets/month=2026-09/raw-crm-tickets.csv.parquet", false},
	{"payroll", "get", "raw/crm/tickets.csv", false},
	{"payroll", "get", "scorecards/employees/month=2026-09/v1.parquet", true}, // verify checks the manifest's outputs
	{"payroll", "get", "scorecards/evidence/month=2026-09/v1.parquet", true},
	{"payroll", "get", "reports/statements/month=2026-09/v1/E001.html", true}, // the pages are outputs too
	{"payroll", "get", "reports/close/month=2026-09/v1.html", true},
	{"payroll", "get", "reports/close/month=2026-09/v1.json", false},
	{"payroll", "list", "raw/", false},
	{"payroll", "get", "normalized/roster_pay/month=2026-09/raw-roster-r.csv.parquet", false},

	// The approver reads payroll/ and writes approvals only.
	{"approver", "get", "payroll/month=2026-09/v1/manifest.json", true},
	{"approver", "get", "payroll/month=2026-09/v1/salary_multipliers.csv", true},
	{"approver", "get", "reports/statements/month=2026-09/v1/E001.html", true}, // it verifies every output
	{"approver", "get", "reports/close/month=2026-09/v1.html", true},
	{"approver", "get", "reports/close/month=2026-09/v1.json", false},
	{"approver", "put", "payroll/month=2026-09/v1/approval.json", true},
	{"approver", "delete", "payroll/month=2026-09/v1/approval.json", false},
	{"approver", "put", "payroll/month=2026-09/v1/salary_multipliers.csv.new", false},
	{"approver", "put", "payroll/month=2026-09/v3/salary_multipliers.csv", false},
	{"approver", "put", "payroll/month=2026-09/v3/manifest.json", false},
	{"approver", "put", "payroll/approval.json", false},
	{"approver", "put", "reports/close/month=2026-09/approval.json", false},
	{"approver", "put", "raw/crm/forged.csv", false},
	// ... and the scorecard files the manifest lists, to verify them.
	{"approver", "get", "scorecards/employees/month=2026-09/v1.parquet", true},
	{"approver", "get", "scorecards/evidence/month=2026-09/v1.parquet", true},
	{"approver", "get", "normalized/tickets/month=2026-09/raw-crm-tickets.csv.parquet", false},

	// The approve function reads what it verifies and writes approvals
	// only (v2: the approver above approved v1 already, and the write is
	// If-None-Match).
	{"approvefn", "get", "payroll/month=2026-09/v1/manifest.json", true},
	{"approvefn", "get", "payroll/month=2026-09/v1/salary_multipliers.csv", true},
	{"approvefn", "get", "scorecards/employees/month=2026-09/v1.parquet", true},
	{"approvefn", "get", "scorecards/kpis/month=2026-09/v1.parquet", true},
	{"approvefn", "get", "scorecards/evidence/month=2026-09/v1.parquet", true},
	{"approvefn", "get", "config/policy.yaml", true},
	{"approvefn", "list", "payroll/month=2026-09/", true},
	{"approvefn", "put", "payroll/month=2026-09/v2/approval.json", true},
	{"approvefn", "put", "payroll/month=2026-09/v1/salary_multipliers.csv", false},
	{"approvefn", "put", "payroll/month=2026-09/v3/salary_multipliers.csv", false},
	{"approvefn", "put", "payroll/month=2026-09/v3/manifest.json", false},
	{"approvefn", "put", "payroll/approval.json", false},
	{"approvefn", "put", "reports/close/month=2026-09/approval.json", false},
	{"approvefn", "put", "scorecards/employees/month=2026-09/v2.parquet", false},
	{"approvefn", "put", "raw/crm/forged.csv", false},
	{"approvefn", "delete", "payroll/month=2026-09/v1/approval.json", false},
	{"approvefn", "get", "config/mapping.yaml", false},
	{"approvefn", "get", "normalized/tickets/month=2026-09/raw-crm-tickets.csv.parquet", false},
	{"approvefn", "get", "raw/crm/tickets.csv", false},
	{"approvefn", "get", "reports/close/month=2026-09/v1.json", false},
	{"approvefn", "get", "reports/close/month=2026-09/v1.html", true}, // it verifies every output
	{"approvefn", "get", "reports/statements/month=2026-09/v1/E001.html", true},
	// ... and the close still cannot approve, now that v2 and v3 exist.
	{"close", "put", "payroll/month=2026-09/v3/approval.json", false},

	// Analysts read the tables, never pay, and write nothing here.
	{"analyst", "get", "normalized/tickets/month=2026-09/raw-crm-tickets.csv.parquet", true},
	{"analyst", "get", "scorecards/employees/month=2026-09/v1.parquet", true},
	{"analyst", "get", "scorecards/evidence/month=2026-09/v1.parquet", true},
	{"analyst", "list", "scorecards/", true},
	// The roster, without pay, is a table; its pay is not (spec section 12).
	{"analyst", "get", "normalized/roster/month=2026-09/raw-roster-r.csv.parquet", true},
	{"analyst", "get", "normalized/roster_pay/month=2026-09/raw-roster-r.csv.parquet", false},
	{"analyst", "put", "normalized/roster_pay/month=2026-09/forged.parquet", false},
	{"analyst", "get", "payroll/month=2026-09/v1/salary_multipliers.csv", false},
	{"analyst", "get", "payroll/month=2026-09/v1/manifest.json", false},
	// The latest_* views read published_versions.
	{"analyst", "get", "scorecards/published/month=2026-09/v1.parquet", true},
	{"analyst", "put", "scorecards/published/month=2026-09/v2.parquet", false},
	{"analyst", "get", "raw/crm/tickets.csv", false},
	{"analyst", "get", "quarantine/raw/crm/tickets.csv.rejected.jsonl", false},
	{"analyst", "put", "normalized/tickets/month=2026-09/forged.parquet", false},
	{"analyst", "put", "scorecards/employees/month=2026-09/v9.parquet", false},
}

// TestRolesOnMinIO gives each role of template.yaml a MinIO user with the
// policy generated from the template and checks, against MinIO's policy
// engine, every grant and every denial in ops.
func TestRolesOnMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	bkt := srv.NewBucket(t)
	policies, err := iamcheck.StackPolicies("../../template.yaml", bkt)
	require.NoError(t, err)
	root := srv.Client()
	ctx := context.Background()
	for _, k := range seeded {
		_, err := root.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bkt), Key: aws.String(k), Body: strings.NewReader(k)})
		require.NoError(t, err)
	}
	clients := map[string]*s3.Client{}
	for _, r := range iamcheck.Roles {
		res := policies[r.User]
		for _, d := range res.Dropped {
			t.Logf("%s: not expressible in MinIO, not tested: %s", r.User, d)
		}
		clients[r.User] = srv.AddUser(t, r.User, r.User+"-secret-key", res.JSON())
	}
	for _, o := range ops {
		err := do(ctx, clients[o.user], bkt, o)
		switch {
		case o.allowed && err != nil:
			t.Errorf("%v, but: %v", o, err)
		case !o.allowed && err == nil:
			t.Errorf("%v, but it succeeded", o)
		case !o.allowed && !accessDenied(err):
			t.Errorf("%v, but failed otherwise: %v", o, err)
		}
	}

	// Deletes do not leak through: what the denied deletes named is there.
	for _, o := range ops {
		if o.verb == "delete" && !o.allowed {
			_, err := root.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bkt), Key: aws.String(o.key)})
			require.NoError(t, err, "%v, yet %s is gone", o, o.key)
		}
	}
}

// do performs o; writes under payroll/ are conditional, as the close's and
// the approver's are.
func do(ctx context.Context, c *s3.Client, bkt string, o op) error {
	switch o.verb {
	case "get":
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bkt), Key: aws.String(o.key)})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		_, err = io.Copy(io.Discard, out.Body)
		return err
	case "put":
		in := &s3.PutObjectInput{Bucket: aws.String(bkt), Key: aws.String(o.key), Body: strings.NewReader(o.String())}
		if strings.HasPrefix(o.key, "payroll/") {
			in.IfNoneMatch = aws.String("*")
		}
		_, err := c.PutObject(ctx, in)
		return err
	case "delete":
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bkt), Key: aws.String(o.key)})
		return err
	case "list":
		_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bkt), Prefix: aws.String(o.key)})
		return err
	}
	return fmt.Errorf("unknown verb %q", o.verb)
}

func accessDenied(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "AccessDenied"
}
