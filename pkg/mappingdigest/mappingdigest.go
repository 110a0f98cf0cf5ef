// Package mappingdigest computes the digest of each source's section of
// config/mapping.yaml: what an ingest report records as mapping_sha256, and
// what the close compares it with to tell a month read with an older
// mapping (spec §8, docs/mapping.md).
//
// The digest is of the section's YAML tree in a canonical form (mapping
// keys sorted, every scalar as its text, aliases resolved), so re-indenting,
// re-ordering keys or editing comments changes nothing, while any change of
// a setting changes the section's digest and only that one. It does not
// validate the settings (pkg/ingest does): both the ingest and the close
// link it, and the close must not link the export readers. It imports only
// the standard library and yaml.v3.
package mappingdigest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Key is the file the digests are of (bucket.MappingKey; repeated here for
// error messages only).
const Key = "config/mapping.yaml"

// Sections returns the hex SHA-256 of every source's section of the file,
// keyed by source name ("crm", "survey", ...). A section with no settings
// (`crm:` or `crm: {}`) is left out, as is every section of an empty file:
// its digest is "", the same as no section, because it reads exports the
// same way.
func Sections(yamlBytes []byte) (map[string]string, error) {
	out := map[string]string{}
	var doc yaml.Node
	if err := yaml.Unmarshal(yamlBytes, &doc); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", Key, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return out, nil
	}
	root := resolve(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return out, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("parsing %s: want a mapping of source: settings at the top", Key)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		name := resolve(root.Content[i]).Value
		section := resolve(root.Content[i+1])
		if empty(section) {
			continue
		}
		data, err := json.Marshal(canonical(section))
		if err != nil {
			return nil, fmt.Errorf("digesting %s section %s: %w", Key, name, err)
		}
		sum := sha256.Sum256(data)
		out[name] = hex.EncodeToString(sum[:])
	}
	return out, nil
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// empty reports whether a section holds no setting.
func empty(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Tag == "!!null"
	case yaml.MappingNode, yaml.SequenceNode:
		return len(n.Content) == 0
	}
	return false
}

// canonical is n as a value encoding/json writes the same way however the
// file was laid out: maps (whose keys json sorts), lists and strings.
func canonical(n *yaml.Node) any {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[resolve(n.Content[i]).Value] = canonical(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			l[i] = canonical(c)
		}
		return l
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		return n.Value
	}
	return nil
}
