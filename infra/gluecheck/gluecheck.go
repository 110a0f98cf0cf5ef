// Package gluecheck keeps the AWS Glue tables declared in template.yaml in
// step with the Parquet the pipeline writes. The row types in pkg/schema are
// the one source of truth: HiveColumns turns a Parquet schema into the Glue
// (Hive) columns Athena needs, and GlueTables reads what the template
// declares, so the package's test fails whenever the two drift apart.
//
// Type mapping (Parquet logical type -> Hive type):
//
//	STRING            -> string
//	TIMESTAMP(any)    -> timestamp
//	DECIMAL(p,s)      -> decimal(p,s)
//	DATE              -> date
//	BOOLEAN           -> boolean
//	INT(32) / int32   -> int
//	INT(64) / int64   -> bigint
//
// Anything else (nested groups, repeated fields, other logical types) is an
// error: Glue would need a decision nobody has taken yet.
package gluecheck

import (
	"fmt"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"gopkg.in/yaml.v3"
)

// Column is one Glue column: its name and Hive type.
type Column struct {
	Name string
	Type string
}

// HiveType returns the Hive type of a Parquet leaf column.
func HiveType(n parquet.Node) (string, error) {
	if !n.Leaf() {
		return "", fmt.Errorf("group column: no Hive type is defined for nested Parquet")
	}
	if n.Repeated() {
		return "", fmt.Errorf("repeated column: no Hive type is defined for Parquet lists")
	}
	t := n.Type()
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		switch v := lt.Value.(type) {
		case *format.StringType:
			return "string", nil
		case *format.TimestampType:
			return "timestamp", nil
		case *format.DecimalType:
			return fmt.Sprintf("decimal(%d,%d)", v.Precision, v.Scale), nil
		case *format.DateType:
			return "date", nil
		case *format.IntType:
			if !v.IsSigned {
				return "", fmt.Errorf("unsigned INT(%d): Hive has no unsigned integers", v.BitWidth)
			}
			switch v.BitWidth {
			case 32:
				return "int", nil
			case 64:
				return "bigint", nil
			}
			return "", fmt.Errorf("INT(%d): only INT(32) and INT(64) are mapped", v.BitWidth)
		}
		return "", fmt.Errorf("logical type %s is not mapped to a Hive type", lt)
	}
	switch t.Kind() {
	case parquet.Boolean:
		return "boolean", nil
	case parquet.Int32:
		return "int", nil
	case parquet.Int64:
		return "bigint", nil
	}
	return "", fmt.Errorf("physical type %s without a logical type is not mapped to a Hive type", t.Kind())
}

// HiveColumns returns the Glue columns of a Parquet schema, in schema order.
func HiveColumns(s *parquet.Schema) ([]Column, error) {
	var cols []Column
	for _, f := range s.Fields() {
		typ, err := HiveType(f)
		if err != nil {
			return nil, fmt.Errorf("mapping column %s of %s: %w", f.Name(), s.Name(), err)
		}
		cols = append(cols, Column{Name: f.Name(), Type: typ})
	}
	return cols, nil
}

// Value is a template scalar together with its CloudFormation short-form
// tag ("!Sub", "!Ref", ...; "" for a plain string).
type Value struct {
	Tag  string
	Text string
}

// Table is what the template declares for one AWS::Glue::Table.
type Table struct {
	LogicalID     string
	Name          string
	TableType     string
	Columns       []Column
	PartitionKeys []Column
	Location      Value
	InputFormat   string
	OutputFormat  string
	SerDe         string
	// Parameters holds both TableInput.Parameters (projection settings,
	// classification); values keep their tags (storage.location.template is a !Sub).
	Parameters map[string]Value
}

// NamedQuery is one AWS::Athena::NamedQuery of the template.
type NamedQuery struct {
	LogicalID   string
	Name        string
	QueryString string
}

// Template is the part of a SAM/CloudFormation template the checks read.
type Template struct {
	// Tables are the Glue tables by table name.
	Tables map[string]Table
	// NamedQueries are the Athena named queries by their Name.
	NamedQueries map[string]NamedQuery
}

// ParseTemplate reads the Glue tables and Athena named queries of a
// template. Short-form intrinsic functions (!Ref, !Sub) are kept as tagged
// values; a long-form {"Fn::Sub": ...} is read the same way.
func ParseTemplate(src []byte) (Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return Template{}, fmt.Errorf("parsing template: %w", err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return Template{}, fmt.Errorf("parsing template: top level is not a mapping")
	}
	resources := lookup(doc.Content[0], "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return Template{}, fmt.Errorf("parsing template: no Resources mapping")
	}
	tpl := Template{Tables: map[string]Table{}, NamedQueries: map[string]NamedQuery{}}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, res := resources.Content[i].Value, resources.Content[i+1]
		switch scalar(lookup(res, "Type")).Text {
		case "AWS::Glue::Table":
			t, err := parseTable(id, lookup(res, "Properties"))
			if err != nil {
				return Template{}, fmt.Errorf("reading Glue table %s: %w", id, err)
			}
			if _, dup := tpl.Tables[t.Name]; dup {
				return Template{}, fmt.Errorf("reading Glue table %s: table name %q declared twice", id, t.Name)
			}
			tpl.Tables[t.Name] = t
		case "AWS::Athena::NamedQuery":
			props := lookup(res, "Properties")
			q := NamedQuery{
				LogicalID:   id,
				Name:        scalar(lookup(props, "Name")).Text,
				QueryString: scalar(lookup(props, "QueryString")).Text,
			}
			if q.Name == "" || q.QueryString == "" {
				return Template{}, fmt.Errorf("reading named query %s: Name and QueryString must be plain strings", id)
			}
			tpl.NamedQueries[q.Name] = q
		}
	}
	return tpl, nil
}

func parseTable(id string, props *yaml.Node) (Table, error) {
	in := lookup(props, "TableInput")
	if in == nil {
		return Table{}, fmt.Errorf("no Properties.TableInput")
	}
	sd := lookup(in, "StorageDescriptor")
	if sd == nil {
		return Table{}, fmt.Errorf("no TableInput.StorageDescriptor")
	}
	t := Table{
		LogicalID:    id,
		Name:         scalar(lookup(in, "Name")).Text,
		TableType:    scalar(lookup(in, "TableType")).Text,
		Location:     scalar(lookup(sd, "Location")),
		InputFormat:  scalar(lookup(sd, "InputFormat")).Text,
		OutputFormat: scalar(lookup(sd, "OutputFormat")).Text,
		SerDe:        scalar(lookup(lookup(sd, "SerdeInfo"), "SerializationLibrary")).Text,
		Parameters:   map[string]Value{},
	}
	if t.Name == "" {
		return Table{}, fmt.Errorf("TableInput.Name is not a plain string")
	}
	var err error
	if t.Columns, err = columns(lookup(sd, "Columns")); err != nil {
		return Table{}, fmt.Errorf("StorageDescriptor.Columns: %w", err)
	}
	if t.PartitionKeys, err = columns(lookup(in, "PartitionKeys")); err != nil {
		return Table{}, fmt.Errorf("PartitionKeys: %w", err)
	}
	if p := lookup(in, "Parameters"); p != nil {
		for i := 0; i+1 < len(p.Content); i += 2 {
			t.Parameters[p.Content[i].Value] = scalar(p.Content[i+1])
		}
	}
	return t, nil
}

func columns(n *yaml.Node) ([]Column, error) {
	if n == nil {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: not a list", n.Line)
	}
	var cols []Column
	for _, c := range n.Content {
		col := Column{Name: scalar(lookup(c, "Name")).Text, Type: scalar(lookup(c, "Type")).Text}
		if col.Name == "" || col.Type == "" {
			return nil, fmt.Errorf("line %d: column without Name or Type", c.Line)
		}
		cols = append(cols, col)
	}
	return cols, nil
}

// lookup returns the value of key in a mapping node, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// scalar reads a scalar, a short-form tagged scalar (!Sub "..."), or a
// one-key long-form mapping whose value is a scalar ({"Fn::Sub": "..."}).
func scalar(n *yaml.Node) Value {
	if n == nil {
		return Value{}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		tag := n.Tag
		if strings.HasPrefix(tag, "!!") {
			tag = ""
		}
		return Value{Tag: tag, Text: n.Value}
	case yaml.MappingNode:
		if len(n.Content) == 2 && n.Content[1].Kind == yaml.ScalarNode {
			fn := n.Content[0].Value
			switch fn {
			case "Ref":
				return Value{Tag: "!Ref", Text: n.Content[1].Value}
			case "Fn::Sub", "Fn::GetAtt":
				return Value{Tag: "!" + strings.TrimPrefix(fn, "Fn::"), Text: n.Content[1].Value}
			}
		}
	}
	return Value{}
}

// RenderSub renders the text of a !Sub the way CloudFormation does, with the
// given variables: ${Name} is replaced, ${!Literal} becomes ${Literal}. An
// unknown variable is an error (CloudFormation would reject the template).
func RenderSub(text string, vars map[string]string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		j := strings.Index(text[i:], "}")
		if j < 0 {
			return "", fmt.Errorf("rendering %q: unterminated ${", text)
		}
		b.WriteString(text[:i])
		name := text[i+2 : i+j]
		switch v, ok := vars[name]; {
		case strings.HasPrefix(name, "!"):
			b.WriteString("${" + name[1:] + "}")
		case ok:
			b.WriteString(v)
		default:
			return "", fmt.Errorf("rendering %q: unknown variable ${%s}", text, name)
		}
		text = text[i+j+1:]
	}
}

// DiffColumns compares the columns a table declares with the ones wanted,
// ignoring order, and returns one line per difference (sorted), or nil.
func DiffColumns(got, want []Column) []string {
	g := map[string]string{}
	var diffs []string
	for _, c := range got {
		if _, dup := g[c.Name]; dup {
			diffs = append(diffs, fmt.Sprintf("column %s declared twice", c.Name))
		}
		g[c.Name] = c.Type
	}
	w := map[string]string{}
	for _, c := range want {
		w[c.Name] = c.Type
		switch typ, ok := g[c.Name]; {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("column %s (%s) missing", c.Name, c.Type))
		case typ != c.Type:
			diffs = append(diffs, fmt.Sprintf("column %s is %s, Parquet has %s", c.Name, typ, c.Type))
		}
	}
	for _, c := range got {
		if _, ok := w[c.Name]; !ok {
			diffs = append(diffs, fmt.Sprintf("column %s (%s) is not in the Parquet schema", c.Name, c.Type))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// SplitStatements splits a SQL file into statements: each ends with a line
// ending in ';'. Comment-only text between statements is dropped; the
// statements keep their own comments, without the final ';'.
func SplitStatements(src string) ([]string, error) {
	var stmts []string
	var cur []string
	for _, line := range strings.Split(src, "\n") {
		cur = append(cur, line)
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			s := strings.TrimSpace(strings.Join(cur, "\n"))
			stmts = append(stmts, strings.TrimSuffix(s, ";"))
			cur = nil
		}
	}
	if rest := StripComments(strings.Join(cur, "\n")); rest != "" {
		first, _, _ := strings.Cut(strings.TrimSpace(rest), "\n")
		return nil, fmt.Errorf("text after the last statement does not end with ';': %q", first)
	}
	for i, s := range stmts {
		stmts[i] = strings.TrimSpace(s)
	}
	return stmts, nil
}

// StripComments removes whole-line "--" comments and blank lines.
func StripComments(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
