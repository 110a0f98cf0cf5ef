package ingest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/scorecard/scorecard/pkg/schema"
)

// crmCSV generates a realistic CRM export of n rows (about 140 bytes a row,
// like the 1M-row/140 MB target file).
func crmCSV(n int) string {
	var b strings.Builder
	b.WriteString("工单号,创建时间,首次响应时间,解决时间,状态,处理人工号,处理人,问题类型,是否投诉,投诉类型,投诉处理结果,重开次数,费用,渠道\n")
	statuses := []string{"已解决", "处理中", "已关闭", "已解决"}
	names := []string{"张三", "李四", "王五", "赵六"}
	for i := range n {
		day := 1 + i%28
		h := 8 + i%10
		fmt.Fprintf(&b, "T%08d,2026-09-%02d %02d:%02d:00,2026-09-%02d %02d:%02d:00,2026/9/%d %d:%02d,%s,E%03d,%s,%s,%s,%s,%s,%d,%d.%02d,电话\n",
			i, day, h, i%60, day, h+1, (i+7)%60, day, h+3, i%60, statuses[i%4], i%50, names[i%4],
			[]string{"简单", "复杂"}[i%2], []string{"否", "是"}[boolInt(i%10 == 0)],
			[]string{"", "服务态度"}[boolInt(i%10 == 0)], []string{"", "成功"}[boolInt(i%10 == 0)],
			i%3, i%500, i%100)
	}
	return b.String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func benchmarkReadTickets(b *testing.B, data []byte) {
	const rows = 100_000
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var n int64
		info, err := ReadTickets(bytes.NewReader(data), testOpt,
			func(*schema.Ticket) error { n++; return nil },
			func(e *RowError) error { return fmt.Errorf("unexpected reject: %v", e) })
		if err != nil || n != rows || info.RowsRead != rows {
			b.Fatalf("read %d rows (info %d): %v", n, info.RowsRead, err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadTickets(b *testing.B) {
	csv := crmCSV(100_000)
	b.Run("utf-8", func(b *testing.B) { benchmarkReadTickets(b, []byte(csv)) })
	b.Run("gb18030", func(b *testing.B) { benchmarkReadTickets(b, gbk(b, csv)) })
	b.Run("xlsx", func(b *testing.B) { benchmarkReadTickets(b, crmXLSX(b, 100_000)) })
}

func BenchmarkParseTimestamp(b *testing.B) {
	inputs := []string{"2026-09-01 10:04:05", "2026/9/1 8:04", "2026-09-01T10:04:05.123+08:00", "2026年9月1日 10:04"}
	b.ReportAllocs()
	for i := range b.N {
		if _, ok := parseTime(inputs[i%len(inputs)], shanghai); !ok {
			b.Fatal("no parse")
		}
	}
}

func BenchmarkSplit(b *testing.B) {
	data := []byte(crmCSV(10_000) + "\"quoted, field\",\"with \"\"quotes\"\"\nand a newline\",x\n")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for range b.N {
		sp := newSplitter(bytes.NewReader(data), ',')
		for {
			if _, err := sp.next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
