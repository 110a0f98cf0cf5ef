package gluecheck

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/schema"
)

var update = flag.Bool("update", false, "rewrite the generated named queries in template.yaml")

const (
	templatePath = "../../template.yaml"
	athenaDir    = "../athena"
)

// tableSpec is what one Glue table must be: the Parquet row type it holds
// and its prefix in the bucket.
type tableSpec struct {
	name   string
	prefix string
	row    any
}

// yearTables are partitioned by year (year=YYYY), not month.
var yearTables = map[string]bool{"annual_scorecards": true}

var tableSpecs = []tableSpec{
	{"tickets", "normalized/tickets/", schema.Ticket{}},
	{"surveys", "normalized/surveys/", schema.Survey{}},
	{"evaluations", "normalized/evaluations/", schema.Evaluation{}},
	{"roster", "normalized/roster/", schema.Employee{}},
	{"adjustments", "normalized/adjustments/", schema.Adjustment{}},
	{"rankings", "rankings/", schema.Ranking{}},
	{"annual_scorecards", "scorecards/annual/", schema.AnnualScorecard{}},
	{"scorecards", "scorecards/employees/", schema.Scorecard{}},
	{"scorecard_kpis", "scorecards/kpis/", schema.KPIScore{}},
	{"scorecard_evidence", "scorecards/evidence/", schema.Evidence{}},
	{"published_versions", "scorecards/published/", schema.PublishedVersion{}},
}

// wantParameters are the table parameters every table has, besides
// storage.location.template.
// wantYearParameters are those of a table partitioned by year.
var wantYearParameters = map[string]string{
	"classification":        "parquet",
	"EXTERNAL":              "TRUE",
	"projection.enabled":    "true",
	"projection.year.type":  "integer",
	"projection.year.range": "2000,2100",
}

var wantParameters = map[string]string{
	"classification":                 "parquet",
	"EXTERNAL":                       "TRUE",
	"projection.enabled":             "true",
	"projection.month.type":          "date",
	"projection.month.format":        "yyyy-MM",
	"projection.month.interval":      "1",
	"projection.month.interval.unit": "MONTHS",
}

// subVars stand in for the template's ${...} references when rendering a !Sub.
var subVars = map[string]string{"DataBucket": "BUCKET"}

// tableProblems lists every way the declared table differs from spec.
func tableProblems(tbl Table, spec tableSpec) []string {
	var p []string
	want, err := HiveColumns(parquet.SchemaOf(spec.row))
	if err != nil {
		return []string{err.Error()}
	}
	p = append(p, DiffColumns(tbl.Columns, want)...)
	part, params := "month", wantParameters
	if yearTables[spec.name] {
		part, params = "year", wantYearParameters
	}
	if !reflect.DeepEqual(tbl.PartitionKeys, []Column{{Name: part, Type: "string"}}) {
		p = append(p, fmt.Sprintf("partition keys are %v, want [%s string]", tbl.PartitionKeys, part))
	}
	if tbl.TableType != "EXTERNAL_TABLE" {
		p = append(p, fmt.Sprintf("TableType is %q", tbl.TableType))
	}
	for what, pair := range map[string][2]string{
		"SerDe":        {tbl.SerDe, "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
		"InputFormat":  {tbl.InputFormat, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"},
		"OutputFormat": {tbl.OutputFormat, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"},
	} {
		if pair[0] != pair[1] {
			p = append(p, fmt.Sprintf("%s is %q, want %q", what, pair[0], pair[1]))
		}
	}
	for k, v := range params {
		if got := tbl.Parameters[k]; got.Text != v || got.Tag != "" {
			p = append(p, fmt.Sprintf("parameter %s is %s%q, want %q", k, got.Tag, got.Text, v))
		}
	}
	checkSub := func(what string, v Value, want string) {
		if v.Tag != "!Sub" {
			p = append(p, fmt.Sprintf("%s is not a !Sub: %s%q", what, v.Tag, v.Text))
			return
		}
		got, err := RenderSub(v.Text, subVars)
		if err != nil {
			p = append(p, fmt.Sprintf("%s: %v", what, err))
		} else if got != want {
			p = append(p, fmt.Sprintf("%s renders to %q, want %q", what, got, want))
		}
	}
	// The projection's first month is a template parameter: a month
	// before it is invisible to Athena (docs/deploy.md).
	if r := tbl.Parameters["projection.month.range"]; !yearTables[spec.name] && (r.Tag != "!Sub" || r.Text != "${PartitionProjectionStartMonth},NOW") {
		p = append(p, fmt.Sprintf("parameter projection.month.range is %s%q, want !Sub \"${PartitionProjectionStartMonth},NOW\"", r.Tag, r.Text))
	}
	checkSub("Location", tbl.Location, "s3://BUCKET/"+spec.prefix)
	checkSub("storage.location.template", tbl.Parameters["storage.location.template"], "s3://BUCKET/"+spec.prefix+part+"=${"+part+"}/")
	sort.Strings(p)
	return p
}

func readTemplate(t *testing.T) ([]byte, Template) {
	t.Helper()
	src, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := ParseTemplate(src)
	if err != nil {
		t.Fatal(err)
	}
	return src, tpl
}

func TestGlueTablesMatchParquet(t *testing.T) {
	_, tpl := readTemplate(t)
	var names []string
	for _, spec := range tableSpecs {
		names = append(names, spec.name)
		t.Run(spec.name, func(t *testing.T) {
			tbl, ok := tpl.Tables[spec.name]
			if !ok {
				t.Fatalf("template declares no Glue table %s", spec.name)
			}
			for _, problem := range tableProblems(tbl, spec) {
				t.Errorf("table %s (%s): %s", spec.name, tbl.LogicalID, problem)
			}
		})
	}
	for name := range tpl.Tables {
		if !slices.Contains(names, name) {
			t.Errorf("template declares Glue table %s, which no check covers", name)
		}
	}
}

// TestDriftIsCaught mutates copies of the declared tables and checks each
// mutation is reported, so TestGlueTablesMatchParquet can fail.
func TestDriftIsCaught(t *testing.T) {
	_, tpl := readTemplate(t)
	spec := tableSpecs[0]
	base := tpl.Tables[spec.name]
	if p := tableProblems(base, spec); len(p) != 0 {
		t.Fatalf("the unmutated table already has problems: %v", p)
	}
	mutations := []struct {
		name   string
		mutate func(*Table)
		spec   tableSpec
	}{
		{"column dropped", func(tb *Table) { tb.Columns = tb.Columns[1:] }, spec},
		{"column added", func(tb *Table) { tb.Columns = append(tb.Columns, Column{"extra", "string"}) }, spec},
		{"type changed", func(tb *Table) { tb.Columns[12].Type = "double" }, spec},
		{"decimal scale changed", func(tb *Table) { tb.Columns[12].Type = "decimal(18,4)" }, spec},
		{"timestamp as string", func(tb *Table) { tb.Columns[1].Type = "string" }, spec},
		{"column renamed", func(tb *Table) { tb.Columns[0].Name = "ticket" }, spec},
		{"column twice", func(tb *Table) { tb.Columns = append(tb.Columns, tb.Columns[0]) }, spec},
		{"partition key type", func(tb *Table) { tb.PartitionKeys = []Column{{"month", "date"}} }, spec},
		{"no partition key", func(tb *Table) { tb.PartitionKeys = nil }, spec},
		{"projection off", func(tb *Table) { tb.Parameters["projection.enabled"] = Value{Text: "false"} }, spec},
		{"projection range missing", func(tb *Table) { delete(tb.Parameters, "projection.month.range") }, spec},
		{"template wrong prefix", func(tb *Table) {
			tb.Parameters["storage.location.template"] = Value{"!Sub", "s3://${DataBucket}/normalized/surveys/month=${!month}/"}
		}, spec},
		{"template month unescaped", func(tb *Table) {
			tb.Parameters["storage.location.template"] = Value{"!Sub", "s3://${DataBucket}/normalized/tickets/month=${month}/"}
		}, spec},
		{"location not a Sub", func(tb *Table) { tb.Location = Value{"", "s3://${DataBucket}/normalized/tickets/"} }, spec},
		{"serde", func(tb *Table) { tb.SerDe = "org.openx.data.jsonserde.JsonSerDe" }, spec},
		{"schema of another row", func(*Table) {}, tableSpec{spec.name, spec.prefix, schema.Survey{}}},
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			tb := base
			tb.Columns = slices.Clone(base.Columns)
			tb.PartitionKeys = slices.Clone(base.PartitionKeys)
			tb.Parameters = map[string]Value{}
			for k, v := range base.Parameters {
				tb.Parameters[k] = v
			}
			m.mutate(&tb)
			if p := tableProblems(tb, m.spec); len(p) == 0 {
				t.Errorf("mutation %q was not reported", m.name)
			}
		})
	}
}

func TestHiveType(t *testing.T) {
	cases := []struct {
		name    string
		node    parquet.Node
		want    string
		wantErr bool
	}{
		{"string", parquet.String(), "string", false},
		{"optional string", parquet.Optional(parquet.String()), "string", false},
		{"timestamp millis", parquet.Timestamp(parquet.Millisecond), "timestamp", false},
		{"decimal 18,2", parquet.Decimal(2, 18, parquet.Int64Type), "decimal(18,2)", false},
		{"decimal 5,2", parquet.Decimal(2, 5, parquet.Int64Type), "decimal(5,2)", false},
		{"date", parquet.Date(), "date", false},
		{"boolean", parquet.Leaf(parquet.BooleanType), "boolean", false},
		{"int32", parquet.Int(32), "int", false},
		{"int64", parquet.Int(64), "bigint", false},
		{"plain int64", parquet.Leaf(parquet.Int64Type), "bigint", false},
		{"unsigned", parquet.Uint(32), "", true},
		{"int16", parquet.Int(16), "", true},
		{"json", parquet.JSON(), "", true},
		{"double", parquet.Leaf(parquet.DoubleType), "", true},
		{"repeated", parquet.Repeated(parquet.String()), "", true},
		{"group", parquet.Group{"a": parquet.String()}, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := HiveType(c.node)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, c.wantErr)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestRenderSub(t *testing.T) {
	cases := []struct {
		in, want string
		wantErr  bool
	}{
		{"s3://${DataBucket}/x/", "s3://BUCKET/x/", false},
		{"month=${!month}/", "month=${month}/", false},
		{"plain", "plain", false},
		{"${Unknown}", "", true},
		{"${DataBucket", "", true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := RenderSub(c.in, subVars)
			if (err != nil) != c.wantErr || got != c.want {
				t.Errorf("RenderSub(%q) = %q, %v; want %q, error %v", c.in, got, err, c.want, c.wantErr)
			}
		})
	}
}

// namedQuery is one statement of infra/athena as an Athena named query.
type namedQuery struct {
	logicalID, name, description, query string
}

var viewRE = regexp.MustCompile(`(?m)^CREATE OR REPLACE VIEW ([a-z_]+) AS`)

func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// answersSentence returns the first sentence of a query file's
// "-- Answers:" comment.
func answersSentence(stmt string) string {
	var words []string
	for _, line := range strings.Split(stmt, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "--") {
			break
		}
		words = append(words, strings.TrimSpace(strings.TrimPrefix(line, "--")))
	}
	text := strings.TrimPrefix(strings.Join(words, " "), "Answers: ")
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i+1]
	}
	return text
}

// athenaNamedQueries reads the statements of infra/athena/*.sql: each view
// of views.sql and each query file becomes one named query.
func athenaNamedQueries(dir string) ([]namedQuery, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []namedQuery
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		stmts, err := SplitStatements(string(src))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f, err)
		}
		base := strings.TrimSuffix(filepath.Base(f), ".sql")
		if base == "views" {
			for _, s := range stmts {
				m := viewRE.FindStringSubmatch(s)
				if m == nil {
					return nil, fmt.Errorf("%s: statement %q is not CREATE OR REPLACE VIEW", f, s[:min(len(s), 60)])
				}
				out = append(out, namedQuery{
					logicalID:   "NamedQueryCreateView" + camel(m[1]),
					name:        "create_view_" + m[1],
					description: fmt.Sprintf("Creates or replaces the view %s (infra/athena/views.sql).", m[1]),
					query:       StripComments(s),
				})
			}
			continue
		}
		if len(stmts) != 1 {
			return nil, fmt.Errorf("%s: want one statement, found %d", f, len(stmts))
		}
		out = append(out, namedQuery{
			logicalID:   "NamedQuery" + camel(base),
			name:        base,
			description: answersSentence(stmts[0]),
			query:       stmts[0],
		})
	}
	return out, nil
}

const (
	queriesBegin = "  # BEGIN GENERATED named queries (go test ./infra/gluecheck -update)\n"
	queriesEnd   = "  # END GENERATED named queries\n"
)

func namedQueriesYAML(qs []namedQuery) (string, error) {
	var b strings.Builder
	for _, q := range qs {
		if len(q.description) > 1024 || strings.ContainsAny(q.description, "\"\\\n") {
			return "", fmt.Errorf("named query %s: description %q cannot be written as is", q.name, q.description)
		}
		fmt.Fprintf(&b, "  %s:\n    Type: AWS::Athena::NamedQuery\n    Properties:\n", q.logicalID)
		fmt.Fprintf(&b, "      Name: %s\n      Description: \"%s\"\n", q.name, q.description)
		b.WriteString("      Database: !Ref GlueDatabase\n      WorkGroup: !Ref AthenaWorkGroup\n      QueryString: |\n")
		for _, line := range strings.Split(q.query, "\n") {
			if strings.TrimSpace(line) == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("        " + strings.TrimRight(line, " \t") + "\n")
		}
	}
	return b.String(), nil
}

// TestNamedQueries checks template.yaml saves every statement of
// infra/athena as an Athena named query, exactly; -update rewrites them.
func TestNamedQueries(t *testing.T) {
	qs, err := athenaNamedQueries(athenaDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 10 {
		t.Fatalf("found only %d statements in %s", len(qs), athenaDir)
	}
	want, err := namedQueriesYAML(qs)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := readTemplate(t)
	text := string(src)
	i, j := strings.Index(text, queriesBegin), strings.Index(text, queriesEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no generated named-queries block", templatePath)
	}
	if got := text[i+len(queriesBegin) : j]; got != want {
		if !*update {
			t.Fatalf("%s: the named queries differ from %s; run go test ./infra/gluecheck -update", templatePath, athenaDir)
		}
		text = text[:i+len(queriesBegin)] + want + text[j:]
		if err := os.WriteFile(templatePath, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Read back through the parser: the block is inside Resources and every
	// query string survives YAML exactly.
	_, tpl := readTemplate(t)
	if len(tpl.NamedQueries) != len(qs) {
		t.Errorf("template has %d named queries, want %d", len(tpl.NamedQueries), len(qs))
	}
	for _, q := range qs {
		t.Run(q.name, func(t *testing.T) {
			got, ok := tpl.NamedQueries[q.name]
			if !ok {
				t.Fatalf("no named query %s", q.name)
			}
			if strings.TrimSpace(got.QueryString) != strings.TrimSpace(q.query) {
				t.Errorf("query string differs:\n got %q\nwant %q", got.QueryString, q.query)
			}
		})
	}
}

// FuzzParseTemplate checks the template reader never panics, whatever YAML
// it is given.
func FuzzParseTemplate(f *testing.F) {
	src, err := os.ReadFile(templatePath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	f.Add([]byte("Resources:\n  T:\n    Type: AWS::Glue::Table\n    Properties:\n      TableInput: {Name: x, StorageDescriptor: {Columns: [{Name: a}]}}\n"))
	f.Add([]byte("Resources: [1, 2]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseTemplate(b)
	})
}

// TestNoPayColumnOutsidePayroll: analysts read every Glue table of the
// template (AnalystPolicy grants normalized/* and scorecards/*), so neither
// those tables nor the Parquet files behind them hold a pay column; pay
// lives only in the payroll table under payroll/ and, for the roster's
// performance_pay, in normalized/roster_pay/, which no Glue table reads
// (spec §12, issue 13).
func TestNoPayColumnOutsidePayroll(t *testing.T) {
	_, tpl := readTemplate(t)
	if problems := payProblems(tpl.Tables); len(problems) > 0 {
		t.Error(strings.Join(problems, "\n"))
	}
	byName := map[string]Table{}
	for _, tbl := range tpl.Tables {
		byName[tbl.Name] = tbl
	}
	for _, spec := range tableSpecs {
		cols, err := HiveColumns(parquet.SchemaOf(spec.row))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := byName[spec.name]; !ok {
			t.Fatalf("template.yaml has no Glue table %s", spec.name)
		}
		for _, c := range cols {
			if slices.Contains(schema.PayColumns, c.Name) {
				t.Errorf("%s Parquet schema has the pay column %s", spec.name, c.Name)
			}
		}
	}
	// The pay the roster sheds is in its pay table, which has no Glue table.
	cols, err := HiveColumns(parquet.SchemaOf(schema.RosterPay{}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(cols, func(c Column) bool { return c.Name == "performance_pay" }) {
		t.Error("the roster_pay table has no performance_pay column")
	}
	// The payroll table keeps every one of them.
	if cols, err = HiveColumns(parquet.SchemaOf(schema.PayrollRow{})); err != nil {
		t.Fatal(err)
	}
	for _, pay := range schema.PayColumns {
		if !slices.ContainsFunc(cols, func(c Column) bool { return c.Name == pay }) {
			t.Errorf("the payroll table has no %s column", pay)
		}
	}
}

// payProblems lists every Glue table that holds a pay column or reads the
// roster's pay prefix: analysts can read every table of the database.
func payProblems(tables map[string]Table) []string {
	var problems []string
	for _, tbl := range tables {
		for _, c := range tbl.Columns {
			if slices.Contains(schema.PayColumns, c.Name) {
				problems = append(problems, fmt.Sprintf("Glue table %s has the pay column %s", tbl.Name, c.Name))
			}
		}
		for _, v := range append([]Value{tbl.Location}, tbl.Parameters["storage.location.template"]) {
			if strings.Contains(v.Text, "/"+bucket.NormalizedTable(bucket.TableRosterPay)) {
				problems = append(problems, fmt.Sprintf("Glue table %s reads %s, the roster's pay", tbl.Name, v.Text))
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// TestPayProblemsAreCaught: a pay column put back into the roster's Glue
// table, or a table over roster_pay, is reported.
func TestPayProblemsAreCaught(t *testing.T) {
	_, tpl := readTemplate(t)
	for name, mutate := range map[string]func(map[string]Table){
		"performance_pay in roster": func(ts map[string]Table) {
			for id, tb := range ts {
				if tb.Name == "roster" {
					tb.Columns = append(slices.Clone(tb.Columns), Column{Name: "performance_pay", Type: "decimal(18,2)"})
					ts[id] = tb
				}
			}
		},
		"a roster_pay table": func(ts map[string]Table) {
			ts["RosterPayTable"] = Table{Name: "roster_pay", Location: Value{"!Sub", "s3://${DataBucket}/normalized/roster_pay/"}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			ts := maps.Clone(tpl.Tables)
			mutate(ts)
			if problems := payProblems(ts); len(problems) != 1 {
				t.Errorf("want 1 problem, got %q", problems)
			}
		})
	}
}
