package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/pipeline"
	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/scheduler"
	"github.com/auxon-planner/auxon/scheduler/history"
	"github.com/auxon-planner/auxon/workbook/driver"
)

// fakeOutcome is what a fake run reports: a plan, without solving.
func fakeOutcome(job pipeline.Job) *pipeline.Outcome {
	gap := 0.01
	return &pipeline.Outcome{Tabs: []string{"auxon Plan"},
		Report: &planner.Report{RunID: job.RunID, Status: planner.StatusOptimal, Gap: &gap, Cost: planner.Cost{Total: 100}}}
}

func runsOf(t *testing.T, s *history.Store, job string) []history.Run {
	t.Helper()
	runs, err := s.Runs(job, 0)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// The schedule is read in each job's time zone; the clock, not sleeps,
// decides when jobs fire.
func TestScheduleFiresInJobTimeZone(t *testing.T) {
	h := newHarness(t, scheduler.WithRunFunc(func(ctx context.Context, j pipeline.Job) (*pipeline.Outcome, error) {
		return fakeOutcome(j), nil
	}))
	h.setJobs(
		scheduler.Job{Name: "tokyo", Sheet: "t", Schedule: "0 3 * * *", TimeZone: "Asia/Tokyo"},
		scheduler.Job{Name: "newyork", Sheet: "n", Schedule: "0 3 * * *", TimeZone: "America/New_York"},
		scheduler.Job{Name: "utc", Sheet: "u", Schedule: "0 3 * * *"},
		scheduler.Job{Name: "manual", Sheet: "m"},
	)
	wantNext := map[string]time.Time{
		"tokyo":   time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC), // 03:00 JST on the 26th
		"newyork": time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC),  // 03:00 EST
		"utc":     time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC),
	}
	jobs, err := h.s.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		want, scheduled := wantNext[j.Name]
		switch {
		case !scheduled && j.Next != nil:
			t.Errorf("%s: next run %v, want none", j.Name, j.Next)
		case scheduled && (j.Next == nil || !j.Next.Equal(want)):
			t.Errorf("%s: next run %v, want %v", j.Name, j.Next, want)
		}
	}
	steps := []struct {
		to   time.Time
		want []string // jobs that fire on reaching to, in order
	}{
		{time.Date(2026, 11, 25, 17, 59, 59, 0, time.UTC), nil},
		{time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC), []string{"tokyo"}},
		{time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), []string{"utc"}},
		{time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC), []string{"newyork"}},
		{time.Date(2026, 11, 26, 17, 59, 0, 0, time.UTC), nil},
		{time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC), []string{"tokyo"}},
	}
	for _, st := range steps {
		h.waitTimers(1)
		h.clock.Set(st.to)
		for _, name := range st.want {
			if r := h.waitRun(); r.Job != name || r.Trigger != scheduler.TriggerSchedule || !r.Start.Equal(st.to) {
				t.Errorf("at %v: run %s (%s) started %v, want %s", st.to, r.Job, r.Trigger, r.Start, name)
			}
		}
	}
	h.waitTimers(1)
	select {
	case r := <-h.ended:
		t.Errorf("unexpected run of %s", r.Job)
	default:
	}
}

// Fifty jobs due in the same minute: at most MaxConcurrent run at once,
// a job never overlaps itself (a fire while it runs is dropped and
// counted), and every job runs exactly once.
func TestFiftyJobsSameMinute(t *testing.T) {
	const jobs, limit = 50, 4
	var active, maxActive atomic.Int32
	var mu sync.Mutex
	perJob, maxPerJob, runsPerJob := map[string]int{}, 0, map[string]int{}
	entered := make(chan string, jobs)
	release := make(chan struct{})
	run := func(ctx context.Context, j pipeline.Job) (*pipeline.Outcome, error) {
		n := active.Add(1)
		defer active.Add(-1)
		for m := maxActive.Load(); n > m && !maxActive.CompareAndSwap(m, n); m = maxActive.Load() {
		}
		name := strings.SplitN(j.Prefix, "/", 2)[0]
		mu.Lock()
		perJob[name]++
		runsPerJob[name]++
		maxPerJob = max(maxPerJob, perJob[name])
		mu.Unlock()
		entered <- name
		<-release
		mu.Lock()
		perJob[name]--
		mu.Unlock()
		return fakeOutcome(j), nil
	}
	h := newHarness(t, scheduler.WithRunFunc(run), scheduler.WithMaxConcurrent(limit))
	var js []scheduler.Job
	for i := range jobs {
		name := fmt.Sprintf("job%02d", i)
		js = append(js, scheduler.Job{Name: name, Sheet: name, Schedule: "0 3 * * *", TimeZone: "Europe/Paris", Prefix: name})
	}
	h.setJobs(js...)
	h.waitTimers(1)
	h.clock.Set(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)) // 03:00 in Paris
	for range limit {
		<-entered
	}
	// A day later every job is still running or queued: all 50 fires
	// are dropped.
	h.waitTimers(1)
	h.clock.Advance(24 * time.Hour)
	h.waitTimers(1)
	skips := metricValue(t, h.s.Metrics().Registry(), "auxon_schedule_skips_total")
	if skips != jobs {
		t.Errorf("%v scheduled fires dropped while running, want %d", skips, jobs)
	}
	if got := active.Load(); got != limit {
		t.Errorf("%d runs active with %d slots", got, limit)
	}
	close(release)
	for range jobs {
		if r := h.waitRun(); r.Outcome != history.OK {
			t.Errorf("%s: %s %s", r.Job, r.Outcome, r.Error)
		}
	}
	t.Logf("max concurrency observed %d (limit %d), max runs of one job at once %d", maxActive.Load(), limit, maxPerJob)
	if maxActive.Load() != limit || maxPerJob != 1 {
		t.Errorf("max concurrency %d (want %d), max per job %d (want 1)", maxActive.Load(), limit, maxPerJob)
	}
	for _, j := range js {
		if runsPerJob[j.Name] != 1 {
			t.Errorf("%s ran %d times, want once", j.Name, runsPerJob[j.Name])
		}
	}
	if n := len(runsOf(t, h.store, "")); n != jobs {
		t.Errorf("%d runs in history, want %d", n, jobs)
	}
}

// A run whose input equals the last successful run's is skipped; a
// forced trigger, a changed intent or changed solver settings replan.
// Real pipeline runs (greedy solver) on an in-memory Sheets stand-in.
func TestUnchangedInputIsSkipped(t *testing.T) {
	h := newHarness(t)
	job := scheduler.Job{Name: "eu", Sheet: "sheet-1", Solver: pipeline.SolverGreedy}
	h.setJobs(job)
	steps := []struct {
		name   string
		change func()
		force  bool
		want   history.Outcome
	}{
		{"first run plans", nil, false, history.OK},
		{"same input is skipped", nil, false, history.Skipped},
		{"forced run plans", nil, true, history.OK},
		{"same input again is skipped", nil, false, history.Skipped},
		{"changed demand replans", func() { h.bumpDemand("sheet-1", 5) }, false, history.OK},
		{"changed solver settings replan", func() {
			j := job
			j.Prefix = "other"
			if err := h.s.SetJobs([]scheduler.Job{j}); err != nil {
				t.Fatal(err)
			}
		}, false, history.OK},
		{"and then skip", nil, false, history.Skipped},
	}
	var lastOK string
	for _, st := range steps {
		if st.change != nil {
			st.change()
		}
		runs := h.trigger("eu", st.force)
		if len(runs) != 1 {
			t.Fatalf("%s: %d runs", st.name, len(runs))
		}
		r := runs[0]
		if r.Outcome != st.want {
			t.Errorf("%s: outcome %s (%s), want %s", st.name, r.Outcome, r.Error, st.want)
		}
		switch r.Outcome {
		case history.OK:
			if len(r.Tabs) == 0 || r.Fingerprint == "" || r.Status == "" {
				t.Errorf("%s: ok run without tabs, fingerprint or status: %+v", st.name, r)
			}
			lastOK = r.ID
		case history.Skipped:
			if r.SkippedFor != lastOK || len(r.Tabs) != 0 {
				t.Errorf("%s: skipped for %q, want %q; tabs %v", st.name, r.SkippedFor, lastOK, r.Tabs)
			}
		}
	}
	reg := h.s.Metrics().Registry()
	for outcome, want := range map[string]float64{"ok": 4, "skipped": 3} {
		got := metricValue(t, reg, "auxon_runs_total", "job", "eu", "outcome", outcome)
		if got != want {
			t.Errorf("auxon_runs_total{outcome=%q} = %v, want %v", outcome, got, want)
		}
	}
}

// keep_last keeps the tabs of the last N runs and never touches the
// planner's tabs.
func TestKeepLast(t *testing.T) {
	h := newHarness(t)
	h.setJobs(scheduler.Job{Name: "eu", Sheet: "s", Solver: pipeline.SolverGreedy, KeepLast: 2})
	var ids []string
	for i := range 4 {
		h.clock.Advance(time.Minute) // distinct tab names and creation times
		r := h.trigger("eu", true)[0]
		if r.Outcome != history.OK {
			t.Fatalf("run %d: %s %s", i, r.Outcome, r.Error)
		}
		if wantDeleted := i >= 2; (len(r.Deleted) > 0) != wantDeleted {
			t.Errorf("run %d deleted %v", i, r.Deleted)
		}
		ids = append(ids, r.ID)
	}
	if got := h.auxonRuns("s"); fmt.Sprint(got) != fmt.Sprint(ids[2:]) {
		t.Errorf("auxon tabs of runs %v, want %v", got, ids[2:])
	}
	for _, s := range h.book("s").Sheets() {
		if s.Name == "Demand" {
			return
		}
	}
	t.Error("the Demand tab is gone")
}

// A panic fails its run only; the job runs again afterwards.
func TestPanicIsRecoveredPerRun(t *testing.T) {
	var calls atomic.Int32
	h := newHarness(t, scheduler.WithRunFunc(func(ctx context.Context, j pipeline.Job) (*pipeline.Outcome, error) {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return fakeOutcome(j), nil
	}))
	h.setJobs(scheduler.Job{Name: "a", Sheet: "a"})
	if r := h.trigger("a", false)[0]; r.Outcome != history.Failed || !strings.Contains(r.Error, "boom") {
		t.Errorf("panicking run: %s %q", r.Outcome, r.Error)
	}
	if r := h.trigger("a", false)[0]; r.Outcome != history.OK {
		t.Errorf("run after the panic: %s %q", r.Outcome, r.Error)
	}
}

// blockingRun waits for its context and reports its error, signalling
// when it has started.
func blockingRun(started chan<- string) scheduler.RunFunc {
	return func(ctx context.Context, j pipeline.Job) (*pipeline.Outcome, error) {
		started <- j.RunID
		<-ctx.Done()
		return nil, ctx.Err()
	}
}

func TestRunTimeout(t *testing.T) {
	started := make(chan string, 1)
	h := newHarness(t, scheduler.WithRunFunc(blockingRun(started)))
	h.setJobs(scheduler.Job{Name: "a", Sheet: "a", Timeout: scheduler.Duration(time.Millisecond)})
	if r := h.trigger("a", false)[0]; r.Outcome != history.TimedOut {
		t.Errorf("outcome %s %q, want timeout", r.Outcome, r.Error)
	}
}

// Trigger refuses unknown, disabled and running jobs.
func TestTriggerErrors(t *testing.T) {
	started := make(chan string, 1)
	h := newHarness(t, scheduler.WithRunFunc(blockingRun(started)))
	h.setJobs(scheduler.Job{Name: "a", Sheet: "a"}, scheduler.Job{Name: "off", Sheet: "o", Disabled: true})
	if _, err := h.s.Trigger("a", false); err != nil {
		t.Fatal(err)
	}
	<-started
	tests := []struct {
		job  string
		want error
	}{
		{"a", scheduler.ErrBusy},
		{"nope", scheduler.ErrUnknownJob},
		{"off", scheduler.ErrDisabled},
	}
	for _, tt := range tests {
		if _, err := h.s.Trigger(tt.job, true); !errors.Is(err, tt.want) {
			t.Errorf("Trigger(%s): %v, want %v", tt.job, err, tt.want)
		}
	}
}

// Stop cancels running solves, records them cancelled and takes no
// more runs.
func TestStopCancelsRuns(t *testing.T) {
	started := make(chan string, 2)
	h := newHarness(t, scheduler.WithRunFunc(blockingRun(started)), scheduler.WithMaxConcurrent(2))
	h.setJobs(scheduler.Job{Name: "a", Sheet: "a"}, scheduler.Job{Name: "b", Sheet: "b"})
	for _, j := range []string{"a", "b"} {
		if _, err := h.s.Trigger(j, false); err != nil {
			t.Fatal(err)
		}
		<-started
	}
	if !h.s.Ready() {
		t.Error("not ready before Stop")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := h.waitRun(); r.Outcome != history.Cancelled {
			t.Errorf("%s: %s, want cancelled", r.Job, r.Outcome)
		}
	}
	if h.s.Ready() {
		t.Error("ready after Stop")
	}
	if _, err := h.s.Trigger("a", false); !errors.Is(err, scheduler.ErrStopping) {
		t.Errorf("Trigger after Stop: %v", err)
	}
}

// Jitter delays a scheduled run on the clock.
func TestJitterDelaysScheduledRuns(t *testing.T) {
	h := newHarness(t, scheduler.WithJitter(10*time.Minute), scheduler.WithRand(func(n int64) int64 { return n / 2 }),
		scheduler.WithRunFunc(func(ctx context.Context, j pipeline.Job) (*pipeline.Outcome, error) { return fakeOutcome(j), nil }))
	h.setJobs(scheduler.Job{Name: "a", Sheet: "a", Schedule: "0 18 * * *"})
	h.waitTimers(1)
	h.clock.Set(time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC))
	h.waitTimers(2) // the next fire and the jitter
	h.clock.Advance(5*time.Minute - time.Second)
	select {
	case r := <-h.ended:
		t.Fatalf("run %s started before its jitter", r.ID)
	default:
	}
	h.clock.Advance(time.Second)
	if r := h.waitRun(); !r.Start.Equal(time.Date(2026, 11, 25, 18, 5, 0, 0, time.UTC)) {
		t.Errorf("run started at %v, want 18:05", r.Start)
	}
}

// Without a Sheets driver, a Sheets job fails with a clear error.
func TestSheetsJobWithoutDriver(t *testing.T) {
	store, _, err := history.Open(t.TempDir()+"/h.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s := scheduler.New(store)
	defer s.Stop(context.Background())
	if err := s.SetJobs([]scheduler.Job{{Name: "a", Sheet: "id"}}); err != nil {
		t.Fatal(err)
	}
	done, err := s.Trigger("a", false)
	if err != nil {
		t.Fatal(err)
	}
	if r := (<-done)[0]; r.Outcome != history.Failed || !strings.Contains(r.Error, scheduler.ErrNoSheetsDriver.Error()) {
		t.Errorf("%s %q", r.Outcome, r.Error)
	}
}

// An intent with errors is recorded invalid, with the problems, and
// nothing is written.
func TestInvalidIntent(t *testing.T) {
	h := newHarness(t)
	bad := h.book("bad")
	if err := bad.Update(context.Background(), &driver.Batch{Delete: []string{"Demand"}}); err != nil {
		t.Fatal(err)
	}
	h.setJobs(scheduler.Job{Name: "bad", Sheet: "bad", Solver: pipeline.SolverGreedy})
	r := h.trigger("bad", false)[0]
	if r.Outcome != history.Invalid || !strings.Contains(r.Error, "Demand") || len(r.Tabs) != 0 {
		t.Errorf("%s %q %v", r.Outcome, r.Error, r.Tabs)
	}
	if n := len(h.auxonRuns("bad")); n != 0 {
		t.Errorf("%d runs wrote tabs", n)
	}
}
