package normalized

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/schema"
)

// ticketPool pre-generates realistic rows so that the benchmarks measure the
// writer, not the generator; row i is pool[i%len(pool)] with its own id,
// creation time and source row.
type ticketPool struct {
	rows  []schema.Ticket
	start time.Time
	span  time.Duration
	n     int
	idBuf []byte
}

func newTicketPool(n, months int) *ticketPool {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai).UTC()
	g := newTicketGen(7, start, months, 1<<14)
	p := &ticketPool{rows: make([]schema.Ticket, 1<<14), start: start, span: g.span, n: n}
	for i := range p.rows {
		g.ticket(i, &p.rows[i])
	}
	return p
}

func (p *ticketPool) fill(i int, t *schema.Ticket) {
	*t = p.rows[i%len(p.rows)]
	shift := time.Duration(int64(p.span)/int64(p.n)*int64(i)) - t.CreatedAt.Sub(p.start)
	t.CreatedAt = t.CreatedAt.Add(shift)
	p.idBuf = strconv.AppendInt(append(p.idBuf[:0], "GD"...), int64(10_000_000+i), 10)
	t.TicketID = string(p.idBuf)
	t.SourceRow = int64(i + 1)
}

// writeTicketsLikeIngest runs the ingest path over n tickets: Writer + DupFinder,
// Close, Verify each file; unique ids leave no suspect to confirm.
func writeTicketsLikeIngest(tb testing.TB, p *ticketPool, n int, opt Options) []File {
	w := NewWriter[schema.Ticket](opt, monthOfTicket)
	d := NewDupFinder(DefaultDupFinderBits)
	var row schema.Ticket
	for i := range n {
		p.fill(i, &row)
		d.Add(row.TicketID)
		if err := w.Write(&row); err != nil {
			tb.Fatal(err)
		}
	}
	files, err := w.Close()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range files {
		if err := Verify[schema.Ticket](f); err != nil {
			tb.Fatal(err)
		}
	}
	if d.Suspects() != 0 {
		tb.Fatalf("%d suspects among unique ids", d.Suspects())
	}
	return files
}

// BenchmarkWriteTickets writes 1M realistic tickets spread over 3 months
// (Writer.Write and Close only) and reports rows/s and bytes per row.
func BenchmarkWriteTickets(b *testing.B) {
	benchWriteTickets(b, func(opt Options) ticketWriter {
		return NewWriter[schema.Ticket](opt, monthOfTicket)
	})
}

// ticketWriter is what the write benchmarks need of Writer and AsyncWriter.
type ticketWriter interface {
	Write(*schema.Ticket) error
	Close() ([]File, error)
}

// benchWriteTickets writes 1M realistic tickets over 3 months through a new
// writer per iteration and reports rows/s and file bytes per row.
func benchWriteTickets(b *testing.B, newWriter func(Options) ticketWriter) {
	const n = 1_000_000
	p := newTicketPool(n, 3)
	opt := Options{Dir: b.TempDir()}
	b.ResetTimer()
	var bytes int64
	for range b.N {
		w := newWriter(opt)
		var row schema.Ticket
		for i := range n {
			p.fill(i, &row)
			if err := w.Write(&row); err != nil {
				b.Fatal(err)
			}
		}
		files, err := w.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		bytes = 0
		for _, f := range files {
			bytes += f.Bytes
		}
		if err := RemoveFiles(files); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(bytes)/n, "file-B/row")
}

// BenchmarkVerifyTickets reads back (Verify) 1M tickets in 3 month files.
func BenchmarkVerifyTickets(b *testing.B) {
	const n = 1_000_000
	p := newTicketPool(n, 3)
	opt := Options{Dir: b.TempDir()}
	w := NewWriter[schema.Ticket](opt, monthOfTicket)
	var row schema.Ticket
	for i := range n {
		p.fill(i, &row)
		if err := w.Write(&row); err != nil {
			b.Fatal(err)
		}
	}
	files, err := w.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		for _, f := range files {
			if err := Verify[schema.Ticket](f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// heapSampler records the largest HeapInuse seen while it runs (garbage
// included, so it moves with GC timing), and every 50th sample forces a GC
// and records the largest HeapAlloc after it: the live heap.
type heapSampler struct {
	stop       chan struct{}
	wg         sync.WaitGroup
	peak, live uint64
}

func startHeapSampler(every time.Duration) *heapSampler {
	runtime.GC()
	s := &heapSampler{stop: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		var ms runtime.MemStats
		for i := 0; ; i++ {
			if i%50 == 49 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				s.live = max(s.live, ms.HeapAlloc)
			}
			runtime.ReadMemStats(&ms)
			s.peak = max(s.peak, ms.HeapInuse)
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends the sampling and returns the peak HeapInuse and live heap.
func (s *heapSampler) Stop() (peak, live uint64) {
	close(s.stop)
	s.wg.Wait()
	return s.peak, s.live
}

// BenchmarkIngestTicketsPeakHeap runs the whole ingest path (write with the
// duplicate finder, close, verify, duplicate removal) for 1M and 3M tickets
// over 3 months and reports the peak HeapInuse sampled every 5ms and the peak
// live heap sampled every 250ms. The numbers for 1M and 3M rows must be about
// the same: memory must not grow with the export. (The 16Ki-row pool of
// generated rows, about 5 MiB, and the 8 MiB Bloom filter are included.)
func BenchmarkIngestTicketsPeakHeap(b *testing.B) {
	for _, n := range []int{1_000_000, 3_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			p := newTicketPool(n, 3)
			opt := Options{Dir: b.TempDir()}
			var peak, live uint64
			b.ResetTimer()
			for range b.N {
				s := startHeapSampler(5 * time.Millisecond)
				files := writeTicketsLikeIngest(b, p, n, opt)
				p, l := s.Stop()
				peak, live = max(peak, p), max(live, l)
				b.StopTimer()
				if err := RemoveFiles(files); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(live)/(1<<20), "peak-live-MiB")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkRowGroupRows compares row group sizes for 1M tickets over 3
// months: file size, write speed and peak live heap (the writer only).
func BenchmarkRowGroupRows(b *testing.B) {
	const n = 1_000_000
	p := newTicketPool(n, 3)
	for _, rg := range []int64{32 << 10, 128 << 10, 512 << 10} {
		b.Run(fmt.Sprintf("rows=%dKi", rg>>10), func(b *testing.B) {
			opt := Options{Dir: b.TempDir(), RowGroupRows: rg}
			var bytes int64
			var live uint64
			for range b.N {
				s := startHeapSampler(5 * time.Millisecond)
				w := NewWriter[schema.Ticket](opt, monthOfTicket)
				var row schema.Ticket
				for i := range n {
					p.fill(i, &row)
					if err := w.Write(&row); err != nil {
						b.Fatal(err)
					}
				}
				files, err := w.Close()
				if err != nil {
					b.Fatal(err)
				}
				_, l := s.Stop()
				live = max(live, l)
				bytes = 0
				for _, f := range files {
					bytes += f.Bytes
				}
				if err := RemoveFiles(files); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(bytes)/n, "file-B/row")
			b.ReportMetric(float64(live)/(1<<20), "peak-live-MiB")
		})
	}
}
