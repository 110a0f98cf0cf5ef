package policy

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// Rankings are the monthly ranking settings (spec §10):
//
//	rankings:
//	  stars: 3                      # the default: the top 3 overall are 月度服务之星
//	  stars_include_flagged: false  # the default: small_sample / no_activity are never stars
type Rankings struct {
	// Stars is how many ranks overall are flagged star (ties at the last
	// star rank are all stars). 0 flags no one.
	Stars int
	// StarsIncludeFlagged lets employees flagged small_sample or
	// no_activity be stars; by default they are ranked but not starred.
	StarsIncludeFlagged bool
}

const defaultStars = 3

type rankingsT struct {
	Stars               *num  `yaml:"stars"`
	StarsIncludeFlagged *flag `yaml:"stars_include_flagged"`
}

func (r rankingsT) rankings(ps *problems) Rankings {
	return Rankings{
		Stars:               r.Stars.int(ps, "rankings.stars", defaultStars),
		StarsIncludeFlagged: r.StarsIncludeFlagged.bool(ps, "rankings.stars_include_flagged", false),
	}
}

func (r Rankings) validate(ps *problems) {
	if r.Stars < 0 || r.Stars > 1000 {
		ps.add("rankings.stars", "%d out of range 0-1000", r.Stars)
	}
}

// Annual actions: what an annual band means for next year's pay.
const (
	AnnualRaise     = "raise"     // a raise of AnnualBand.Raise
	AnnualUnchanged = "unchanged" // pay unchanged
	AnnualReview    = "review"    // a performance review
)

// Annual is the annual close's setting (spec §10):
//
//	annual:
//	  bands:   # the default, following the source article
//	    - {band: excellent,   label: 优秀,   min: 90, action: raise, raise: "0.10"}
//	    - {band: qualified,   label: 合格,   min: 70, action: unchanged}
//	    - {band: unqualified, label: 不合格, min: 0,  action: review}
type Annual struct {
	// Bands, highest min first once validated; empty means DefaultAnnualBands.
	Bands []AnnualBand
}

// AnnualBand is one annual band: a mean score of Min or more (and below
// the next band's Min) earns it.
type AnnualBand struct {
	Name   string
	Label  string
	Min    *big.Rat
	Action string
	// Raise is the raise as a fraction (0.10 = 10%) for AnnualRaise; nil otherwise.
	Raise *big.Rat
}

// DefaultAnnualBands are the bands of the source article: ≥90 优秀 (raise
// 10%), 70-89 合格 (unchanged), <70 不合格 (review).
func DefaultAnnualBands() []AnnualBand {
	return []AnnualBand{
		{Name: "excellent", Label: "优秀", Min: big.NewRat(90, 1), Action: AnnualRaise, Raise: big.NewRat(10, 100)},
		{Name: "qualified", Label: "合格", Min: big.NewRat(70, 1), Action: AnnualUnchanged},
		{Name: "unqualified", Label: "不合格", Min: new(big.Rat), Action: AnnualReview},
	}
}

// AnnualBands returns the bands, highest Min first (the default ones when
// the policy names none).
func (p *Policy) AnnualBands() []AnnualBand {
	bs := p.Annual.Bands
	if len(bs) == 0 {
		bs = DefaultAnnualBands()
	}
	bs = slices.Clone(bs)
	slices.SortStableFunc(bs, func(a, b AnnualBand) int { return b.Min.Cmp(a.Min) })
	return bs
}

// AnnualBandFor returns the band of a mean score (rounded, ×100) and
// whether it is the top band.
func (p *Policy) AnnualBandFor(scoreCenti int64) (AnnualBand, bool) {
	bs := p.AnnualBands()
	s := big.NewRat(scoreCenti, 100)
	for i, b := range bs {
		if s.Cmp(b.Min) >= 0 {
			return b, i == 0
		}
	}
	return bs[len(bs)-1], len(bs) == 1
}

type annualT struct {
	Bands []annualBandT `yaml:"bands"`
}

type annualBandT struct {
	Band   string `yaml:"band"`
	Label  string `yaml:"label"`
	Min    *num   `yaml:"min"`
	Action string `yaml:"action"`
	Raise  *num   `yaml:"raise"`
}

func (a annualT) annual(ps *problems) Annual {
	var out Annual
	for i, b := range a.Bands {
		path := fmt.Sprintf("annual.bands[%d]", i)
		out.Bands = append(out.Bands, AnnualBand{
			Name:   strings.TrimSpace(b.Band),
			Label:  strings.TrimSpace(b.Label),
			Min:    b.Min.rat(ps, path+".min"),
			Action: strings.TrimSpace(b.Action),
			Raise:  b.Raise.rat(ps, path+".raise"),
		})
	}
	return out
}

func (a Annual) validate(ps *problems) {
	if len(a.Bands) == 0 {
		return
	}
	zero := false
	for i, b := range a.Bands {
		path := fmt.Sprintf("annual.bands[%d]", i)
		if !namePattern.MatchString(b.Name) {
			ps.add(path+".band", "%q: want letters, digits, _ . -", b.Name)
		}
		if slices.IndexFunc(a.Bands, func(o AnnualBand) bool { return o.Name == b.Name }) != i {
			ps.add(path+".band", "%q is listed twice", b.Name)
		}
		switch {
		case b.Min == nil:
			ps.add(path+".min", "required")
		case b.Min.Sign() < 0 || b.Min.Cmp(big.NewRat(100, 1)) > 0:
			ps.add(path+".min", "%s out of range 0-100", b.Min.FloatString(2))
		default:
			zero = zero || b.Min.Sign() == 0
			if slices.IndexFunc(a.Bands, func(o AnnualBand) bool { return o.Min != nil && o.Min.Cmp(b.Min) == 0 }) != i {
				ps.add(path+".min", "%s is the min of an earlier band too", b.Min.FloatString(2))
			}
		}
		switch b.Action {
		case AnnualRaise:
			if b.Raise == nil || b.Raise.Sign() <= 0 || b.Raise.Cmp(big.NewRat(1, 1)) > 0 {
				ps.add(path+".raise", "want a fraction above 0 and at most 1 for action raise")
			}
		case AnnualUnchanged, AnnualReview:
			if b.Raise != nil {
				ps.add(path+".raise", "only action raise has a raise")
			}
		default:
			ps.add(path+".action", "%q: want raise, unchanged or review", b.Action)
		}
	}
	if !zero {
		ps.add("annual.bands", "no band starts at 0: the bands must cover 0-100")
	}
}
