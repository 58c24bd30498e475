package scheduler_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/scheduler"
	"github.com/auxon-planner/auxon/scheduler/fakeclock"
	"github.com/auxon-planner/auxon/scheduler/history"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/driver"
	"github.com/auxon-planner/auxon/workbook/memwb"
)

// t0 is 02:30 in Tokyo, 12:30 in New York.
var t0 = time.Date(2026, 11, 25, 17, 30, 0, 0, time.UTC)

// harness is a scheduler on a fake clock whose Sheets sources are
// in-memory workbooks seeded with the worked example, standing in for
// the Sheets driver behind the same Opener.
type harness struct {
	t     *testing.T
	clock *fakeclock.Clock
	store *history.Store
	s     *scheduler.Scheduler
	ended chan history.Run

	mu    sync.Mutex
	books map[string]*memwb.Driver
}

func newHarness(t *testing.T, opts ...scheduler.Option) *harness {
	t.Helper()
	h := &harness{t: t, clock: fakeclock.New(t0), books: map[string]*memwb.Driver{}, ended: make(chan history.Run, 1000)}
	store, _, err := history.Open(filepath.Join(t.TempDir(), "history.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	h.store = store
	base := []scheduler.Option{scheduler.WithClock(h.clock), scheduler.WithOpener(h.open),
		scheduler.WithRunHook(func(r history.Run) { h.ended <- r })}
	h.s = scheduler.New(store, append(base, opts...)...)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.s.Stop(ctx); err != nil {
			t.Error(err)
		}
		store.Close()
	})
	return h
}

// open is the harness's Opener: a memwb workbook per spreadsheet id.
func (h *harness) open(ctx context.Context, src scheduler.Source) (*workbook.Workbook, error) {
	return workbook.New(h.book(src.Sheet), &workbook.Options{Now: h.clock.Now}), nil
}

func (h *harness) book(id string) *memwb.Driver {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.books[id] == nil {
		h.books[id] = memwb.NewDriver(templates.ExampleSheets()...)
	}
	return h.books[id]
}

// setJobs sets jobs and starts the scheduler.
func (h *harness) setJobs(jobs ...scheduler.Job) {
	h.t.Helper()
	if err := h.s.SetJobs(jobs); err != nil {
		h.t.Fatal(err)
	}
	h.s.Start()
}

// waitTimers waits until the scheduler has armed n timers.
func (h *harness) waitTimers(n int) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.clock.BlockUntil(ctx, n); err != nil {
		h.t.Fatalf("waiting for %d timers: %v", n, err)
	}
}

// waitRun waits for the next run to end.
func (h *harness) waitRun() history.Run {
	h.t.Helper()
	select {
	case r := <-h.ended:
		return r
	case <-time.After(30 * time.Second):
		h.t.Fatal("no run ended")
		return history.Run{}
	}
}

// trigger starts a run and waits for its runs.
func (h *harness) trigger(name string, force bool) []history.Run {
	h.t.Helper()
	done, err := h.s.Trigger(name, force)
	if err != nil {
		h.t.Fatal(err)
	}
	select {
	case runs := <-done:
		for range runs {
			<-h.ended
		}
		return runs
	case <-time.After(60 * time.Second):
		h.t.Fatal("run did not end")
		return nil
	}
}

// bumpDemand adds delta to the first demand of a book: a changed input.
func (h *harness) bumpDemand(id string, delta float64) {
	h.t.Helper()
	d := h.book(id)
	for _, s := range d.Sheets() {
		if s.Name != "Demand" {
			continue
		}
		s.Rows[1][2].Num += delta
		b := &driver.Batch{Delete: []string{"Demand"}, Add: []driver.TaggedSheet{{Sheet: &s}}}
		if err := d.Update(context.Background(), b); err != nil {
			h.t.Fatal(err)
		}
		return
	}
	h.t.Fatal("no Demand tab")
}

// auxonRuns lists the run ids of a book's auxon tabs, oldest first.
func (h *harness) auxonRuns(id string) []string {
	h.t.Helper()
	tabs, err := workbook.New(h.book(id), nil).AuxonTabs(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, t := range tabs {
		if len(out) == 0 || out[len(out)-1] != t.Tag.RunID {
			out = append(out, t.Tag.RunID)
		}
	}
	return out
}
