package source

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
)

// ticketDedup is spec §3.1's rule for CRM exports: within one file, a
// repeated ticket_id keeps the last row (the largest source_row, across all
// months) and reports the earlier ones as duplicate_ticket_id.
//
// It holds no id per row: a fixed-size Bloom filter (normalized.DupFinder)
// flags suspects while rows stream to the encoder, and only when there are
// suspects are the ticket_id and source_row columns of the written files
// scanned to confirm them. Files holding an earlier occurrence are then
// rewritten without it; the others are untouched.
type ticketDedup struct{ d *normalized.DupFinder }

func newTicketDedup() dedup[schema.Ticket] {
	return &ticketDedup{d: normalized.NewDupFinder(normalized.DefaultDupFinderBits)}
}

func (t *ticketDedup) seen(row *schema.Ticket) { t.d.Add(row.TicketID) }

// occurrences of one suspect id across the month files of one export.
type occurrences struct {
	total    int
	last     int64 // largest source_row
	lastFile int   // index of the file holding it
	perFile  []fileCount
}

type fileCount struct{ file, n int }

func (t *ticketDedup) resolve(files []normalized.File, opt normalized.Options) ([]normalized.File, []*ingest.RowError, error) {
	return removeDuplicateTickets(files, t.d, opt)
}

// removeDuplicateTickets applies the rule to the month files written from
// one export, given the DupFinder that saw every ticket_id written to them.
// It returns the new file list, sorted by month, and a rejection for every
// removed row, sorted by source_row. On error the input files are left in
// place and any new file is removed.
func removeDuplicateTickets(files []normalized.File, d *normalized.DupFinder, opt normalized.Options) ([]normalized.File, []*ingest.RowError, error) {
	if d.Suspects() == 0 {
		return files, nil, nil
	}
	occ := make(map[string]*occurrences)
	for i, f := range files {
		err := normalized.ScanKeys(f.Path, "ticket_id", "source_row", d.Suspect, func(id string, sourceRow int64) {
			o := occ[id]
			if o == nil {
				o = &occurrences{last: sourceRow, lastFile: i}
				occ[id] = o
			}
			o.total++
			if sourceRow > o.last {
				o.last, o.lastFile = sourceRow, i
			}
			if n := len(o.perFile); n > 0 && o.perFile[n-1].file == i {
				o.perFile[n-1].n++
			} else {
				o.perFile = append(o.perFile, fileCount{file: i, n: 1})
			}
		})
		if err != nil {
			return nil, nil, fmt.Errorf("finding duplicate ticket ids: %w", err)
		}
	}

	rewrite := make([]bool, len(files))
	needed := false
	for id, o := range occ {
		if o.total < 2 {
			delete(occ, id) // a false positive of the filter
			continue
		}
		for _, fc := range o.perFile {
			if fc.file != o.lastFile || fc.n > 1 {
				rewrite[fc.file] = true
				needed = true
			}
		}
	}
	if !needed {
		return files, nil, nil
	}

	var (
		out     = make([]normalized.File, 0, len(files))
		removed []schema.Ticket
		created []normalized.File
		old     []normalized.File
	)
	drop := func(r *schema.Ticket) bool {
		o := occ[r.TicketID]
		return o != nil && r.SourceRow < o.last
	}
	for i, f := range files {
		if !rewrite[i] {
			out = append(out, f)
			continue
		}
		nf, rm, err := normalized.Rewrite(f, drop, opt)
		if err != nil {
			normalized.RemoveFiles(created)
			return nil, nil, fmt.Errorf("removing duplicate ticket ids: %w", err)
		}
		removed = append(removed, rm...)
		old = append(old, f)
		if nf != nil {
			created = append(created, *nf)
			out = append(out, *nf)
		}
	}
	if err := normalized.RemoveFiles(old); err != nil {
		normalized.RemoveFiles(created)
		return nil, nil, fmt.Errorf("removing files with duplicate ticket ids: %w", err)
	}
	slices.SortFunc(out, func(a, b normalized.File) int { return cmp.Compare(a.Month, b.Month) })
	slices.SortStableFunc(removed, func(a, b schema.Ticket) int {
		return cmp.Or(cmp.Compare(a.SourceRow, b.SourceRow), cmp.Compare(a.TicketID, b.TicketID))
	})
	rejects := make([]*ingest.RowError, len(removed))
	for i := range removed {
		// The physical line is not known once rows are in Parquet: Row, no Line.
		rejects[i] = &ingest.RowError{Row: removed[i].SourceRow, Field: "ticket_id", Value: removed[i].TicketID, Reason: ingest.ReasonDuplicateTicketID}
	}
	return out, rejects, nil
}
