package mappingdigest

import (
	"testing"
)

const base = `# the sample
crm:
  ticket_id: [Ticket ID, Case]
  date_order: DMY
  values:
    status: {Waiting: open, Done: resolved}
survey:
  comment: ["您的意见和建议"]
`

func TestSections(t *testing.T) {
	want, err := Sections([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 2 || len(want["crm"]) != 64 || len(want["survey"]) != 64 || want["crm"] == want["survey"] {
		t.Fatalf("digests %v", want)
	}
	for _, tc := range []struct {
		name string
		yaml string
		// same and changed say which sources keep base's digest and which
		// get another one; absent lists sections with no digest.
		same, changed, absent []string
	}{
		{"re-indented, re-ordered, commented", `survey:
    comment:
      - 您的意见和建议   # a comment
crm:
    values:
        status:
            Done: resolved
            Waiting: open
    date_order: "DMY"
    ticket_id: ["Ticket ID", 'Case']
`, []string{"crm", "survey"}, nil, nil},
		{"anchors resolved", "x: &ids [Ticket ID, Case]\ncrm:\n  ticket_id: *ids\n  date_order: DMY\n  values: {status: {Waiting: open, Done: resolved}}\nsurvey: {comment: [您的意见和建议]}\n",
			[]string{"crm", "survey"}, nil, nil},
		{"one crm setting changed", `crm:
  ticket_id: [Ticket ID, Case]
  date_order: MDY
  values:
    status: {Waiting: open, Done: resolved}
survey:
  comment: ["您的意见和建议"]
`, []string{"survey"}, []string{"crm"}, nil},
		{"list order counts", `crm:
  ticket_id: [Case, Ticket ID]
  date_order: DMY
  values:
    status: {Waiting: open, Done: resolved}
survey:
  comment: ["您的意见和建议"]
`, []string{"survey"}, []string{"crm"}, nil},
		{"a section removed, another emptied", "crm:\nsurvey: {}\nroster: []\n", nil, nil, []string{"crm", "survey", "roster"}},
		{"empty file", "", nil, nil, []string{"crm", "survey"}},
		{"only comments", "# nothing yet\n", nil, nil, []string{"crm", "survey"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sections([]byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.same {
				if got[s] != want[s] {
					t.Errorf("%s: digest %q, want base's %q", s, got[s], want[s])
				}
			}
			for _, s := range tc.changed {
				if got[s] == "" || got[s] == want[s] {
					t.Errorf("%s: digest %q, want one other than base's", s, got[s])
				}
			}
			for _, s := range tc.absent {
				if d, ok := got[s]; ok {
					t.Errorf("%s: digest %q, want none", s, d)
				}
			}
		})
	}
}

func TestSectionsRefusesWhatIsNotAMapping(t *testing.T) {
	for _, y := range []string{"crm: [unclosed\n", "- crm\n- survey\n", "just text\n"} {
		if got, err := Sections([]byte(y)); err == nil {
			t.Errorf("%q: digests %v, want an error", y, got)
		}
	}
}
