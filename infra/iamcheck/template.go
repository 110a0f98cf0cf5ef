package iamcheck

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Env is what a deployment would supply: the pseudo parameters, the
// template parameters' values, and the names the template's buckets have
// under test.
type Env struct {
	// Partition, AccountID and Region stand for AWS::Partition,
	// AWS::AccountId and AWS::Region (defaults aws, 123456789012,
	// us-east-1).
	Partition, AccountID, Region string
	// Parameters are the template parameters' values; a parameter not set
	// here takes its Default.
	Parameters map[string]string
	// Buckets maps the logical id of an AWS::S3::Bucket resource to the
	// name the bucket has under test. Statements on other buckets are
	// dropped, with a reason.
	Buckets map[string]string
}

func (e Env) partition() string { return or(e.Partition, "aws") }
func (e Env) account() string   { return or(e.AccountID, "123456789012") }
func (e Env) region() string    { return or(e.Region, "us-east-1") }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// noValue is what !Ref AWS::NoValue resolves to: the enclosing list item
// or mapping key disappears.
type noValue struct{}

// Template is a parsed CloudFormation template with an environment to
// resolve its intrinsic functions in.
type Template struct {
	env        Env
	parameters *yaml.Node // mapping
	conditions *yaml.Node // mapping
	resources  *yaml.Node // mapping
	condMemo   map[string]bool
	// bucketNames maps a bucket's name in the template (its resolved
	// BucketName) to its name under test.
	bucketNames map[string]string
}

// Parse parses a template's YAML, CloudFormation short tags included.
func Parse(src []byte, env Env) (*Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("iamcheck: %w", err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("iamcheck: the template is not a mapping")
	}
	root := doc.Content[0]
	t := &Template{
		env:         env,
		parameters:  lookup(root, "Parameters"),
		conditions:  lookup(root, "Conditions"),
		resources:   lookup(root, "Resources"),
		condMemo:    map[string]bool{},
		bucketNames: map[string]string{},
	}
	if t.resources == nil {
		return nil, fmt.Errorf("iamcheck: the template has no Resources")
	}
	for id, name := range env.Buckets {
		res := lookup(t.resources, id)
		if s := scalarAt(res, "Type"); s != "AWS::S3::Bucket" {
			return nil, fmt.Errorf("iamcheck: Env.Buckets names %s, which is not an AWS::S3::Bucket (%q)", id, s)
		}
		tn, err := t.bucketName(id)
		if err != nil {
			return nil, err
		}
		t.bucketNames[tn] = name
	}
	return t, nil
}

// bucketName is a bucket resource's name in the deployment (its BucketName
// property resolved, else its logical id in lower case).
func (t *Template) bucketName(id string) (string, error) {
	res := lookup(t.resources, id)
	n := lookup(lookup(res, "Properties"), "BucketName")
	if n == nil {
		return strings.ToLower(id), nil
	}
	v, err := t.resolve(n)
	if err != nil {
		return "", fmt.Errorf("iamcheck: %s.BucketName: %w", id, err)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("iamcheck: %s.BucketName is not a string", id)
	}
	return s, nil
}

// lookup returns the value of key in mapping m, or nil.
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

func scalarAt(m *yaml.Node, key string) string {
	if n := lookup(m, key); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// intrinsic reports the function a node calls, in long form (Ref,
// Fn::Sub, ...), and its argument: a short tag (!Sub x) or a one-key
// mapping ({Fn::Sub: x}).
func intrinsic(n *yaml.Node) (string, *yaml.Node, bool) {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name := strings.TrimPrefix(n.Tag, "!")
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		arg := *n
		arg.Tag = ""
		switch n.Kind {
		case yaml.ScalarNode:
			arg.Tag = "!!str"
		case yaml.SequenceNode:
			arg.Tag = "!!seq"
		case yaml.MappingNode:
			arg.Tag = "!!map"
		}
		return name, &arg, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, n.Content[1], true
		}
	}
	return "", nil, false
}

// resolve evaluates n into plain values: string, []any, map[string]any
// (or noValue).
func (t *Template) resolve(n *yaml.Node) (any, error) {
	if n.Kind == yaml.AliasNode {
		return t.resolve(n.Alias)
	}
	if fn, arg, ok := intrinsic(n); ok {
		return t.call(fn, arg)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value, nil
	case yaml.SequenceNode:
		var out []any
		for _, c := range n.Content {
			v, err := t.resolve(c)
			if err != nil {
				return nil, err
			}
			if _, skip := v.(noValue); !skip {
				out = append(out, v)
			}
		}
		return out, nil
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := t.resolve(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			if _, skip := v.(noValue); !skip {
				out[n.Content[i].Value] = v
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

func (t *Template) call(fn string, arg *yaml.Node) (any, error) {
	switch fn {
	case "Ref":
		return t.ref(arg.Value)
	case "Fn::GetAtt":
		var id, attr string
		if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
			id, attr = arg.Content[0].Value, arg.Content[1].Value
		} else {
			id, attr, _ = strings.Cut(arg.Value, ".")
		}
		return t.getAtt(id, attr)
	case "Fn::Sub":
		text, vars := arg, (*yaml.Node)(nil)
		if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
			text, vars = arg.Content[0], arg.Content[1]
		}
		return t.sub(text.Value, vars)
	case "Fn::If":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
			return nil, fmt.Errorf("line %d: Fn::If takes [condition, then, else]", arg.Line)
		}
		ok, err := t.condition(arg.Content[0].Value)
		if err != nil {
			return nil, err
		}
		if ok {
			return t.resolve(arg.Content[1])
		}
		return t.resolve(arg.Content[2])
	case "Fn::Join":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return nil, fmt.Errorf("line %d: Fn::Join takes [separator, list]", arg.Line)
		}
		v, err := t.resolve(arg.Content[1])
		if err != nil {
			return nil, err
		}
		items, _ := v.([]any)
		var parts []string
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("line %d: Fn::Join of a non-string", arg.Line)
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, arg.Content[0].Value), nil
	case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition":
		return t.evalCondition(fn, arg)
	}
	return nil, fmt.Errorf("line %d: %s is not supported", arg.Line, fn)
}

// ref resolves Ref: pseudo parameters, template parameters, and bucket
// resources (their name); any other resource resolves to its logical id.
func (t *Template) ref(name string) (any, error) {
	switch name {
	case "AWS::NoValue":
		return noValue{}, nil
	case "AWS::Partition":
		return t.env.partition(), nil
	case "AWS::AccountId":
		return t.env.account(), nil
	case "AWS::Region":
		return t.env.region(), nil
	case "AWS::StackName":
		return "stack", nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	}
	if p := lookup(t.parameters, name); p != nil {
		if v, ok := t.env.Parameters[name]; ok {
			return v, nil
		}
		return scalarAt(p, "Default"), nil
	}
	res := lookup(t.resources, name)
	if res == nil {
		return nil, fmt.Errorf("Ref %s: no such parameter or resource", name)
	}
	if scalarAt(res, "Type") == "AWS::S3::Bucket" {
		return t.bucketName(name)
	}
	return name, nil
}

// getAtt resolves Fn::GetAtt X.Arn: a bucket's real ARN; for a role (or
// anything else) an ARN made from its logical id, which is all a policy
// needs to tell principals apart.
func (t *Template) getAtt(id, attr string) (any, error) {
	res := lookup(t.resources, id)
	if res == nil {
		return nil, fmt.Errorf("Fn::GetAtt %s.%s: no such resource", id, attr)
	}
	if attr != "Arn" {
		return id + "." + attr, nil
	}
	switch scalarAt(res, "Type") {
	case "AWS::S3::Bucket":
		name, err := t.bucketName(id)
		if err != nil {
			return nil, err
		}
		return "arn:" + t.env.partition() + ":s3:::" + name, nil
	case "AWS::IAM::Role":
		return t.RoleARN(id), nil
	}
	return "arn:" + t.env.partition() + ":cloudformation:" + t.env.region() + ":" + t.env.account() + ":resource/" + id, nil
}

// RoleARN is the ARN the role with logical id stands for under test.
func (t *Template) RoleARN(id string) string {
	return "arn:" + t.env.partition() + ":iam::" + t.env.account() + ":role/" + id
}

// sub resolves Fn::Sub: ${Name}, ${Resource.Attr}, ${!Literal}.
func (t *Template) sub(text string, vars *yaml.Node) (any, error) {
	var b strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		b.WriteString(text[:i])
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("Fn::Sub %q: unclosed ${", text)
		}
		name := text[i+2 : i+j]
		text = text[i+j+1:]
		if strings.HasPrefix(name, "!") {
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		var v any
		var err error
		if n := lookup(vars, name); n != nil {
			v, err = t.resolve(n)
		} else if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			v, err = t.getAtt(id, attr)
		} else {
			v, err = t.ref(name)
		}
		if err != nil {
			return nil, err
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("Fn::Sub ${%s} is not a string", name)
		}
		b.WriteString(s)
	}
}

// condition evaluates a named condition of the Conditions section.
func (t *Template) condition(name string) (bool, error) {
	if v, ok := t.condMemo[name]; ok {
		return v, nil
	}
	n := lookup(t.conditions, name)
	if n == nil {
		return false, fmt.Errorf("no condition %s", name)
	}
	fn, arg, ok := intrinsic(n)
	if !ok {
		return false, fmt.Errorf("condition %s is not a condition function", name)
	}
	v, err := t.evalCondition(fn, arg)
	if err != nil {
		return false, fmt.Errorf("condition %s: %w", name, err)
	}
	t.condMemo[name] = v
	return v, nil
}

func (t *Template) evalCondition(fn string, arg *yaml.Node) (bool, error) {
	switch fn {
	case "Condition":
		return t.condition(arg.Value)
	case "Fn::Equals":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return false, fmt.Errorf("Fn::Equals takes two values")
		}
		a, err := t.resolve(arg.Content[0])
		if err != nil {
			return false, err
		}
		b, err := t.resolve(arg.Content[1])
		if err != nil {
			return false, err
		}
		return fmt.Sprint(a) == fmt.Sprint(b), nil
	case "Fn::Not", "Fn::And", "Fn::Or":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) == 0 {
			return false, fmt.Errorf("%s takes a list of conditions", fn)
		}
		var vals []bool
		for _, c := range arg.Content {
			cfn, carg, ok := intrinsic(c)
			if !ok {
				return false, fmt.Errorf("%s of a non-condition", fn)
			}
			v, err := t.evalCondition(cfn, carg)
			if err != nil {
				return false, err
			}
			vals = append(vals, v)
		}
		switch fn {
		case "Fn::Not":
			return !vals[0], nil
		case "Fn::And":
			for _, v := range vals {
				if !v {
					return false, nil
				}
			}
			return true, nil
		default:
			for _, v := range vals {
				if v {
					return true, nil
				}
			}
			return false, nil
		}
	}
	return false, fmt.Errorf("%s is not a condition function", fn)
}

// orEmpty stands in an empty scalar for a missing node.
func orEmpty(n *yaml.Node) *yaml.Node {
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str"}
	}
	return n
}
