package statement

import (
	"math/big"
	"strconv"
	"strings"
	"time"
)

// scaled formats v / 10^dec exactly, trimming trailing zeros but keeping at
// least keep decimals: scaled(875000, 4, 2) = "87.50", scaled(833333, 4, 2)
// = "83.3333". Integer arithmetic only.
func scaled(v int64, dec, keep int) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	s := strconv.FormatUint(u, 10)
	for len(s) <= dec {
		s = "0" + s
	}
	ip, fp := s[:len(s)-dec], s[len(s)-dec:]
	for len(fp) > keep && fp[len(fp)-1] == '0' {
		fp = fp[:len(fp)-1]
	}
	out := ip
	if fp != "" {
		out += "." + fp
	}
	if neg {
		out = "-" + out
	}
	return out
}

// micro formats a ×10^4 value: "87.50", "83.3333", "1.00".
func micro(v int64) string { return scaled(v, 4, 2) }

// centi formats a ×100 value: "92.50", "1.20".
func centi(v int64) string { return scaled(v, 2, 2) }

// fen formats an amount in fen as yuan: "8400.00".
func fen(v int64) string { return scaled(v, 2, 2) }

// ratText formats r to at most 4 decimals (half-up), at least 2; "≈"
// before it when that is not exact.
func ratText(r *big.Rat) string {
	m := new(big.Rat).Mul(r, big.NewRat(10000, 1))
	n := new(big.Int).Set(m.Num())
	d := m.Denom()
	q, rem := new(big.Int).QuoRem(n, d, new(big.Int))
	exact := rem.Sign() == 0
	// half-up, away from zero
	twice := new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2))
	if twice.Cmp(d) >= 0 {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	s := scaled(q.Int64(), 4, 2)
	if !exact {
		return "≈" + s
	}
	return s
}

// ratNum is ratText without the kept decimals: a policy's "1", "0.5".
func ratNum(r *big.Rat) string {
	t := ratText(r)
	if strings.HasSuffix(t, ".00") {
		return strings.TrimSuffix(t, ".00")
	}
	return t
}

// ratOfMicro is v / 10^4.
func ratOfMicro(v int64) *big.Rat { return big.NewRat(v, 10000) }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// when formats a time in loc to the minute: "2026-09-03 14:05".
func when(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "—"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// ellipsize cuts s to n runes.
func ellipsize(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
