package score

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Exact arithmetic helpers. Nothing in this package uses float.

// roundScaledBig returns r × scale rounded to an integer, halves away from
// zero (half-up for the non-negative scores, points and money it is used
// on).
func roundScaledBig(r *big.Rat, scale int64) *big.Int {
	if v, ok := roundScaledSmall(r, scale); ok {
		return big.NewInt(v)
	}
	n := new(big.Int).Mul(r.Num(), big.NewInt(scale))
	neg := n.Sign() < 0
	if neg {
		n.Neg(n)
	}
	d := r.Denom()
	// floor((2n + d) / 2d) = floor(n/d + 1/2)
	n.Lsh(n, 1).Add(n, d)
	n.Quo(n, new(big.Int).Lsh(d, 1))
	if neg {
		n.Neg(n)
	}
	return n
}

// roundScaledSmall is roundScaledBig in int64 arithmetic, when r's
// numerator and denominator and the intermediate values fit (ok): the same
// floor((2·|n|·scale + d) / 2d), without allocating.
func roundScaledSmall(r *big.Rat, scale int64) (v int64, ok bool) {
	num, den := r.Num(), r.Denom()
	if scale <= 0 || !num.IsInt64() || !den.IsInt64() {
		return 0, false
	}
	n, d := num.Int64(), den.Int64()
	if n == math.MinInt64 || d > math.MaxInt64/2 {
		return 0, false
	}
	a := n
	if a < 0 {
		a = -a
	}
	if a > math.MaxInt64/scale {
		return 0, false
	}
	m := a * scale
	if m > (math.MaxInt64-d)/2 {
		return 0, false
	}
	v = (2*m + d) / (2 * d)
	if n < 0 {
		v = -v
	}
	return v, true
}

// roundScaled is roundScaledBig saturated to int64.
func roundScaled(r *big.Rat, scale int64) int64 {
	if v, ok := roundScaledSmall(r, scale); ok {
		return v
	}
	v := roundScaledBig(r, scale)
	if !v.IsInt64() {
		if v.Sign() < 0 {
			return math.MinInt64
		}
		return math.MaxInt64
	}
	return v.Int64()
}

// roundCenti rounds r half-up to 2 decimals and returns it ×100: the score
// rule of spec §5 (69.995 -> 7000, 79.994999 -> 7999).
func roundCenti(r *big.Rat) int64 { return roundScaled(r, 100) }

// fixed formats r rounded half-up to dec decimals ("87.50").
func fixed(r *big.Rat, dec int) string {
	scale := int64(1)
	for range dec {
		scale *= 10
	}
	var s string
	var neg bool
	if v, ok := roundScaledSmall(r, scale); ok { // never math.MinInt64
		neg = v < 0
		if neg {
			v = -v
		}
		s = strconv.FormatInt(v, 10)
	} else {
		v := roundScaledBig(r, scale)
		neg = v.Sign() < 0
		s = new(big.Int).Abs(v).String()
	}
	if dec > 0 {
		if len(s) <= dec {
			s = strings.Repeat("0", dec-len(s)+1) + s
		}
		s = s[:len(s)-dec] + "." + s[len(s)-dec:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// num formats r as a whole number when it is one, else with 2 decimals
// ("30", "7.50").
func num(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	return fixed(r, 2)
}

func ratio(a, b int64) *big.Rat { return big.NewRat(a, b) }

// percentOf returns 100·a/b.
func percentOf(a, b int64) *big.Rat {
	return new(big.Rat).Mul(big.NewRat(a, b), big.NewRat(100, 1))
}

func ratInt(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }

func minRat(a, b *big.Rat) *big.Rat {
	if a.Cmp(b) <= 0 {
		return a
	}
	return b
}

func maxRat(a, b *big.Rat) *big.Rat {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}

func ptr[T any](v T) *T { return &v }
