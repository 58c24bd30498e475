package sheets_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/sheets"
	"github.com/auxon-planner/auxon/sheets/sheetstest"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/driver"
)

const (
	methodGet   = "spreadsheets.get"
	methodWrite = "spreadsheets.batchUpdate"
)

// runTabs are the two tabs each fault case writes.
func runTabs() []*workbook.OutputTab {
	rows := [][]workbook.Cell{{workbook.Str("Service"), workbook.Str("Replicas")}, {workbook.Str("=web"), workbook.Num(3)}, {workbook.Str("db"), workbook.Num(0)}}
	return []*workbook.OutputTab{
		{Sheet: workbook.Sheet{Name: "auxon Plan 2026-03-04 05:06", Rows: rows}, Kind: "Plan", RunID: "run-7"},
		{Sheet: workbook.Sheet{Name: "auxon Summary 2026-03-04 05:06", Rows: rows[:1]}, Kind: "Summary", RunID: "run-7"},
	}
}

// faultSeed has an input tab and an old auxon tab that retention deletes.
func faultSeed(t *testing.T, srv *sheetstest.Server) string {
	t.Helper()
	// A human owns it, so protection applies to auxon.
	id, err := srv.AddSpreadsheet(sheetstest.Spreadsheet{Owner: "owner@example.com", Sheets: []sheetstest.Sheet{
		{Title: "Demand", Data: [][]any{{"Service", "Region", "Demand"}, {"web", "eu", 10}}}}})
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, srv, id, nil)
	old := &workbook.OutputTab{Sheet: workbook.Sheet{Name: "auxon Plan old", Rows: [][]workbook.Cell{{workbook.Str("x")}}}, Kind: "Plan", RunID: "run-old"}
	if err := workbook.New(d, nil).AddTabs(context.Background(), []*workbook.OutputTab{old}); err != nil {
		t.Fatal(err)
	}
	srv.ResetCalls()
	return id
}

// batchOf is a driver batch adding tabs (tagged) and deleting names.
func batchOf(tabs []*workbook.OutputTab, del ...string) *driver.Batch {
	b := &driver.Batch{Delete: del}
	created := time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC)
	for _, tab := range tabs {
		s := tab.Sheet
		b.Add = append(b.Add, driver.TaggedSheet{Sheet: &s, Tag: &driver.Tag{RunID: tab.RunID, Kind: tab.Kind, Created: created}})
	}
	return b
}

// runState reads back how many of the run's tabs exist, checking each one
// is complete.
func runState(t *testing.T, srv *sheetstest.Server, id, input string) (runTabsFound int, oldThere bool) {
	t.Helper()
	d := newDriver(t, srv, id, nil)
	tabs, err := d.Tabs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tab := range tabs {
		names[tab.Name] = true
		if tab.Tag != nil && tab.Tag.RunID == "run-7" {
			runTabsFound++
		}
	}
	for _, want := range runTabs() {
		if !names[want.Name] {
			continue
		}
		g, err := d.ReadTabs(context.Background(), []string{want.Name})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g[want.Name].Rows, want.Rows) {
			t.Errorf("tab %q is partial: %v", want.Name, g[want.Name].Rows)
		}
	}
	if g, _ := d.ReadTabs(context.Background(), []string{input}); g[input] == nil {
		t.Error("the input tab is gone")
	}
	return runTabsFound, names["auxon Plan old"]
}

func TestFaultMatrix(t *testing.T) {
	tests := []struct {
		name   string
		faults []sheetstest.Fault
		hook   func(srv *sheetstest.Server) func(sheetstest.Call)
		opts   sheets.Options
		// want is nil for success, else the error expected.
		want error
		// landed: the run's tabs (all of them) exist afterwards.
		landed bool
		// input is the input tab's name afterwards (default "Demand").
		input string
	}{
		{name: "no fault", landed: true},
		{name: "429 on read", faults: []sheetstest.Fault{{Method: methodGet, Status: 429, Times: 2}}, landed: true},
		{name: "503 on read", faults: []sheetstest.Fault{{Method: methodGet, Status: 503}}, landed: true},
		{name: "read times out", faults: []sheetstest.Fault{{Method: methodGet, Hang: true}}, landed: true},
		{name: "429 on write", faults: []sheetstest.Fault{{Method: methodWrite, Status: 429, Times: 3}}, landed: true},
		{name: "503 on write, not applied", faults: []sheetstest.Fault{{Method: methodWrite, Status: 503}}, landed: true},
		{name: "500 on write, not applied", faults: []sheetstest.Fault{{Method: methodWrite, Status: 500}}, landed: true},
		{name: "applied but 503", faults: []sheetstest.Fault{{Method: methodWrite, Status: 503, Apply: true}}, landed: true},
		{name: "applied but timed out", faults: []sheetstest.Fault{{Method: methodWrite, Apply: true, Hang: true, Status: 503}}, landed: true},
		{name: "503, then applied after the check", faults: []sheetstest.Fault{{Method: methodWrite, Status: 503, LateBy: 2}}, landed: true},
		{name: "timeout forever on read", faults: []sheetstest.Fault{{Method: methodGet, Hang: true, Times: 100}}, want: sheets.ErrUnavailable},
		{name: "write timed out, not applied", faults: []sheetstest.Fault{{Method: methodWrite, Hang: true, Status: 503}}, landed: true},
		{name: "applied but 503, check read 503 once", faults: []sheetstest.Fault{
			{Method: methodWrite, Status: 503, Apply: true}, {Method: methodGet, Status: 503}}, landed: true},
		{name: "503 forever on write", faults: []sheetstest.Fault{{Method: methodWrite, Status: 503, Times: 100}}, want: sheets.ErrUnavailable},
		{name: "429 forever on write", faults: []sheetstest.Fault{{Method: methodWrite, Status: 429, Times: 100}}, want: sheets.ErrQuota},
		{name: "429 forever on read", faults: []sheetstest.Fault{{Method: methodGet, Status: 429, Times: 100}}, want: sheets.ErrQuota},
		{name: "budget", faults: []sheetstest.Fault{{Method: methodGet, Status: 503}}, opts: sheets.Options{MaxCalls: 2}, want: sheets.ErrBudget},
		{name: "human renames the input", hook: onWrite(func(e *sheetstest.Editor) error { return e.Rename("Demand", "Demand (old)") }), landed: true, input: "Demand (old)"},
		{name: "human edits intent", hook: onWrite(func(e *sheetstest.Editor) error { return e.Set("Demand!C2", 99) }), landed: true},
		{name: "human inserts rows in the input", hook: onWrite(func(e *sheetstest.Editor) error { return e.InsertRows("Demand", 1, 3) }), landed: true},
		{name: "human protects the input", hook: onWrite(func(e *sheetstest.Editor) error { return e.Protect("Demand!A1:C") }), landed: true},
		{name: "human takes an output title", hook: onWrite(func(e *sheetstest.Editor) error { return e.AddSheet("AUXON Summary 2026-03-04 05:06") }),
			want: workbook.ErrExists},
		{name: "human deletes the tab retention deletes", hook: onWrite(func(e *sheetstest.Editor) error { return e.DeleteSheet("auxon Plan old") }),
			want: sheets.ErrConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := sheetstest.NewServer(nil)
			defer srv.Close()
			id := faultSeed(t, srv)
			for _, f := range tc.faults {
				srv.Inject(f)
			}
			if tc.hook != nil {
				srv.SetHook(tc.hook(srv))
			}
			opts := tc.opts
			opts.Retry = noSleep(nil)
			opts.Retry.CallTimeout = 100 * time.Millisecond
			d := newDriver(t, srv, id, &opts)
			err := runBatch(context.Background(), d)
			srv.SetHook(nil)
			srv.ClearFaults()
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			input := tc.input
			if input == "" {
				input = "Demand"
			}
			found, oldThere := runState(t, srv, id, input)
			switch {
			case tc.landed && (found != 2 || oldThere):
				t.Errorf("found %d run tabs (old tab there: %v), want the whole run once", found, oldThere)
			case !tc.landed && (found != 0 || !oldThere && tc.hook == nil):
				t.Errorf("found %d run tabs (old tab there: %v), want nothing changed", found, oldThere)
			}
			_, calls := srv.Calls()
			t.Logf("%d API calls, driver counted %d; err: %v", calls, d.Calls(), err)
		})
	}
}

// runBatch is one run whose adds and retention delete share one batch.
func runBatch(ctx context.Context, d *sheets.Driver) error {
	wb := workbook.New(d, nil)
	if _, err := wb.Tabs(ctx); err != nil {
		return err
	}
	if _, err := wb.ReadTabs(ctx, "Demand"); err != nil {
		return err
	}
	return d.Update(ctx, batchOf(runTabs(), "auxon Plan old"))
}

// onWrite plays a human edit just before the first write reaches the
// server.
func onWrite(edit func(*sheetstest.Editor) error) func(*sheetstest.Server) func(sheetstest.Call) {
	return func(srv *sheetstest.Server) func(sheetstest.Call) {
		done := false
		return func(c sheetstest.Call) {
			if c.Write && !done {
				done = true
				if err := srv.Edit(c.Spreadsheet, edit); err != nil {
					panic(err)
				}
			}
		}
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	srv := sheetstest.NewServer(nil)
	defer srv.Close()
	id := faultSeed(t, srv)
	srv.Inject(sheetstest.Fault{Method: methodGet, Status: 429, Times: 100})
	var waits []time.Duration
	d := newDriver(t, srv, id, &sheets.Options{Retry: noSleep(&waits)})
	_, err := d.Tabs(context.Background())
	if !errors.Is(err, sheets.ErrQuota) {
		t.Fatalf("err = %v, want ErrQuota", err)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}
	if !reflect.DeepEqual(waits, want) {
		t.Errorf("waits = %v, want %v (jitter 0.5 of 1s doubling, capped at 32s)", waits, want)
	}
	if got := (sheets.Retry{Initial: time.Second, Max: 32 * time.Second, Jitter: func() float64 { return 0.99 }}).Backoff(10); got > 32*time.Second {
		t.Errorf("Backoff(10) = %v, past the cap", got)
	}
}

// TestCellLimit: a spreadsheet near Google's 10M-cell limit refuses the
// whole batch; nothing lands and the error says why.
func TestCellLimit(t *testing.T) {
	srv := sheetstest.NewServer(nil)
	defer srv.Close()
	id, err := srv.AddSpreadsheet(sheetstest.Spreadsheet{Sheets: []sheetstest.Sheet{
		{Title: "Demand", Data: [][]any{{"Service"}}},
		{Title: "Big", Rows: 10_000_000 - 5 - 1000*26, Cols: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, srv, id, nil)
	err = d.Update(context.Background(), batchOf(runTabs()))
	if err == nil || !strings.Contains(err.Error(), "above the limit of 10000000 cells") {
		t.Fatalf("err = %v, want the cell limit", err)
	}
	tabs, err := newDriver(t, srv, id, nil).Tabs(context.Background())
	if err != nil || len(tabs) != 2 {
		t.Fatalf("tabs after the refused write: %v %v", tabs, err)
	}
}

// TestQuotaWaitsOutTheMinute: with one write a minute allowed, a second
// run's write gets the real 429 and the backoff, on the fake's clock,
// waits the minute out; no real time passes.
func TestQuotaWaitsOutTheMinute(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := sheetstest.NewServer(&sheetstest.Options{Now: clock, WritesPerUser: 1})
	defer srv.Close()
	id := faultSeed(t, srv) // its write spends this minute's quota
	var waited time.Duration
	retry := &sheets.Retry{Jitter: func() float64 { return 1 }, Sleep: func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		now, waited = now.Add(d), waited+d
		return nil
	}}
	d := newDriver(t, srv, id, &sheets.Options{Retry: retry})
	if err := runBatch(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if waited < 30*time.Second || waited > 64*time.Second {
		t.Errorf("waited %v on the fake clock, want the rest of the minute", waited)
	}
	if found, _ := runState(t, srv, id, "Demand"); found != 2 {
		t.Errorf("found %d run tabs, want 2", found)
	}
}
