package iamcheck_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/scorecard/scorecard/infra/iamcheck"
)

// TestDroppedStatements pins what MinIO cannot check: if the template
// gains a statement the translation cannot express, this fails until the
// statement is listed here (and in docs/deploy.md).
func TestDroppedStatements(t *testing.T) {
	policies, err := iamcheck.StackPolicies("../../template.yaml", "bkt")
	require.NoError(t, err)
	for _, r := range iamcheck.Roles {
		var sids []string
		for _, d := range policies[r.User].Dropped {
			sids = append(sids, d.Source+"/"+d.Sid)
		}
		require.Equal(t, []string{
			"DataBucketPolicy/DenyInsecureTransport",
			"DataBucketPolicy/PayrollWrittenOnlyWithIfNoneMatch",
			"DataBucketPolicy/PayrollIfNoneMatchIsStar",
		}, sids, r.User)
	}
}

// TestTranslation checks the resolved forms: !Sub of the bucket name onto
// the bucket under test, a role's ArnNotEquals exemption, a Principal's
// own Allow.
func TestTranslation(t *testing.T) {
	policies, err := iamcheck.StackPolicies("../../template.yaml", "bkt")
	require.NoError(t, err)
	ingest := policies["ingest"].JSON()
	require.Contains(t, ingest, `"arn:aws:s3:::bkt/raw/*"`)
	require.NotContains(t, ingest, "${")
	require.NotContains(t, ingest, "scorecard-data-")
	require.Contains(t, ingest, "BucketPublishedWrittenOnlyByClose")
	closePolicy := policies["close"].JSON()
	require.NotContains(t, closePolicy, "BucketPublishedWrittenOnlyByClose", "the close is exempt")
	approve := policies["approvefn"].JSON()
	require.NotContains(t, approve, "BucketApprovalsWrittenOnlyByApprover", "the approve function is exempt")
	require.NotContains(t, approve, "BucketPayrollReadableOnlyByPayrollCloseAndApprover", "it reads what it approves")
	require.Contains(t, approve, "WritesOnlyApprovals")
	require.Contains(t, policies["readiness"].JSON(), "BucketApprovalsWrittenOnlyByApprover")
	require.Contains(t, closePolicy, "BucketApprovalsWrittenOnlyByApprover")
	payroll := policies["payroll"].JSON()
	require.Contains(t, payroll, "BucketPayrollFetch")
	require.NotContains(t, payroll, "BucketPayrollReadableOnlyByPayrollCloseAndApprover", "payroll is exempt")
	require.NotContains(t, payroll, "BucketApproverFetch", "the approver's Allow")
	require.NotContains(t, ingest, "PayrollFetch", "someone else's Allow")
	for _, r := range policies {
		require.NotContains(t, r.JSON(), "PrincipalArn", "conditions on the caller are evaluated away")
	}
}

// TestWithoutApprover: with ApproverPrincipalArn empty (its default), no
// one may write an approval, not even the close or the approve function.
func TestWithoutApprover(t *testing.T) {
	src, err := os.ReadFile("../../template.yaml")
	require.NoError(t, err)
	env := iamcheck.TestEnv("bkt")
	delete(env.Parameters, "ApproverPrincipalArn")
	tpl, err := iamcheck.Parse(src, env)
	require.NoError(t, err)
	_, err = tpl.Principal("ApproverPrincipalArn")
	require.ErrorContains(t, err, "empty")
	for _, role := range []string{"CloseRole", "IngestRole", "ReadinessRole", "ApproveRole"} {
		s, err := tpl.Role(role)
		require.NoError(t, err)
		r, err := tpl.Policy(s)
		require.NoError(t, err)
		i := slices.IndexFunc(r.Policy.Statement, func(st iamcheck.Statement) bool {
			return st.Sid == "BucketApprovalsWrittenOnlyByApprover"
		})
		require.GreaterOrEqual(t, i, 0, role)
		st := r.Policy.Statement[i]
		require.Equal(t, "Deny", st.Effect)
		require.Empty(t, st.Condition, "denies everyone")
		require.True(t, strings.HasSuffix(st.Resource[0], "/approval.json"))
	}
	// The payroll read exemption still names payroll (twice) and the close.
	p, err := tpl.Principal("PayrollPrincipalArn")
	require.NoError(t, err)
	r, err := tpl.Policy(p)
	require.NoError(t, err)
	require.NotContains(t, r.JSON(), "BucketPayrollReadableOnlyByPayrollCloseAndApprover")
}

// TestPayrollIfNoneMatchConditions: MinIO does not know s3:if-none-match
// (TestDroppedStatements), so the two statements that refuse an
// unconditional write under payroll/ are checked as written: a Deny of
// s3:PutObject on payroll/* when the key is absent ("Null": "true") and when
// it is anything but "*" (StringNotEquals), the key spelled as S3 defines it.
func TestPayrollIfNoneMatchConditions(t *testing.T) {
	src, err := os.ReadFile("../../template.yaml")
	require.NoError(t, err)
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal(src, &root))
	res := lookupNode(&root, "Resources")
	require.NotNil(t, res)
	pol := lookupNode(res, "DataBucketPolicy")
	require.NotNil(t, pol)
	stmts := lookupNode(lookupNode(lookupNode(pol, "Properties"), "PolicyDocument"), "Statement")
	require.NotNil(t, stmts)
	want := map[string][2]string{
		"PayrollWrittenOnlyWithIfNoneMatch": {"Null", "true"},
		"PayrollIfNoneMatchIsStar":          {"StringNotEquals", "*"},
	}
	found := 0
	for _, st := range stmts.Content {
		sid := lookupNode(st, "Sid")
		if sid == nil {
			continue
		}
		w, ok := want[sid.Value]
		if !ok {
			continue
		}
		found++
		require.Equal(t, "Deny", lookupNode(st, "Effect").Value, sid.Value)
		require.Equal(t, "s3:PutObject", lookupNode(st, "Action").Value, sid.Value)
		require.Contains(t, lookupNode(st, "Resource").Value, "/payroll/*", sid.Value)
		cond := lookupNode(st, "Condition")
		require.NotNil(t, cond, sid.Value)
		require.Len(t, cond.Content, 2, "%s: one operator", sid.Value)
		require.Equal(t, w[0], cond.Content[0].Value, sid.Value)
		keys := cond.Content[1]
		require.Len(t, keys.Content, 2, "%s: one key", sid.Value)
		require.Equal(t, "s3:if-none-match", keys.Content[0].Value, sid.Value)
		require.Equal(t, w[1], keys.Content[1].Value, sid.Value)
	}
	require.Equal(t, len(want), found, "statements %v", want)
}

func lookupNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
