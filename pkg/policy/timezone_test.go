package policy

import (
	"strings"
	"testing"
)

func TestTimezone(t *testing.T) {
	for _, tc := range []struct {
		name, data, want, err string
	}{
		{"absent", "", "Asia/Shanghai", ""},
		{"no key", "version: 2\n", "Asia/Shanghai", ""},
		{"valid", "timezone: Asia/Tokyo\nkpis: []\n", "Asia/Tokyo", ""},
		{"invalid elsewhere", "timezone: Europe/Berlin\nbands: nonsense\nkpis: 7\n", "Europe/Berlin", ""},
		{"broken YAML", "timezone: \"America/New_York\"  # ours\nbands: [[[\n", "America/New_York", ""},
		{"unknown zone", "timezone: Mars/Olympus\n", "Asia/Shanghai", "Mars/Olympus"},
		{"broken, no readable line", "  timezone: [\n", "Asia/Shanghai", "not valid YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := Timezone([]byte(tc.data))
			if loc == nil || loc.String() != tc.want {
				t.Errorf("Timezone = %v, want %s", loc, tc.want)
			}
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
}
