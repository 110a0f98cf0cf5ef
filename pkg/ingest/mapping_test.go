package ingest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/xuri/excelize/v2"
)

func mustMapping(t *testing.T, y string) *Mapping {
	t.Helper()
	m, err := ParseMapping([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseMappingErrorsNameTheKey(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"crm:\n  ticketid: [X]\n", `crm: unknown field or setting "ticketid" (valid fields: assignee_id, assignee_name, category,`},
		{"crm:\n  ticketid: [X]\n", "settings: date_order, defaults, formats, header_row, ignore, null_values, sheet, skip_rows, values"},
		{"tickets:\n  ticket_id: [X]\n", `unknown source "tickets" (valid: crm, survey, evaluations, roster)`},
		{"crm:\n  date_order: DDMMYY\n", `crm.date_order: "DDMMYY" is not DMY, MDY or YMD`},
		{"crm:\n  values:\n    status: {Waiting: waiting}\n", `crm.values.status: "Waiting" -> "waiting": not a status (valid: open, resolved, closed, cancelled)`},
		{"crm:\n  values:\n    stat: {a: open}\n", `crm.values: unknown field "stat" (valid: assignee_id,`},
		{"survey:\n  values:\n    rating: {好: 7}\n", `survey.values.rating: "好" -> "7": not a rating 1-5`},
		{"crm:\n  defaults:\n    status: open\n", `crm.defaults: no default can be set for "status" (valid: category)`},
		{"crm:\n  defaults:\n    category: hard\n", `crm.defaults.category: "hard": not a category (valid: simple, complex)`},
		{"crm:\n  header_row: two\n", `crm.header_row: "two" is not a whole number 0-1000`},
		{"crm:\n  formats: [\"15:04\"]\n", `crm.formats: layout "15:04" has no year`},
		{"crm:\n  ticket_id: \" \"\n", `crm.ticket_id: empty alias`},
	}
	for _, tc := range tests {
		_, err := ParseMapping([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseMapping(%q) = %v, want it to contain %q", tc.yaml, err, tc.want)
		}
	}
	m := mustMapping(t, "crm:\n  ticket_id: [Ticket ID]\n  date_order: dmy\n")
	if m.For(SourceCRM).DateOrder != "DMY" || m.Digest == "" || len(m.Digest) != 64 {
		t.Fatalf("settings %+v digest %q", m.For(SourceCRM), m.Digest)
	}
	if a := m.Aliases()[SourceCRM]["ticket_id"]; len(a) != 1 || a[0] != "Ticket ID" {
		t.Fatalf("aliases %v", a)
	}
	if other := mustMapping(t, "crm:\n  ticket_id: [Ticket ID]\n  date_order: MDY\n"); other.Digest == m.Digest {
		t.Fatal("different files, same digest")
	}
}

func TestParseTimeOrder(t *testing.T) {
	loc := shanghai
	at := func(y, mo, d, h, mi int) time.Time { return time.Date(y, time.Month(mo), d, h, mi, 0, 0, loc).UTC() }
	tests := []struct {
		s, order string
		want     time.Time
		ok       bool
	}{
		{"08/01/2025 15:00", "MDY", at(2025, 8, 1, 15, 0), true},
		{"08/01/2025 15:00", "DMY", at(2025, 1, 8, 15, 0), true},
		{"29-02-2016 01:16", "DMY", at(2016, 2, 29, 1, 16), true},
		{"29-02-2015 01:16", "DMY", time.Time{}, false},
		{"29-02-2016 01:16", "MDY", time.Time{}, false},
		{"29-02-2016 01:16", "", time.Time{}, false},
		{"2025-08-01 15:00", "DMY", at(2025, 8, 1, 15, 0), true}, // year first still works
		{"8/1/2025 3:05 PM", "MDY", at(2025, 8, 1, 15, 5), true},
		{"8/1/2025 12:05 AM", "MDY", at(2025, 8, 1, 0, 5), true},
		{"8/1/2025 13:05 PM", "MDY", time.Time{}, false},
		{"1.2.2026", "DMY", at(2026, 2, 1, 0, 0), true},
		{"01/02-2026", "DMY", time.Time{}, false},
		{"01/02/26", "DMY", time.Time{}, false},
	}
	for _, tc := range tests {
		got, ok := parseTimeOrder(tc.s, loc, tc.order)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("parseTimeOrder(%q, %s) = %v, %v; want %v, %v", tc.s, tc.order, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzParseTimeOrder: a date read day- or month-first is a valid instant
// that, written back in the same order, reads to the same instant.
func FuzzParseTimeOrder(f *testing.F) {
	for _, s := range []string{"08/01/2025 15:00", "29-02-2016 01:16", "1.2.2026", "8/1/2025 3:05 PM", "12/12/2012 12:12:12 AM", "2026-09-01"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, dmy bool) {
		order, layout := "MDY", "01/02/2006 15:04:05.000"
		if dmy {
			order, layout = "DMY", "02/01/2006 15:04:05.000"
		}
		got, ok := parseTimeOrder(s, shanghai, order)
		if !ok {
			return
		}
		if got.Location() != time.UTC || got.Nanosecond()%1_000_000 != 0 || got.Year() < 1899 || got.Year() > 10000 {
			t.Fatalf("parseTimeOrder(%q) = %v", s, got)
		}
		back := got.In(shanghai).Format(layout)
		again, ok := parseTimeOrder(back, shanghai, order)
		if !ok || !again.Equal(got) {
			t.Fatalf("parseTimeOrder(%q) = %v; reparsing %q gives %v, %v", s, got, back, again, ok)
		}
	})
}

func ticketsWith(t *testing.T, data, mapping string) result[schema.Ticket] {
	t.Helper()
	opt := testOpt
	if mapping != "" {
		opt.Settings = mustMapping(t, mapping).For(SourceCRM)
	}
	return collect(ReadTickets, []byte(data), opt)
}

func TestSettingsDateOrderAndFormats(t *testing.T) {
	data := "Ticket ID,Created,Agent ID\nT1,08/01/2025 15:00,E1\nT2,29-02-2016 01:16,E1\n"
	res := ticketsWith(t, data, "")
	if len(res.rows) != 0 || len(res.errs) != 2 || res.errs[0].Reason != ReasonBadTimestamp {
		t.Fatalf("without date_order: rows %d errs %v", len(res.rows), res.errs)
	}
	res = ticketsWith(t, data, "crm:\n  date_order: DMY\n")
	if len(res.rows) != 2 || !res.rows[0].CreatedAt.Equal(time.Date(2025, 1, 8, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("DMY: rows %v errs %v", res.rows, res.errs)
	}
	res = ticketsWith(t, "Ticket ID,Created,Agent ID\nT1,2025年08月01日 15时00分,E1\n", "crm:\n  formats: [\"2006年01月02日 15时04分\"]\n")
	if len(res.rows) != 1 || !res.rows[0].CreatedAt.Equal(time.Date(2025, 8, 1, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("formats: rows %v errs %v", res.rows, res.errs)
	}
}

func TestSettingsValueMappings(t *testing.T) {
	data := "Ticket ID,Created,Agent ID,Status,Priority\n" +
		"T1,2026-09-01,E1,Waiting on Customer,Urgent\n" +
		"T2,2026-09-01,E1,Solved,Low\n" +
		"T3,2026-09-01,E1,已回访,Low\n" +
		"T4,2026-09-01,E1,Hold,Medium\n"
	res := ticketsWith(t, data, "")
	if len(res.errs) != 2 || res.errs[0].Field != "status" || res.errs[0].Value != "Waiting on Customer" {
		t.Fatalf("without values: %v", res.errs)
	}
	if len(res.info.Warnings) != 1 || !strings.Contains(res.info.Warnings[0], "no category column") {
		t.Fatalf("warnings %v", res.info.Warnings)
	}
	res = ticketsWith(t, data, "crm:\n  category: [Priority]\n  values:\n    status: {waiting on customer: open, 已回访: closed}\n    category: {Urgent: complex, High: complex, Low: simple, Medium: simple}\n")
	if len(res.errs) != 0 || len(res.rows) != 4 {
		t.Fatalf("with values: %v", res.errs)
	}
	want := []struct{ status, category string }{{"open", "complex"}, {"resolved", "simple"}, {"closed", "simple"}, {"open", "simple"}}
	for i, w := range want {
		if *res.rows[i].Status != w.status || res.rows[i].Category != w.category {
			t.Errorf("row %d: %s %s, want %v", i, *res.rows[i].Status, res.rows[i].Category, w)
		}
	}
	if len(res.info.Warnings) != 0 {
		t.Fatalf("warnings %v", res.info.Warnings)
	}
	res = ticketsWith(t, "Ticket ID,Created,Agent ID\nT1,2026-09-01,E1\n", "crm:\n  defaults: {category: complex}\n")
	if len(res.rows) != 1 || res.rows[0].Category != "complex" || len(res.info.Warnings) != 0 {
		t.Fatalf("default category: %v %v", res.rows, res.info.Warnings)
	}
}

func TestSettingsNullValuesAndAgents(t *testing.T) {
	data := "Ticket ID,Created,Agent ID,Resolved,Cost\n" +
		"T1,2026-09-01,E1,1900-01-01 00:00:00,-\n" +
		"T2,2026-09-01,E1,?,n/a\n" +
		"T3,2026-09-01,No Agent,,\n" +
		"T4,2026-09-01,E1,N.V.,\n"
	res := ticketsWith(t, data, "")
	if len(res.rows) != 2 || res.rows[0].ResolvedAt != nil || res.rows[0].CostFen != nil || res.rows[1].ResolvedAt != nil {
		t.Fatalf("rows %v errs %v", res.rows, res.errs)
	}
	if len(res.errs) != 2 || res.errs[0].Field != "assignee_id" || res.errs[0].Reason != ReasonRequiredEmpty || res.errs[0].Value != "No Agent" ||
		res.errs[1].Reason != ReasonBadTimestamp {
		t.Fatalf("errs %v", res.errs)
	}
	res = ticketsWith(t, data, "crm:\n  null_values: [n.v.]\n")
	if len(res.rows) != 3 {
		t.Fatalf("null_values: rows %d errs %v", len(res.rows), res.errs)
	}
}

func TestSettingsExplicitAliasWinsAndIgnore(t *testing.T) {
	// "Agent ID" is a built-in alias of assignee_id, but the mapping names
	// "Employee No": the explicit mapping wins although its column comes later.
	data := "Ticket ID,Created,Agent ID,Employee No,Requester,Email\nT1,2026-09-01,zendesk-77,E1,Li Lei,li@example.com\n"
	res := ticketsWith(t, data, "crm:\n  assignee_id: [Employee No]\n")
	if len(res.rows) != 1 || res.rows[0].AssigneeID != "E1" || res.info.Mapping["assignee_id"] != "Employee No" {
		t.Fatalf("rows %v mapping %v", res.rows, res.info.Mapping)
	}
	if m := res.info.Mapping; m["customer_name"] != "Requester" || m["customer_email"] != "Email" {
		t.Fatalf("English customer headers not recognized: %v", m)
	}
	res = ticketsWith(t, "Ticket ID,Created,Agent ID,Category\nT1,2026-09-01,E1,Billing\n", "crm:\n  ignore: [Category]\n")
	if len(res.rows) != 1 || res.info.Mapping["category"] != "" || len(res.info.Ignored) != 1 {
		t.Fatalf("ignore: %v %v %v", res.rows, res.errs, res.info)
	}
}

func TestEnglishCustomerHeadersMasked(t *testing.T) {
	data := "Ticket ID,Created,Agent ID,Full name,Contact ID,Email,Phone,Requester,Status\n" +
		"T1,2026-09-01,E1,Han Meimei,C-991,han@example.com,13800138000,Han M,bogus\n"
	res := ticketsWith(t, data, "")
	if len(res.errs) != 1 {
		t.Fatalf("errs %v", res.errs)
	}
	rec := res.errs[0].Record
	for _, h := range []string{"Full name", "Contact ID", "Email", "Phone", "Requester"} {
		if rec[h] != maskedCell {
			t.Errorf("%s = %q, want masked", h, rec[h])
		}
	}
}

func TestSettingsHeaderRowsAndUnanswered(t *testing.T) {
	// Qualtrics: two more header rows under the first.
	data := "ResponseId,RecordedDate,Ticket ID,Q1\n" +
		"Response ID,Recorded Date,Ticket ID,How satisfied were you?\n" +
		"{\"ImportId\":\"_recordId\"},{\"ImportId\":\"recordedDate\"},{\"ImportId\":\"QID2\"},{\"ImportId\":\"QID1\"}\n" +
		"R1,2026-09-03 10:00:00,T1,Extremely satisfied\n" +
		"R2,2026-09-03 11:00:00,T2,\n" +
		"R3,2026-09-03 12:00:00,T3,Slightly dissatisfied\n"
	opt := optWithKey("raw/survey/q.csv")
	opt.Settings = mustMapping(t, "survey:\n  response_id: [ResponseId]\n  submitted_at: [RecordedDate]\n  rating: [Q1]\n  skip_rows: 2\n"+
		"  values:\n    rating: {Extremely satisfied: 5, Slightly dissatisfied: 2}\n").For(SourceSurvey)
	res := collect(ReadSurveys, []byte(data), opt)
	if res.err != nil || len(res.errs) != 0 || len(res.rows) != 2 {
		t.Fatalf("err %v errs %v rows %d", res.err, res.errs, len(res.rows))
	}
	if res.rows[0].Rating != 5 || res.rows[1].Rating != 2 || res.info.RowsRead != 2 || res.info.Skipped != 3 {
		t.Fatalf("ratings %d %d, read %d skipped %d", res.rows[0].Rating, res.rows[1].Rating, res.info.RowsRead, res.info.Skipped)
	}
	if res.rows[1].SourceRow != 2 {
		t.Fatalf("source rows after a skipped response: %d", res.rows[1].SourceRow)
	}
	// header_row: a title line above the header.
	opt.Settings = mustMapping(t, "survey:\n  header_row: 2\n").For(SourceSurvey)
	res = collect(ReadSurveys, []byte("满意度回访导出\n工单号,提交时间,满意度\nT1,2026-09-01,好评\nT2,2026-09-01,★★★☆☆\nT3,2026-09-01,Offered\n"), opt)
	if res.err != nil || len(res.rows) != 2 || res.rows[0].Rating != 5 || res.rows[1].Rating != 3 || res.info.Skipped != 1 {
		t.Fatalf("header_row: %v %v %+v", res.err, res.errs, res.info)
	}
}

func TestSheetSettingAndXML2003(t *testing.T) {
	book := workbookOf(t, map[string][][]string{
		"Notes":   {{"exported by the CRM"}},
		"Tickets": {{"工单号", "创建时间", "工号"}, {"T1", "2026-09-01", "E1"}},
	}, []string{"Notes", "Tickets"})
	opt := optWithKey("raw/crm/a.xlsx")
	res := collect(ReadTickets, book, opt)
	if res.err == nil || !strings.Contains(res.err.Error(), `worksheet "Notes" read; the workbook's sheets: "Notes", "Tickets"`) {
		t.Fatalf("first sheet: %v", res.err)
	}
	opt.Settings = &Settings{Sheet: "tickets"}
	res = collect(ReadTickets, book, opt)
	if res.err != nil || len(res.rows) != 1 || res.info.Sheet != "Tickets" {
		t.Fatalf("sheet Tickets: %v %v %+v", res.err, res.errs, res.info)
	}
	opt.Settings = &Settings{Sheet: "Sheet9"}
	if res = collect(ReadTickets, book, opt); res.err == nil || !strings.Contains(res.err.Error(), `no worksheet "Sheet9"`) {
		t.Fatalf("missing sheet: %v", res.err)
	}
	xml := `<?xml version="1.0"?>` + "\n" + `<?mso-application progid="Excel.Sheet"?>` + "\n" +
		`<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"/></Workbook>`
	res = collect(ReadTickets, []byte(xml), optWithKey("raw/crm/export.xls"))
	fe, ok := res.err.(*FileError)
	if !ok || fe.Code != CodeUnsupportedFormat || !strings.Contains(fe.Message, "save it as .xlsx") {
		t.Fatalf("XML 2003: %v", res.err)
	}
	// Other XML-looking text is still read as text.
	res = collect(ReadTickets, []byte("<?xml,创建时间,工号\nT1,2026-09-01,E1\n"), optWithKey("raw/crm/a.csv"))
	if fe, ok := res.err.(*FileError); !ok || fe.Code != CodeMissingColumn {
		t.Fatalf("text starting <?xml: %v", res.err)
	}
}

// workbookOf writes a workbook with the named sheets, in order.
func workbookOf(t *testing.T, sheets map[string][][]string, order []string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(name, ref, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
