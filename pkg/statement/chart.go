package statement

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/scorecard/scorecard/pkg/calendar"
)

// chart is an inline SVG drawn here. Every text in it goes through esc:
// it is the one place the pages hold markup not built by html/template.
type chart struct{ svg string }

func (c chart) html() template.HTML { return template.HTML(c.svg) }

func esc(s string) string { return template.HTMLEscapeString(s) }

var bandColors = map[string]string{"A": "#2e7d32", "B": "#1565c0", "C": "#f9a825", "D": "#c62828"}

func bandColor(b string) string {
	if c, ok := bandColors[b]; ok {
		return c
	}
	return "#9e9e9e"
}

// historyChart draws up to six months of scores, this month last, as bars
// with the score above each; a month without a score (no_activity) is a
// grey stub labelled "—".
func historyChart(hist []Point, month calendar.Month, scoreCenti *int64, band string) (chart, bool) {
	pts := hist
	if len(pts) > 5 {
		pts = pts[len(pts)-5:]
	}
	pts = append(append([]Point(nil), pts...), Point{Month: month, ScoreCenti: scoreCenti, Band: band})
	const w, h, top, bottom = 420, 100, 16, 20
	bw := w / 6
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="近六个月得分" width="%d" height="%d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, w, h, w, h)
	fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#999" stroke-width="1"/>`, h-bottom, w, h-bottom)
	for i, p := range pts {
		x := i*bw + 10
		label := "—"
		barH := 3
		color := "#bdbdbd"
		if p.ScoreCenti != nil {
			s := *p.ScoreCenti
			if s < 0 {
				s = 0
			}
			barH = int(s * int64(h-top-bottom) / 10000)
			label = centi(*p.ScoreCenti)
			color = bandColor(p.Band)
		}
		y := h - bottom - barH
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, x, y, bw-20, barH, color)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle">%s</text>`, x+(bw-20)/2, y-4, esc(label+" "+p.Band))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle">%s</text>`, x+(bw-20)/2, h-6, esc(p.Month.String()))
	}
	b.WriteString(`</svg>`)
	return chart{b.String()}, len(pts) > 0
}

// barChart draws labelled horizontal bars of counts.
func barChart(labels []string, values []int, colors []string) chart {
	const w, row, lw = 460, 22, 120
	h := row*len(labels) + 6
	max := 1
	for _, v := range values {
		if v > max {
			max = v
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" width="%d" height="%d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, w, h, w, h)
	for i, l := range labels {
		y := i*row + 3
		bar := values[i] * (w - lw - 50) / max
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`, lw-6, y+14, esc(ellipsize(l, 10)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" fill="%s"/>`, lw, y, bar, colors[i])
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12">%d</text>`, lw+bar+4, y+13, values[i])
	}
	b.WriteString(`</svg>`)
	return chart{b.String()}
}

// stackedChart draws one bar per row, split into the bands' counts.
func stackedChart(rows []string, bands []string, counts [][]int) chart {
	const w, row, lw = 460, 24, 120
	h := row*len(rows) + 26
	max := 1
	for _, cs := range counts {
		t := 0
		for _, c := range cs {
			t += c
		}
		if t > max {
			max = t
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" width="%d" height="%d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, w, h, w, h)
	for i, r := range rows {
		y := i*row + 3
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`, lw-6, y+14, esc(ellipsize(r, 10)))
		x := lw
		for j, c := range counts[i] {
			seg := c * (w - lw - 20) / max
			if seg == 0 {
				continue
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="18" fill="%s"/>`, x, y, seg, bandColor(bands[j]))
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#fff" text-anchor="middle">%d</text>`, x+seg/2, y+13, c)
			x += seg
		}
	}
	lx := lw
	for _, bd := range bands {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="11">%s</text>`,
			lx, h-14, bandColor(bd), lx+13, h-5, esc(bd))
		lx += 50
	}
	b.WriteString(`</svg>`)
	return chart{b.String()}
}
