package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/scorecard/scorecard/pkg/mappingdigest"
)

// Mapping is config/mapping.yaml: per source, header aliases and the
// settings of how that source's exports are read (docs/mapping.md).
//
//	crm:
//	  ticket_id: [Ticket ID]        # a field name: extra header aliases
//	  date_order: DMY               # DMY, MDY or YMD (the default)
//	  formats: ["02.01.2006 15:04"] # extra Go time layouts, tried first
//	  null_values: ["n.v."]         # cells read as empty, added to the defaults
//	  ignore: [Requester email]     # headers never matched to a field
//	  sheet: Tickets                # XLSX: the worksheet read (default: the first)
//	  header_row: 1                 # the header is the N-th non-blank record
//	  skip_rows: 0                  # records under the header that are not data
//	  values:                       # per field: cell value -> value
//	    status: {Waiting on Customer: open}
//	  defaults:                     # per field: the value of a missing column or empty cell
//	    category: simple
type Mapping struct {
	// Sources holds the settings of each source named in the file.
	Sources map[Source]*Settings
	// Digest is the hex SHA-256 of the file's bytes ("" without a file).
	Digest string
	// sections are the digests of each source's section
	// (mappingdigest.Sections): see DigestFor.
	sections map[string]string
}

// Settings are how one source's exports are read.
type Settings struct {
	// Aliases maps a field to extra header texts. An alias matches before
	// any built-in alias: an explicit mapping wins over a built-in one on
	// another column.
	Aliases map[string][]string
	// DateOrder is the order of day, month and year in dates that do not
	// start with a 4-digit year: "DMY", "MDY" or "" (year first only).
	DateOrder string
	// Formats are extra Go time layouts (time.Parse), tried before the
	// built-in forms.
	Formats []string
	// NullValues are cell texts read as an empty cell, besides
	// DefaultNullValues (compared after normalizeValue).
	NullValues []string
	// Ignore lists header texts never matched to a field.
	Ignore []string
	// Sheet is the worksheet of an XLSX export ("" = the first).
	Sheet string
	// HeaderRow is the 1-based non-blank record holding the header (0 or
	// 1: the first); the records above it are skipped.
	HeaderRow int
	// SkipRows is the number of records under the header that are not
	// data (Qualtrics' question texts and import ids); not counted.
	SkipRows int
	// Values maps, per field, a cell value (compared after normalizeValue)
	// to the value read in its place.
	Values map[string]map[string]string
	// Defaults maps a field to the value used when its column is missing
	// or its cell empty (only category).
	Defaults map[string]string
}

// DefaultNullValues are the cells read as empty in every export: the
// placeholders spreadsheets and CRMs write for "no value".
var DefaultNullValues = []string{
	"-", "--", "—", "?", "n/a", "na", "#n/a", "null", "(null)", "nil",
	"1900-01-01", "1900-01-01 00:00", "1900-01-01 00:00:00", "0000-00-00", "0000-00-00 00:00:00",
}

// agentPlaceholders are assignee and employee cells that name nobody.
var agentPlaceholders = []string{"no agent", "unassigned", "nobody", "none", "无", "暂无", "未分配"}

// settingNames are the keys of a source's section that are not field names.
var settingNames = []string{"date_order", "defaults", "formats", "header_row", "ignore", "null_values", "sheet", "skip_rows", "values"}

// defaultable fields: those a default may be set for.
var defaultable = map[Source][]string{SourceCRM: {"category"}}

// ParseMapping parses config/mapping.yaml. Every problem (an unknown
// source, field or setting, with the valid names listed; a bad value) is
// reported, sorted, in one error naming the source and key.
func ParseMapping(yamlBytes []byte) (*Mapping, error) {
	sum := sha256.Sum256(yamlBytes)
	m := &Mapping{Sources: map[Source]*Settings{}, Digest: hex.EncodeToString(sum[:])}
	var raw map[string]map[string]yaml.Node
	if err := yaml.Unmarshal(yamlBytes, &raw); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", "config/mapping.yaml", err)
	}
	sections, err := mappingdigest.Sections(yamlBytes)
	if err != nil {
		return nil, err
	}
	m.sections = sections
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for src, keys := range raw {
		spec, ok := specs[Source(src)]
		if !ok {
			bad("unknown source %q (valid: crm, survey, evaluations, roster)", src)
			continue
		}
		s := &Settings{Aliases: map[string][]string{}}
		m.Sources[Source(src)] = s
		for key, node := range keys {
			where := src + "." + key
			switch key {
			case "date_order":
				v := strings.ToUpper(node.Value)
				if node.Kind != yaml.ScalarNode || (v != "DMY" && v != "MDY" && v != "YMD") {
					bad("%s: %q is not DMY, MDY or YMD", where, node.Value)
				}
				if v != "YMD" {
					s.DateOrder = v
				}
			case "formats":
				s.Formats = stringList(&node, where, bad)
				for _, f := range s.Formats {
					if !strings.Contains(f, "2006") && !strings.Contains(f, "06") {
						bad("%s: layout %q has no year (write it as Go's reference time, 2006-01-02 15:04:05)", where, f)
					}
				}
			case "null_values":
				s.NullValues = stringList(&node, where, bad)
			case "ignore":
				s.Ignore = stringList(&node, where, bad)
			case "sheet":
				if node.Kind != yaml.ScalarNode || strings.TrimSpace(node.Value) == "" {
					bad("%s: want a worksheet name", where)
				}
				s.Sheet = node.Value
			case "header_row", "skip_rows":
				n, err := strconv.Atoi(node.Value)
				if node.Kind != yaml.ScalarNode || err != nil || n < 0 || n > 1000 {
					bad("%s: %q is not a whole number 0-1000", where, node.Value)
				}
				if key == "header_row" {
					s.HeaderRow = n
				} else {
					s.SkipRows = n
				}
			case "values":
				s.Values = parseValues(spec, &node, where, bad)
			case "defaults":
				s.Defaults = parseDefaults(spec, &node, where, bad)
			default:
				if spec.field(key) < 0 {
					bad("%s: unknown field or setting %q (valid fields: %s; settings: %s)", src, key,
						strings.Join(spec.fieldNames(), ", "), strings.Join(settingNames, ", "))
					continue
				}
				list := stringList(&node, where, bad)
				for _, a := range list {
					if headerKey(NormalizeHeader(a)) == "" {
						bad("%s: empty alias", where)
					}
				}
				s.Aliases[key] = append(s.Aliases[key], list...)
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("parsing config/mapping.yaml: %s", strings.Join(problems, "; "))
	}
	return m, nil
}

// DigestFor is the digest of src's section of the file in a canonical form
// ("" when the file has no settings for it), computed by pkg/mappingdigest:
// what an ingest report records, so that changing one source's section
// re-ingests that source's exports only, reformatting the file re-ingests
// nothing, and the close (which does not link this package) can compute
// the same digest to tell a month read with an older mapping.
func (m *Mapping) DigestFor(src Source) string {
	if m == nil {
		return ""
	}
	return m.sections[string(src)]
}

// For returns the settings of source src (nil: none).
func (m *Mapping) For(src Source) *Settings {
	if m == nil {
		return nil
	}
	return m.Sources[src]
}

func (s *sourceSpec) fieldNames() []string {
	names := make([]string, len(s.fields))
	for i, f := range s.fields {
		names[i] = f.name
	}
	sort.Strings(names)
	return names
}

// stringList decodes a scalar or a list of scalars.
func stringList(node *yaml.Node, where string, bad func(string, ...any)) []string {
	switch node.Kind {
	case yaml.ScalarNode:
		return []string{node.Value}
	case yaml.SequenceNode:
		var list []string
		if err := node.Decode(&list); err != nil {
			bad("%s: %v", where, err)
		}
		return list
	}
	bad("%s: want a text or a list of texts", where)
	return nil
}

// parseValues decodes values: {field: {from: to}} and checks that every
// target is a value the field accepts.
func parseValues(spec *sourceSpec, node *yaml.Node, where string, bad func(string, ...any)) map[string]map[string]string {
	var raw map[string]map[string]string
	if err := node.Decode(&raw); err != nil {
		bad("%s: want field: {value: value} (%v)", where, err)
		return nil
	}
	out := map[string]map[string]string{}
	for field, pairs := range raw {
		if spec.field(field) < 0 {
			bad("%s: unknown field %q (valid: %s)", where, field, strings.Join(spec.fieldNames(), ", "))
			continue
		}
		out[field] = map[string]string{}
		for from, to := range pairs {
			if msg := checkTarget(spec.source, field, to); msg != "" {
				bad("%s.%s: %q -> %q: %s", where, field, from, to, msg)
			}
			out[field][normalizeValue(from)] = to
		}
	}
	return out
}

func parseDefaults(spec *sourceSpec, node *yaml.Node, where string, bad func(string, ...any)) map[string]string {
	var raw map[string]string
	if err := node.Decode(&raw); err != nil {
		bad("%s: want field: value (%v)", where, err)
		return nil
	}
	for field, v := range raw {
		if !slices.Contains(defaultable[spec.source], field) {
			bad("%s: no default can be set for %q (valid: %s)", where, field, strings.Join(defaultable[spec.source], ", "))
			continue
		}
		if msg := checkTarget(spec.source, field, v); msg != "" {
			bad("%s.%s: %q: %s", where, field, v, msg)
		}
	}
	return raw
}

// checkTarget says what is wrong with v as a value of the field ("" when
// it is fine): an enumerated field takes only the values it reads.
func checkTarget(src Source, field, v string) string {
	n := normalizeValue(v)
	switch {
	case src == SourceCRM && field == "status":
		if _, ok := statusWords[n]; !ok {
			return "not a status (valid: open, resolved, closed, cancelled)"
		}
	case src == SourceCRM && field == "category":
		if _, ok := categoryWords[n]; !ok {
			return "not a category (valid: simple, complex)"
		}
	case src == SourceCRM && field == "complaint_outcome":
		if _, ok := outcomeWords[n]; !ok {
			return "not an outcome (valid: success, failure)"
		}
	case src == SourceCRM && field == "is_complaint":
		if _, ok := parseBool(v); !ok {
			return "not a yes/no value"
		}
	case src == SourceSurvey && field == "rating":
		if _, reason := parseRating(v); reason != "" {
			return "not a rating 1-5"
		}
	}
	return ""
}

// Aliases returns the header aliases of every source.
func (m *Mapping) Aliases() Aliases {
	out := Aliases{}
	for src, s := range m.Sources {
		if len(s.Aliases) > 0 {
			out[src] = s.Aliases
		}
	}
	return out
}
