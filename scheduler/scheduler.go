// Package scheduler is auxon serve: it replans every configured job on
// its cron schedule, keeps the history of runs, and serves health,
// metrics, the job list, run history and a manual trigger over HTTP.
//
// Schedules are robfig/cron specs read in each job's time zone, driven by
// an injected Clock (so tests move time instead of sleeping). A job never
// overlaps itself: a fire that finds the job still running is dropped and
// counted, in the manner of cron.SkipIfStillRunning, and a manual trigger
// gets ErrBusy. At most MaxConcurrent runs solve at once; each has a
// timeout; a panic fails that run only. A run whose input (the intent's
// fingerprint and the job's solver settings) equals that of the job's
// last successful run over the same source is recorded as skipped; a
// forced trigger plans anyway.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/auxon-planner/auxon/pipeline"
	"github.com/auxon-planner/auxon/scheduler/history"
	"github.com/auxon-planner/auxon/workbook"
)

// Opener opens the workbook of one source: one spreadsheet, or one XLSX
// file (XLSX holds a single path, never a glob). The scheduler closes it.
type Opener func(ctx context.Context, src Source) (*workbook.Workbook, error)

// RunFunc plans one workbook; pipeline.Run by default.
type RunFunc func(ctx context.Context, job pipeline.Job) (*pipeline.Outcome, error)

// Triggers, as recorded in the history.
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"
	TriggerForced   = "forced"
)

// Errors of Trigger.
var (
	ErrUnknownJob = errors.New("no such job")
	ErrBusy       = errors.New("job is already running")
	ErrDisabled   = errors.New("job is disabled")
	ErrStopping   = errors.New("the scheduler is stopping")
)

// Scheduler runs jobs on their schedules. Make one with New, give it
// jobs with SetJobs, then Start it; Stop ends it.
type Scheduler struct {
	store      *history.Store
	clock      Clock
	log        *slog.Logger
	open       Opener
	run        RunFunc
	metrics    *Metrics
	randN      func(n int64) int64
	planDir    string
	hook       func(history.Run)
	runTimeout time.Duration
	jitter     time.Duration
	sem        chan struct{}

	mu       sync.Mutex
	entries  []*entry
	byName   map[string]*entry
	busy     map[string]chan struct{} // by job name; survives reloads
	started  bool
	stopping bool
	reload   chan struct{}

	runCtx     context.Context
	cancelRuns context.CancelFunc
	stopLoop   context.CancelFunc
	loopDone   chan struct{}
	wg         sync.WaitGroup
}

// entry is a job and its schedule.
type entry struct {
	job   Job
	sched cron.Schedule // nil: manual triggers only
	loc   *time.Location
	next  time.Time
}

// New returns a scheduler recording runs in store.
func New(store *history.Store, opts ...Option) *Scheduler {
	s := &Scheduler{
		store:      store,
		clock:      realClock{},
		log:        slog.New(slog.DiscardHandler),
		open:       OpenXLSX,
		run:        pipeline.Run,
		randN:      rand.Int64N,
		runTimeout: DefaultRunTimeout,
		byName:     map[string]*entry{},
		busy:       map[string]chan struct{}{},
		reload:     make(chan struct{}, 1),
		loopDone:   make(chan struct{}),
	}
	for _, o := range append([]Option{WithMaxConcurrent(DefaultMaxConcurrent)}, opts...) {
		o(s)
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	s.runCtx, s.cancelRuns = context.WithCancel(context.Background())
	return s
}

// Metrics returns the scheduler's metrics.
func (s *Scheduler) Metrics() *Metrics { return s.metrics }

// SetJobs replaces the jobs (at start, and on a config reload). Schedules
// restart from now; a job running under its name keeps running and still
// blocks overlapping runs.
func (s *Scheduler) SetJobs(jobs []Job) error {
	entries := make([]*entry, 0, len(jobs))
	byName := map[string]*entry{}
	for _, j := range jobs {
		e := &entry{job: j}
		var err error
		if e.loc, err = time.LoadLocation(j.TimeZone); err != nil {
			return fmt.Errorf("job %s: %w", j.Name, err)
		}
		if j.Schedule != "" && !j.Disabled {
			if e.sched, err = ParseSchedule(j.Schedule); err != nil {
				return fmt.Errorf("job %s: %w", j.Name, err)
			}
		}
		if byName[j.Name] != nil {
			return fmt.Errorf("job %s is defined twice", j.Name)
		}
		entries, byName[j.Name] = append(entries, e), e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	for _, e := range entries {
		if e.sched != nil {
			e.next = e.sched.Next(now.In(e.loc))
		}
		if s.busy[e.job.Name] == nil {
			s.busy[e.job.Name] = make(chan struct{}, 1)
		}
		s.metrics.addJob(e.job.Name)
	}
	s.entries, s.byName = entries, byName
	select {
	case s.reload <- struct{}{}:
	default:
	}
	return nil
}

// Start starts the schedule loop.
func (s *Scheduler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.stopping {
		return
	}
	s.started = true
	ctx, cancel := context.WithCancel(context.Background())
	s.stopLoop = cancel
	go s.loop(ctx)
}

// Ready reports whether the scheduler is started and not stopping.
func (s *Scheduler) Ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started && !s.stopping
}

// Stop stops taking runs, cancels the runs in progress (each ends as
// cancelled, or with the best plan if it was already writing) and waits
// for them until ctx ends.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	s.stopping = true
	started := s.started
	s.mu.Unlock()
	if started {
		s.stopLoop()
		<-s.loopDone
	}
	s.cancelRuns()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("scheduler: runs still stopping: %w", ctx.Err())
	}
}

// loop fires due jobs, sleeping on the clock until the next one.
func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.loopDone)
	for {
		s.mu.Lock()
		now := s.clock.Now()
		var next time.Time
		for _, e := range s.entries {
			if e.sched != nil && (next.IsZero() || e.next.Before(next)) {
				next = e.next
			}
		}
		s.mu.Unlock()
		var fire <-chan time.Time
		var t Timer
		if !next.IsZero() {
			t = s.clock.NewTimer(next.Sub(now))
			fire = t.C()
		}
		select {
		case <-fire:
			s.fireDue()
		case <-s.reload:
		case <-ctx.Done():
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// fireDue starts every job whose time has come and schedules its next
// fire.
func (s *Scheduler) fireDue() {
	s.mu.Lock()
	now := s.clock.Now()
	var due []*entry
	for _, e := range s.entries {
		if e.sched != nil && !e.next.After(now) {
			due = append(due, e)
			e.next = e.sched.Next(now.In(e.loc))
		}
	}
	s.mu.Unlock()
	for _, e := range due {
		if _, err := s.dispatch(e.job, TriggerSchedule); err != nil {
			s.log.Warn("scheduled run dropped", "job", e.job.Name, "reason", err.Error())
			if errors.Is(err, ErrBusy) {
				s.metrics.scheduleSkips.WithLabelValues(e.job.Name).Inc()
			}
		}
	}
}

// Trigger starts a run of the named job now (no jitter). Unless force is
// set, an unchanged input is recorded as skipped. The channel receives
// the job's runs (one per source) when they end.
func (s *Scheduler) Trigger(name string, force bool) (<-chan []history.Run, error) {
	s.mu.Lock()
	e := s.byName[name]
	s.mu.Unlock()
	switch {
	case e == nil:
		return nil, fmt.Errorf("%w: %q", ErrUnknownJob, name)
	case e.job.Disabled:
		return nil, fmt.Errorf("%s: %w", name, ErrDisabled)
	}
	trigger := TriggerManual
	if force {
		trigger = TriggerForced
	}
	return s.dispatch(e.job, trigger)
}

// dispatch claims the job (or fails with ErrBusy) and runs it in the
// background.
func (s *Scheduler) dispatch(job Job, trigger string) (<-chan []history.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return nil, ErrStopping
	}
	busy := s.busy[job.Name]
	select {
	case busy <- struct{}{}:
	default:
		return nil, fmt.Errorf("%s: %w", job.Name, ErrBusy)
	}
	done := make(chan []history.Run, 1)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		runs := func() []history.Run {
			defer func() { <-busy }()
			return s.execute(job, trigger)
		}()
		done <- runs // the job is free again before anyone hears it ended
	}()
	return done, nil
}

// execute waits out the jitter and a solve slot, then plans every source
// of the job in turn.
func (s *Scheduler) execute(job Job, trigger string) []history.Run {
	if trigger == TriggerSchedule && !s.waitJitter(job) {
		return nil
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-s.runCtx.Done():
		s.log.Info("run not started: stopping", "job", job.Name)
		return nil
	}
	srcs, err := expand(job.Source())
	if err != nil {
		r := s.failedRun(job, trigger, job.XLSX, err)
		return []history.Run{r}
	}
	var runs []history.Run
	for _, src := range srcs {
		if s.runCtx.Err() != nil {
			break
		}
		runs = append(runs, s.runOne(job, src, trigger))
	}
	return runs
}

// waitJitter sleeps (on the clock) a random time below the job's jitter;
// it returns false if the scheduler stopped meanwhile.
func (s *Scheduler) waitJitter(job Job) bool {
	j := s.jitter
	if job.Jitter > 0 {
		j = job.Jitter.D()
	}
	if j <= 0 {
		return true
	}
	d := time.Duration(s.randN(int64(j)))
	s.log.Debug("jitter", "job", job.Name, "delay", d.String())
	t := s.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-s.runCtx.Done():
		return false
	}
}
