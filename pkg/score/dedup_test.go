package score

import (
	"fmt"
	"slices"
	"testing"
)

func TestDedupTickets(t *testing.T) {
	// v builds a version of ticket "T": updated (""=null), upload, key, row;
	// the assignee names the version so the winner can be told apart.
	v := func(name, updated, uploaded, key string, row int64) Ticket {
		x := tk("T", name, "2026-03-01 09:00")
		x.UpdatedAt = NoTime
		if updated != "" {
			x.UpdatedAt = at(updated)
		}
		x.UploadedAt = at(uploaded)
		x.SourceKey = key
		x.SourceRow = row
		return x
	}
	cases := []struct {
		name       string
		rows       []Ticket
		want       string
		inputOrder bool
	}{
		{"latest updated_at wins over a later upload", []Ticket{
			v("new", "2026-03-05 10:00", "2026-03-06 00:00", "a", 1),
			v("old", "2026-03-04 10:00", "2026-03-07 00:00", "b", 1),
		}, "new", false},
		{"null updated_at is older than any", []Ticket{
			v("dated", "2020-01-01 00:00", "2026-03-01 00:00", "a", 1),
			v("null", "", "2026-03-09 00:00", "z", 9),
		}, "dated", false},
		{"tie on updated_at: later upload", []Ticket{
			v("late", "2026-03-05 10:00", "2026-03-08 00:00", "a", 1),
			v("early", "2026-03-05 10:00", "2026-03-07 00:00", "b", 2),
		}, "late", false},
		{"both null: later upload", []Ticket{
			v("late", "", "2026-03-08 00:00", "a", 1),
			v("early", "", "2026-03-07 00:00", "b", 2),
		}, "late", false},
		{"tie on upload: larger key", []Ticket{
			v("b", "", "2026-03-08 00:00", "raw/crm/b.csv", 1),
			v("a", "", "2026-03-08 00:00", "raw/crm/a.csv", 5),
		}, "b", false},
		{"tie on key: larger row", []Ticket{
			v("row7", "", "2026-03-08 00:00", "k", 7),
			v("row3", "", "2026-03-08 00:00", "k", 3),
		}, "row7", false},
		{"identical ordering fields: last given wins", []Ticket{
			v("first", "", "2026-03-08 00:00", "k", 3),
			v("second", "", "2026-03-08 00:00", "k", 3),
		}, "second", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			orders := [][]Ticket{c.rows, reversed(c.rows)}
			if c.inputOrder {
				orders = orders[:1] // the input order decides, by definition
			}
			for _, rows := range orders {
				w, _ := dedupTickets(rows)
				if len(w) != 1 || rows[w[0]].Assignee != c.want {
					t.Fatalf("winner = %v, want %s", names(rows, w), c.want)
				}
			}
		})
	}
	t.Run("one per id, in input order", func(t *testing.T) {
		rows := []Ticket{tk("B", "1", "2026-03-01 09:00"), tk("A", "2", "2026-03-01 09:00"), tk("B", "3", "2026-03-01 09:00"), tk("C", "4", "2026-03-01 09:00")}
		rows[2].SourceRow = 2
		w, byID := dedupTickets(rows)
		if got := names(rows, w); !slices.Equal(got, []string{"2", "3", "4"}) {
			t.Fatalf("winners = %v", got)
		}
		if i, ok := byID.lookup("B"); !ok || rows[i].Assignee != "3" || byID.len() != 3 {
			t.Errorf("byID: B = %d, %v; %d ids", i, ok, byID.len())
		}
	})
}

func reversed[T any](s []T) []T {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

func names(rows []Ticket, idx []int32) []string {
	var out []string
	for _, i := range idx {
		out = append(out, rows[i].Assignee)
	}
	return out
}

func TestDedupSurveys(t *testing.T) {
	s := func(resp, ticket, submitted, uploaded, key string, row int64, rating int32) Survey {
		x := sv(resp, "", ticket, submitted, rating)
		x.UploadedAt = at(uploaded)
		x.SourceKey = key
		x.SourceRow = row
		return x
	}
	cases := []struct {
		name       string
		rows       []Survey
		wantRating []int32 // ratings of the counted responses, sorted
		wantUnique int
	}{
		{"same response id: later upload wins", []Survey{
			s("R1", "T1", "2026-03-05 10:00", "2026-03-06 00:00", "a", 1, 1),
			s("R1", "T1", "2026-03-05 10:00", "2026-03-07 00:00", "a", 1, 5),
		}, []int32{5}, 1},
		{"same response id and upload: larger key, then row", []Survey{
			s("R1", "", "2026-03-05 10:00", "2026-03-06 00:00", "b", 1, 4),
			s("R1", "", "2026-03-05 10:00", "2026-03-06 00:00", "a", 9, 2),
			s("R2", "", "2026-03-05 10:00", "2026-03-06 00:00", "a", 2, 3),
			s("R2", "", "2026-03-05 10:00", "2026-03-06 00:00", "a", 1, 1),
		}, []int32{3, 4}, 2},
		{"latest response per ticket by submitted_at", []Survey{
			s("R1", "T1", "2026-03-09 10:00", "2026-03-01 00:00", "a", 1, 5),
			s("R2", "T1", "2026-03-05 10:00", "2026-03-10 00:00", "b", 1, 2),
		}, []int32{5}, 2},
		{"same submitted_at: later upload", []Survey{
			s("R1", "T1", "2026-03-05 10:00", "2026-03-01 00:00", "a", 1, 5),
			s("R2", "T1", "2026-03-05 10:00", "2026-03-10 00:00", "a", 1, 2),
		}, []int32{2}, 2},
		{"responses without a ticket all count", []Survey{
			s("R1", "", "2026-03-05 10:00", "2026-03-01 00:00", "a", 1, 5),
			s("R2", "", "2026-03-05 10:00", "2026-03-01 00:00", "a", 2, 4),
			s("R3", "T9", "2026-03-05 10:00", "2026-03-01 00:00", "a", 3, 3),
		}, []int32{3, 4, 5}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, rows := range [][]Survey{c.rows, reversed(c.rows)} {
				got, unique := dedupSurveys(rows)
				var ratings []int32
				for _, i := range got {
					ratings = append(ratings, rows[i].Rating)
				}
				slices.Sort(ratings)
				if !slices.Equal(ratings, c.wantRating) || unique != c.wantUnique {
					t.Fatalf("counted ratings %v (unique %d), want %v (%d)", ratings, unique, c.wantRating, c.wantUnique)
				}
			}
		})
	}
}

func TestRowIndexAgreesWithAMap(t *testing.T) {
	ids := make([]string, 20_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("T%d", i*7919%5003) // about 4 rows an id
	}
	x := newRowIndex(len(ids), func(i int32) string { return ids[i] })
	m := map[string]int32{}
	for i, id := range ids {
		p, j, ok := x.find(id)
		if k, in := m[id]; in != ok || (ok && k != j) {
			t.Fatalf("find(%s) = %d, %v; the map has %d, %v", id, j, ok, k, in)
		}
		if !ok || i%3 == 0 { // keep the first row of an id, or every third
			x.set(p, int32(i))
			m[id] = int32(i)
		}
	}
	if x.len() != len(m) {
		t.Fatalf("len = %d, want %d", x.len(), len(m))
	}
	var want []int32
	for _, r := range m {
		want = append(want, r)
	}
	slices.Sort(want)
	if got := x.rows(len(ids)); !slices.Equal(got, want) {
		t.Fatalf("rows differ")
	}
	for id, r := range m {
		if got, ok := x.lookup(id); !ok || got != r {
			t.Fatalf("lookup(%s) = %d, %v, want %d", id, got, ok, r)
		}
	}
	if _, ok := x.lookup("absent"); ok {
		t.Fatal("lookup of an absent id succeeded")
	}
}
