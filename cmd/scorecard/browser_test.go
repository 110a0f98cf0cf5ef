package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

// browser runs Debian's chromium headless with the network blocked: no
// host name resolves but the proxy's, and every request goes to a local
// proxy that records it and answers nothing. A request a page made fails
// the test; Chromium's own background requests (its clock, component
// updater, account service: hosts of its vendor's, asked for with or
// without a page) are told apart by host and ignored.
type browser struct {
	bin, profile string
	proxy        net.Listener
	mu           sync.Mutex
	requests     []string // what the pages asked for
}

// chromiumOwn are the hosts Chromium asks on its own, whatever the page.
var chromiumOwn = []string{"clients2.google.com", "update.googleapis.com", "accounts.google.com", "redirector.gvt1.com",
	"optimizationguide-pa.googleapis.com", "safebrowsingohttpgateway.googleapis.com", "content-autofill.googleapis.com", "www.google.com"}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed (the pages are tested in a real browser): run `bash infra/install-tools.sh`, which installs Debian's chromium and fonts-noto-cjk: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{bin: bin, profile: t.TempDir(), proxy: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go b.record(c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.requests) > 0 {
			t.Errorf("the pages made %d network request(s); they must be self-contained: %v", len(b.requests), b.requests)
		}
	})
	return b
}

// record reads a proxy request's first line ("GET http://host/…" or
// "CONNECT host:443") and keeps it unless it is Chromium's own. A
// connection closed before it sent a byte is no request: Chromium opens
// spare sockets to its proxy ahead of need and drops them at exit (seen
// about once in ten runs under load); a page's request always sends its
// line, with the host it wants.
func (b *browser) record(c net.Conn) {
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	if strings.TrimSpace(line) == "" {
		return
	}
	f := strings.Fields(line)
	host := ""
	if len(f) >= 2 {
		target := strings.TrimPrefix(strings.TrimPrefix(f[1], "http://"), "https://")
		host, _, _ = strings.Cut(target, "/")
		host = strings.TrimSuffix(host, ":443")
		host = strings.TrimSuffix(host, ":80")
	}
	if slices.Contains(chromiumOwn, host) {
		return
	}
	b.mu.Lock()
	b.requests = append(b.requests, strings.TrimSpace(line))
	b.mu.Unlock()
}

func (b *browser) run(t *testing.T, args ...string) []byte {
	t.Helper()
	base := []string{
		"--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--disable-default-apps", "--metrics-recording-only",
		"--user-data-dir=" + b.profile,
		"--proxy-server=" + b.proxy.Addr().String(), "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
	}
	if os.Geteuid() == 0 {
		base = append(base, "--no-sandbox")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

func (b *browser) dom(t *testing.T, page string) string {
	return string(b.run(t, "--dump-dom", "file://"+page))
}

// pdfPages prints page to PDF and counts its page objects.
func (b *browser) pdfPages(t *testing.T, page, out string) int {
	b.run(t, "--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+page)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(data, -1))
}

// field is the text of the element with data-field="name" in a DOM.
func field(t *testing.T, dom, name string) string {
	t.Helper()
	m := regexp.MustCompile(`data-field="` + name + `"[^>]*>([^<]*)<`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no data-field=%q in the page", name)
	}
	v := strings.TrimSpace(m[1])
	if v == "—" {
		v = ""
	}
	return v
}

// TestPagesInABrowser closes the sample month, opens every statement and
// the report in chromium, and checks what the browser shows against the
// payroll CSV: each statement's score, band, multiplier and payout equal
// its employee's row, the report's total equals the CSV's sum, each
// statement prints on one or two A4 pages. It saves a screenshot of one
// statement and of the report in $SCORECARD_BROWSER_OUT (default: a
// temporary directory).
func TestPagesInABrowser(t *testing.T) {
	br := newBrowser(t)
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--store", dir}, &out, &errb); code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	month, err := calendar.ParseMonth(scorecard.SampleMonth)
	if err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, bucket.CloseReport(month, 1, "html"))
	if !strings.Contains(out.String(), report) {
		t.Errorf("demo does not say where the report is (%s):\n%s", report, out.String())
	}
	f, err := os.Open(filepath.Join(dir, bucket.PayrollCSV(month, 1)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	shots := os.Getenv("SCORECARD_BROWSER_OUT")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	var totalFen int64
	for i, rec := range recs[1:] {
		emp := rec[col["employee_id"]]
		if p := rec[col["payout"]]; p != "" {
			totalFen += fenOf(t, p)
		}
		t.Run(emp, func(t *testing.T) {
			page := filepath.Join(dir, bucket.Statement(month, 1, emp))
			info, err := os.Stat(page)
			if err != nil {
				t.Fatal(err)
			}
			if info.Size() >= 60<<10 {
				t.Errorf("%s is %d bytes, want < 60 KB", page, info.Size())
			}
			dom := br.dom(t, page)
			for _, c := range []string{"employee_id", "score", "band", "multiplier", "payout"} {
				if got, want := field(t, dom, c), rec[col[c]]; got != want {
					t.Errorf("%s: the statement shows %s %q, the payroll CSV has %q", emp, c, got, want)
				}
			}
			if !strings.Contains(dom, "绩效考核单") {
				t.Error("no title")
			}
			if i%3 == 0 { // print a few: each run costs a second
				if n := br.pdfPages(t, page, filepath.Join(shots, emp+".pdf")); n < 1 || n > 2 {
					t.Errorf("%s prints on %d A4 pages, want 1 or 2", emp, n)
				}
			}
		})
	}
	t.Run("report", func(t *testing.T) {
		dom := br.dom(t, report)
		if got, want := field(t, dom, "total_payout"), fmt.Sprintf("%d.%02d", totalFen/100, totalFen%100); got != want {
			t.Errorf("the report shows a total payout of %s, the payroll CSV sums to %s", got, want)
		}
		if got, want := field(t, dom, "payroll_rows"), strconv.Itoa(len(recs)-1); got != want {
			t.Errorf("the report shows %s payroll rows, the CSV has %s", got, want)
		}
	})
	t.Run("a bad month still prints on two pages", func(t *testing.T) {
		st, err := store.NewDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		s, err := closeJob(st, wire.Local(&errb, logLevel(false))).Statement(context.Background(), month, 1, "E1006")
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 9, 3, 2, 0, 0, 0, time.UTC)
		no, id, comment := false, "T-2026-0900123", "处理太慢了，等了三天没有人回复，电话也打不通，非常不满意，希望改进服务流程和响应速度"
		for _, k := range s.Card.KPIs {
			for range 200 {
				s.Card.Evidence = append(s.Card.Evidence, schema.Evidence{KPI: k.KPI, Item: schema.EvidenceTicket, ItemID: id, TicketID: &id,
					CreatedAt: &at, Deadline: &at, ResolvedAt: &at, Met: &no, Note: &comment})
			}
		}
		page := filepath.Join(shots, "bad-month.html")
		data, err := s.HTML()
		if err != nil {
			t.Fatal(err)
		}
		if len(data) >= 60<<10 {
			t.Errorf("a statement with %d evidence rows is %d bytes, want < 60 KB", len(s.Card.Evidence), len(data))
		}
		if err := os.WriteFile(page, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if n := br.pdfPages(t, page, filepath.Join(shots, "bad-month.pdf")); n < 1 || n > 2 {
			t.Errorf("a statement with %d evidence rows prints on %d A4 pages, want 1 or 2", len(s.Card.Evidence), n)
		}
	})
	t.Run("screenshots", func(t *testing.T) {
		for name, page := range map[string]string{
			"statement.png": filepath.Join(dir, bucket.Statement(month, 1, "E1004")),
			"report.png":    report,
		} {
			png := filepath.Join(shots, name)
			br.run(t, "--window-size=900,1400", "--hide-scrollbars", "--screenshot="+png, "file://"+page)
			if info, err := os.Stat(png); err != nil || info.Size() < 10<<10 {
				t.Errorf("no screenshot %s: %v", png, err)
			}
		}
		t.Logf("screenshots and PDFs in %s", shots)
	})
}

func fenOf(t *testing.T, s string) int64 {
	t.Helper()
	yuan, frac, ok := strings.Cut(s, ".")
	y, err := strconv.ParseInt(yuan, 10, 64)
	if err != nil || !ok || len(frac) != 2 {
		t.Fatalf("amount %q is not yuan with two decimals", s)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return y*100 + f
}
