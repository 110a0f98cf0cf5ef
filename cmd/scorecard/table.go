package main

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"
)

// displayWidth is how many terminal columns s takes: two for wide and
// full-width characters (Chinese names and teams), one for the others.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// printColumns prints rows as aligned columns two spaces apart: the first
// left columns aligned left (names, ids, teams), the others right (numbers).
// text/tabwriter counts characters, not columns, so it misaligns Chinese.
func printColumns(w io.Writer, rows [][]string, left int) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < left {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
