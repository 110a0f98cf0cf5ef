package score

import (
	"errors"
	"fmt"
	"math/big"
)

// errPayoutOverflow is wrapped by Payout's error when the payout does not
// fit in int64 fen.
var errPayoutOverflow = errors.New("payout overflows int64 fen")

// Payout is the pay rule, and the only place in the repository where a
// score becomes pay: the performance pay (fen) × the band multiplier
// (hundredths), rounded half-up to the fen. Compute fills
// Scorecard.PayoutFen with it, and pkg/payroll publishes that value after
// checking it against this function.
//
// The arithmetic is exact (big.Int, never float): 123457 × 1.20 = 148148.4
// → 148148, and 12345 × 0.50 = 6172.5 → 6173. A negative product rounds
// half away from zero (-6172.5 → -6173), so Payout(-p, m) = -Payout(p, m).
// A result outside int64 is an error, never a wrapped or saturated value
// (DECIMAL(18,2), the payout column, ends at 10^16 fen; no real pay and
// multiplier come near either limit).
func Payout(payFen, multiplierCenti int64) (int64, error) {
	var p, r big.Int
	p.Mul(big.NewInt(payFen), big.NewInt(multiplierCenti))
	// Quo truncates toward zero and r takes the sign of p: a remainder of
	// at least half a fen in magnitude moves the quotient away from zero.
	p.QuoRem(&p, big.NewInt(100), &r)
	switch {
	case r.Int64() >= 50:
		p.Add(&p, big.NewInt(1))
	case r.Int64() <= -50:
		p.Sub(&p, big.NewInt(1))
	}
	if !p.IsInt64() {
		return 0, fmt.Errorf("%d fen × %d/100: %w", payFen, multiplierCenti, errPayoutOverflow)
	}
	return p.Int64(), nil
}
