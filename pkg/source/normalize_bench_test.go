package source

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
)

// crmExport makes a realistic GB18030 CRM export of n rows like
// bench/gen's (about 148 bytes a row): Chinese headers and values, the
// timestamp forms people's exports mix, money typed as 85.50, "￥1,280.50"
// or 35元, customer names and phones, 0.2% rows that must be rejected.
func crmExport(tb testing.TB, n int) []byte {
	tb.Helper()
	var b bytes.Buffer
	b.WriteString("工单编号,创建时间,首次响应时间,解决时间,工单状态,处理人工号,处理人,问题类型,是否投诉,投诉类型,投诉处理结果,重开次数,售后成本,客户编号,客户姓名,联系电话,渠道,更新时间\r\n")
	r := rand.New(rand.NewPCG(1, 2))
	surnames := []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "董", "马", "韩"}
	given := []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "梦瑶", "子豪", "秀英", "洋"}
	name := func() string { return surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))] }
	channels := []string{"电话", "微信公众号", "天猫旗舰店", "官网", "门店", "App"}
	start := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC).Unix() // wall clock, read as local
	stamp := func(sec int64, form int) string {
		t := time.Unix(sec, 0).UTC()
		switch form {
		case 0:
			return t.Format("2006/1/2 15:04")
		case 1:
			return t.Format("2006-01-02 15:04:05")
		case 2:
			return t.Format("2006年1月2日 15:04")
		case 3:
			return t.Format("2006-01-02 15:04")
		}
		return t.Format("2006-01-02T15:04:05") + "+08:00"
	}
	for i := range n {
		form := []int{0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}[r.IntN(11)]
		created := start + r.Int64N(29*86400) + r.Int64N(14*3600)
		resolved := created + 1200 + r.Int64N(20*3600)
		bad := -1
		if r.IntN(500) == 0 {
			bad = r.IntN(4)
		}
		fmt.Fprintf(&b, "GD2609%07d,", i+1)
		if bad == 0 {
			b.WriteString("2026-13-45 25:61")
		} else {
			b.WriteString(stamp(created, form))
		}
		b.WriteByte(',')
		if r.IntN(2) == 0 {
			b.WriteString(stamp(created+60+r.Int64N(3600), form))
		}
		b.WriteByte(',')
		if bad == 1 {
			resolved = created - 3600
		}
		b.WriteString(stamp(resolved, form))
		fmt.Fprintf(&b, ",%s,", []string{"已解决", "已完成", "已关闭", "处理中"}[r.IntN(4)])
		if bad != 2 {
			agent := r.IntN(5000)
			fmt.Fprintf(&b, "E%d,%s", 10001+agent, name())
		} else {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, ",%s,", []string{"简单", "一般", "普通", "复杂"}[r.IntN(4)])
		if r.IntN(100) < 8 {
			fmt.Fprintf(&b, "是,%s,%s", []string{"服务态度", "维修质量", "响应慢"}[r.IntN(3)], []string{"成功", "失败", ""}[r.IntN(3)])
		} else {
			b.WriteString("否,,")
		}
		fmt.Fprintf(&b, ",%d,", r.IntN(3))
		fen := r.Int64N(360000)
		switch u := r.IntN(100); {
		case bad == 3:
			fmt.Fprintf(&b, "-%d.%02d", fen/100, fen%100)
		case u < 50:
			fmt.Fprintf(&b, "%d.%02d", fen/100, fen%100)
		case u < 80 && fen >= 100000:
			fmt.Fprintf(&b, "\"￥%d,%03d.%02d\"", fen/100000, fen/100%1000, fen%100)
		case u < 80:
			fmt.Fprintf(&b, "￥%d.%02d", fen/100, fen%100)
		default:
			fmt.Fprintf(&b, "%d元", fen/100)
		}
		fmt.Fprintf(&b, ",C%d,%s,1%d%08d,%s,%s\r\n", 100000+r.IntN(900000), name(), 30+r.IntN(60), r.IntN(100_000_000),
			channels[r.IntN(len(channels))], stamp(resolved+r.Int64N(3600), form))
	}
	out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// ingestTickets normalizes a CRM export the way the ingest does: with the
// crm entry of the table (an AsyncWriter feeding the duplicate rule, then
// verification), or, when sequential, with a plain Writer and the same
// rule. It returns the rows read and the files.
func ingestTickets(tb testing.TB, data io.Reader, dir string, sequential bool) (int64, []normalized.File) {
	opt := ingest.Options{SourceKey: "raw/crm/2026-09 工单导出.csv", UploadedAt: time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC), Location: shanghai}
	var rej countRejects
	if !sequential {
		src, ok := Of(opt.SourceKey)
		if !ok {
			tb.Fatal("no source for", opt.SourceKey)
		}
		res, err := src.Normalize(data, Options{Read: opt, Dir: dir}, &rej)
		if err != nil {
			tb.Fatal(err)
		}
		var accepted int64
		for _, f := range res.Files {
			accepted += f.Rows
		}
		if res.Info.RowsRead != accepted+rej.n || rej.n == 0 {
			tb.Fatalf("rows read %d, accepted %d, rejected %d", res.Info.RowsRead, accepted, rej.n)
		}
		return res.Info.RowsRead, res.Files
	}
	nopt := normalized.Options{Dir: dir}
	monthOf := func(t *schema.Ticket) string { return t.CreatedAt.In(shanghai).Format("2006-01") }
	d := newTicketDedup()
	w := normalized.NewWriter[schema.Ticket](nopt, monthOf)
	info, err := ingest.ReadTickets(data, opt, func(t *schema.Ticket) error {
		if err := w.Write(t); err != nil {
			return err
		}
		d.seen(t)
		return nil
	}, rej.Reject)
	if err != nil {
		w.Abort()
		tb.Fatal(err)
	}
	files, err := w.Close()
	if err != nil {
		tb.Fatal(err)
	}
	files, removed, err := d.resolve(files, nopt)
	if err != nil {
		tb.Fatal(err)
	}
	var accepted int64
	for _, f := range files {
		if err := normalized.Verify[schema.Ticket](f); err != nil {
			tb.Fatal(err)
		}
		accepted += f.Rows
	}
	if info.RowsRead != accepted+rej.n+int64(len(removed)) || rej.n == 0 {
		tb.Fatalf("rows read %d, accepted %d, rejected %d, duplicates %d", info.RowsRead, accepted, rej.n, len(removed))
	}
	return info.RowsRead, files
}

type countRejects struct{ n int64 }

func (c *countRejects) Reject(*ingest.RowError) error { c.n++; return nil }

// BenchmarkIngestCRM ingests a generated 200k-row GB18030 CRM export end to
// end (decode, parse, Parquet, duplicate check, read-back verification), the
// way the pipeline does, and reports rows/s, CPU seconds per op and the
// peak heap in use (sampled every 2ms, garbage included). "sequential" is
// the one-goroutine path (Writer), "async" the pipelined one (AsyncWriter).
func BenchmarkIngestCRM(b *testing.B) {
	const n = 200_000
	// The export is read from a file, as the pipeline streams it: held in
	// memory it would double the heap the garbage collector lets grow.
	path := filepath.Join(b.TempDir(), "crm.csv")
	if err := os.WriteFile(path, crmExport(b, n), 0o600); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"async", "sequential"} {
		b.Run(mode, func(b *testing.B) {
			b.SetBytes(st.Size())
			var peak uint64
			cpu0 := cpuTime()
			b.ResetTimer()
			for range b.N {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				s := startHeapSampler(2 * time.Millisecond)
				rows, files := ingestTickets(b, f, b.TempDir(), mode == "sequential")
				peak = max(peak, s.stop())
				f.Close()
				if rows != n {
					b.Fatalf("read %d rows", rows)
				}
				b.StopTimer()
				if err := normalized.RemoveFiles(files); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			if cpu > 0 {
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// TestIngestCRMDeterministic checks, on the generated export, that the
// pipelined path gives the same rows as the sequential one, and the same
// bytes on every run.
func TestIngestCRMDeterministic(t *testing.T) {
	data := crmExport(t, 5000)
	_, seq := ingestTickets(t, bytes.NewReader(data), t.TempDir(), true)
	_, a := ingestTickets(t, bytes.NewReader(data), t.TempDir(), false)
	_, b := ingestTickets(t, bytes.NewReader(data), t.TempDir(), false)
	if len(seq) != 1 || len(a) != 1 || len(b) != 1 {
		t.Fatalf("files: %d, %d, %d", len(seq), len(a), len(b))
	}
	if a[0].SHA256 != b[0].SHA256 {
		t.Errorf("two runs differ: %s, %s", a[0].SHA256, b[0].SHA256)
	}
	want, got := readTickets(t, seq[0]), readTickets(t, a[0])
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("rows: %d pipelined, %d sequential", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d differs:\n%v\n%v", i, got[i], want[i])
		}
	}
}

func readTickets(t *testing.T, f normalized.File) []string {
	t.Helper()
	var out []string
	err := readFile(f.Path, func(rows []schema.Ticket) error {
		for _, r := range rows {
			out = append(out, ticketString(&r))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ticketString prints a ticket with the values its pointers point to.
func ticketString(t *schema.Ticket) string {
	s := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return strconv.Quote(*p)
	}
	tm := func(p *time.Time) string {
		if p == nil {
			return "<nil>"
		}
		return p.String()
	}
	n := func(p *int64) string {
		if p == nil {
			return "<nil>"
		}
		return strconv.FormatInt(*p, 10)
	}
	reopen := "<nil>"
	if t.ReopenedCount != nil {
		reopen = strconv.Itoa(int(*t.ReopenedCount))
	}
	return fmt.Sprint(t.TicketID, t.CreatedAt, tm(t.FirstResponseAt), tm(t.ResolvedAt), s(t.Status), t.AssigneeID,
		s(t.AssigneeName), t.Category, t.IsComplaint, s(t.ComplaintType), s(t.ComplaintOutcome), reopen,
		n(t.CostFen), s(t.CustomerKey), s(t.Channel), tm(t.UpdatedAt), t.Lineage)
}

// heapSampler records the largest HeapInuse seen while it runs.
type heapSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func startHeapSampler(every time.Duration) *heapSampler {
	runtime.GC()
	s := &heapSampler{done: make(chan struct{})}
	s.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			s.peak = max(s.peak, ms.HeapInuse)
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	})
	return s
}

func (s *heapSampler) stop() uint64 {
	close(s.done)
	s.wg.Wait()
	return s.peak
}

func readFile(path string, batch func([]schema.Ticket) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return normalized.Read(f, st.Size(), batch)
}
