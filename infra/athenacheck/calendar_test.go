package athenacheck

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated parts of infra/athena/views.sql")

const (
	calendarBegin = "-- BEGIN GENERATED workday_calendar\n"
	calendarEnd   = "-- END GENERATED workday_calendar\n"
)

// holidayDir is where the default policy's calendar files live.
func holidayDir() string {
	return filepath.Join(AthenaDir(), "..", "..", "pkg", "calendar", "holidaycn")
}

// workdayCalendarView renders the workday_calendar view from holiday-cn
// JSON files.
func workdayCalendarView(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("listing calendar files in %s: %v (found %d)", dir, err, len(files))
	}
	type day struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay bool   `json:"isOffDay"`
	}
	var days []day
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("reading calendar: %w", err)
		}
		var doc struct {
			Days []day `json:"days"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return "", fmt.Errorf("parsing calendar %s: %w", f, err)
		}
		days = append(days, doc.Days...)
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Date < days[j].Date })
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE VIEW workday_calendar AS\n")
	b.WriteString("SELECT CAST(calendar_date AS DATE) AS calendar_date, is_off_day, holiday_name\n")
	b.WriteString("FROM (VALUES\n")
	for i, d := range days {
		if strings.ContainsAny(d.Date+d.Name, "'\n;") {
			return "", fmt.Errorf("calendar day %+v has a character the SQL cannot hold", d)
		}
		sep := ","
		if i == len(days)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  ('%s', %t, '%s')%s\n", d.Date, d.IsOffDay, d.Name, sep)
	}
	b.WriteString(") AS days (calendar_date, is_off_day, holiday_name);\n")
	return b.String(), nil
}

// TestWorkdayCalendarView checks that views.sql holds the calendar of
// pkg/calendar/holidaycn; -update rewrites it.
func TestWorkdayCalendarView(t *testing.T) {
	want, err := workdayCalendarView(holidayDir())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(AthenaDir(), "views.sql")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	i, j := strings.Index(src, calendarBegin), strings.Index(src, calendarEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q ... %q block", path, strings.TrimSpace(calendarBegin), strings.TrimSpace(calendarEnd))
	}
	got := src[i+len(calendarBegin) : j]
	if got == want {
		return
	}
	if *update {
		src = src[:i+len(calendarBegin)] + want + src[j:]
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the workday_calendar view differs from %s; run go test -run TestWorkdayCalendarView -update", path, holidayDir())
}
