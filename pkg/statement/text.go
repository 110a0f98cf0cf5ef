package statement

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"

	"github.com/scorecard/scorecard/pkg/bucket"
)

// Width is the number of terminal columns s takes: East Asian wide and
// fullwidth characters (汉字, 全角) take two, combining marks none.
func Width(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r < 0x20 || (r >= 0x300 && r < 0x370) || r == 0x200b:
			// control characters and combining marks
		default:
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				n += 2
			default:
				n++
			}
		}
	}
	return n
}

// Pad pads s with spaces to w columns (left-aligned; right-aligned if right).
func Pad(s string, w int, right bool) string {
	gap := w - Width(s)
	if gap <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", gap) + s
	}
	return s + strings.Repeat(" ", gap)
}

// Table writes rows as columns aligned by display width, two spaces
// apart; columns listed in right are right-aligned. Trailing spaces are
// trimmed.
func Table(w io.Writer, rows [][]string, right ...int) error {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], Width(c))
		}
	}
	isRight := map[int]bool{}
	for _, i := range right {
		isRight[i] = true
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(Pad(c, widths[i], isRight[i]))
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	return nil
}

// WriteText writes the statement as aligned text for a terminal.
func (s *Statement) WriteText(w io.Writer) error {
	v := s.view()
	sc := &s.Card.Scorecard
	var b strings.Builder
	fmt.Fprintf(&b, "绩效考核单  %s v%d\n\n", s.Month, s.Version)
	head := [][]string{
		{"姓名", v.Name, "工号", sc.EmployeeID},
		{"团队", v.Team, "岗位", v.Role},
		{"考核政策", sc.PolicyID, "sha256", sc.PolicySHA256},
		{"总分", v.Score, "档位", strings.TrimSpace(v.Band + " " + v.BandLabel)},
		{"绩效系数", v.Multiplier, "绩效工资基数", v.Pay},
		{"实发绩效", v.Payout, "已考核权重", v.Assessed},
	}
	if err := Table(&b, head); err != nil {
		return err
	}
	if v.Proration != "" {
		fmt.Fprintf(&b, "实发绩效按在岗工作日折算：%s × %s × %s = %s\n", v.Pay, v.Multiplier, v.Proration, v.Payout)
	}
	if v.PayoutNote != "" {
		fmt.Fprintln(&b, v.PayoutNote)
	}
	for _, n := range v.Notes {
		fmt.Fprintln(&b, n)
	}
	b.WriteString("\n")
	rows := [][]string{{"维度", "指标", "结果", "目标", "权重", "扣分", "得分"}}
	for _, k := range v.KPIs {
		rows = append(rows, []string{k.Dimension, k.Label + " (" + k.ID + ")", k.Result, k.Target, k.Weight, k.Deducted, k.Points})
	}
	for _, k := range v.Analysis {
		rows = append(rows, []string{k.Dimension, k.Label + " (" + k.ID + ")", k.Result, "", "", "", ""})
	}
	if err := Table(&b, rows, 2, 3, 4, 5, 6); err != nil {
		return err
	}
	for _, k := range v.KPIs {
		fmt.Fprintf(&b, "\n%s (%s): %s\n", k.Label, k.ID, k.Words)
		for _, f := range k.Flags {
			fmt.Fprintf(&b, "  %s\n", f)
		}
		var items [][]string
		for _, it := range k.Items {
			items = append(items, []string{"  " + it.Kind, it.ID, it.Detail, it.Note})
		}
		if err := Table(&b, items); err != nil {
			return err
		}
		if k.More > 0 {
			fmt.Fprintf(&b, "  另有 %d 条未列出。\n", k.More)
		}
	}
	if len(v.Adjustments) > 0 {
		b.WriteString("\n调整与申诉:\n")
		rows := [][]string{{"  调整编号", "调整内容", "工单/回访", "分值", "原因"}}
		for _, a := range v.Adjustments {
			rows = append(rows, []string{"  " + a.ID, a.Action, a.Item, a.Points, a.Reason})
		}
		if err := Table(&b, rows); err != nil {
			return err
		}
	}
	if len(s.History) > 0 {
		b.WriteString("\n近六个月:\n")
		hist := [][]string{}
		pts := s.History
		if len(pts) > 5 {
			pts = pts[len(pts)-5:]
		}
		for _, p := range pts {
			sc := "—"
			if p.ScoreCenti != nil {
				sc = centi(*p.ScoreCenti)
			}
			hist = append(hist, []string{"  " + p.Month.String(), bucket.VersionLabel(p.Version), sc, p.Band})
		}
		hist = append(hist, []string{"  " + s.Month.String(), bucket.VersionLabel(s.Version), v.Score, v.Band})
		if err := Table(&b, hist, 2); err != nil {
			return err
		}
	}
	if s.Previous > 0 {
		fmt.Fprintf(&b, "\n本版本与 v%d 的差异:\n", s.Previous)
		for _, why := range s.Why {
			fmt.Fprintf(&b, "  输入变化: %s\n", why)
		}
		if s.Change == nil {
			b.WriteString("  本人结果没有变化。\n")
		} else {
			for _, f := range s.Change.Fields {
				fmt.Fprintf(&b, "  %s: %s -> %s\n", FieldLabel(f.Field), orDash(f.Before), orDash(f.After))
			}
		}
	}
	_, err := io.WriteString(w, printable(b.String()))
	return err
}

// printable replaces control characters but the newline (an ESC in a
// name from an export would drive the terminal) with U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || (r >= 0x20 && r != 0x7f && (r < 0x80 || r >= 0xa0)) {
			return r
		}
		return '\uFFFD'
	}, s)
}
