package policy

import (
	"strings"
	"testing"
)

func TestTimezone(t *testing.T) {
	for _, tc := range []struct {
		name, data, want, err string
	}{
		{"absent", "", "Asia/Shanghai", ""},
		{"no key", "version: 2\n", "Asia/Shanghai", ""},
		{"valid", "timezone: Asia/Tokyo\nkpis: []\n", "Asia/Tokyo", ""},
		{"invalid elsewhere", "timezone: Europe/Berlin\nbands: nonsense\nkpis: 7\n", "Europe/Berlin", ""},
		{"broken YAML", "timezone: \"America/New_York\"  # ours\nbands: [[[\n", "America/New_York", ""},
		{"unknown zone", "timezone: Mars/Olympus\n", "Asia/Shanghai", "Mars/Olympus"},
		{"broken, no readable line", "  timezone: [\n", "Asia/Shanghai", "not valid YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := Timezone([]byte(tc.data))
			if loc == nil || loc.String() != tc.want {
				t.Errorf("Timezone = %v, want %s", loc, tc.want)
			}
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
}

func TestReadiness(t *testing.T) {
	base := string(DefaultYAML())
	d := Default().Readiness
	if !d.Requires(RequireTickets) || !d.Requires(RequireSurveys) || !d.Requires(RequireRoster) || d.Requires(RequireEvaluations) || d.MaxIngestLag.String() != "1h0m0s" {
		t.Fatalf("default readiness %+v", d)
	}
	for _, tc := range []struct {
		name, yaml, err string
		require         []string
		lag             string
	}{
		{"none required", "readiness:\n  require: []\n  max_ingest_lag: 30m\n", "", nil, "30m0s"},
		{"evaluations too", "readiness:\n  require: [tickets, evaluations]\n", "", []string{"tickets", "evaluations"}, "1h0m0s"},
		{"unknown input", "readiness:\n  require: [tickets, invoices]\n", "readiness.require[1]", nil, ""},
		{"twice", "readiness:\n  require: [roster, roster]\n", "readiness.require[1]", nil, ""},
		{"bad lag", "readiness:\n  max_ingest_lag: soon\n", "readiness.max_ingest_lag", nil, ""},
		{"negative lag", "readiness:\n  max_ingest_lag: -5m\n", "readiness.max_ingest_lag", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse([]byte(base + "\n" + tc.yaml))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one naming %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(p.Readiness.Require, ",") != strings.Join(tc.require, ",") || p.Readiness.MaxIngestLag.String() != tc.lag {
				t.Errorf("readiness %+v", p.Readiness)
			}
		})
	}
}
