package policy

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// timezoneLine finds the top-level timezone key of a file that is not valid
// YAML as a whole.
var timezoneLine = regexp.MustCompile(`(?m)^timezone:[ \t]*["']?([A-Za-z0-9_+\-/]+)["']?[ \t]*(#.*)?$`)

// Timezone reads only the time zone of a policy file, without parsing or
// validating the rest: the ingest needs the zone to read local timestamps
// and choose month partitions, and a policy that is wrong elsewhere must not
// stop files from being normalized (it stops the close instead). When the
// file is not valid YAML the top-level "timezone:" line is still read. Nil
// data, or a file without a timezone, gives the default zone.
//
// The error is for a zone that cannot be found at all (an unknown name, or
// a broken file with no readable timezone line); the location returned
// with it is the default zone, for the caller that decides to go on.
func Timezone(data []byte) (*time.Location, error) {
	def := Default().Location()
	if len(data) == 0 {
		return def, nil
	}
	var f struct {
		Timezone string `yaml:"timezone"`
	}
	name := ""
	if err := yaml.Unmarshal(data, &f); err == nil {
		name = f.Timezone
	} else if m := timezoneLine.FindSubmatch(data); m != nil {
		name = string(m[1])
	} else if strings.Contains(string(data), "timezone") {
		return def, fmt.Errorf("timezone: the file is not valid YAML and its timezone line cannot be read: %w", err)
	}
	if name == "" {
		return def, nil
	}
	loc, err := loadLocation(name)
	if err != nil {
		return def, fmt.Errorf("timezone: %w", err)
	}
	return loc, nil
}
