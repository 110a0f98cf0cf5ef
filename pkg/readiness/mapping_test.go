package readiness

import (
	"errors"
	"strings"
	"testing"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/policy"
)

// readWith is ready() with each report's source and the mapping digest it
// was read with (crm, survey, roster).
func readWith(crm, survey, roster string) []Raw {
	r := ready()
	for i, d := range []struct{ src, digest string }{{"crm", crm}, {"survey", survey}, {"roster", roster}} {
		r[i].Report.Source, r[i].Report.MappingSHA256 = d.src, d.digest
	}
	return r
}

// allRead are the keys of ready(): the close read all three.
var allRead = []string{"raw/crm/t.csv", "raw/survey/s.csv", "raw/roster/r.csv"}

// TestStaleMapping: an input of the month whose report recorded another
// digest of its source's config/mapping.yaml section than the current one
// fails the ingest check, naming it and saying to run scorecard ingest.
func TestStaleMapping(t *testing.T) {
	sep, err := calendar.ParseMonth("2026-09")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		raw     []Raw
		read    []string
		mapping map[string]string
		err     error
		stale   []string // the keys the ingest check names; nil: ready
		found   string
	}{
		{"no mapping, reports from before digests", readWith("", "", ""), allRead, nil, nil, nil, ""},
		{"no mapping, an empty map", readWith("", "", ""), allRead, map[string]string{}, nil, nil, ""},
		{"current", readWith("c1", "s1", ""), allRead, map[string]string{"crm": "c1", "survey": "s1"}, nil, nil, ""},
		{"crm section changed", readWith("c1", "s1", ""), allRead, map[string]string{"crm": "c2", "survey": "s1"},
			nil, []string{"raw/crm/t.csv"}, "1 export of the month read with other config/mapping.yaml settings than the current ones: raw/crm/t.csv; run scorecard ingest (mapping.yaml changed since these were read)"},
		{"a section added over old reports", readWith("", "", ""), allRead, map[string]string{"survey": "s1"},
			nil, []string{"raw/survey/s.csv"}, "raw/survey/s.csv; run scorecard ingest"},
		{"a section removed", readWith("c1", "s1", ""), allRead, map[string]string{"survey": "s1"}, nil, []string{"raw/crm/t.csv"}, "raw/crm/t.csv"},
		{"roster and survey changed", readWith("c1", "s1", "r1"), allRead, map[string]string{"crm": "c1", "survey": "s2", "roster": "r2"},
			nil, []string{"raw/roster/r.csv", "raw/survey/s.csv"}, "2 exports of the month read with other config/mapping.yaml settings than the current ones: raw/roster/r.csv, raw/survey/s.csv"},
		{"changed, but not an input of the month", readWith("c1", "s1", ""), allRead[1:], map[string]string{"crm": "c2", "survey": "s1"}, nil, nil, ""},
		{"a failed export does not block", append(readWith("c9", "", ""), Raw{Key: "raw/crm/bad.xlsx", ETag: "e", LastModified: at("2026-10-01 09:00"),
			Report: &ingestreport.Report{Status: ingestreport.StatusFailed, ETag: "e", Source: "crm"}}), append(allRead, "raw/crm/bad.xlsx"), map[string]string{"crm": "c9"}, nil, nil, ""},
		{"an unreadable mapping", readWith("", "", ""), allRead, nil, errors.New("parsing config/mapping.yaml: yaml: line 2: did not find expected key"),
			[]string{}, "parsing config/mapping.yaml: yaml: line 2: did not find expected key: fix it and run scorecard ingest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Evaluate(Input{Month: sep, Now: at("2026-10-03 02:00"), Location: cst, Settings: policy.Default().Readiness, Raw: tc.raw,
				CoveredThrough: at("2026-12-31 00:00"), Read: tc.read, Mapping: tc.mapping, MappingErr: tc.err})
			failed := r.Failed()
			if tc.stale == nil {
				if !r.Ready {
					t.Fatalf("not ready:\n%s", r.Summary())
				}
				return
			}
			if r.Ready || len(failed) != 1 || failed[0].Name != CheckIngest {
				t.Fatalf("failed %+v, want only ingest", failed)
			}
			if !strings.Contains(failed[0].Found, tc.found) {
				t.Errorf("found %q, want it to say %q", failed[0].Found, tc.found)
			}
			if strings.Join(failed[0].Keys, ",") != strings.Join(tc.stale, ",") {
				t.Errorf("keys %v, want %v", failed[0].Keys, tc.stale)
			}
		})
	}
}

// An export both re-uploaded and read with an old mapping is named once,
// as changed: its report says nothing of the current object.
func TestStaleMappingOfAChangedExport(t *testing.T) {
	sep, _ := calendar.ParseMonth("2026-09")
	raw := readWith("c1", "", "")
	raw[0].ETag = "a2"
	r := Evaluate(Input{Month: sep, Now: at("2026-10-03 02:00"), Location: cst, Settings: policy.Default().Readiness, Raw: raw,
		CoveredThrough: at("2026-12-31 00:00"), Read: allRead, Mapping: map[string]string{"crm": "c2"}})
	var ing Check
	for _, c := range r.Checks {
		if c.Name == CheckIngest {
			ing = c
		}
	}
	if ing.OK || strings.Join(ing.Keys, ",") != "raw/crm/t.csv" || strings.Contains(ing.Found, "mapping") {
		t.Errorf("ingest check %+v, want raw/crm/t.csv named once, as changed", ing)
	}
}
