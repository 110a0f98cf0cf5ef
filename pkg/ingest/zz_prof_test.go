package ingest_test

import (
	"os"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
)

func TestZZProf(t *testing.T) {
	path := os.Getenv("PROF_FILE")
	if path == "" {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	start := time.Now()
	nopt := normalized.Options{Dir: dir}
	w := normalized.NewAsyncWriter[schema.Ticket](nopt, func(t *schema.Ticket) string { return t.CreatedAt.Format("2006-01") })
	dups := normalized.NewDupFinder(64 << 20)
	rej := 0
	opt := ingest.Options{SourceKey: "raw/crm/x.csv", UploadedAt: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
	mode := os.Getenv("PROF_MODE")
	info, err := ingest.ReadTickets(f, opt, func(tk *schema.Ticket) error {
		if mode == "parse" {
			return nil
		}
		if err := w.Write(tk); err != nil {
			return err
		}
		dups.Add(tk.TicketID)
		return nil
	}, func(*ingest.RowError) error { rej++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	files, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	files, _, err = normalized.RemoveTicketDuplicates(files, dups, nopt)
	if err != nil {
		t.Fatal(err)
	}
	t2 := time.Now()
	for _, fl := range files {
		if err := normalized.Verify[schema.Ticket](fl); err != nil {
			t.Fatal(err)
		}
	}
	t3 := time.Now()
	t.Logf("rows %d rej %d: read+write %v, close+dups %v, verify %v, total %v", info.RowsRead, rej, t1.Sub(start), t2.Sub(t1), t3.Sub(t2), t3.Sub(start))
}
