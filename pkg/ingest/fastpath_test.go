package ingest

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The fast paths of trimSpace and stripMoney must give what their plain
// definitions give; these are the plain definitions.

func trimSpaceRef(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b' })
}

func stripMoneyRef(s string, currency bool, units []string) string {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	if currency {
		for _, c := range []string{"¥", "￥", "元", "RMB", "rmb", "CNY", "cny"} {
			s = strings.ReplaceAll(s, c, "")
		}
	}
	for _, u := range units {
		s = strings.TrimSuffix(strings.TrimSpace(s), u)
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	return s
}

var fastPathCells = []string{
	"", " ", "a", " a", "a ", "张三", " 张三", "张三\u3000", "\u3000", "\ufeffGD1", "GD1\u200b", "\u00a0x\u00a0",
	"￥366.78", "551元", "¥12.30", "￥ 12.30", "-￥1", "RMB 100", "０.５", "￥１２", "12元整", "\x01a\x01",
	"\xff", "a\xff", "\xe4\xb8", "12\u3000元", "1,234.00元", "CNY5", "5分", "3次", "4星",
}

func TestTrimSpaceFastPath(t *testing.T) {
	for _, s := range fastPathCells {
		if got, want := trimSpace(s), trimSpaceRef(s); got != want {
			t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestStripMoneyFastPath(t *testing.T) {
	for _, s := range fastPathCells {
		for _, currency := range []bool{false, true} {
			for _, units := range [][]string{nil, {"分", "星"}, {"次"}} {
				if got, want := stripMoney(s, currency, units), stripMoneyRef(s, currency, units); got != want {
					t.Errorf("stripMoney(%q, %v, %q) = %q, want %q", s, currency, units, got, want)
				}
			}
		}
	}
}

func FuzzFastPaths(f *testing.F) {
	for _, s := range fastPathCells {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimSpace(s), trimSpaceRef(s); got != want {
			t.Fatalf("trimSpace(%q) = %q, want %q", s, got, want)
		}
		for _, currency := range []bool{false, true} {
			if got, want := stripMoney(s, currency, []string{"次"}), stripMoneyRef(s, currency, []string{"次"}); got != want {
				t.Fatalf("stripMoney(%q, %v) = %q, want %q", s, currency, got, want)
			}
		}
	})
}

func TestIsTrimmedEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isTrimmed(r), unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b'; got != want {
			t.Fatalf("isTrimmed(%U) = %v, want %v", r, got, want)
		}
	}
}
