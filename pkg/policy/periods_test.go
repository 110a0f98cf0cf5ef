package policy

import (
	"strings"
	"testing"
)

func TestPeriodsDefaults(t *testing.T) {
	p := Default()
	if p.Rankings.Stars != 3 || p.Rankings.StarsIncludeFlagged {
		t.Fatalf("rankings %+v, want 3 stars, flagged excluded", p.Rankings)
	}
	for _, c := range []struct {
		centi int64
		band  string
		top   bool
	}{{10000, "excellent", true}, {9000, "excellent", true}, {8999, "qualified", false}, {7000, "qualified", false}, {6999, "unqualified", false}, {0, "unqualified", false}} {
		b, top := p.AnnualBandFor(c.centi)
		if b.Name != c.band || top != c.top {
			t.Errorf("%d: band %s top %v, want %s %v", c.centi, b.Name, top, c.band, c.top)
		}
	}
	if b, _ := p.AnnualBandFor(9500); b.Label != "优秀" || b.Action != AnnualRaise || b.Raise.FloatString(2) != "0.10" {
		t.Fatalf("top band %+v", b)
	}
}

func TestPeriodsParse(t *testing.T) {
	const bands = `
annual:
  bands:
    - {band: top, label: 卓越, min: 95, action: raise, raise: "0.15"}
    - {band: ok, label: 合格, min: 60, action: unchanged}
    - {band: low, label: 待改进, min: 0, action: review}
rankings:
  stars: 5
  stars_include_flagged: true
`
	p, err := Parse(append(append([]byte{}, defaultYAML...), bands...))
	if err != nil {
		t.Fatal(err)
	}
	if p.Rankings.Stars != 5 || !p.Rankings.StarsIncludeFlagged {
		t.Fatalf("rankings %+v", p.Rankings)
	}
	if b, top := p.AnnualBandFor(9499); b.Name != "ok" || top {
		t.Fatalf("94.99: %s %v", b.Name, top)
	}
	for _, c := range []struct{ yaml, field string }{
		{"rankings: {stars: -1}", "rankings.stars"},
		{"rankings: {stars: two}", "rankings.stars"},
		{"rankings: {stars_include_flagged: maybe}", "rankings.stars_include_flagged"},
		{"annual: {bands: [{band: a, min: 50, action: review}]}", "annual.bands"},
		{"annual: {bands: [{band: a, min: 0, action: promote}]}", "annual.bands[0].action"},
		{"annual: {bands: [{band: a, min: 0, action: raise}]}", "annual.bands[0].raise"},
		{"annual: {bands: [{band: a, min: 0, action: review, raise: 0.1}]}", "annual.bands[0].raise"},
		{"annual: {bands: [{band: a, min: 0, action: review}, {band: a, min: 50, action: review}]}", "annual.bands[1].band"},
		{"annual: {bands: [{band: a, min: 0, action: review}, {band: b, min: 0, action: review}]}", "annual.bands[1].min"},
		{"annual: {bands: [{band: a, min: 0, action: review}, {band: b, min: 101, action: review}]}", "annual.bands[1].min"},
	} {
		_, err := Parse(append(append([]byte{}, defaultYAML...), "\n"+c.yaml+"\n"...))
		if err == nil || !strings.Contains(err.Error(), c.field+":") {
			t.Errorf("%s: error %v, want one naming %s", c.yaml, err, c.field)
		}
	}
}
