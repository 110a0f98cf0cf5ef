// Package iamcheck turns the S3 permissions template.yaml grants each role
// into the IAM policy of a MinIO user, so that the roles can be tested
// against a real S3 policy engine rather than read (spec section 12). The
// template is the one source: nothing here repeats a prefix or an action.
//
// A role's policy is its own statements (an AWS::IAM::Role's inline
// Policies, or an AWS::IAM::ManagedPolicy's document) plus the statements
// of every bucket policy that apply to it: Principal "*" or naming its ARN,
// with conditions on aws:PrincipalArn (ArnEquals, ArnNotEquals, ...)
// evaluated for that ARN and then removed. MinIO has no bucket-policy
// principals for IAM users, so "deny everyone but the close role" becomes
// a Deny in every other user's policy. Only S3 actions on buckets under test
// are kept.
//
// A statement MinIO cannot express is left out and reported in
// Result.Dropped with the reason, never silently: a condition key MinIO's
// policy engine does not know (s3:if-none-match), and aws:SecureTransport,
// which would deny every request to a plain-HTTP test server.
package iamcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
)

// Statement is one statement of a rendered policy.
type Statement struct {
	Sid         string                         `json:"Sid,omitempty"`
	Effect      string                         `json:"Effect"`
	Action      []string                       `json:"Action"`
	Resource    []string                       `json:"Resource,omitempty"`
	NotResource []string                       `json:"NotResource,omitempty"`
	Condition   map[string]map[string][]string `json:"Condition,omitempty"`
}

// Policy is an IAM policy document as MinIO reads it.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Note names a template statement left out of a policy, and why.
type Note struct {
	// Source is where the statement is: Resource/PolicyName or
	// BucketPolicy resource.
	Source string
	Sid    string
	Reason string
}

func (n Note) String() string { return n.Source + "/" + n.Sid + ": " + n.Reason }

// Result is a subject's rendered policy and what was left out of it.
type Result struct {
	Subject Subject
	Policy  Policy
	// Dropped are S3 statements (or parts) that apply to the subject but
	// that MinIO cannot express; a test of the policy does not cover them.
	Dropped []Note
	// Skipped are statements outside what MinIO can test at all: not S3
	// (logs, queues, Athena, Glue) or on a bucket not under test.
	Skipped []Note
}

// JSON renders the policy.
func (r *Result) JSON() string {
	b, err := json.MarshalIndent(r.Policy, "", "  ")
	if err != nil {
		panic(err) // plain strings and slices
	}
	return string(b)
}

// Subject is a principal of the template: a role (or managed policy) with
// its own statements, or an external principal named by a parameter.
type Subject struct {
	// Name is the resource's logical id or the parameter's name.
	Name string
	// ARN is the principal's ARN under test.
	ARN string
	// own are the subject's identity-policy statements, resolved.
	own []sourced
}

type sourced struct {
	source string
	stmt   map[string]any
}

// Role is the subject of an AWS::IAM::Role (its inline Policies) or an
// AWS::IAM::ManagedPolicy (its PolicyDocument; the ARN is then a role the
// policy is attached to, named after the policy).
func (t *Template) Role(id string) (Subject, error) {
	res := lookup(t.resources, id)
	props := lookup(res, "Properties")
	s := Subject{Name: id, ARN: t.RoleARN(id)}
	var docs []sourced
	switch typ := scalarAt(res, "Type"); typ {
	case "AWS::IAM::Role":
		v, err := t.resolve(orEmpty(lookup(props, "Policies")))
		if err != nil {
			return s, fmt.Errorf("iamcheck: %s.Policies: %w", id, err)
		}
		list, _ := v.([]any)
		for _, p := range list {
			pm, _ := p.(map[string]any)
			name, _ := pm["PolicyName"].(string)
			docs = append(docs, sourced{source: id + "/" + name, stmt: asMap(pm["PolicyDocument"])})
		}
	case "AWS::IAM::ManagedPolicy":
		v, err := t.resolve(orEmpty(lookup(props, "PolicyDocument")))
		if err != nil {
			return s, fmt.Errorf("iamcheck: %s.PolicyDocument: %w", id, err)
		}
		docs = append(docs, sourced{source: id, stmt: asMap(v)})
	default:
		return s, fmt.Errorf("iamcheck: %s is %q, not an IAM role or managed policy", id, typ)
	}
	for _, d := range docs {
		for _, st := range asList(d.stmt["Statement"]) {
			s.own = append(s.own, sourced{source: d.source, stmt: asMap(st)})
		}
	}
	return s, nil
}

// Principal is the subject of a parameter holding an external principal's
// ARN (payroll, the approver): all it may do in the bucket, the bucket
// policy grants.
func (t *Template) Principal(param string) (Subject, error) {
	if lookup(t.parameters, param) == nil {
		return Subject{}, fmt.Errorf("iamcheck: no parameter %s", param)
	}
	v, err := t.ref(param)
	if err != nil {
		return Subject{}, err
	}
	arn, _ := v.(string)
	if arn == "" {
		return Subject{}, fmt.Errorf("iamcheck: parameter %s is empty", param)
	}
	return Subject{Name: param, ARN: arn}, nil
}

// Policy renders the MinIO policy of a subject.
func (t *Template) Policy(s Subject) (*Result, error) {
	r := &Result{Subject: s, Policy: Policy{Version: "2012-10-17"}}
	for _, o := range s.own {
		if err := t.add(r, o, "", false); err != nil {
			return nil, err
		}
	}
	for i := 0; i+1 < len(t.resources.Content); i += 2 {
		id, res := t.resources.Content[i].Value, t.resources.Content[i+1]
		if scalarAt(res, "Type") != "AWS::S3::BucketPolicy" {
			continue
		}
		v, err := t.resolve(orEmpty(lookup(lookup(res, "Properties"), "PolicyDocument")))
		if err != nil {
			return nil, fmt.Errorf("iamcheck: %s: %w", id, err)
		}
		for _, st := range asList(asMap(v)["Statement"]) {
			if err := t.add(r, sourced{source: id, stmt: asMap(st)}, "Bucket", true); err != nil {
				return nil, err
			}
		}
	}
	if len(r.Policy.Statement) == 0 {
		return nil, fmt.Errorf("iamcheck: %s has no S3 statement", s.Name)
	}
	return r, nil
}

// add translates one statement for r.Subject.
func (t *Template) add(r *Result, o sourced, sidPrefix string, bucketPolicy bool) error {
	st := o.stmt
	sid, _ := st["Sid"].(string)
	note := func(list *[]Note, format string, args ...any) {
		*list = append(*list, Note{Source: o.source, Sid: sid, Reason: fmt.Sprintf(format, args...)})
	}
	if bucketPolicy {
		if _, ok := st["NotPrincipal"]; ok {
			note(&r.Dropped, "NotPrincipal is not translated")
			return nil
		}
		if !principalNames(st["Principal"], r.Subject.ARN) {
			return nil // someone else's statement
		}
	}
	effect, _ := st["Effect"].(string)
	if effect != "Allow" && effect != "Deny" {
		return fmt.Errorf("iamcheck: %s/%s: Effect %q", o.source, sid, effect)
	}
	if _, ok := st["NotAction"]; ok {
		note(&r.Dropped, "NotAction is not translated")
		return nil
	}
	var actions []string
	for _, a := range strs(st["Action"]) {
		if !strings.HasPrefix(strings.ToLower(a), "s3:") {
			continue
		}
		if !minioAction(a) {
			note(&r.Dropped, "action %s: MinIO has no such action", a)
			continue
		}
		actions = append(actions, a)
	}
	if len(actions) == 0 {
		note(&r.Skipped, "not an S3 statement")
		return nil
	}
	out := Statement{Sid: sidPrefix + sid, Effect: effect, Action: actions}
	field := "Resource"
	if _, ok := st["NotResource"]; ok {
		field = "NotResource"
	}
	var resources []string
	for _, res := range strs(st[field]) {
		mapped, ok := t.mapResource(res)
		if !ok {
			note(&r.Skipped, "%s %s: not a bucket under test", field, res)
			continue
		}
		resources = append(resources, mapped)
	}
	if len(resources) == 0 {
		return nil
	}
	if field == "NotResource" {
		out.NotResource = resources
	} else {
		out.Resource = resources
	}
	cond, applies, why := translateConditions(asMap(st["Condition"]), r.Subject.ARN)
	if !applies {
		return nil
	}
	if why != "" {
		note(&r.Dropped, "%s", why)
		return nil
	}
	out.Condition = cond
	r.Policy.Statement = append(r.Policy.Statement, out)
	return nil
}

// mapResource maps an S3 ARN onto the bucket under test.
func (t *Template) mapResource(arn string) (string, bool) {
	prefix := "arn:" + t.env.partition() + ":s3:::"
	rest, ok := strings.CutPrefix(arn, prefix)
	if !ok {
		return "", false
	}
	bkt, key, hasKey := strings.Cut(rest, "/")
	name, ok := t.bucketNames[bkt]
	if !ok {
		return "", false
	}
	out := "arn:aws:s3:::" + name
	if hasKey {
		out += "/" + key
	}
	return out, true
}

// principalNames reports whether a bucket-policy Principal covers arn.
func principalNames(p any, arn string) bool {
	if s, ok := p.(string); ok {
		return s == "*"
	}
	m := asMap(p)
	for _, a := range strs(m["AWS"]) {
		if a == "*" || a == arn {
			return true
		}
	}
	return false
}

// principalKeys are the condition keys naming the caller, which a per-user
// policy evaluates once for its user.
var principalKeys = []string{"aws:principalarn", "aws:userid", "aws:username"}

// unsupportedReasons are condition keys MinIO knows but that cannot be
// kept in a test policy.
var unsupportedReasons = map[string]string{
	"aws:securetransport": "aws:SecureTransport: the test server is plain HTTP, so this would deny every request (TLS is not under test)",
}

// translateConditions evaluates the caller conditions for arn. applies is
// false when they exclude arn; why is set when a remaining condition
// cannot be expressed in MinIO.
func translateConditions(c map[string]any, arn string) (out map[string]map[string][]string, applies bool, why string) {
	ops := make([]string, 0, len(c))
	for op := range c {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		keys := asMap(c[op])
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			vals := strs(keys[k])
			lk := strings.ToLower(k)
			if slices.Contains(principalKeys, lk) {
				ok, err := evalStringOp(op, arn, vals)
				if err != nil {
					return nil, false, fmt.Sprintf("condition %s on %s: %v", op, k, err)
				}
				if !ok {
					return nil, false, ""
				}
				continue
			}
			if reason, bad := unsupportedReasons[lk]; bad {
				why = reason
				continue
			}
			if !minioConditionKey(lk) {
				why = fmt.Sprintf("condition key %s: MinIO's policy engine does not support it", k)
				continue
			}
			if !minioConditionOp(op) {
				why = fmt.Sprintf("condition operator %s: MinIO's policy engine does not support it", op)
				continue
			}
			if out == nil {
				out = map[string]map[string][]string{}
			}
			if out[op] == nil {
				out[op] = map[string][]string{}
			}
			out[op][k] = vals
		}
	}
	return out, true, why
}

// evalStringOp evaluates an ARN or string condition operator on one value.
func evalStringOp(op, v string, vals []string) (bool, error) {
	base, neg := op, false
	base = strings.TrimSuffix(base, "IfExists")
	if b, ok := strings.CutSuffix(base, "NotEquals"); ok {
		base, neg = b+"Equals", true
	} else if b, ok := strings.CutSuffix(base, "NotLike"); ok {
		base, neg = b+"Like", true
	}
	var match bool
	switch base {
	case "ArnEquals", "StringEquals":
		match = slices.Contains(vals, v)
	case "ArnLike", "StringLike":
		for _, p := range vals {
			if ok, _ := path.Match(strings.ReplaceAll(p, "/", "\x00"), strings.ReplaceAll(v, "/", "\x00")); ok {
				match = true
			}
		}
	case "StringEqualsIgnoreCase":
		for _, p := range vals {
			match = match || strings.EqualFold(p, v)
		}
	default:
		return false, fmt.Errorf("operator not evaluated")
	}
	return match != neg, nil
}

// minioConditionKey: the condition keys of MinIO's policy engine
// (github.com/minio/pkg/v3/policy/condition, AllSupportedKeys) that a
// template might use on S3.
func minioConditionKey(k string) bool {
	switch k {
	case "s3:prefix", "s3:delimiter", "s3:max-keys", "s3:versionid", "s3:signatureversion",
		"s3:authtype", "s3:x-amz-content-sha256", "s3:x-amz-server-side-encryption",
		"s3:x-amz-copy-source", "s3:x-amz-metadata-directive", "s3:x-amz-storage-class",
		"s3:locationconstraint", "s3:requestobjecttag", "s3:existingobjecttag",
		"aws:referer", "aws:sourceip", "aws:useragent", "aws:securetransport",
		"aws:currenttime", "aws:epochtime", "aws:principaltype":
		return true
	}
	return strings.HasPrefix(k, "s3:existingobjecttag/") || strings.HasPrefix(k, "s3:requestobjecttag/")
}

func minioConditionOp(op string) bool {
	switch strings.TrimSuffix(op, "IfExists") {
	case "StringEquals", "StringNotEquals", "StringLike", "StringNotLike",
		"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "Bool", "Null",
		"IpAddress", "NotIpAddress", "NumericEquals", "NumericNotEquals",
		"NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan",
		"NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan",
		"DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "BinaryEquals":
		return true
	}
	return false
}

// minioActions are the object and bucket actions of MinIO's policy engine
// (github.com/minio/pkg/v3/policy, action.go) a template might grant.
var minioActions = strings.Fields(`s3:* s3:AbortMultipartUpload s3:DeleteObject
	s3:DeleteObjectVersion s3:DeleteObjectTagging s3:DeleteObjectVersionTagging
	s3:GetBucketLocation s3:GetObject s3:GetObjectAttributes s3:GetObjectVersion
	s3:GetObjectVersionAttributes s3:GetObjectTagging s3:GetObjectVersionTagging
	s3:GetObjectRetention s3:GetObjectLegalHold s3:HeadBucket s3:ListBucket
	s3:ListBucketVersions s3:ListBucketMultipartUploads s3:ListMultipartUploadParts
	s3:ListAllMyBuckets s3:PutObject s3:PutObjectTagging s3:PutObjectVersionTagging
	s3:PutObjectRetention s3:PutObjectLegalHold s3:RestoreObject s3:GetBucketPolicy
	s3:PutBucketPolicy s3:DeleteBucketPolicy s3:GetBucketNotification
	s3:PutBucketNotification s3:GetBucketVersioning s3:PutBucketVersioning
	s3:GetLifecycleConfiguration s3:PutLifecycleConfiguration s3:CreateBucket s3:DeleteBucket`)

func minioAction(a string) bool {
	for _, m := range minioActions {
		if strings.EqualFold(m, a) {
			return true
		}
	}
	// Wildcards (s3:Get*) are matched by MinIO as patterns.
	return strings.Contains(a, "*")
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	}
	return []any{v}
}

// strs is a string or list of strings as a list.
func strs(v any) []string {
	var out []string
	for _, x := range asList(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// --- the scorecard stack's roles -----------------------------------------

// Role names the principals of template.yaml whose S3 access is tested.
type RoleSpec struct {
	// User is the MinIO user (and policy) name.
	User string
	// Resource is an IAM role or managed policy; Param a parameter naming
	// an external principal. One of the two.
	Resource, Param string
}

// Roles are the scorecard stack's S3 principals.
var Roles = []RoleSpec{
	{User: "ingest", Resource: "IngestRole"},
	{User: "close", Resource: "CloseRole"},
	{User: "readiness", Resource: "ReadinessRole"},
	{User: "approvefn", Resource: "ApproveRole"},
	{User: "analyst", Resource: "AnalystPolicy"},
	{User: "payroll", Param: "PayrollPrincipalArn"},
	{User: "approver", Param: "ApproverPrincipalArn"},
}

// TestEnv is the environment the stack's roles are tested in: the data
// bucket is bucket, and payroll and the approver are two roles of the
// account.
func TestEnv(bucket string) Env {
	return Env{
		Parameters: map[string]string{
			"PayrollPrincipalArn":  "arn:aws:iam::123456789012:role/payroll",
			"ApproverPrincipalArn": "arn:aws:iam::123456789012:role/approver",
		},
		Buckets: map[string]string{"DataBucket": bucket},
	}
}

// StackPolicies renders the MinIO policy of every role in Roles from the
// template at path, for the data bucket bucket, keyed by RoleSpec.User.
func StackPolicies(templatePath, bucket string) (map[string]*Result, error) {
	src, err := os.ReadFile(templatePath)
	if err != nil {
		return nil, err
	}
	t, err := Parse(src, TestEnv(bucket))
	if err != nil {
		return nil, err
	}
	out := map[string]*Result{}
	for _, rs := range Roles {
		var s Subject
		if rs.Resource != "" {
			s, err = t.Role(rs.Resource)
		} else {
			s, err = t.Principal(rs.Param)
		}
		if err != nil {
			return nil, err
		}
		if out[rs.User], err = t.Policy(s); err != nil {
			return nil, err
		}
	}
	return out, nil
}
