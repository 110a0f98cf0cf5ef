// Package approval is the approver's sign-off on a published payroll version
// and the check payroll runs before paying from one (spec §8).
//
// A published version is a proposal until approved. Approve checks the
// version's manifest and the checksum of every file it lists, then writes
// payroll/month=M/v<N>/approval.json with If-None-Match: *: the month, the
// version, the SHA-256 of the manifest's bytes, the approver, a note and the
// time. The first approval stands: approving again (by anyone) is a no-op
// that says who approved and when, and of two approvers racing exactly one
// writes the file and both are told which approval stands. A version whose
// files do not verify is refused, naming the file.
//
// Verify is what payroll runs: it finds the newest approved version (or the
// one asked for), checks the approval's manifest SHA-256 against the
// manifest's bytes and every output's checksum, and returns the CSV's key.
// Under the policy setting "approval: none" a complete version (one with a
// manifest) is trusted without an approval.
//
// The package is pure over the small Store interface below: keys come from
// pkg/bucket, the manifest and its checks from pkg/payroll; the time of an
// approval is given, never read from a clock. No AWS.
package approval

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/store"
)

// Store is what approval calls on a store.
type Store interface {
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
	Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error)
	List(ctx context.Context, prefix string, fn func(store.Object) error) error
}

// What Approve did.
const (
	Approved        = "approved"         // this call wrote approval.json
	AlreadyApproved = "already_approved" // an approval stood already; it is returned
)

// Approval is payroll/month=M/v<N>/approval.json.
type Approval struct {
	Month   string `json:"month"`
	Version int32  `json:"version"`
	// ManifestSHA256 is the lower-case hex SHA-256 of manifest.json's bytes
	// as they were when approved.
	ManifestSHA256 string    `json:"manifest_sha256"`
	ApprovedBy     string    `json:"approved_by"`
	Note           string    `json:"note"`
	ApprovedAt     time.Time `json:"approved_at"`
}

// Marshal returns the approval as indented JSON ending in a newline.
func (a *Approval) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(a); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Parse parses approval.json and checks that it is complete.
func Parse(b []byte) (*Approval, error) {
	var a Approval
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("parsing approval: %w", err)
	}
	if dec.More() {
		return nil, errors.New("parsing approval: data after the JSON object")
	}
	switch {
	case a.Month == "" || a.Version < 1:
		return nil, fmt.Errorf("parsing approval: month %q, version %d", a.Month, a.Version)
	case len(a.ManifestSHA256) != 64:
		return nil, fmt.Errorf("parsing approval: manifest_sha256 %q is not a SHA-256", a.ManifestSHA256)
	case strings.TrimSpace(a.ApprovedBy) == "":
		return nil, errors.New("parsing approval: approved_by is empty")
	}
	return &a, nil
}

// Problem is one file of a version that cannot be trusted.
type Problem struct {
	// Key is the file: missing, altered or unreadable.
	Key string
	// What is wrong with it, for people.
	What string
	// Err is the underlying error, if any (store.ErrNotExist for a missing
	// file).
	Err error
}

func (p Problem) String() string { return p.Key + ": " + p.What }

// Error is a version that does not verify (or a month with no version to
// verify): every problem found, each naming its file.
type Error struct {
	Month calendar.Month
	// Version is the version checked, 0 when none qualified.
	Version  int32
	Problems []Problem
}

func (e *Error) Error() string {
	where := bucket.PayrollMonth(e.Month)
	if e.Version > 0 {
		where = bucket.PayrollVersion(e.Month, e.Version)
	}
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return where + " cannot be trusted: " + strings.Join(parts, "; ")
}

// Keys returns the files named by the problems.
func (e *Error) Keys() []string {
	keys := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		keys[i] = p.Key
	}
	return keys
}

// Unwrap returns the problems' underlying errors.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, p := range e.Problems {
		if p.Err != nil {
			errs = append(errs, p.Err)
		}
	}
	return errs
}

// ErrNoApprover refuses an approval without an approver's name.
var ErrNoApprover = errors.New("an approval needs the approver's name")

// Approve approves a published version: it reads the version's manifest,
// checks every output's checksum and writes approval.json once. The status
// is Approved when this call wrote it, AlreadyApproved when an approval
// stood already (this call's by and note are then dropped: the first
// approval stands and is returned). A version that does not verify is
// refused with an *Error naming the file, and nothing is written.
func Approve(ctx context.Context, s Store, month calendar.Month, version int32, by, note string, at time.Time) (Approval, string, error) {
	by = strings.TrimSpace(by)
	if by == "" {
		return Approval{}, "", ErrNoApprover
	}
	if version < 1 {
		return Approval{}, "", fmt.Errorf("approving %s: version %d, want 1 or more", month, version)
	}
	c, err := check(ctx, s, month, version)
	if err != nil {
		return Approval{}, "", err
	}
	if len(c.problems) > 0 {
		return Approval{}, "", &Error{Month: month, Version: version, Problems: c.problems}
	}
	a := Approval{
		Month: month.String(), Version: version, ManifestSHA256: c.manifestSHA256,
		ApprovedBy: by, Note: note, ApprovedAt: at.UTC().Truncate(time.Second),
	}
	data, err := a.Marshal()
	if err != nil {
		return Approval{}, "", fmt.Errorf("approving %s: %w", bucket.PayrollVersion(month, version), err)
	}
	key := bucket.Approval(month, version)
	_, err = s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), store.PutOptions{IfNoneMatch: true, ContentType: objects.ContentType(key)})
	if err == nil {
		return a, Approved, nil
	}
	if !errors.Is(err, store.ErrExists) {
		return Approval{}, "", fmt.Errorf("writing %s: %w", key, err)
	}
	standing, err := readApproval(ctx, s, key)
	if err != nil {
		return Approval{}, "", err
	}
	if standing.ManifestSHA256 != c.manifestSHA256 {
		return *standing, "", &Error{Month: month, Version: version, Problems: []Problem{{
			Key:  bucket.Manifest(month, version),
			What: fmt.Sprintf("changed since %s approved it at %s (sha256 %s, the approval says %s)", standing.ApprovedBy, standing.ApprovedAt.Format(time.RFC3339), c.manifestSHA256, standing.ManifestSHA256),
		}}}
	}
	return *standing, AlreadyApproved, nil
}

func readApproval(ctx context.Context, s Store, key string) (*Approval, error) {
	data, err := objects.ReadOptional(ctx, s, key)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, fmt.Errorf("reading %s: %w", key, store.ErrNotExist)
	}
	a, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	return a, nil
}

// checked is what check found of one version.
type checked struct {
	manifest       *payroll.Manifest
	manifestSHA256 string
	keys           []string // every file read, manifest first
	problems       []Problem
}

// check reads the manifest of a version and verifies every output it
// lists. Problems with the files are collected; the error is for the
// store failing otherwise (and the context).
func check(ctx context.Context, s Store, month calendar.Month, version int32) (*checked, error) {
	c := &checked{}
	key := bucket.Manifest(month, version)
	c.keys = append(c.keys, key)
	data, err := objects.ReadOptional(ctx, s, key)
	if err != nil {
		return nil, err
	}
	if data == nil {
		c.problems = append(c.problems, Problem{Key: key, What: "missing (the version is incomplete or was never published)", Err: store.ErrNotExist})
		return c, nil
	}
	sum := sha256.Sum256(data)
	c.manifestSHA256 = hex.EncodeToString(sum[:])
	m, err := payroll.ParseManifest(data)
	if err != nil {
		c.problems = append(c.problems, Problem{Key: key, What: err.Error(), Err: err})
		return c, nil
	}
	if m.Month != month.String() || m.Version != version {
		c.problems = append(c.problems, Problem{Key: key, What: fmt.Sprintf("is the manifest of %s v%d", m.Month, m.Version)})
		return c, nil
	}
	c.manifest = m
	open := func(ctx context.Context, key string) (io.ReadCloser, error) {
		rc, _, err := s.Get(ctx, key)
		return rc, err
	}
	csvKey := bucket.PayrollCSV(month, version)
	if !slices.ContainsFunc(m.Outputs, func(o payroll.OutputObject) bool { return o.Key == csvKey }) {
		c.problems = append(c.problems, Problem{Key: csvKey, What: "not listed in the manifest"})
	}
	for _, out := range m.Outputs {
		c.keys = append(c.keys, out.Key)
		// One output at a time, so that each failure is tied to its key.
		one := *m
		one.Outputs = []payroll.OutputObject{out}
		err := payroll.Verify(ctx, &one, open)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, store.ErrNotExist):
			c.problems = append(c.problems, Problem{Key: out.Key, What: "missing", Err: err})
		default:
			c.problems = append(c.problems, Problem{Key: out.Key, What: strings.TrimPrefix(err.Error(), "verifying "+out.Key+": "), Err: err})
		}
	}
	return c, nil
}

// Policy settings for Verify (policy.Policy.Approval).
const (
	PolicyRequired = policy.ApprovalRequired // payroll trusts approved versions only (the default)
	PolicyNone     = policy.ApprovalNone     // a complete version is trusted without approval
)

// Verified is a version payroll can pay from.
type Verified struct {
	Month   calendar.Month
	Version int32
	// CSVKey is the payroll table to take.
	CSVKey      string
	ManifestKey string
	// ManifestSHA256 is the SHA-256 of the manifest's bytes.
	ManifestSHA256 string
	// Approval is the version's approval; nil when the policy does not
	// require one and there is none.
	Approval *Approval
	// Checked is every file whose content was checked: the manifest, the
	// approval (when read) and each output.
	Checked []string
	// Awaiting are newer complete versions that have no approval yet.
	Awaiting []int32
}

// versionState is what a listing says of one version.
type versionState struct{ manifest, approval bool }

// Verify checks a version before payroll takes it. version 0 means the
// newest approved version (with policyApproval "none": the newest complete
// version); policyApproval is "required" (also for "") or "none". It checks
// that the approval's manifest_sha256 equals the SHA-256 of the manifest's
// bytes (under "none" only when there is an approval) and every output's
// checksum. Anything missing or altered is an *Error naming the file.
func Verify(ctx context.Context, s Store, month calendar.Month, version int32, policyApproval string) (Verified, error) {
	switch policyApproval {
	case "":
		policyApproval = PolicyRequired
	case PolicyRequired, PolicyNone:
	default:
		return Verified{}, fmt.Errorf("verifying %s: approval policy %q, want %s or %s", month, policyApproval, PolicyRequired, PolicyNone)
	}
	if version < 0 {
		return Verified{}, fmt.Errorf("verifying %s: version %d, want 1 or more (0 for the newest)", month, version)
	}
	required := policyApproval == PolicyRequired
	versions, err := list(ctx, s, month)
	if err != nil {
		return Verified{}, err
	}
	if version == 0 {
		for v, st := range versions {
			if v > version && (st.approval || !required && st.manifest) {
				version = v
			}
		}
		if version == 0 {
			what := "no published version"
			if required {
				what = "no approved version"
				if c := complete(versions, 0); len(c) > 0 {
					what += fmt.Sprintf(" (%s awaiting approval)", labels(c))
				}
			}
			return Verified{}, &Error{Month: month, Problems: []Problem{{Key: bucket.PayrollMonth(month), What: what, Err: store.ErrNotExist}}}
		}
	}
	res := Verified{
		Month: month, Version: version,
		CSVKey: bucket.PayrollCSV(month, version), ManifestKey: bucket.Manifest(month, version),
	}
	if required {
		for _, v := range complete(versions, version) {
			if !versions[v].approval {
				res.Awaiting = append(res.Awaiting, v)
			}
		}
	}
	c, err := check(ctx, s, month, version)
	if err != nil {
		return Verified{}, err
	}
	res.ManifestSHA256 = c.manifestSHA256
	problems := c.problems
	akey := bucket.Approval(month, version)
	if required || versions[version].approval {
		a, err := readApproval(ctx, s, akey)
		switch {
		case errors.Is(err, store.ErrNotExist):
			problems = append(problems, Problem{Key: akey, What: "missing: the version is not approved", Err: err})
		case err != nil && ctx.Err() != nil:
			return Verified{}, ctx.Err()
		case err != nil:
			problems = append(problems, Problem{Key: akey, What: strings.TrimPrefix(err.Error(), "reading "+akey+": "), Err: err})
		default:
			res.Approval = a
			res.Checked = append(res.Checked, akey)
			switch {
			case a.Month != month.String() || a.Version != version:
				problems = append(problems, Problem{Key: akey, What: fmt.Sprintf("is the approval of %s v%d", a.Month, a.Version)})
			case c.manifestSHA256 != "" && a.ManifestSHA256 != c.manifestSHA256:
				problems = append(problems, Problem{Key: res.ManifestKey,
					What: fmt.Sprintf("altered since it was approved: sha256 %s, %s says %s", c.manifestSHA256, bucket.ApprovalName, a.ManifestSHA256)})
			}
		}
	}
	if len(problems) > 0 {
		return res, &Error{Month: month, Version: version, Problems: problems}
	}
	res.Checked = append(c.keys[:1:1], append(res.Checked, c.keys[1:]...)...)
	return res, nil
}

// list reads which versions of month have a manifest and an approval.
func list(ctx context.Context, s Store, month calendar.Month) (map[int32]versionState, error) {
	prefix := bucket.PayrollMonth(month)
	versions := map[int32]versionState{}
	err := s.List(ctx, prefix, func(o store.Object) error {
		m, v, file, ok := bucket.ParsePayroll(o.Key)
		if !ok || m != month {
			return nil
		}
		st := versions[v]
		switch file {
		case bucket.ManifestName:
			st.manifest = true
		case bucket.ApprovalName:
			st.approval = true
		}
		versions[v] = st
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", prefix, err)
	}
	return versions, nil
}

// complete returns the versions above after that have a manifest, sorted.
func complete(versions map[int32]versionState, after int32) []int32 {
	var vs []int32
	for v, st := range versions {
		if v > after && st.manifest {
			vs = append(vs, v)
		}
	}
	slices.Sort(vs)
	return vs
}

func labels(vs []int32) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = bucket.VersionLabel(v)
	}
	return strings.Join(s, ", ")
}

// PolicySetting returns the approval setting of the store's policy
// (config/policy.yaml, or the embedded default when there is none). An
// invalid policy is an error: payroll should not guess.
func PolicySetting(ctx context.Context, s Store) (string, error) {
	data, err := objects.ReadOptional(ctx, s, bucket.PolicyKey)
	if err != nil {
		return "", err
	}
	if data == nil {
		return policy.Default().Approval, nil
	}
	p, err := policy.Parse(data)
	if err != nil {
		return "", fmt.Errorf("loading %s: %w", bucket.PolicyKey, err)
	}
	return p.Approval, nil
}
