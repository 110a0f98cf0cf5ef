package ingestjob

import (
	"math/big"

	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/policy"
)

// ingestKinds turns the policy's declared record kinds into what the
// evaluations reader matches (policy.Kinds validated each range to 2
// decimals).
func ingestKinds(kinds []policy.Kind) []ingest.CustomKind {
	var out []ingest.CustomKind
	for _, k := range kinds {
		out = append(out, ingest.CustomKind{
			ID: k.ID, Labels: k.Labels,
			MinCenti: centi(k.Min), MaxCenti: centi(k.Max),
			Count: k.Unit == policy.UnitCount,
		})
	}
	return out
}

func centi(r *big.Rat) *int64 {
	if r == nil {
		return nil
	}
	v := new(big.Rat).Mul(r, big.NewRat(100, 1))
	n := new(big.Int).Quo(v.Num(), v.Denom())
	if !n.IsInt64() {
		return nil
	}
	c := n.Int64()
	return &c
}
