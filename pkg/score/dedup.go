package score

import (
	"cmp"
	"slices"
	"strings"
)

// The de-duplication of spec §5. Rows are never copied: the functions keep
// int32 indexes into the caller's slice in a map by id (about 40 bytes a
// distinct id), so a close of millions of tickets does not double its
// memory. Winners come back in input order; no map order leaks.

// cmpLineage orders two rows from (possibly) different exports: the later
// upload is newer, then the larger object key, then the larger row number.
func cmpLineage(upA int64, keyA string, rowA int64, upB int64, keyB string, rowB int64) int {
	if c := cmp.Compare(upA, upB); c != 0 {
		return c
	}
	if c := strings.Compare(keyA, keyB); c != 0 {
		return c
	}
	return cmp.Compare(rowA, rowB)
}

// cmpTicketVersion orders two rows of the same ticket, older first: the
// latest UpdatedAt is newest (NoTime is older than any time), then lineage.
func cmpTicketVersion(a, b *Ticket) int {
	if c := cmp.Compare(a.UpdatedAt, b.UpdatedAt); c != 0 {
		return c
	}
	return cmpLineage(a.UploadedAt, a.SourceKey, a.SourceRow, b.UploadedAt, b.SourceKey, b.SourceRow)
}

// dedupTickets returns the index of the winning row of every ticket ID, in
// input order, and the winners by ID. Of rows identical in every ordering
// field the last given wins.
func dedupTickets(ts []Ticket) (winners []int32, byID map[string]int32) {
	byID = make(map[string]int32, len(ts))
	for i := range ts {
		j, ok := byID[ts[i].ID]
		if !ok || cmpTicketVersion(&ts[j], &ts[i]) <= 0 {
			byID[ts[i].ID] = int32(i)
		}
	}
	return sortedValues(byID, len(byID)), byID
}

// sortedValues returns the values of m, and then extra, sorted: map order
// never reaches the output.
func sortedValues(m map[string]int32, n int, extra ...int32) []int32 {
	out := make([]int32, 0, n+len(extra))
	for _, i := range m {
		out = append(out, i)
	}
	out = append(out, extra...)
	slices.Sort(out)
	return out
}

// dedupSurveys de-duplicates responses by ResponseID (later upload, key,
// row wins; of identical ones the last given), then keeps only the latest
// response per ticket (by SubmittedAt, then the same order). Responses
// without a ticket are all kept. It returns the counted responses in input
// order and how many distinct response IDs there were.
func dedupSurveys(ss []Survey) (counted []int32, unique int) {
	// newer reports whether row i replaces row j.
	newer := func(j, i int32) bool {
		a, b := &ss[j], &ss[i]
		c := cmpLineage(a.UploadedAt, a.SourceKey, a.SourceRow, b.UploadedAt, b.SourceKey, b.SourceRow)
		return c < 0 || (c == 0 && j < i)
	}
	byResp := make(map[string]int32, len(ss))
	for i := range ss {
		j, ok := byResp[ss[i].ResponseID]
		if !ok || newer(j, int32(i)) {
			byResp[ss[i].ResponseID] = int32(i)
		}
	}
	unique = len(byResp)
	responses := sortedValues(byResp, unique)
	clear(byResp)
	byTicket := byResp // reuse the table
	var noTicket []int32
	for _, i := range responses {
		s := &ss[i]
		if s.TicketID == "" {
			noTicket = append(noTicket, i)
			continue
		}
		j, ok := byTicket[s.TicketID]
		if !ok || ss[j].SubmittedAt < s.SubmittedAt || (ss[j].SubmittedAt == s.SubmittedAt && newer(j, i)) {
			byTicket[s.TicketID] = i
		}
	}
	return sortedValues(byTicket, len(byTicket), noTicket...), unique
}
