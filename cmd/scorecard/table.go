package main

import (
	"io"
)

// printColumns prints rows as aligned columns two spaces apart, by display
// width (statement.Table: Chinese names take two columns): the first left
// columns aligned left (names, ids, teams), the others right (numbers).
func printColumns(w io.Writer, rows [][]string, left int) {
	n := 0
	for _, r := range rows {
		n = max(n, len(r))
	}
	var right []int
	for i := left; i < n; i++ {
		right = append(right, i)
	}
	printAligned(w, rows, right...)
}
