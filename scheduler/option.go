package scheduler

import (
	"log/slog"
	"time"

	"github.com/auxon-planner/auxon/scheduler/history"
)

// Option configures a Scheduler.
type Option func(*Scheduler)

// WithClock sets the clock that drives schedules and jitter (default: the
// wall clock).
func WithClock(c Clock) Option { return func(s *Scheduler) { s.clock = c } }

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(s *Scheduler) { s.log = l } }

// WithOpener sets how sources are opened (default OpenXLSX, which
// refuses Sheets sources).
func WithOpener(o Opener) Option { return func(s *Scheduler) { s.open = o } }

// WithRunFunc replaces pipeline.Run (tests use it to hold or fake runs).
func WithRunFunc(f RunFunc) Option { return func(s *Scheduler) { s.run = f } }

// WithMetrics sets the metrics to record into (default: NewMetrics()).
func WithMetrics(m *Metrics) Option { return func(s *Scheduler) { s.metrics = m } }

// WithMaxConcurrent bounds the runs that solve at once (default
// DefaultMaxConcurrent; values below 1 count as 1).
func WithMaxConcurrent(n int) Option {
	return func(s *Scheduler) { s.sem = make(chan struct{}, max(n, 1)) }
}

// WithRunTimeout bounds each run from when it gets its solve slot
// (default DefaultRunTimeout); a job's Timeout overrides it.
func WithRunTimeout(d time.Duration) Option {
	return func(s *Scheduler) {
		if d > 0 {
			s.runTimeout = d
		}
	}
}

// WithJitter delays each scheduled run by a random duration in [0, d)
// (default 0); a job's Jitter overrides it.
func WithJitter(d time.Duration) Option { return func(s *Scheduler) { s.jitter = d } }

// WithRand sets the source of jitter: a uniform value in [0, n) (default
// math/rand/v2.Int64N).
func WithRand(f func(n int64) int64) Option { return func(s *Scheduler) { s.randN = f } }

// WithPlanDir makes each run write DIR/JOB/SOURCE.plan.json (default: no
// plan.json).
func WithPlanDir(dir string) Option { return func(s *Scheduler) { s.planDir = dir } }

// WithRunHook calls f with every run once it is recorded as ended (for
// notifications; tests use it to wait for runs without sleeping).
func WithRunHook(f func(history.Run)) Option { return func(s *Scheduler) { s.hook = f } }
