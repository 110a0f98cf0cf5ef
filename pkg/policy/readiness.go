package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Readiness is when a month may be closed (spec §8). A month is ready when
// it has ended in the policy time zone, the inputs named by Require are
// present, the calendar covers every deadline the close needs and no raw
// export is waiting for its ingest.
//
//	readiness:
//	  require: [tickets, surveys, roster]   # the default
//	  max_ingest_lag: 1h                    # the default
type Readiness struct {
	// Require lists the inputs that must be present: tickets and surveys
	// (accepted rows in M), evaluations (records for M), roster (an upload
	// on or after the first day of M).
	Require []string
	// MaxIngestLag is how long a raw export may be without an ingest report
	// before it is taken for a failed ingest: listed, no longer blocking.
	MaxIngestLag time.Duration
}

// The inputs Readiness.Require may name.
const (
	RequireTickets     = "tickets"
	RequireSurveys     = "surveys"
	RequireEvaluations = "evaluations"
	RequireRoster      = "roster"
)

var requirable = []string{RequireTickets, RequireSurveys, RequireEvaluations, RequireRoster}

const defaultMaxIngestLag = time.Hour

func defaultRequire() []string { return []string{RequireTickets, RequireSurveys, RequireRoster} }

// readinessT is the readiness block as written.
type readinessT struct {
	Require      *[]string `yaml:"require"`
	MaxIngestLag string    `yaml:"max_ingest_lag"`
}

func (r readinessT) readiness(ps *problems) Readiness {
	out := Readiness{Require: defaultRequire(), MaxIngestLag: defaultMaxIngestLag}
	if r.Require != nil {
		out.Require = nil
		for _, s := range *r.Require {
			out.Require = append(out.Require, strings.TrimSpace(s))
		}
	}
	if s := strings.TrimSpace(r.MaxIngestLag); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			ps.add("readiness.max_ingest_lag", "%q: want a duration such as 1h or 30m", s)
		} else {
			out.MaxIngestLag = d
		}
	}
	return out
}

func (r Readiness) validate(ps *problems) {
	for i, s := range r.Require {
		if !slices.Contains(requirable, s) {
			ps.add(fmt.Sprintf("readiness.require[%d]", i), "%q: want one of %s", s, strings.Join(requirable, ", "))
		}
		if slices.Index(r.Require, s) != i {
			ps.add(fmt.Sprintf("readiness.require[%d]", i), "%q is listed twice", s)
		}
	}
	if r.MaxIngestLag < 0 || r.MaxIngestLag > 7*24*time.Hour {
		ps.add("readiness.max_ingest_lag", "%v out of range 0-168h", r.MaxIngestLag)
	}
}

// Requires reports whether input (RequireTickets, …) must be present.
func (r Readiness) Requires(input string) bool { return slices.Contains(r.Require, input) }
