package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func generate(t testing.TB, c Config) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Generate(&buf, c)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", c, err)
	}
	if st.Bytes != int64(buf.Len()) {
		t.Fatalf("Stats.Bytes = %d, wrote %d", st.Bytes, buf.Len())
	}
	return buf.Bytes(), st
}

func config(kind, encoding string, rows int64) Config {
	return Config{Kind: kind, Rows: rows, Seed: 1, Encoding: encoding, Month: "2026-09", Employees: 50, Bad: 0.01, Dup: 0.01}
}

// records decodes (GB18030 when asked) and parses the CSV, failing on any
// decoding or CSV error.
func records(t *testing.T, data []byte, encoding string) [][]string {
	t.Helper()
	text := data
	if encoding == "gb18030" {
		var err error
		text, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			t.Fatalf("decoding GB18030: %v", err)
		}
	}
	if !utf8.Valid(text) || bytes.ContainsRune(text, utf8.RuneError) {
		t.Fatalf("output does not decode cleanly as %s", encoding)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(text, []byte("\ufeff"))))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parsing CSV: %v", err)
	}
	return recs
}

var headers = map[string][]string{"crm": crmHeader, "survey": surveyHeader, "evaluations": evalHeader, "roster": rosterHeader}

func TestDeterministicAndWellFormed(t *testing.T) {
	for _, kind := range Kinds {
		for _, enc := range []string{"utf-8", "gb18030"} {
			t.Run(kind+"/"+enc, func(t *testing.T) {
				c := config(kind, enc, 3000)
				a, st := generate(t, c)
				b, _ := generate(t, c)
				if !bytes.Equal(a, b) {
					t.Fatal("same seed, different bytes")
				}
				c.Seed = 2
				if other, _ := generate(t, c); bytes.Equal(a, other) {
					t.Fatal("seeds 1 and 2 gave the same bytes")
				}
				recs := records(t, a, enc)
				if got, want := int64(len(recs)-1), c.Rows; got != want || st.Rows != want {
					t.Fatalf("%d data records (Stats.Rows %d), want %d", got, st.Rows, want)
				}
				if strings.Join(recs[0], ",") != strings.Join(headers[kind], ",") {
					t.Fatalf("header %q, want %q", recs[0], headers[kind])
				}
				if !bytes.HasSuffix(a, []byte("\r\n")) {
					t.Fatal("last line does not end with CRLF")
				}
			})
		}
	}
}

func TestGB18030IsNotUTF8(t *testing.T) {
	data, _ := generate(t, config("crm", "gb18030", 10))
	if utf8.Valid(data) {
		t.Fatal("GB18030 output is valid UTF-8: it was not transcoded")
	}
	text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	back, err := simplifiedchinese.GB18030.NewEncoder().Bytes(text)
	if err != nil || !bytes.Equal(back, data) {
		t.Fatalf("GB18030 round trip differs (err %v)", err)
	}
}

func TestBOM(t *testing.T) {
	c := config("survey", "utf-8", 5)
	c.BOM = true
	data, _ := generate(t, c)
	if !bytes.HasPrefix(data, []byte("\ufeff序号,")) {
		t.Fatalf("no BOM before the header: %q", data[:12])
	}
}

// crmProblem is an independent check of spec §3.1's rejection rules on
// one generated row; it returns "" for a row ingest must accept.
func crmProblem(rec []string) string {
	parse := func(s string) (time.Time, bool) {
		for _, layout := range []string{"2006/1/2 15:04", "2006/1/2 15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006年1月2日 15:04", time.RFC3339} {
			if t, err := time.ParseInLocation(layout, s, time.FixedZone("CST", 8*3600)); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	if rec[5] == "" {
		return "required_empty"
	}
	created, ok := parse(rec[1])
	if !ok {
		return "bad_timestamp"
	}
	for _, i := range []int{2, 3, 17} {
		if rec[i] == "" {
			continue
		}
		ts, ok := parse(rec[i])
		if !ok {
			return "bad_timestamp"
		}
		if i != 17 && ts.Before(created) {
			return "before_created"
		}
	}
	switch rec[7] {
	case "简单", "一般", "普通", "复杂", "疑难":
	default:
		return "unknown_value"
	}
	money := strings.NewReplacer("￥", "", "元", "", ",", "").Replace(rec[12])
	v, err := strconv.ParseFloat(money, 64)
	if err != nil {
		return "bad_number"
	}
	if v < 0 {
		return "negative_cost"
	}
	return ""
}

func TestCRMBadAndDuplicateFractions(t *testing.T) {
	tests := []struct {
		bad, dup float64
	}{{0, 0}, {0.002, 0}, {0.05, 0.02}, {0.2, 0.1}}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("bad=%v,dup=%v", tt.bad, tt.dup), func(t *testing.T) {
			const rows = 20000
			c := config("crm", "gb18030", rows)
			c.Bad, c.Dup, c.Employees = tt.bad, tt.dup, 5000
			data, st := generate(t, c)
			recs := records(t, data, c.Encoding)[1:]
			bad, dup := 0, 0
			reasons := map[string]int{}
			seen := make(map[string]bool, rows)
			for _, rec := range recs {
				if len(rec) != len(crmHeader) {
					t.Fatalf("record with %d fields: %q", len(rec), rec)
				}
				if p := crmProblem(rec); p != "" {
					bad++
					reasons[p]++
				}
				if seen[rec[0]] {
					dup++
				}
				seen[rec[0]] = true
			}
			if int64(bad) != st.Bad || int64(dup) != st.Dup {
				t.Fatalf("found %d bad and %d duplicate rows, Stats says %d and %d", bad, dup, st.Bad, st.Dup)
			}
			within := func(what string, got int, p float64) {
				sd := math.Sqrt(rows * p * (1 - p))
				if math.Abs(float64(got)-rows*p) > 5*sd+1 {
					t.Errorf("%s: %d of %d rows, want about %.0f", what, got, rows, rows*p)
				}
			}
			within("bad", bad, tt.bad)
			within("duplicate", dup, tt.dup)
			if tt.bad >= 0.05 {
				for _, r := range []string{"required_empty", "bad_timestamp", "before_created", "unknown_value", "negative_cost"} {
					if reasons[r] == 0 {
						t.Errorf("no %s rows among %d bad rows", r, bad)
					}
				}
			}
		})
	}
}

func TestCRMMix(t *testing.T) {
	c := config("crm", "utf-8", 20000)
	c.Bad = 0
	data, st := generate(t, c)
	recs := records(t, data, c.Encoding)[1:]
	var complaints, complex, unresolved int
	for _, rec := range recs {
		if rec[8] == "是" {
			complaints++
		}
		if rec[7] == "复杂" || rec[7] == "疑难" {
			complex++
		}
		if rec[3] == "" {
			unresolved++
		}
	}
	for _, tt := range []struct {
		what     string
		got      int
		min, max float64
	}{{"complaints", complaints, 0.07, 0.09}, {"complex", complex, 0.18, 0.22}, {"unresolved", unresolved, 0.04, 0.06}} {
		if f := float64(tt.got) / float64(len(recs)); f < tt.min || f > tt.max {
			t.Errorf("%s: %.3f of rows, want %.2f-%.2f", tt.what, f, tt.min, tt.max)
		}
	}
	if per := float64(st.Bytes) / float64(st.Rows); per < 130 || per > 200 {
		t.Errorf("%.1f bytes per UTF-8 row, want 130-200", per)
	}
}

func TestSurveysReferenceTickets(t *testing.T) {
	const tickets = 5000
	crm := config("crm", "utf-8", tickets)
	crm.Bad, crm.Dup = 0, 0.1
	crmData, _ := generate(t, crm)
	assignees := map[string]map[string]bool{}
	for _, rec := range records(t, crmData, "utf-8")[1:] {
		if assignees[rec[0]] == nil {
			assignees[rec[0]] = map[string]bool{}
		}
		assignees[rec[0]][rec[5]] = true
	}
	sv := config("survey", "utf-8", 3000)
	sv.Tickets, sv.TicketDup, sv.Bad, sv.Dup = tickets, crm.Dup, 0, 0.05
	svData, st := generate(t, sv)
	var withTicket, withAgent int
	ids := map[string]bool{}
	for _, rec := range records(t, svData, "utf-8")[1:] {
		if rec[4] == "" && rec[6] == "" {
			t.Fatalf("survey row with neither ticket nor 工号: %q", rec)
		}
		if rec[5] == "" {
			t.Fatalf("survey row without a rating: %q", rec)
		}
		ids[rec[0]] = true
		if rec[4] == "" {
			continue
		}
		withTicket++
		who, ok := assignees[rec[4]]
		if !ok {
			t.Fatalf("survey names ticket %s, which the CRM file does not have", rec[4])
		}
		if rec[6] != "" {
			withAgent++
			if !who[rec[6]] {
				t.Fatalf("survey credits %s for ticket %s, assigned to %v", rec[6], rec[4], who)
			}
		}
	}
	if withTicket == 0 || withAgent == 0 {
		t.Fatal("no survey names both a ticket and an agent")
	}
	if int64(len(ids)) != st.Rows-st.Dup {
		t.Fatalf("%d distinct 序号 for %d rows with %d duplicates", len(ids), st.Rows, st.Dup)
	}
}

func TestValidate(t *testing.T) {
	ok := config("crm", "utf-8", 10)
	tests := []struct {
		name string
		edit func(c *Config)
	}{
		{"kind", func(c *Config) { c.Kind = "tickets" }},
		{"encoding", func(c *Config) { c.Encoding = "gbk" }},
		{"bom with gb18030", func(c *Config) { c.Encoding, c.BOM = "gb18030", true }},
		{"rows", func(c *Config) { c.Rows = 0 }},
		{"employees", func(c *Config) { c.Employees = 0 }},
		{"bad", func(c *Config) { c.Bad = 1.5 }},
		{"dup", func(c *Config) { c.Dup = 0.9 }},
		{"ticket dup", func(c *Config) { c.TicketDup = -0.1 }},
		{"month", func(c *Config) { c.Month = "2026-9" }},
	}
	if _, err := Generate(io.Discard, ok); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			if _, err := Generate(io.Discard, c); err == nil {
				t.Fatalf("%+v accepted", c)
			}
		})
	}
}

func TestCivilDays(t *testing.T) {
	for d := time.Date(1999, 12, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2101; d = d.AddDate(0, 0, 13) {
		days := d.Unix() / 86400
		if got := daysFromCivil(int64(d.Year()), int64(d.Month()), int64(d.Day())); got != days {
			t.Fatalf("daysFromCivil(%s) = %d, want %d", d.Format("2006-01-02"), got, days)
		}
		if y, m, dd := civilFromDays(days); y != int64(d.Year()) || m != int64(d.Month()) || dd != int64(d.Day()) {
			t.Fatalf("civilFromDays(%d) = %d-%d-%d, want %s", days, y, m, dd, d.Format("2006-01-02"))
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for _, kind := range Kinds {
		for _, enc := range []string{"utf-8", "gb18030"} {
			b.Run(kind+"/"+enc, func(b *testing.B) {
				c := config(kind, enc, 100000)
				c.Employees = 5000
				var rows, bytes int64
				for b.Loop() {
					st, err := Generate(io.Discard, c)
					if err != nil {
						b.Fatal(err)
					}
					rows += st.Rows
					bytes += st.Bytes
				}
				b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
				b.SetBytes(bytes / int64(b.N))
			})
		}
	}
}
