package ingest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// NormalizeHeader returns the form in which header texts and aliases are
// compared: NFKC (full-width to half-width), zero-width characters removed,
// lower case, trimmed, inner white space collapsed to one space, a leading
// question number (3、 Q3. 3. (3) 3) （3） 第3题) and a required marker
// ((必填) [必填] 【必填】 or * at either end) stripped. A header that would
// be stripped to nothing keeps its number.
func NormalizeHeader(h string) string {
	s := norm.NFKC.String(h)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	base := s
	for changed := true; changed; {
		changed = false
		for _, m := range []string{"(必填)", "[必填]", "【必填】", "*"} {
			if t, ok := strings.CutSuffix(s, m); ok {
				s, changed = strings.TrimSpace(t), true
			}
		}
		if t, ok := strings.CutPrefix(s, "*"); ok {
			s, changed = strings.TrimSpace(t), true
		}
	}
	s = stripQuestionNumber(s)
	if s == "" {
		return base
	}
	return s
}

// stripQuestionNumber removes a survey tool's question number prefix.
func stripQuestionNumber(s string) string {
	rest := ""
	switch {
	case strings.HasPrefix(s, "("):
		inner, after, ok := strings.Cut(s[1:], ")")
		if !ok || !isQuestionNumber(strings.TrimSpace(inner)) {
			return s
		}
		rest = after
	case strings.HasPrefix(s, "第"):
		inner, after, ok := strings.Cut(s[len("第"):], "题")
		if !ok || !allDigits(strings.TrimSpace(inner)) {
			return s
		}
		rest = strings.TrimLeft(after, " .:、")
	default:
		p := 0
		q := strings.HasPrefix(s, "q")
		if q {
			p = 1
			for p < len(s) && s[p] == ' ' {
				p++
			}
		}
		start := p
		for p < len(s) && isDigit(s[p]) {
			p++
		}
		if p == start || p == len(s) {
			return s
		}
		switch {
		case strings.HasPrefix(s[p:], "、"):
			p += len("、")
		case s[p] == '.' || s[p] == ':' || s[p] == ')':
			if s[p] == '.' && p+1 < len(s) && isDigit(s[p+1]) {
				return s // 3.5, not a question number
			}
			p++
		case q && s[p] == ' ':
		default:
			return s
		}
		rest = s[p:]
	}
	if rest = strings.TrimSpace(rest); rest == "" {
		return s
	}
	return rest
}

func isQuestionNumber(s string) bool {
	s = strings.TrimSpace(strings.TrimPrefix(s, "q"))
	return allDigits(s)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// headerKey is the comparison key of a normalized header: spaces,
// underscores and hyphens removed, so "Ticket ID", "ticket_id" and
// "TicketID" meet.
func headerKey(normalized string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '-' {
			return -1
		}
		return r
	}, normalized)
}

// fieldSpec is one normalized field of a source.
type fieldSpec struct {
	name     string
	aliases  []string // built-in, besides the name itself
	required bool
	// masked fields hold customer data: dropped, and "***" in RowError.Record.
	masked bool
	// agent fields name the employee credited: placeholders such as
	// "No Agent" or "unassigned" are empty there.
	agent bool
}

// sourceSpec describes the columns of one source.
type sourceSpec struct {
	source Source
	fields []fieldSpec
	// oneOf lists fields of which at least one column must exist (survey:
	// ticket_id, employee_id).
	oneOf []int
	// ratingFallback: the field whose column, when no alias matches, is the
	// first header containing 满意 or "satisf" (survey rating).
	ratingFallback int
}

func (s *sourceSpec) field(name string) int {
	for i, f := range s.fields {
		if f.name == name {
			return i
		}
	}
	return -1
}

var specs = map[Source]*sourceSpec{
	SourceCRM:         &crmSpec,
	SourceSurvey:      &surveySpec,
	SourceEvaluations: &evaluationSpec,
	SourceRoster:      &rosterSpec,
	SourceAdjustments: &adjustmentSpec,
}

// Aliases maps a source and a field name to extra header aliases.
type Aliases map[Source]map[string][]string

// ParseAliases parses config/mapping.yaml:
//
//	crm:
//	  ticket_id: [单据号, 服务编号]
//	survey:
//	  rating: 打分
//
// A field takes a list or a single alias. Unknown sources or fields, and
// empty aliases, are an error naming them. Extra aliases win over built-in
// ones when both match a header.
func ParseAliases(yamlBytes []byte) (Aliases, error) {
	var raw map[string]map[string]yaml.Node
	if err := yaml.Unmarshal(yamlBytes, &raw); err != nil {
		return nil, fmt.Errorf("parsing header aliases: %w", err)
	}
	out := Aliases{}
	var problems []string
	for src, fields := range raw {
		spec, ok := specs[Source(src)]
		if !ok {
			problems = append(problems, fmt.Sprintf("unknown source %q (want crm, survey, evaluations or roster)", src))
			continue
		}
		for field, node := range fields {
			if spec.field(field) < 0 {
				problems = append(problems, fmt.Sprintf("%s: unknown field %q", src, field))
				continue
			}
			var list []string
			switch node.Kind {
			case yaml.ScalarNode:
				list = []string{node.Value}
			case yaml.SequenceNode:
				if err := node.Decode(&list); err != nil {
					problems = append(problems, fmt.Sprintf("%s.%s: %v", src, field, err))
					continue
				}
			default:
				problems = append(problems, fmt.Sprintf("%s.%s: want an alias or a list of aliases", src, field))
				continue
			}
			for _, a := range list {
				if headerKey(NormalizeHeader(a)) == "" {
					problems = append(problems, fmt.Sprintf("%s.%s: empty alias", src, field))
				}
			}
			if out[Source(src)] == nil {
				out[Source(src)] = map[string][]string{}
			}
			out[Source(src)][field] = append(out[Source(src)][field], list...)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("parsing header aliases: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

// mapping is the result of matching a header row to a source's fields.
type mapping struct {
	col     []int    // per field: column index, or -1
	header  []string // original header texts
	width   int      // columns up to the last non-empty header text
	masked  []bool   // per column: customer data
	info    map[string]string
	ignored []string
	names   []string // per column: key in RowError.Record
}

// mapHeader matches header cells to spec's fields. Extra aliases (the
// mapping's) are matched first, over every column, so an explicit alias
// wins over a built-in alias on another column; then the built-in ones,
// for the fields still unmatched. Headers in ignore are never matched.
func mapHeader(spec *sourceSpec, header []string, extra Aliases, ignore ...[]string) (*mapping, *FileError) {
	builtin, explicit := map[string]int{}, map[string]int{}
	for i, f := range spec.fields {
		builtin[headerKey(NormalizeHeader(f.name))] = i
		for _, a := range f.aliases {
			builtin[headerKey(NormalizeHeader(a))] = i
		}
	}
	for name, list := range extra[spec.source] {
		if i := spec.field(name); i >= 0 {
			for _, a := range list {
				if k := headerKey(NormalizeHeader(a)); k != "" {
					explicit[k] = i
				}
			}
		}
	}
	ignored := map[string]bool{}
	for _, l := range ignore {
		for _, h := range l {
			ignored[headerKey(NormalizeHeader(h))] = true
		}
	}
	m := &mapping{
		col:    make([]int, len(spec.fields)),
		header: slices.Clone(header),
		masked: make([]bool, len(header)),
		info:   map[string]string{},
		names:  make([]string, len(header)),
	}
	for i := range m.col {
		m.col[i] = -1
	}
	keys := make([]string, len(header))
	seen := map[string]bool{}
	for j, h := range header {
		keys[j] = headerKey(NormalizeHeader(h))
		if strings.TrimSpace(h) != "" {
			m.width = j + 1
		}
		// A header text may be data (a file without a header): phones and
		// e-mails in it are masked wherever it is echoed.
		name := maskFreeText(h)
		if strings.TrimSpace(h) == "" || seen[name] {
			name = fmt.Sprintf("(column %d)", j+1)
		}
		seen[name] = true
		m.names[j] = name
	}
	matched := make([]bool, len(header))
	for j, k := range keys {
		// An unknown column named like customer contact data.
		m.masked[j] = k != "" && looksPersonal(NormalizeHeader(header[j]))
	}
	for _, lookup := range []map[string]int{explicit, builtin} {
		for j, k := range keys {
			if k == "" || matched[j] {
				continue
			}
			i, ok := lookup[k]
			if !ok {
				continue
			}
			// A repeated (or ignored) column of a customer field (a second
			// phone column) is masked like the first.
			m.masked[j] = m.masked[j] || spec.fields[i].masked
			if m.col[i] < 0 && !ignored[k] {
				m.col[i] = j
				matched[j] = true
			}
		}
	}
	if f := spec.ratingFallback; f >= 0 && m.col[f] < 0 {
		for j, h := range header {
			n := NormalizeHeader(h)
			if !matched[j] && !ignored[keys[j]] && (strings.Contains(n, "满意") || strings.Contains(n, "satisf")) {
				m.col[f] = j
				matched[j] = true
				break
			}
		}
	}
	for i, j := range m.col {
		if j >= 0 {
			m.info[spec.fields[i].name] = maskFreeText(header[j])
			m.masked[j] = spec.fields[i].masked
		}
	}
	for j, h := range header {
		if !matched[j] && keys[j] != "" {
			m.ignored = append(m.ignored, maskFreeText(h))
		}
	}
	// Required columns.
	for i, f := range spec.fields {
		if f.required && m.col[i] < 0 {
			return m, missingColumn(spec, []int{i}, header, extra)
		}
	}
	if len(spec.oneOf) > 0 {
		found := false
		for _, i := range spec.oneOf {
			found = found || m.col[i] >= 0
		}
		if !found {
			return m, missingColumn(spec, spec.oneOf, header, extra)
		}
	}
	return m, nil
}

// warnings are what the file's mapping leaves to a guess: a ticket export
// without a category column gives every ticket the simple category (the
// simple SLA) unless the mapping sets a default.
func (s *sourceSpec) warnings(m *mapping, set *Settings) []string {
	if s.source != SourceCRM || m.col[tCategory] >= 0 || set.Defaults["category"] != "" {
		return nil
	}
	return []string{"no category column: every ticket is simple (the simple SLA); map one (category: [<header>], values: category: {...}) or set defaults: {category: ...} in config/mapping.yaml"}
}

// missingColumn builds the missing_column error for the fields (one, or
// "one of" several).
func missingColumn(spec *sourceSpec, fields []int, header []string, extra Aliases) *FileError {
	var names, tried []string
	for _, i := range fields {
		f := spec.fields[i]
		names = append(names, f.name)
		add := func(a string) {
			if n := NormalizeHeader(a); !slices.Contains(tried, n) {
				tried = append(tried, n)
			}
		}
		add(f.name)
		for _, a := range f.aliases {
			add(a)
		}
		for _, a := range extra[spec.source][f.name] {
			add(a)
		}
		if i == spec.ratingFallback {
			tried = append(tried, "any header containing 满意 or satisf")
		}
	}
	what := fmt.Sprintf("required column %q", names[0])
	if len(names) > 1 {
		what = fmt.Sprintf("a %s column (at least one is required)", strings.Join(names, " or "))
	}
	var found []string
	for _, h := range header {
		if strings.TrimSpace(h) != "" {
			found = append(found, maskFreeText(h))
		}
	}
	return &FileError{
		Code:         CodeMissingColumn,
		Column:       strings.Join(names, " or "),
		AliasesTried: tried,
		Message: fmt.Sprintf("missing %s: no header matches any of %s (compared after normalization); the header has: %s",
			what, quoteList(tried), quoteList(found)),
	}
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// isBlank reports whether every cell is empty or white space.
func isBlank(cells []string) bool {
	for _, c := range cells {
		if c != "" && strings.TrimFunc(c, func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' }) != "" {
			return false
		}
	}
	return true
}
