package payroll

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// testVersion is a published version: its files and its manifest.
func testVersion(t *testing.T) (map[string][]byte, *Manifest) {
	t.Helper()
	rows := sampleRows()
	var csvBuf, pqBuf bytes.Buffer
	require.NoError(t, WriteCSV(&csvBuf, rows))
	require.NoError(t, WriteParquet(&pqBuf, rows))
	files := map[string][]byte{
		"payroll/month=2026-09/v2/salary_multipliers.parquet": pqBuf.Bytes(),
		"payroll/month=2026-09/v2/salary_multipliers.csv":     csvBuf.Bytes(),
	}
	policySHA := sha("policy.yaml")
	inputs := []InputObject{
		{Key: "normalized/tickets/month=2026-09/00aa.parquet", ETag: "e1", Rows: 120},
		{Key: "config/policy.yaml", ETag: "p1", Rows: 0},
		{Key: "normalized/surveys/month=2026-09/11bb.parquet", ETag: "e2", VersionID: "v7", Rows: 80},
	}
	prev := int32(1)
	m := &Manifest{
		Month:        "2026-09",
		Version:      2,
		Policy:       PolicyRef{ID: "default-2026", SHA256: policySHA, Variants: []string{"vip", "desk"}},
		Inputs:       inputs,
		InputsDigest: InputsDigest(policySHA, inputs),
		CodeVersion:  "v1.4.0 (abc123)",
		Previous:     &prev,
		Trigger:      "reopen",
		ScheduledFor: "2026-10-03T02:00:00+08:00",
	}
	for key, body := range files {
		m.Outputs = append(m.Outputs, OutputOf(key, body, int64(len(rows))))
	}
	return files, m
}

func opener(files map[string][]byte) func(context.Context, string) (io.ReadCloser, error) {
	return func(_ context.Context, key string) (io.ReadCloser, error) {
		b, ok := files[key]
		if !ok {
			return nil, fmt.Errorf("opening %s: %w", key, fs.ErrNotExist)
		}
		return io.NopCloser(bytes.NewReader(b)), nil
	}
}

func TestManifestRoundTrip(t *testing.T) {
	_, m := testVersion(t)
	b, err := m.Marshal()
	require.NoError(t, err)
	assert.True(t, bytes.HasSuffix(b, []byte("}\n")))
	assert.Contains(t, string(b), "\n  \"month\": \"2026-09\",\n", "indented")
	assert.Contains(t, string(b), `"previous_version": 1`)
	assert.Contains(t, string(b), `"scheduled_for": "2026-10-03T02:00:00+08:00"`)

	got, err := ParseManifest(b)
	require.NoError(t, err)
	assert.Equal(t, "2026-09", got.Month)
	assert.Equal(t, int32(2), got.Version)
	assert.Equal(t, []string{"desk", "vip"}, got.Policy.Variants, "sorted")
	assert.Equal(t, []string{"config/policy.yaml", "normalized/surveys/month=2026-09/11bb.parquet", "normalized/tickets/month=2026-09/00aa.parquet"},
		[]string{got.Inputs[0].Key, got.Inputs[1].Key, got.Inputs[2].Key}, "inputs sorted by key")
	assert.Equal(t, "payroll/month=2026-09/v2/salary_multipliers.csv", got.Outputs[0].Key, "outputs sorted by key")
	assert.Equal(t, "v7", got.Inputs[1].VersionID)

	again, err := got.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again), "deterministic")

	assert.Equal(t, "normalized/tickets/month=2026-09/00aa.parquet", m.Inputs[0].Key, "Marshal does not reorder the caller's slices")
	assert.Equal(t, []string{"vip", "desk"}, m.Policy.Variants)

	// Optional fields are left out when empty.
	m.Previous, m.Trigger, m.ScheduledFor, m.Policy.Variants = nil, "", "", nil
	b, err = m.Marshal()
	require.NoError(t, err)
	for _, field := range []string{"previous_version", "trigger", "scheduled_for", "variants"} {
		assert.NotContains(t, string(b), field)
	}
}

func TestManifestNoInputs(t *testing.T) {
	_, m := testVersion(t)
	m.Inputs = nil
	m.InputsDigest = InputsDigest(m.Policy.SHA256, nil)
	b, err := m.Marshal()
	require.NoError(t, err)
	assert.Contains(t, string(b), `"inputs": []`)
	_, err = ParseManifest(b)
	require.NoError(t, err)
}

func TestManifestValidation(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(m *Manifest)
		wantErr string
	}{
		{"bad month", func(m *Manifest) { m.Month = "2026-9" }, `parsing month "2026-9"`},
		{"version zero", func(m *Manifest) { m.Version = 0 }, "version 0, want >= 1"},
		{"previous not below", func(m *Manifest) { p := int32(2); m.Previous = &p }, "previous_version 2, want 1-1"},
		{"no policy id", func(m *Manifest) { m.Policy.ID = "" }, "policy.id is empty"},
		{"policy sha not hex", func(m *Manifest) { m.Policy.SHA256 = "XYZ" }, `policy.sha256 "XYZ"`},
		{"digest does not match", func(m *Manifest) { m.Inputs[0].ETag = "changed" }, "inputs_digest"},
		{"duplicate input", func(m *Manifest) {
			m.Inputs = append(m.Inputs, m.Inputs[0])
			m.InputsDigest = InputsDigest(m.Policy.SHA256, m.Inputs)
		}, "listed twice"},
		{"negative input rows", func(m *Manifest) { m.Inputs[0].Rows = -1 }, "rows -1"},
		{"no outputs", func(m *Manifest) { m.Outputs = nil }, "no outputs"},
		{"output sha upper case", func(m *Manifest) { m.Outputs[0].SHA256 = strings.ToUpper(m.Outputs[0].SHA256) }, "is not a lower-case hex SHA-256"},
		{"duplicate output", func(m *Manifest) { m.Outputs = append(m.Outputs, m.Outputs[0]) }, "listed twice"},
		{"empty output key", func(m *Manifest) { m.Outputs[0].Key = "" }, "empty key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, m := testVersion(t)
			tt.edit(m)
			_, err := m.Marshal()
			assert.ErrorContains(t, err, tt.wantErr, "Marshal refuses it")

			// Bypass Marshal to check ParseManifest refuses it too.
			var buf bytes.Buffer
			require.NoError(t, jsonEncode(&buf, m))
			_, err = ParseManifest(buf.Bytes())
			assert.ErrorContains(t, err, tt.wantErr, "ParseManifest refuses it")
		})
	}
}

func TestParseManifestSyntax(t *testing.T) {
	_, m := testVersion(t)
	b, err := m.Marshal()
	require.NoError(t, err)
	for name, in := range map[string]string{
		"empty":     "",
		"truncated": string(b[:len(b)/2]),
		"trailing":  string(b) + "{}",
		"array":     "[]",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseManifest([]byte(in))
			assert.ErrorContains(t, err, "manifest")
		})
	}
	// Unknown fields from a newer release are ignored.
	withExtra := strings.Replace(string(b), `"month"`, `"future_field": {"x": 1}, "month"`, 1)
	_, err = ParseManifest([]byte(withExtra))
	assert.NoError(t, err)
}

func TestInputsDigest(t *testing.T) {
	a := []InputObject{{Key: "k1", ETag: "e1", Rows: 1}, {Key: "k2", ETag: "e2", Rows: 2}}
	base := InputsDigest("p", a)
	assert.Len(t, base, 64)
	assert.Equal(t, base, InputsDigest("p", []InputObject{a[1], a[0]}), "order does not matter")
	assert.Equal(t, base, InputsDigest("p", []InputObject{{Key: "k1", ETag: "e1", Rows: 99}, {Key: "k2", ETag: "e2", VersionID: "v"}}), "rows and version ids do not count")
	assert.Equal(t, "k1", a[0].Key, "inputs not reordered")

	differ := map[string]string{
		"policy":      InputsDigest("q", a),
		"etag":        InputsDigest("p", []InputObject{{Key: "k1", ETag: "e1x"}, {Key: "k2", ETag: "e2"}}),
		"key":         InputsDigest("p", []InputObject{{Key: "k1", ETag: "e1"}, {Key: "k3", ETag: "e2"}}),
		"added":       InputsDigest("p", append(append([]InputObject(nil), a...), InputObject{Key: "k3", ETag: "e3"})),
		"removed":     InputsDigest("p", a[:1]),
		"none":        InputsDigest("p", nil),
		"boundary":    InputsDigest("p", []InputObject{{Key: "k1e", ETag: "1"}, {Key: "k2", ETag: "e2"}}),
		"policy+key":  InputsDigest("pk1", []InputObject{{Key: "", ETag: "e1"}, {Key: "k2", ETag: "e2"}}),
		"swap fields": InputsDigest("p", []InputObject{{Key: "e1", ETag: "k1"}, {Key: "k2", ETag: "e2"}}),
	}
	seen := map[string]string{base: "base"}
	for name, d := range differ {
		if other, dup := seen[d]; dup {
			t.Errorf("digest of %q equals digest of %q", name, other)
		}
		seen[d] = name
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	const csvKey = "payroll/month=2026-09/v2/salary_multipliers.csv"
	const pqKey = "payroll/month=2026-09/v2/salary_multipliers.parquet"
	tests := []struct {
		name     string
		edit     func(files map[string][]byte)
		wantErrs []string
		wantIs   []error
	}{
		{name: "intact"},
		{name: "changed byte", edit: func(f map[string][]byte) {
			b := bytes.Clone(f[csvKey])
			b[len(b)-3] ^= 1
			f[csvKey] = b
		}, wantErrs: []string{"verifying " + csvKey + ": content does not match the manifest: sha256"}, wantIs: []error{errMismatch}},
		{name: "truncated", edit: func(f map[string][]byte) { f[pqKey] = f[pqKey][:10] },
			wantErrs: []string{pqKey, "10 bytes, manifest says"}, wantIs: []error{errMismatch}},
		{name: "missing file", edit: func(f map[string][]byte) { delete(f, pqKey) },
			wantErrs: []string{"verifying " + pqKey}, wantIs: []error{fs.ErrNotExist}},
		{name: "both wrong: every failure reported", edit: func(f map[string][]byte) {
			delete(f, pqKey)
			f[csvKey] = append(bytes.Clone(f[csvKey]), '\n')
		}, wantErrs: []string{pqKey, csvKey}, wantIs: []error{fs.ErrNotExist, errMismatch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, m := testVersion(t)
			if tt.edit != nil {
				tt.edit(files)
			}
			err := Verify(ctx, m, opener(files))
			if len(tt.wantErrs) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, s := range tt.wantErrs {
				assert.Contains(t, err.Error(), s)
			}
			for _, target := range tt.wantIs {
				assert.ErrorIs(t, err, target)
			}
		})
	}
}

func TestVerifyRefusesInvalidManifestAndCancelledContext(t *testing.T) {
	files, m := testVersion(t)
	m.Outputs = nil
	assert.ErrorContains(t, Verify(context.Background(), m, opener(files)), "no outputs")

	files, m = testVersion(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Verify(ctx, m, opener(files))
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

// jsonEncode writes m as JSON without Marshal's validation.
func jsonEncode(w io.Writer, m *Manifest) error {
	return json.NewEncoder(w).Encode(m)
}
