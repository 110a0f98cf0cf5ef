package score

import (
	"cmp"
	"strings"
)

// The de-duplication of spec §5. Rows are never copied: the functions keep
// int32 indexes into the caller's slice in a rowIndex by id (about 16 bytes
// a distinct id), so a close of millions of tickets does not double its
// memory. Winners come back in input order; no table order leaks.

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
func dedupTickets(ts []Ticket) (winners []int32, byID *rowIndex) {
	byID = newRowIndex(len(ts), func(i int32) string { return ts[i].ID })
	for i := range ts {
		slot, j, ok := byID.find(ts[i].ID)
		if !ok || cmpTicketVersion(&ts[j], &ts[i]) <= 0 {
			byID.set(slot, int32(i))
		}
	}
	return byID.rows(len(ts)), byID
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
	byResp := newRowIndex(len(ss), func(i int32) string { return ss[i].ResponseID })
	for i := range ss {
		slot, j, ok := byResp.find(ss[i].ResponseID)
		if !ok || newer(j, int32(i)) {
			byResp.set(slot, int32(i))
		}
	}
	unique = byResp.len()
	responses := byResp.rows(len(ss))
	byTicket := byResp // reuse the table
	byTicket.reset(func(i int32) string { return ss[i].TicketID })
	var noTicket []int32
	for _, i := range responses {
		s := &ss[i]
		if s.TicketID == "" {
			noTicket = append(noTicket, i)
			continue
		}
		slot, j, ok := byTicket.find(s.TicketID)
		if !ok || ss[j].SubmittedAt < s.SubmittedAt || (ss[j].SubmittedAt == s.SubmittedAt && newer(j, i)) {
			byTicket.set(slot, i)
		}
	}
	return byTicket.rows(len(ss), noTicket...), unique
}

// rowIndex maps ids to row indexes (int32, as the rows are at most
// math.MaxInt32): an open-addressing hash table whose slots hold only 32
// bits of an id's hash and the row's index, the id itself being read from
// the row through key. At 8 bytes a slot and at most half the slots used,
// it takes about 16 bytes per id where a map[string]int32 takes over 50,
// and probes one compact array. Nothing it returns depends on its layout.
type rowIndex struct {
	key   func(row int32) string
	slots []uint64 // hash<<32 | row+1; 0 is empty
	n     int
}

func newRowIndex(rows int, key func(int32) string) *rowIndex {
	size := 8
	for size < 2*rows {
		size *= 2
	}
	return &rowIndex{key: key, slots: make([]uint64, size)}
}

// place is where an id is, or goes, in a rowIndex.
type place struct {
	slot int
	tag  uint64 // the high 32 bits of the id's hash
}

// find returns the place of id, and the row it holds if ok; when !ok, the
// place is the free slot where id goes.
func (x *rowIndex) find(id string) (p place, row int32, ok bool) {
	h := hashID(id)
	tag := h >> 32
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return place{int(i), tag}, 0, false
		}
		if s>>32 == tag {
			if r := int32(uint32(s) - 1); x.key(r) == id {
				return place{int(i), tag}, r, true
			}
		}
	}
}

// set makes row the row of the id at p, as returned by find.
func (x *rowIndex) set(p place, row int32) {
	if x.slots[p.slot] == 0 {
		x.n++
	}
	x.slots[p.slot] = p.tag<<32 | uint64(uint32(row)+1)
}

// lookup returns the row of id.
func (x *rowIndex) lookup(id string) (int32, bool) {
	_, row, ok := x.find(id)
	return row, ok
}

// len is the number of ids.
func (x *rowIndex) len() int { return x.n }

// reset empties the table and makes it read ids with key.
func (x *rowIndex) reset(key func(int32) string) {
	clear(x.slots)
	x.key, x.n = key, 0
}

// rows returns the rows in the table, and then extra (rows not in it),
// sorted: of a slice of total rows.
func (x *rowIndex) rows(total int, extra ...int32) []int32 {
	in := make([]bool, total)
	for _, s := range x.slots {
		if s != 0 {
			in[uint32(s)-1] = true
		}
	}
	for _, r := range extra {
		in[r] = true
	}
	out := make([]int32, 0, x.n+len(extra))
	for r, ok := range in {
		if ok {
			out = append(out, int32(r))
		}
	}
	return out
}

// hashID is a deterministic 64-bit hash of an id (the package uses no
// randomness): 8 bytes at a time, each step a bijection of the chunk, then
// MurmurHash3's finaliser, so that both the low bits (the slot) and the
// high bits (the tag) depend on every byte.
func hashID(s string) uint64 {
	const m = 0x9e3779b97f4a7c15
	h := uint64(len(s)) * m
	for ; len(s) >= 8; s = s[8:] {
		v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = (h ^ v) * m
		h ^= h >> 32
	}
	var v uint64
	for i := range len(s) {
		v |= uint64(s[i]) << (8 * i)
	}
	h = (h ^ v) * m
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
