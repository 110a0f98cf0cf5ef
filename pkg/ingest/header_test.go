package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"工单号", "工单号"},
		{"  Ticket   ID ", "ticket id"},
		{"ＴＩＣＫＥＴ　ＩＤ", "ticket id"}, // full-width letters and space
		{"3、您对本次服务的满意度", "您对本次服务的满意度"},
		{"Q3. 满意度", "满意度"},
		{"q12.满意度", "满意度"},
		{"Q3 满意度", "满意度"},
		{"3. 满意度", "满意度"},
		{"3.满意度", "满意度"},
		{"(3) 满意度", "满意度"},
		{"(Q3)满意度", "满意度"},
		{"3) 满意度", "满意度"},
		{"（3）满意度", "满意度"},
		{"３、满意度", "满意度"},
		{"第3题 满意度", "满意度"},
		{"3:满意度", "满意度"},
		{"工单号(必填)", "工单号"},
		{"工单号（必填）", "工单号"},
		{"工单号 *", "工单号"},
		{"*工单号", "工单号"},
		{"【必填】", "【必填】"},
		{"工单号【必填】", "工单号"},
		{"1、工单号（必填）*", "工单号"},
		{"\ufeff工单号", "工单号"},
		{"工单\u200b号", "工单号"},
		{"3.5分制评分", "3.5分制评分"}, // a decimal, not a question number
		{"2024年满意度", "2024年满意度"},
		{"3、", "3、"}, // nothing left: keep the number
		{"Q3", "q3"},
		{"quality", "quality"},
		{"", ""},
		{"*", "*"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := NormalizeHeader(tc.in); got != tc.want {
				t.Fatalf("NormalizeHeader(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzNormalizeHeader(f *testing.F) {
	for _, s := range []string{"3、满意度", "Q3. rating", "（3）满意度(必填)*", "ＴＩＣＫＥＴ　ＩＤ", "(", "第题", "q", "\xff\xfe", "1.", "*(必填)*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeHeader(s)
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("NormalizeHeader(%q) = %q: invalid UTF-8", s, n)
		}
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("NormalizeHeader(%q) = %q: not trimmed and collapsed", s, n)
		}
		if n != strings.ToLower(n) && utf8.ValidString(n) {
			// ToLower of NFKC text can change the form again only for exotic
			// runes; lower-casing must be idempotent.
			if strings.ToLower(n) != strings.ToLower(strings.ToLower(n)) {
				t.Fatalf("NormalizeHeader(%q) = %q: not lower case", s, n)
			}
		}
		_ = headerKey(n)
	})
}

func TestBuiltinAliasesUnambiguous(t *testing.T) {
	for src, spec := range specs {
		seen := map[string]string{}
		for _, f := range spec.fields {
			for _, a := range append([]string{f.name}, f.aliases...) {
				k := headerKey(NormalizeHeader(a))
				if other, ok := seen[k]; ok && other != f.name {
					t.Errorf("%s: alias %q matches both %s and %s", src, a, other, f.name)
				}
				seen[k] = f.name
			}
		}
	}
}

func TestSourceOfKey(t *testing.T) {
	tests := []struct {
		key  string
		want Source
		ok   bool
	}{
		{"raw/crm/2026-09 导出.csv", SourceCRM, true},
		{"raw/survey/x.xlsx", SourceSurvey, true},
		{"raw/evaluations/2026/09/x.csv", SourceEvaluations, true},
		{"raw/roster/roster.csv", SourceRoster, true},
		{"raw/crm/", "", false},
		{"raw/crm/sub/", "", false},
		{"raw/other/x.csv", "", false},
		{"raw/crm", "", false},
		{"normalized/crm/x.csv", "", false},
		{"crm/x.csv", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			got, ok := SourceOfKey(tc.key)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("SourceOfKey(%q) = %q, %v; want %q, %v", tc.key, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseAliases(t *testing.T) {
	t.Run("good", func(t *testing.T) {
		a, err := ParseAliases([]byte("crm:\n  ticket_id: [单据号, 服务编号]\nsurvey:\n  rating: 打分\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(a[SourceCRM]["ticket_id"], ","); got != "单据号,服务编号" {
			t.Errorf("crm ticket_id aliases = %q", got)
		}
		if got := strings.Join(a[SourceSurvey]["rating"], ","); got != "打分" {
			t.Errorf("survey rating aliases = %q", got)
		}
	})
	t.Run("empty document", func(t *testing.T) {
		a, err := ParseAliases(nil)
		if err != nil || len(a) != 0 {
			t.Fatalf("ParseAliases(nil) = %v, %v", a, err)
		}
	})
	bad := []struct{ name, yaml, want string }{
		{"unknown source", "tickets:\n  ticket_id: [x]\n", `unknown source "tickets"`},
		{"unknown field", "crm:\n  ticket: [x]\n", `crm: unknown field "ticket"`},
		{"field of another source", "roster:\n  rating: [x]\n", `roster: unknown field "rating"`},
		{"empty alias", "crm:\n  ticket_id: [\"\"]\n", "crm.ticket_id: empty alias"},
		{"mapping value", "crm:\n  ticket_id: {a: b}\n", "crm.ticket_id: want an alias or a list"},
		{"not yaml", "crm: [", "parsing header aliases"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAliases([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseAliases error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestMapHeader(t *testing.T) {
	t.Run("aliases, unknown and repeated columns", func(t *testing.T) {
		header := []string{"1、工单号(必填)", "Created", "备注", "Agent ID", "工单编号", "", "Assignee"}
		m, err := mapHeader(&crmSpec, header, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"ticket_id": "1、工单号(必填)", "created_at": "Created", "assignee_id": "Agent ID", "assignee_name": "Assignee"}
		if len(m.info) != len(want) {
			t.Errorf("mapping = %v, want %v", m.info, want)
		}
		for k, v := range want {
			if m.info[k] != v {
				t.Errorf("mapping[%s] = %q, want %q", k, m.info[k], v)
			}
		}
		if got := strings.Join(m.ignored, "|"); got != "备注|工单编号" {
			t.Errorf("ignored = %q, want 备注|工单编号 (unknown, then the repeated ticket id)", got)
		}
		if m.width != 7 {
			t.Errorf("width = %d", m.width)
		}
	})
	t.Run("extra aliases win", func(t *testing.T) {
		extra := Aliases{SourceCRM: {"ticket_id": {"单据号"}, "channel": {"工单号"}}}
		m, err := mapHeader(&crmSpec, []string{"单据号", "创建时间", "工号", "工单号"}, extra)
		if err != nil {
			t.Fatal(err)
		}
		if m.info["ticket_id"] != "单据号" || m.info["channel"] != "工单号" {
			t.Errorf("mapping = %v", m.info)
		}
	})
	t.Run("missing column names the field and aliases", func(t *testing.T) {
		extra := Aliases{SourceCRM: {"created_at": {"开单时间"}}}
		_, err := mapHeader(&crmSpec, []string{"工单号", "工号", "状态"}, extra)
		if err == nil {
			t.Fatal("no error")
		}
		if err.Code != CodeMissingColumn || err.Column != "created_at" {
			t.Fatalf("error = %+v", err)
		}
		for _, a := range []string{"created_at", "创建时间", "提交时间", "受理时间", "报修时间", "created", "opened", "开单时间"} {
			if !strings.Contains(err.Message, `"`+a+`"`) {
				t.Errorf("message %q does not name alias %q", err.Message, a)
			}
		}
		if len(err.AliasesTried) != 8 {
			t.Errorf("AliasesTried = %q", err.AliasesTried)
		}
	})
	t.Run("survey needs ticket_id or employee_id", func(t *testing.T) {
		_, err := mapHeader(&surveySpec, []string{"提交时间", "满意度"}, nil)
		if err == nil || err.Column != "ticket_id or employee_id" || !strings.Contains(err.Message, "被评价人工号") {
			t.Fatalf("error = %+v", err)
		}
		if _, err := mapHeader(&surveySpec, []string{"提交时间", "满意度", "被评价人工号"}, nil); err != nil {
			t.Fatalf("employee_id alone: %v", err)
		}
	})
	t.Run("survey rating fallback", func(t *testing.T) {
		m, err := mapHeader(&surveySpec, []string{"工单号", "提交时间", "Q5. 您对工程师的服务是否满意？", "另一个满意问题"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.info["rating"] != "Q5. 您对工程师的服务是否满意？" {
			t.Errorf("rating column = %q", m.info["rating"])
		}
		m, err = mapHeader(&surveySpec, []string{"工单号", "提交时间", "Overall satisfaction score"}, nil)
		if err != nil || m.info["rating"] != "Overall satisfaction score" {
			t.Fatalf("rating column = %q, %v", m.info["rating"], err)
		}
		_, err = mapHeader(&surveySpec, []string{"工单号", "提交时间"}, nil)
		if err == nil || !strings.Contains(err.Message, "any header containing 满意 or satisf") {
			t.Fatalf("error = %v", err)
		}
	})
}
