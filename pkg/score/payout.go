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
	return ProratedPayout(payFen, multiplierCenti, 1, 1)
}

// ProratedPayout is Payout for someone employed part of the month (spec
// §11, proration: working_days): performance pay (fen) × multiplier
// (hundredths) × employed / working, computed exactly and rounded once,
// half-up (half away from zero) to the fen; Payout is the case employed =
// working. 600000 fen × 1.20 × 7/22 = 229090.909… → 229091. employed must
// be between 0 and working, and working more than 0.
func ProratedPayout(payFen, multiplierCenti, employed, working int64) (int64, error) {
	if working <= 0 || employed < 0 || employed > working {
		return 0, fmt.Errorf("prorating %d fen by %d/%d working days: want 0 <= employed <= working, working > 0", payFen, employed, working)
	}
	var p, d, r big.Int
	p.Mul(big.NewInt(payFen), big.NewInt(multiplierCenti))
	p.Mul(&p, big.NewInt(employed))
	d.Mul(big.NewInt(100), big.NewInt(working))
	// Quo truncates toward zero and r takes the sign of p: a remainder of
	// at least half a fen in magnitude moves the quotient away from zero.
	p.QuoRem(&p, &d, &r)
	r.Mul(&r, big.NewInt(2))
	switch {
	case r.Sign() > 0 && r.CmpAbs(&d) >= 0:
		p.Add(&p, big.NewInt(1))
	case r.Sign() < 0 && r.CmpAbs(&d) >= 0:
		p.Sub(&p, big.NewInt(1))
	}
	if !p.IsInt64() {
		if employed == working {
			return 0, fmt.Errorf("%d fen × %d/100: %w", payFen, multiplierCenti, errPayoutOverflow)
		}
		return 0, fmt.Errorf("%d fen × %d/100 × %d/%d: %w", payFen, multiplierCenti, employed, working, errPayoutOverflow)
	}
	return p.Int64(), nil
}
