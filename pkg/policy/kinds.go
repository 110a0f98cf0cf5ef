package policy

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Kinds reads only the custom record kinds of a policy file (spec §11),
// without parsing or validating the rest, as Timezone reads only the time
// zone: the ingest of evaluation records needs the kinds to accept them,
// and a policy that is wrong elsewhere must not stop files from being
// normalized (it stops the close instead). Each kind that is itself valid
// (an id, a known unit, a range of two decimals with min <= max) is
// returned; each one that is not is skipped and named in the error, which
// is then a warning for the caller that goes on with what was read. Nil
// data, or a file without kinds, gives none. A file that is not valid YAML
// gives no kinds and, when it mentions kinds at all, an error (records of custom kinds are then rejected
// as unknown and the ingest report says why).
func Kinds(data []byte) ([]Kind, error) {
	if len(data) == 0 {
		return nil, nil
	}
	var f struct {
		Kinds []kindT `yaml:"kinds"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		if !strings.Contains(string(data), "kinds") {
			return nil, nil // nothing lost: the file declares no kinds
		}
		return nil, fmt.Errorf("kinds: the file is not valid YAML: %w", err)
	}
	var out []Kind
	var bad problems
	for i, kt := range f.Kinds {
		var ps problems
		k := kindsOf([]kindT{kt}, &ps)[0]
		one := Policy{Kinds: []Kind{k}}
		one.checkKinds(&ps)
		for j := range ps {
			ps[j].Path = fmt.Sprintf("kinds[%d]%s", i, ps[j].Path[len("kinds[0]"):])
		}
		if len(ps) > 0 {
			bad = append(bad, ps...)
			continue
		}
		out = append(out, k)
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("kinds skipped: %w", bad.err(""))
	}
	return out, nil
}
