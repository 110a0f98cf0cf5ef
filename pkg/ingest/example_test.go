package ingest_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/schema"
)

func ExampleReadTickets() {
	export := "工单号,创建时间,解决时间,处理人工号,费用,客户电话\n" +
		"T1,2026/9/1 9:30,2026-09-01 12:00,E01,\"1,280.50\",13800138000\n" +
		"T2,2026-09-02 10:00,2026-09-01 10:00,E02,,13900139000\n"
	opt := ingest.Options{SourceKey: "raw/crm/2026-09.csv", UploadedAt: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
	info, err := ingest.ReadTickets(strings.NewReader(export), opt,
		func(t *schema.Ticket) error {
			fmt.Println("accepted", t.TicketID, t.CreatedAt.Format(time.RFC3339), *t.CostFen, "fen")
			return nil
		},
		func(e *ingest.RowError) error {
			fmt.Println("rejected line", e.Line, e.Field, e.Reason, "phone:", e.Record["客户电话"])
			return nil
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Encoding, info.RowsRead, "rows; mapping:", info.Mapping["assignee_id"], info.Mapping["cost"])
	// Output:
	// accepted T1 2026-09-01T01:30:00Z 128050 fen
	// rejected line 3 resolved_at before_created phone: ***
	// utf-8 2 rows; mapping: 处理人工号 费用
}

func ExampleParseAliases() {
	aliases, err := ingest.ParseAliases([]byte("crm:\n  ticket_id: [单据号, 服务编号]\nsurvey:\n  rating: 打分\n"))
	fmt.Println(aliases[ingest.SourceCRM]["ticket_id"], aliases[ingest.SourceSurvey]["rating"], err)
	_, err = ingest.ParseAliases([]byte("crm:\n  ticket: [单据号]\n"))
	fmt.Println(err)
	// Output:
	// [单据号 服务编号] [打分] <nil>
	// parsing header aliases: crm: unknown field "ticket"
}

func ExampleNormalizeHeader() {
	fmt.Println(ingest.NormalizeHeader("（3）您对本次服务的满意度（必填）"))
	fmt.Println(ingest.NormalizeHeader("Q2.  Ticket  ID *"))
	// Output:
	// 您对本次服务的满意度
	// ticket id
}
