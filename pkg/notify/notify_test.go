package notify

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/store"
)

func TestLog(t *testing.T) {
	ctx := context.Background()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	l := &Log{Store: st, Out: &out}
	at := time.Date(2026, 10, 3, 2, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if err := l.Notify(ctx, Event{Status: Published, Month: "2026-09", Version: int32(i + 1), At: at}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := l.Notify(ctx, Event{Status: Approved, Month: "2026-09", Version: 1, ApprovedBy: "李娜 <li.na>", At: at}); err != nil {
		t.Fatal(err)
	}
	evs, err := ReadLog(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 11 || evs[10].Status != Approved || evs[10].ApprovedBy != "李娜 <li.na>" {
		t.Fatalf("events %+v", evs)
	}
	if n := strings.Count(out.String(), "\n"); n != 11 {
		t.Errorf("%d lines logged, want 11", n)
	}
	if strings.Contains(out.String(), `\u003c`) {
		t.Error("HTML-escaped output")
	}
}
